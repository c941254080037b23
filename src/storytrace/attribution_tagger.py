"""Source, cue and content spans tagged word by word: a small BiLSTM over the parse.

The rules of `attributions` find an attribution from its cue verb and take its spans from
the parse's subtrees; where the parse's edges are not PolNeAR's (a content that stops
before an adverbial, a source without its apposition) no candidate is right. This model
reads the same parse the way a sequence labeller does: for each word, spaCy's own
contextual vector (`Doc.tensor`, the tok2vec the tagger and parser share), its tag,
dependency label, entity, shape, hashed form and head's form, whether it sits in a
quotation, and two bidirectional LSTM layers over them give a B/I/O label per role. A
constrained Viterbi decode (no I after O) turns labels into spans.

Under the `attribution_cues` setting `tagger` (the default), `attributions.find_attributions`
takes the tagger's attributions (each tagged cue with the nearest tagged content and
source) and the rules' quotations where the two agree or the tagger found none: on
PolNeAR's dev split this scores higher than the rules alone, and where the tagger misreads
a plainly written quotation (a content run on into its frame or into its own cue), or is
unsure where a content starts or ends, the rules' reading is kept (docs/evaluation.md).

The weights are fitted on PolNeAR's training split by `scripts/train_attribution_tagger.py`
(about eleven minutes on two cores, the parse included) and ship as `attribution_tagger.pt`
(3.5 MB, the weights in float16). They are tied to the spaCy model they were trained
with: its contextual vectors are inputs, so under another model (or a Doc without its
tensor) the tagger stands aside and the rules work alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from storytrace.attribution_model import QUOTE_MARKS
from storytrace.models import spacy_pipeline

TAGGER_FILE = "attribution_tagger.pt"
ROLES = ("source", "cue", "content")
HASH_BUCKETS = 1 << 15
HEAD_OFFSET = 6  # the head's distance in words, clipped to ±6
CHUNK = 400  # words per sequence, in training and tagging alike
BATCH = 16  # sequences per pass of the network when tagging (32 was no quicker)
# a content the tagger is unsure of is left to the rules: its first word B with a
# probability under SURE_START, or the word after it I with one over 1 - SURE_END (chosen
# on held-out training articles: content exact F1 0.590 -> 0.623 there)
SURE_START, SURE_END = 0.5, 0.7
VECTOR_WIDTH = 96  # the width of the small English model's contextual vectors
Extent = tuple[int, int]


# the categorical attributes, by their names in `spacy.attrs`
_CATEGORIES = ("POS", "TAG", "DEP", "ENT_IOB", "ENT_TYPE", "SHAPE")
CATEGORIES = len(_CATEGORIES)
_HEAD_SALT = 0x9E3779B97F4A7C15  # the head's form hashes apart from the word's own


def categorical_features(
    doc: Any, regions: Sequence[Extent], vocabularies: Sequence[dict[str, int]], grow: bool
) -> np.ndarray:
    """One row of integer features per word (see the module docstring), from the Doc's
    arrays: a category unseen in training is 0 unless `grow` adds it (training)."""
    strings = doc.vocab.strings
    columns = doc.to_array([*_CATEGORIES, "LOWER", "HEAD", "SENT_START", "IDX"]).astype(np.uint64)
    rows = np.zeros((len(doc), len(_CATEGORIES) + 5), dtype=np.int64)
    for k, vocabulary in enumerate(vocabularies):
        values, inverse = np.unique(columns[:, k], return_inverse=True)
        if grow:
            for value in values:
                vocabulary.setdefault(strings[int(value)], len(vocabulary) + 1)
        numbers = [vocabulary.get(strings[int(value)], 0) for value in values]
        rows[:, k] = np.asarray(numbers, dtype=np.int64)[inverse.reshape(-1)]
    c = len(_CATEGORIES)
    lower = columns[:, c]
    offsets = columns[:, c + 1].view(np.int64)
    positions = np.arange(len(doc))
    rows[:, c] = (lower % HASH_BUCKETS).astype(np.int64)
    rows[:, c + 1] = ((lower[positions + offsets] ^ np.uint64(_HEAD_SALT)) % HASH_BUCKETS).astype(
        np.int64
    )
    starts = columns[:, c + 3].astype(np.int64)
    marks = np.isin(lower, [strings[mark] for mark in QUOTE_MARKS])
    rows[:, c + 2] = _quoted(regions, starts) | marks
    rows[:, c + 3] = columns[:, c + 2].view(np.int64) == 1
    rows[:, c + 4] = np.clip(offsets, -HEAD_OFFSET, HEAD_OFFSET) + HEAD_OFFSET
    return rows


def _quoted(regions: Sequence[Extent], starts: np.ndarray) -> np.ndarray:
    """Whether each word starts strictly inside a quotation (`inside_quote`, vectorised)."""
    if not regions:
        return np.zeros(len(starts), dtype=bool)
    opens = np.array([r[0] for r in regions], dtype=np.int64)
    closes = np.array([r[1] for r in regions], dtype=np.int64)
    at = np.searchsorted(opens, starts, side="right") - 1
    found = at >= 0
    at = np.maximum(at, 0)
    return found & (opens[at] < starts) & (starts < closes[at])


def role_labels(doc: Any, spans: Sequence[Sequence[Extent]]) -> np.ndarray:
    """Gold B/I/O labels (0 O, 1 B, 2 I) per role and word: `spans[r]` are role r's
    character extents; of nested spans the longer wins, as a B/I/O row holds one."""
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    ends = starts + np.array([len(t) for t in doc], dtype=np.int64)
    labels = np.zeros((len(ROLES), len(doc)), dtype=np.int64)
    for role, extents in enumerate(spans):
        for start, end in sorted(set(extents), key=lambda e: e[1] - e[0]):
            words = np.nonzero((starts >= start) & (ends <= end))[0]
            if len(words):
                labels[role, words[0]] = 1
                labels[role, words[1:]] = 2
    return labels


def build_network(sizes: Sequence[int], hidden: int, layers: int) -> Any:
    """The network: embeddings and spaCy's vector, a projection, a BiLSTM, 3 x 3 logits."""
    import torch
    from torch import nn

    class SpanTagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.categories = nn.ModuleList([nn.Embedding(size + 2, 16) for size in sizes])
            self.words = nn.Embedding(HASH_BUCKETS, 32)
            self.quoted = nn.Embedding(2, 8)
            self.sentence_start = nn.Embedding(2, 4)
            self.head_offset = nn.Embedding(2 * HEAD_OFFSET + 1, 8)
            width = VECTOR_WIDTH + 16 * len(sizes) + 2 * 32 + 8 + 4 + 8
            self.project = nn.Sequential(nn.Linear(width, 128), nn.ReLU(), nn.Dropout(0.2))
            self.lstm = nn.LSTM(
                128,
                hidden,
                num_layers=layers,
                bidirectional=True,
                batch_first=True,
                dropout=0.2 if layers > 1 else 0.0,
            )
            self.out = nn.Linear(2 * hidden, 3 * len(ROLES))

        def forward(
            self,
            vectors: torch.Tensor,
            features: torch.Tensor,
            lengths: Sequence[int] | None = None,
        ) -> torch.Tensor:
            """Logits per word, role and label. With `lengths` (each sequence's own, the
            rest of its row padding) the LSTM reads each sequence alone: the backward pass
            starts at its last word, not in the padding."""
            parts = [vectors]
            parts += [embed(features[..., k]) for k, embed in enumerate(self.categories)]
            c = len(sizes)
            parts += [
                self.words(features[..., c]),
                self.words(features[..., c + 1]),
                self.quoted(features[..., c + 2]),
                self.sentence_start(features[..., c + 3]),
                self.head_offset(features[..., c + 4]),
            ]
            inputs = self.project(torch.cat(parts, -1))
            if lengths is not None and min(lengths) < inputs.shape[1]:
                packed = nn.utils.rnn.pack_padded_sequence(
                    inputs, list(lengths), batch_first=True, enforce_sorted=False
                )
                hidden_states, _ = nn.utils.rnn.pad_packed_sequence(
                    self.lstm(packed)[0], batch_first=True, total_length=inputs.shape[1]
                )
            else:
                hidden_states, _ = self.lstm(inputs)
            logits: torch.Tensor = self.out(hidden_states)
            return logits.view(*logits.shape[:-1], len(ROLES), 3)

    return SpanTagger()


def chunk_starts(length: int) -> list[int]:
    """Where the sequences of a document start: every CHUNK words, the last one ending at
    the document's end (overlapping the one before), so no sequence is padded and each is
    as long as most the tagger was trained on (equal shorter ones scored lower on dev)."""
    if length <= CHUNK:
        return [0]
    return [*range(0, length - CHUNK, CHUNK), length - CHUNK]


def viterbi(log_probs: Sequence[Sequence[float]]) -> list[int]:
    """The likeliest O/B/I path (0, 1, 2) in which I never follows O, for rows of log
    probabilities. O and B may follow anything, so they share one best predecessor; plain
    Python floats, as numpy's per-call cost on three numbers made it eight times slower."""
    if not log_probs:
        return []
    o, b, i = log_probs[0][0], log_probs[0][1], -math.inf
    back: list[tuple[int, int]] = []
    for row_o, row_b, row_i in log_probs[1:]:
        best, came = o, 0
        if b > best:
            best, came = b, 1
        if i > best:
            best, came = i, 2
        inside, came_inside = (b, 1) if b >= i else (i, 2)
        back.append((came, came_inside))
        o, b, i = best + row_o, best + row_b, inside + row_i
    label = max(range(3), key=lambda k: (o, b, i)[k])
    path = [label]
    for came, came_inside in reversed(back):
        label = came_inside if label == 2 else came
        path.append(label)
    return path[::-1]


def decode(log_probs: np.ndarray) -> list[int]:
    """`viterbi`'s path, with its loop only where it is needed. Where the likeliest label
    of each word never puts an I after an O (or first), those labels are the likeliest
    allowed path: the labels' scores are independent given the network's outputs. Where
    one does, only the stretch around it needs the loop: a word likelier B than I never
    takes I on the best path (B may follow anything and be followed by what I may), so the
    path splits before each such word into stretches decoded apart."""
    path = log_probs.argmax(-1)
    after = np.concatenate([[0], path[:-1]])
    wrong = np.nonzero((path == 2) & (after == 0))[0]
    if len(wrong):
        cuts = np.nonzero(log_probs[:, 1] > log_probs[:, 2])[0]
        for start, end in {_stretch(cuts, int(at), len(path)) for at in wrong}:
            path[start:end] = viterbi(log_probs[start:end].tolist())
    return list(path.tolist())


def _stretch(cuts: np.ndarray, at: int, length: int) -> Extent:
    """The stretch holding word `at`: from the last cut at or before it (or the start) to
    the next cut after it (or the end)."""
    index = int(np.searchsorted(cuts, at, side="right"))
    start = int(cuts[index - 1]) if index else 0
    end = int(cuts[index]) if index < len(cuts) else length
    return start, end


def path_runs(path: Sequence[int]) -> list[tuple[int, int]]:
    """The B/I runs of one role's path: each run's first word and the word after its last
    (an I with no B before it starts nothing)."""
    runs: list[tuple[int, int]] = []
    first: int | None = None
    for number, label in enumerate(path):
        if label != 2 and first is not None:
            runs.append((first, number))
            first = None
        if label == 1:
            first = number
    if first is not None:
        runs.append((first, len(path)))
    return runs


def path_extents(words: Sequence[Extent], path: Sequence[int]) -> list[Extent]:
    """The character extents of the B/I runs of one role's path over the words (each
    word's extent; `word_extents`)."""
    return [(words[first][0], words[after - 1][1]) for first, after in path_runs(path)]


def word_extents(doc: Any) -> list[Extent]:
    """Each word's character extent, from the Doc's arrays (no Token objects made)."""
    starts, lengths = doc.to_array(["IDX", "LENGTH"]).astype(np.int64).T
    return list(zip(starts.tolist(), (starts + lengths).tolist(), strict=True))


@dataclass(frozen=True, slots=True)
class TaggedRoles:
    """The tagger's spans of one document, per role."""

    source: tuple[Extent, ...]
    cue: tuple[Extent, ...]
    content: tuple[Extent, ...]
    # how sure the tagger is each content starts and ends where it does: the probability
    # of B at its first word, and of anything but I at the word after it (empty when not
    # computed: every content counts as sure)
    content_confidence: tuple[tuple[float, float], ...] = ()

    def unsure(self, content: Extent) -> bool:
        """Whether the tagger is unsure of the content holding `content` (a tagged content
        or a piece of one): `SURE_START`, `SURE_END`."""
        return any(
            start <= content[0] and content[1] <= end and (opens < SURE_START or ends < SURE_END)
            # no confidences (made by hand): every content counts as sure
            for (start, end), (opens, ends) in zip(
                self.content, self.content_confidence, strict=False
            )
        )


class AttributionTagger:
    """The network with the vocabularies its categorical inputs were numbered by."""

    def __init__(self, network: Any, vocabularies: list[dict[str, int]], spacy_model: str):
        self.network = network.eval()
        self.vocabularies = vocabularies
        self.spacy_model = spacy_model

    @classmethod
    def from_saved(cls, saved: dict[str, Any]) -> AttributionTagger:
        vocabularies = saved["vocabularies"]
        network = build_network([len(v) for v in vocabularies], saved["hidden"], saved["layers"])
        network.load_state_dict(saved["state"])
        return cls(network, vocabularies, saved["spacy_model"])

    def fits(self, doc: Any) -> bool:
        """Whether `doc` was parsed by storytrace's pipeline, of the spaCy model the tagger
        was trained on, and still has its contextual vectors (a Doc read back from disk
        has none)."""
        nlp = spacy_pipeline()
        shape = getattr(doc.tensor, "shape", (0,))
        return (
            doc.vocab is nlp.vocab
            and _pipeline_name() == self.spacy_model
            and len(shape) == 2
            and shape == (len(doc), VECTOR_WIDTH)
        )

    def tag(self, doc: Any, regions: Sequence[Extent]) -> TaggedRoles:
        """The spans of each role in `doc` (`regions`: its quotations, `quote_regions`)."""
        return self.tag_many([doc], [regions])[0]

    def tag_many(
        self, docs: Sequence[Any], regions: Sequence[Sequence[Extent]]
    ) -> list[TaggedRoles]:
        """`tag` of each Doc (`regions[k]`: the quotations of `docs[k]`), their sequences
        run through the network `BATCH` at a time: the LSTM steps word by word, and a step
        over many sequences costs little more than over one (the same outputs; what the
        default adds to the parse went from about 0.3 to 0.2-0.26, docs/performance.md). A
        word in two sequences of its Doc (the last one overlaps the one before) takes the
        later one's labels."""
        import torch

        sequences: list[tuple[int, int, Any, Any]] = []  # Doc, first word, inputs
        for number, (doc, quoted) in enumerate(zip(docs, regions, strict=True)):
            if len(doc) == 0:
                continue
            vectors = torch.from_numpy(np.asarray(doc.tensor, dtype=np.float32))
            features = torch.from_numpy(
                categorical_features(doc, quoted, self.vocabularies, grow=False)
            )
            width = min(CHUNK, len(doc))
            sequences += [
                (number, start, vectors[start : start + width], features[start : start + width])
                for start in chunk_starts(len(doc))
            ]
        # longest first, so each batch pads little; the sort is stable, so a Doc's
        # sequences (all CHUNK words long when it has several) keep their order
        sequences.sort(key=lambda sequence: -len(sequence[3]))
        pad = torch.nn.utils.rnn.pad_sequence
        with torch.inference_mode():
            per_word = [torch.empty(len(doc), len(ROLES), 3) for doc in docs]
            for first in range(0, len(sequences), BATCH):
                group = sequences[first : first + BATCH]
                lengths = [len(features) for _, _, _, features in group]
                logits = self.network(
                    pad([vectors for _, _, vectors, _ in group], batch_first=True),
                    pad([features for _, _, _, features in group], batch_first=True),
                    lengths,
                )
                for row, (number, start, _, _) in enumerate(group):
                    per_word[number][start : start + lengths[row]] = logits[row, : lengths[row]]
            log_probs = [torch.log_softmax(words, -1).numpy() for words in per_word]
        return [
            _roles(doc, doc_log_probs) for doc, doc_log_probs in zip(docs, log_probs, strict=True)
        ]


def _roles(doc: Any, log_probs: np.ndarray) -> TaggedRoles:
    """The decoded spans of each role, from the network's log probabilities per word."""
    if len(doc) == 0:
        return TaggedRoles((), (), ())
    words = word_extents(doc)
    runs = [path_runs(decode(log_probs[:, role])) for role in range(len(ROLES))]
    source, cue, content = (
        tuple((words[first][0], words[after - 1][1]) for first, after in role_runs)
        for role_runs in runs
    )
    probs = np.exp(log_probs[:, ROLES.index("content")])
    confidence = tuple(
        (float(probs[first, 1]), float(1 - probs[after, 2]) if after < len(words) else 1.0)
        for first, after in runs[ROLES.index("content")]
    )
    return TaggedRoles(source, cue, content, confidence)


def pipeline_name(nlp: Any) -> str:
    """The spaCy model's name and version (`en_core_web_sm-3.8.0`)."""
    return f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"


@cache
def _pipeline_name() -> str:
    """`pipeline_name` of storytrace's pipeline, once: spaCy builds `meta` anew on each
    access (a sixth of the tagger's time when asked for every Doc)."""
    return pipeline_name(spacy_pipeline())


@cache
def attribution_tagger() -> AttributionTagger | None:
    """The trained tagger, or None when its file is not installed."""
    resource = resources.files("storytrace").joinpath(TAGGER_FILE)
    if not resource.is_file():
        return None
    import torch

    with resources.as_file(resource) as path:
        saved = torch.load(path, weights_only=True)
    return AttributionTagger.from_saved(saved)

"""Attributions on PolNeAR (`storytrace eval attribution`).

PolNeAR: political news from seven US publishers (2016) with brat standoff annotations of
`Source`, `Cue` and `Content` spans linked by an attribution relation: direct quotes,
indirect speech and "according to" alike. We score the dev split (84 articles; where an
article was annotated twice, the first annotator's file in name order); the train split
is only used to fit the models (`scripts/train_attribution_model.py`,
`scripts/train_attribution_tagger.py`).

Metric: span F1 per role, each gold or predicted span counted once per article however
many attributions share it. Exact: same boundaries after trimming white space. Overlap:
the two spans share at least half of the word tokens of the longer one. A discontinuous
gold span (`2103 2168;2170 2425`) is scored as its outer extent, as ours are. The same-run
baseline is quote marks alone (every quotation a content, no source or cue), roughly what
a quote annotator finds. Anchors on PolNeAR's test split, exact match: CofeNet (BERT)
83.2 / 75.3 / 72.9, BERT+CRF 82.2 / 74.9 / 71.0, CoreNLP 13.9 / - / 17.5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storytrace.attributions import find_attributions, quote_regions, tag_documents
from storytrace.evaluation import Metric, Scorecard, precision_recall_f1
from storytrace.models import spacy_pipeline

ANCHOR = (
    "exact F1 source/cue/content on PolNeAR test: CofeNet 0.832/0.753/0.729, "
    "BERT+CRF 0.822/0.749/0.710, CoreNLP 0.139/-/0.175"
)
ROLES = ("source", "cue", "content")
_TAG = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_WORD = re.compile(r"\w+")
Extent = tuple[int, int]


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    source: Extent | None
    cue: Extent | None
    content: Extent | None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def load_split(root: Path, split: str) -> list[GoldArticle]:
    """The articles of one split with their gold attributions (one annotator per article)."""
    folder = root / split if (root / split).is_dir() else root
    articles, seen = [], set()
    for ann in sorted((folder / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]  # the suffix names the annotator
        text_file = folder / "text" / f"{name}.txt"
        if name in seen or not text_file.exists():
            continue
        seen.add(name)
        text = text_file.read_text(encoding="utf-8")
        articles.append(GoldArticle(name, text, _parse_brat(ann.read_text(encoding="utf-8"))))
    return articles


def _parse_brat(annotation: str) -> tuple[GoldAttribution, ...]:
    spans: dict[str, Extent] = {}
    relations = []
    for line in annotation.split("\n"):
        tag = _TAG.match(line)
        if tag:
            pieces = [tuple(map(int, part.split())) for part in tag.group(3).split(";")]
            spans[tag.group(1)] = (pieces[0][0], pieces[-1][1])
        elif line.startswith("E") and "\t" in line:
            arguments = dict(part.split(":", 1) for part in line.split("\t")[1].split())
            relations.append(arguments)
    return tuple(
        GoldAttribution(*(spans.get(arguments.get(role.capitalize(), "")) for role in ROLES))
        for arguments in relations
    )


def _trimmed(text: str, extent: Extent) -> Extent:
    start, end = extent
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _words(text: str, extent: Extent) -> set[int]:
    return {m.start() for m in _WORD.finditer(text, extent[0], extent[1])}


def _overlapping(text: str, a: Extent, b: Extent) -> bool:
    words_a, words_b = _words(text, a), _words(text, b)
    longer = max(len(words_a), len(words_b))
    return longer > 0 and len(words_a & words_b) >= 0.5 * longer


def _matches(text: str, said: set[Extent], gold: set[Extent], exact: bool) -> int:
    if exact:
        return len(said & gold)
    unmatched = set(gold)
    hits = 0
    for extent in sorted(said):
        match = next((g for g in sorted(unmatched) if _overlapping(text, extent, g)), None)
        if match is not None:
            unmatched.discard(match)
            hits += 1
    return hits


@dataclass
class _Tally:
    said: int = 0
    gold: int = 0
    exact: int = 0
    overlap: int = 0

    def metrics(self, prefix: str) -> list[Metric]:
        return [
            metric
            for kind, hits in (("exact", self.exact), ("overlap", self.overlap))
            for metric in precision_recall_f1(f"{prefix}_{kind}", hits, self.said, self.gold)
        ]


def _tally(
    articles: Sequence[GoldArticle], predictions: Iterable[Sequence[GoldAttribution]]
) -> list[Metric]:
    tallies = {role: _Tally() for role in ROLES}
    for article, predicted in zip(articles, predictions, strict=True):
        for index, role in enumerate(ROLES):
            gold = _role_spans(article.text, article.attributions, index)
            said = _role_spans(article.text, predicted, index)
            tally = tallies[role]
            tally.said += len(said)
            tally.gold += len(gold)
            tally.exact += _matches(article.text, said, gold, exact=True)
            tally.overlap += _matches(article.text, said, gold, exact=False)
    return [metric for role in ROLES for metric in tallies[role].metrics(role)]


def _role_spans(text: str, attributions: Iterable[GoldAttribution], index: int) -> set[Extent]:
    """The distinct spans of one role (0 source, 1 cue, 2 content), trimmed."""
    spans = set()
    for item in attributions:
        extent = (item.source, item.cue, item.content)[index]
        if extent is not None:
            spans.add(_trimmed(text, extent))
    return spans


def predict(
    articles: Sequence[GoldArticle], methods: Sequence[str] = ("tagger",)
) -> dict[str, list[list[GoldAttribution]]]:
    """storytrace's attributions of each article as extents, per cue method (one parse)."""
    nlp = spacy_pipeline()
    predictions: dict[str, list[list[GoldAttribution]]] = {method: [] for method in methods}
    docs = list(nlp.pipe(a.text for a in articles))
    tagged = {method: tag_documents(docs, method) for method in methods}
    for number, (article, doc) in enumerate(zip(articles, docs, strict=True)):
        for method in methods:
            predictions[method].append(
                [
                    GoldAttribution(
                        (found.source.start, found.source.end) if found.source else None,
                        (found.cue.start, found.cue.end) if found.cue else None,
                        (found.content.start, found.content.end),
                    )
                    for found in find_attributions(
                        doc, article.name, method=method, tagged=tagged[method][number]
                    )
                ]
            )
    return predictions


def _exact_f1s(
    articles: Sequence[GoldArticle], predicted: Iterable[Sequence[GoldAttribution]]
) -> str:
    """`source / cue / content` exact F1 of one method, for a note line."""
    scores = {m.name: m.value for m in _tally(articles, predicted)}
    return " / ".join(f"{scores[f'{role}_exact_f1']:.3f}" for role in ROLES)


def score_attribution(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    articles = load_split(path, "dev")[:limit]
    predicted = predict(articles, ("tagger", "model", "lexicon"))
    ours = _tally(articles, predicted["tagger"])
    rules, fallback = (_exact_f1s(articles, predicted[m]) for m in ("model", "lexicon"))
    quotes = _tally(
        articles,
        ([GoldAttribution(None, None, r) for r in quote_regions(a.text)] for a in articles),
    )
    return Scorecard(
        "attribution",
        str(path),
        tuple(ours),
        "quote_marks",
        tuple(quotes),
        ANCHOR,
        len(articles),
        (
            f"gold attributions: {sum(len(a.attributions) for a in articles)}",
            f"the rules alone (--attribution-cues model), exact F1 source / cue / content: {rules}",
            f"lexicon fallback (--attribution-cues lexicon), exact F1 source / cue / content: "
            f"{fallback}",
        ),
    )

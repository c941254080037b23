"""Which words attribute speech: a small logistic model over the dependency parse.

PolNeAR counts as a cue any word that attributes a statement, a belief or an intention to
someone ("said", "told", "according to", "wants", "called for", "accused"), and whether a
verb is a cue depends on its use ("said" almost always is; "showed" sometimes is). The
model scores each verb of a parse from binary features of the verb and its neighbourhood:
its form, tag and dependency label, its children's labels (a clausal complement, a
subject), the entity type of its subject, the words either side, and whether a quotation
sits in its sentence. The weights are fitted on PolNeAR's training split by
`scripts/train_attribution_model.py` (about two minutes on two cores) and ship as
`attribution_model.json` (a few hundred kB).

The lexicon in the same file (how often each verb form heads a cue in training) is the
rule-based fallback, chosen with the `attribution_cues` setting: `model` or `lexicon`
(`tagger`, the default, is `model` followed by the span tagger of `attribution_tagger`).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from storytrace.models import doc_text, sentence_of

LEXICON_PRECISION = 0.3  # the fallback: a form that heads a cue at least this often is a cue
SPEECH_PRECISION = 0.4  # and at least this often (seen 10 times), a speech verb
MODEL_FILE = "attribution_model.json"
CANDIDATE_TAGS = frozenset({"VERB", "AUX"})
QUOTE_MARKS = frozenset("“”\"'‘’«»„")


@dataclass(frozen=True, slots=True)
class AttributionModel:
    weights: dict[str, float]
    bias: float
    threshold: float
    forms: frozenset[str]  # the lexicon fallback
    span_weights: dict[str, dict[str, float]]  # by role: source, cue, content
    speech_forms: frozenset[str]  # forms that head a cue most of the time

    def best_span(
        self, role: str, doc: Any, verb: Any, candidates: dict[str, tuple[int, int]]
    ) -> tuple[int, int]:
        """The candidate span for `role` (source, cue, content) the model scores highest;
        the rule's choice (the `rule` shape) wins a tie."""
        shapes_of: dict[tuple[int, int], list[str]] = {}
        for shape, extent in candidates.items():
            shapes_of.setdefault(extent, []).append(shape)
        fallback = candidates.get("rule") or next(iter(candidates.values()))
        weights = self.span_weights.get(role, {})
        best, best_score = fallback, -math.inf
        for extent, shapes in shapes_of.items():
            features = span_features(doc, verb, extent, shapes)
            score = sum(weights.get(feature, 0.0) for feature in features)
            if score > best_score + 1e-9 or (
                abs(score - best_score) <= 1e-9 and extent == fallback
            ):
                best, best_score = extent, score
        return best

    def probability(self, features: Sequence[str]) -> float:
        score = self.bias + sum(self.weights.get(feature, 0.0) for feature in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def cue_probability(self, doc: Any, token: Any, regions: Sequence[tuple[int, int]]) -> float:
        """How likely the model finds `token` to head a cue."""
        return self.probability(cue_features(doc, token, regions))

    def is_cue(self, doc: Any, token: Any, regions: Sequence[tuple[int, int]], method: str) -> bool:
        if token.pos_ not in CANDIDATE_TAGS:
            return False
        if method == "lexicon":
            return bool(token.lower_ in self.forms)
        if self.cue_probability(doc, token, regions) >= self.threshold:
            return True
        # a speech verb right beside a quotation frames it, whatever its syntax
        # (`is reportedly heard saying “…”`), and so does one with a that-clause (`is
        # purported to say that …`): the model sees too few of these to learn them
        if token.lower_ not in self.speech_forms:
            return False
        reports = token.dep_ == "xcomp" and any(c.dep_ == "ccomp" for c in token.children)
        return reports or _frames_a_quote(doc, token, regions)


def quotes_between(
    regions: Sequence[tuple[int, int]], start: int, end: int
) -> Sequence[tuple[int, int]]:
    """The regions (sorted, not overlapping) that overlap `start`..`end`."""
    first = bisect_right(regions, start, key=lambda region: region[1])
    last = bisect_left(regions, end, key=lambda region: region[0])
    return regions[first:last]


def inside_quote(regions: Sequence[tuple[int, int]], offset: int) -> bool:
    """Whether `offset` falls strictly inside one of `regions` (sorted, not overlapping)."""
    at = bisect_right(regions, offset, key=lambda region: region[0]) - 1
    return at >= 0 and regions[at][0] < offset < regions[at][1]


@cache
def cue_model() -> AttributionModel:
    data = json.loads(resources.files("storytrace").joinpath(MODEL_FILE).read_text())
    forms = frozenset(
        form
        for form, (cues, seen) in data["forms"].items()
        if seen and cues / seen >= LEXICON_PRECISION
    )
    speech = frozenset(
        form
        for form, (cues, seen) in data["forms"].items()
        if seen >= 10 and cues / seen >= SPEECH_PRECISION
    )
    return AttributionModel(
        data["weights"],
        data["bias"],
        data["threshold"],
        forms,
        data.get("span_weights", {}),
        speech,
    )


def _frames_a_quote(doc: Any, token: Any, regions: Sequence[tuple[int, int]]) -> bool:
    """A quotation opens right after the verb (`saying: “…”`) or closes right before its
    frame (`“…,” he said`)."""
    text = doc_text(doc)
    end = token.idx + len(token)
    for start, stop in regions:
        if end <= start <= end + 3 and not text[end:start].strip(" ,:"):
            return True
        if stop <= token.idx and token.idx - stop <= 40:
            between = text[stop : token.idx]
            if "\n" not in between and not any(mark in between for mark in QUOTE_MARKS):
                return between.lstrip()[:1] not in (".", "?", "!")
    return False


def cue_features(doc: Any, token: Any, regions: Sequence[tuple[int, int]]) -> list[str]:
    """Binary features of one verb (the names are the model's vocabulary: keep them stable)."""
    word = token.lower_
    children = {child.dep_ for child in token.children}
    features = [
        f"w={word}",
        f"tag={token.tag_}",
        f"dep={token.dep_}",
        f"hdep={token.head.dep_}",
        f"tag+dep={token.tag_}|{token.dep_}",
        f"prev={doc[token.i - 1].lower_ if token.i > 0 else '<s>'}",
        f"next={doc[token.i + 1].lower_ if token.i + 1 < len(doc) else '</s>'}",
    ]
    for label in sorted(children):
        features += [f"kid={label}", f"w+kid={word}|{label}"]
    subjects = [child for child in token.children if child.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        features.append(f"subj_ent={subjects[0].ent_type_ or subjects[0].pos_}")
    if inside_quote(regions, token.idx):
        features.append("inquote")
    sentence = sentence_of(token)
    quoted = any(
        not start <= token.idx < end
        for start, end in quotes_between(regions, sentence.start_char, sentence.end_char)
    )
    if quoted:
        features.append("sent_quote")
    features.append(f"w+sq={word}{quoted}")
    return features


def span_features(doc: Any, verb: Any, extent: tuple[int, int], shapes: Sequence[str]) -> list[str]:
    """Features of one candidate span of `verb` (the shapes that yield it, its edges)."""
    text = doc_text(doc)
    span = doc.char_span(extent[0], extent[1], alignment_mode="expand")
    words = len(span) if span is not None else 0
    size = next(f"len<{limit}" for limit in (2, 4, 8, 16, 32, 64, 10**9) if words < limit)
    word = verb.lower_
    features = [size, f"vdep={verb.dep_}", f"shapes={'+'.join(sorted(shapes))}"]
    for shape in shapes:
        features += [f"shape={shape}", f"shape+w={shape}|{word}", f"shape+vdep={shape}|{verb.dep_}"]
    if span is not None and words:
        first, last = span[0], span[-1]
        features += [
            f"first={first.dep_}|{first.tag_}",
            f"firstw={first.lower_}",
            f"last={last.tag_}",
            f"shape+len={shapes[0]}|{size}",
            f"w+first={word}|{first.dep_}",
            f"vdep+first={verb.dep_}|{first.dep_}",
            f"before={doc[first.i - 1].lower_ if first.i else '<s>'}",
            f"after={doc[last.i + 1].lower_ if last.i + 1 < len(doc) else '</s>'}",
        ]
    features.append(f"opens_quote={text[extent[0]] in QUOTE_MARKS}")
    features.append(f"closes_quote={text[extent[1] - 1] in QUOTE_MARKS}")
    features.append(f"after_verb={extent[0] > verb.idx}")
    return features

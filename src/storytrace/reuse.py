"""reuse: how much of one text is taken from another, and how.

Two measures, both read from the later text's side (what share of it comes from the other):

- `containment`: the share of its word trigrams found in the other text, the measure of
  Clough & Stevenson's text-reuse studies; near-verbatim copies score near 1.
- `alignment`: the share of its sentences that find, in the other text and in the same
  order, a sentence carrying most of their rare words (idf-weighted content words, matched
  at `SENTENCE_MATCH`); the order is the longest increasing run of matched positions. A
  rewrite keeps the facts and their order but not the wording, so it aligns without
  containing.

`relation` turns them into copies / rewrites / None with thresholds that
`storytrace eval reuse` measures on the Clough-Stevenson corpus. Texts are prepared once
(`Text`) so that one text is compared with many at the cost of set operations.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

COPY_CONTAINMENT = 0.6  # trigram containment from which a text is a copy
REWRITE_ALIGNMENT = 0.3  # share of sentences aligned in order from which it is a rewrite
MIN_ALIGNED = 3  # ... and at least this many sentences
SENTENCE_MATCH = 0.5  # idf-weighted share of a sentence's words its match must carry
MIN_CONTENT_WORDS = 3  # shorter sentences ("Let that sink in.") are not compared

ReuseRelation = Literal["copies", "rewrites"]

_WORD = re.compile(r"\w+", re.UNICODE)
# a sentence ends at . ! ? (and a closing quote after them) before white space, or at a line break
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen col lt sgt st prof sen rep gov jan feb mar apr jun jul aug sep sept oct "
    "nov dec no vs".split()
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    words: frozenset[str]  # content words, case-folded


@dataclass(frozen=True, slots=True)
class Text:
    """A text prepared for comparison: its trigrams and its sentences' content words."""

    trigrams: frozenset[tuple[str, str, str]]
    sentences: tuple[Sentence, ...]

    @classmethod
    def of(cls, text: str) -> Text:
        words = _WORD.findall(text.casefold())
        trigrams = frozenset(zip(words, words[1:], words[2:], strict=False))
        return cls(trigrams, tuple(sentences(text)))


@dataclass(frozen=True, slots=True)
class Alignment:
    """`score`: share of the later text's sentences aligned in order; `pairs`: (sentence of
    the later text, its match in the earlier one, match strength), in order."""

    score: float
    pairs: tuple[tuple[Sentence, Sentence, float], ...]


def sentences(text: str) -> Iterable[Sentence]:
    """The sentences of `text` with `MIN_CONTENT_WORDS` content words or more."""
    start = 0
    for end in [*sentence_ends(text), len(text)]:
        piece = text[start:end]
        words = content_words(piece)
        if len(words) >= MIN_CONTENT_WORDS:
            offset = len(piece) - len(piece.lstrip())
            yield Sentence(start + offset, start + len(piece.rstrip()), frozenset(words))
        start = end


def sentence_ends(text: str) -> list[int]:
    """Where the sentences of `text` end: after . ! ? (and a closing quote) before white
    space, or at a line break; not after an abbreviation ("Feb. 27", "Mr. Reid") nor before
    a lower-case word or a digit."""
    ends = []
    for match in _SENTENCE_END.finditer(text):
        if match.group() != "\n":
            following = text[match.end() + 1 : match.end() + 2]
            word = re.search(r"(\w+)\W*$", text[max(0, match.start() - 6) : match.start() + 1])
            if word is not None and word.group(1).casefold() in _ABBREVIATIONS:
                continue
            if following.islower() or following.isdigit():
                continue
        ends.append(match.end())
    return ends


def idf_weights(texts: Iterable[str]) -> dict[str, float]:
    """Smoothed inverse document frequency of each content word over `texts`: the words
    rare in the collection are the ones a rewrite betrays its source by."""
    frequency: Counter[str] = Counter()
    count = 0
    for text in texts:
        frequency.update(set(content_words(text)))
        count += 1
    return {word: math.log((count + 1) / (df + 1)) + 1 for word, df in frequency.items()}


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if w not in ENGLISH_STOP_WORDS]


def containment(later: Text, earlier: Text) -> float:
    if not later.trigrams:
        return 0.0
    return len(later.trigrams & earlier.trigrams) / len(later.trigrams)


def alignment(later: Text, earlier: Text, idf: dict[str, float]) -> Alignment:
    """The later text's sentences matched to the earlier's, kept in order (see module doc)."""
    if not later.sentences or not earlier.sentences:
        return Alignment(0.0, ())
    # A rewrite often merges two sentences into one: each earlier sentence is also read
    # together with the next (a single sentence wins a tie: the evidence stays tight).
    units = [(j, j, sentence.words) for j, sentence in enumerate(earlier.sentences)]
    units += [
        (j, j + 1, sentence.words | following.words)
        for j, (sentence, following) in enumerate(
            zip(earlier.sentences, earlier.sentences[1:], strict=False)
        )
    ]
    matched: list[tuple[int, int, float]] = []  # (later position, earlier unit, strength)
    # Sums over sets are exact (`fsum`): a plain sum depends on the order a set is walked
    # in, which changes with each process's string hashing, and a copied sentence would
    # score a hair above or below 1 and pick its evidence differently from run to run.
    for position, sentence in enumerate(later.sentences):
        total = math.fsum(idf.get(word, 1.0) for word in sentence.words)
        best, where = 0.0, -1
        for unit, (_, _, words) in enumerate(units):
            shared = sentence.words & words
            if shared:
                strength = math.fsum(idf.get(word, 1.0) for word in shared) / total
                if strength > best:
                    best, where = strength, unit
        if best >= SENTENCE_MATCH:
            matched.append((position, where, best))
    # order by the earlier text's position (a unit's first sentence)
    ordered = _increasing_run([(i, units[u][0], s, u) for i, u, s in matched])
    pairs = tuple(
        (
            later.sentences[i],
            Sentence(
                earlier.sentences[units[u][0]].start,
                earlier.sentences[units[u][1]].end,
                units[u][2],
            ),
            s,
        )
        for i, _, s, u in ordered
    )
    return Alignment(len(ordered) / len(later.sentences), pairs)


def _increasing_run(
    matched: list[tuple[int, int, float, int]],
) -> list[tuple[int, int, float, int]]:
    """The longest run of matches whose earlier positions (the second item) increase, by
    patience sorting."""
    tails: list[int] = []  # smallest earlier position ending a run of each length
    tail_index: list[int] = []
    previous: list[int] = []
    for index, match in enumerate(matched):
        length = bisect_left(tails, match[1])
        if length == len(tails):
            tails.append(match[1])
            tail_index.append(index)
        else:
            tails[length] = match[1]
            tail_index[length] = index
        previous.append(tail_index[length - 1] if length else -1)
    run = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(matched[index])
        index = previous[index]
    return run[::-1]


def relation(copied: float, aligned: Alignment) -> ReuseRelation | None:
    """copies / rewrites / None (independent) from containment and alignment.

    A rewrite needs `MIN_ALIGNED` sentences retold in order besides the share: in a brief of
    two sentences one shared fact is what any two reports of the event have in common."""
    if copied >= COPY_CONTAINMENT:
        return "copies"
    if aligned.score >= REWRITE_ALIGNMENT and len(aligned.pairs) >= MIN_ALIGNED:
        return "rewrites"
    return None

"""quote_families: every rendering of one utterance within a story, and how it mutated.

A quotation is the text inside one pair of quotation marks (three words or more; a quote
reopened at each paragraph gives one quotation per paragraph), with the speaker of the
attribution whose content holds it. Two quotations of one story are one utterance when

- the shorter appears almost verbatim inside the longer (`VERBATIM_SHARE` of its words, in
  order, in one stretch): a truncation, a partial quote, a re-typed copy; or the two
  share a run of `SHARED_RUN` words (overlapping partial quotes of one passage);
- or, sharing `MIN_OVERLAP` of their content words, their sentence vectors (MiniLM) are
  close (`PARAPHRASE` or more): the same words reworded or translated differently
  ("a decision" / "a solution" / "everything is in place").

Quotations given to different speakers must be closer still (`OTHER_SPEAKER`): the same
words put in another mouth are a mutation worth showing, two people's similar phrases are
not one utterance. Short quotations (under `SHORT_WORDS` words) join only verbatim: their
vectors say little. Families are the connected groups (single link) with quotations from two
or more articles.

The canonical text is the rendering of the earliest article (its fullest, if it quotes
several; on a tie of dates between articles, the most common rendering). Each variant is
diffed word by word against it and its meaningful changes are named: a hedge or a negation
added or dropped, a number changed, the speaker changed, the quote truncated or expanded,
words added, dropped or reworded.

Candidates: quotations of a story are compared only when they share content words
(`candidates.neighbours`), at most `CANDIDATES` per quotation.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storytrace.attributions import quote_regions
from storytrace.candidates import DisjointSets, neighbours
from storytrace.models import Encoder, NeedsVectors, encode_texts, encode_together
from storytrace.records import (
    Article,
    Attribution,
    Change,
    Entity,
    Quotation,
    QuoteFamily,
    Span,
    Story,
    Variant,
)

MIN_WORDS = 3
VERBATIM_SHARE = 0.9  # of the shorter quotation's words found in order inside the longer
SHARED_RUN = 6  # words in a row two renderings share
PARAPHRASE = 0.75  # cosine of the MiniLM vectors
OTHER_SPEAKER = 0.85  # cosine needed when the two are given to different speakers
SHORT_WORDS = 6  # shorter quotations join only verbatim
MIN_OVERLAP = 0.25  # content words two quotations must share before their vectors are compared
CANDIDATES = 40

HEDGES = frozenset(
    "probably possibly perhaps maybe likely unlikely reportedly allegedly apparently "
    "seemingly supposedly purportedly may might could would should".split()
)
NEGATIONS = frozenset("not no never nobody nothing none neither nor without n't cannot".split())
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_NUMBER = re.compile(r"^\d[\d.,]*$")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
    "fifty hundred thousand million billion dozen half".split()
)
_TRIM = " \t\n\"'“”‘’«»„,;:"

# -- quotations -------------------------------------------------------------------------


def quotations(
    article: Article,
    attributions: Sequence[Attribution] = (),
    entity_of: Mapping[tuple[str, str], str] | None = None,
) -> list[Quotation]:
    """The article's quotations of three words or more, each with the speaker of the
    attribution whose content holds it when `entity_of` resolves that speaker (with no
    mapping given, any speaker is kept)."""
    found = []
    for start, end in quote_regions(article.text):
        inner = article.text[start:end]
        left = len(inner) - len(inner.lstrip(_TRIM))
        right = len(inner.rstrip(_TRIM))
        if right <= left:
            continue
        span = Span(inner[left:right], start + left, start + right)
        if len(_WORD.findall(span.text)) < MIN_WORDS:
            continue
        holder = next(
            (a for a in attributions if a.content.start <= span.start < a.content.end), None
        )
        speaker = holder.speaker if holder else None
        entity = entity_of.get((article.id, speaker)) if speaker and entity_of is not None else None
        if entity_of is not None and entity is None:
            speaker = None
        found.append(Quotation(article.id, span, holder.id if holder else None, speaker, entity))
    return found


def _normal(text: str) -> str:
    return " ".join(word.casefold().replace("’", "'") for word in _WORD.findall(text))


def _content_words(text: str) -> set[str]:
    return {w for w in _normal(text).split() if w not in ENGLISH_STOP_WORDS and len(w) > 1}


# -- families ---------------------------------------------------------------------------


def quote_families(
    articles: Sequence[Article],
    stories: Sequence[Story],
    attributions: Sequence[Attribution],
    entities: Sequence[Entity],
    entity_of: Mapping[tuple[str, str], str],
    encode: Encoder | None = None,
) -> tuple[QuoteFamily, ...]:
    """The quote families of every story (see the module doc). `entity_of` maps (article,
    local name) to a canonical entity; only people count as speakers (an attribution to
    "the channel" or "Kalvo" says where words came from, not who said them). `encode`
    turns texts into L2-normalised vectors; by default the MiniLM sentence model."""
    people = {e.id for e in entities if e.type == "person"}
    person_of = {key: entity for key, entity in entity_of.items() if entity in people}
    by_id = {article.id: article for article in articles}
    held: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in attributions:
        held[attribution.article_id].append(attribution)

    def jobs() -> Iterator[NeedsVectors[list[QuoteFamily]]]:
        for story in stories:
            members = [by_id[a] for a in story.article_ids if a in by_id]
            if len(members) >= 2:
                found = [q for a in members for q in quotations(a, held[a.id], person_of)]
                yield _story_families(story.id, members, found)

    found = encode_together(jobs(), encode or encode_texts)
    return tuple(family for families in found for family in families)


def story_families(
    story_id: str, members: Sequence[Article], found: Sequence[Quotation], encode: Encoder
) -> list[QuoteFamily]:
    """The quote families of one story among the quotations `found` in its articles."""
    return next(encode_together([_story_families(story_id, members, found)], encode))


def _story_families(
    story_id: str, members: Sequence[Article], found: Sequence[Quotation]
) -> NeedsVectors[list[QuoteFamily]]:
    if len({q.article_id for q in found}) < 2:
        return []
    texts = [_normal(q.span.text) for q in found]
    words = [_content_words(q.span.text) for q in found]
    pairs = _candidate_pairs(found)
    joined = DisjointSets(range(len(found)))
    undecided = []
    for i, j in pairs:
        if _verbatim(texts[i], texts[j]):
            joined.union(j, i)
        elif min(len(texts[i].split()), len(texts[j].split())) >= SHORT_WORDS and (
            _overlap(words[i], words[j]) >= MIN_OVERLAP
        ):
            # a short phrase joins only verbatim (its vector says little), and two quotations
            # sharing almost no content word are not worth encoding
            undecided.append((i, j))
    if undecided:
        needed = sorted({k for pair in undecided for k in pair})
        vectors = yield [found[k].span.text for k in needed]
        row = {k: position for position, k in enumerate(needed)}
        for i, j in undecided:
            if joined.find(i) == joined.find(j):
                continue
            cosine = float(vectors[row[i]] @ vectors[row[j]])
            least = OTHER_SPEAKER if _other_speaker(found[i], found[j]) else PARAPHRASE
            if cosine >= least:
                joined.union(j, i)
    groups = joined.groups()
    published = {a.id: a.published for a in members}
    order = {a.id: position for position, a in enumerate(members)}
    families = [
        _family(story_id, [found[k] for k in group], published, order)
        for group in groups.values()
        if len({found[k].article_id for k in group}) >= 2
    ]
    return sorted(families, key=lambda f: (f.first_date or "9999", order[f.first_article_id]))


def _verbatim(left: str, right: str) -> bool:
    """One rendering holds the other almost word for word: the shorter's words appear,
    nearly all (`VERBATIM_SHARE`) and in one stretch at most two words longer, inside the
    longer (a truncation, a partial quote, a re-typed copy); or the two share a run of
    `SHARED_RUN` words (two partial quotes of one passage that overlap)."""
    short, long = sorted(
        ([_stem(w) for w in left.split()], [_stem(w) for w in right.split()]), key=len
    )
    if len(short) < MIN_WORDS:
        return False
    matcher = difflib.SequenceMatcher(None, short, long, autojunk=False)
    run = matcher.find_longest_match(0, len(short), 0, len(long))
    shared = short[run.a : run.a + run.size]
    if run.size >= SHARED_RUN and len([w for w in shared if w not in ENGLISH_STOP_WORDS]) >= 2:
        return True
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    matched = sum(block.size for block in blocks)
    if not blocks or matched < VERBATIM_SHARE * len(short):
        return False
    stretch = blocks[-1].b + blocks[-1].size - blocks[0].b
    return stretch <= len(short) + 2


def _stem(word: str) -> str:
    """A crude stem, enough to see "supported" in "support" and "files" in "file"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _overlap(left: set[str], right: set[str]) -> float:
    """Share of the smaller set's content words found in the other (by stem)."""
    one, two = {_stem(w) for w in left}, {_stem(w) for w in right}
    return len(one & two) / min(len(one), len(two)) if one and two else 0.0


def _other_speaker(left: Quotation, right: Quotation) -> bool:
    if left.speaker_entity_id and right.speaker_entity_id:
        return left.speaker_entity_id != right.speaker_entity_id
    if left.speaker and right.speaker:
        return _normal(left.speaker) != _normal(right.speaker)
    return False


def _candidate_pairs(found: Sequence[Quotation]) -> list[tuple[int, int]]:
    """Pairs of quotations sharing content words (`candidates.neighbours`); a quotation of
    function words only ("it will be next") pairs with the quotations that hold its words."""
    texts = [_normal(q.span.text) for q in found]
    words = [_content_words(q.span.text) for q in found]
    pairs: set[tuple[int, int]] = set()
    for index, near in enumerate(neighbours(words, CANDIDATES)):
        pairs |= {(min(index, o), max(index, o)) for o in near}
    plain: dict[str, list[int]] = defaultdict(list)  # function words only, by their text
    for index, bag in enumerate(words):
        if not bag:
            plain[texts[index]].append(index)
    for text, same in plain.items():
        pairs |= {(a, b) for a, b in itertools.pairwise(same)}  # identical ones chain up
        holding = [i for i, other in enumerate(texts) if text in other and i not in same]
        pairs |= {(min(same[0], o), max(same[0], o)) for o in holding[:CANDIDATES]}
    return sorted(pairs)


def _canonical(members: list[Quotation], published: Mapping[str, str | None]) -> Quotation:
    """The rendering of the earliest article (its fullest, if it quotes several); on a tie
    of dates between articles (or with no dates), the most common rendering, then the
    fullest. `members` come in date order."""
    earliest = published[members[0].article_id]
    pool = [q for q in members if published[q.article_id] == earliest] if earliest else members
    counts = Counter(_normal(q.span.text) for q in members)
    if len({q.article_id for q in pool}) == 1:
        return max(pool, key=lambda q: len(q.span.text))
    return max(pool, key=lambda q: (counts[_normal(q.span.text)], len(q.span.text)))


def _family(
    story_id: str,
    members: list[Quotation],
    published: Mapping[str, str | None],
    order: Mapping[str, int],
) -> QuoteFamily:
    members.sort(
        key=lambda q: (published[q.article_id] or "9999", order[q.article_id], q.span.start)
    )
    by_text: dict[str, list[Quotation]] = defaultdict(list)
    for quotation in members:
        by_text[_normal(quotation.span.text)].append(quotation)
    first = _canonical(members, published)
    canonical = by_text[_normal(first.span.text)]
    speakers = Counter(q.speaker_entity_id or q.speaker for q in members if q.speaker)
    speaker_key = next(iter(speakers.most_common(1)), (None, 0))[0]
    lead = next(
        (q for q in canonical if q.speaker),
        next((q for q in members if (q.speaker_entity_id or q.speaker) == speaker_key), first),
    )
    variants = [_variant(first, rendering, lead) for rendering in by_text.values()]
    variants.sort(key=lambda v: members.index(v.quotations[0]))
    digest = hashlib.sha1(
        f"{story_id}|{first.article_id}|{first.span.start}".encode(), usedforsecurity=False
    ).hexdigest()
    return QuoteFamily(
        id=f"q{digest[:11]}",
        story_id=story_id,
        canonical=first.span.text,
        speaker=lead.speaker,
        speaker_entity_id=lead.speaker_entity_id,
        variants=tuple(variants),
        first_article_id=first.article_id,
        first_date=published[first.article_id],
    )


# -- mutations --------------------------------------------------------------------------


def _variant(canonical: Quotation, rendering: list[Quotation], lead: Quotation) -> Variant:
    ops = diff_words(canonical.span.text, rendering[0].span.text)
    changes = list(changes_of(ops))
    speakers = {q.speaker_entity_id or q.speaker for q in rendering if q.speaker}
    lead_speaker = lead.speaker_entity_id or lead.speaker
    if lead.speaker and speakers and lead_speaker not in speakers:
        other = next(q.speaker for q in rendering if q.speaker)
        changes.append(Change("speaker_changed", lead.speaker, other or ""))
    return Variant(rendering[0].span.text, tuple(rendering), tuple(changes), tuple(ops))


def diff_words(canonical: str, variant: str) -> list[tuple[str, str, str]]:
    """Word-level diff of `variant` against `canonical` (case and curly marks ignored in
    the comparison, kept in the words shown)."""
    left, right = _WORD.findall(canonical), _WORD.findall(variant)
    matcher = difflib.SequenceMatcher(
        None, [_normal(w) for w in left], [_normal(w) for w in right], autojunk=False
    )
    return [
        (op, " ".join(left[i1:i2]), " ".join(right[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def changes_of(ops: Sequence[tuple[str, str, str]]) -> Iterable[Change]:
    """The meaningful changes in a word-level diff."""
    edits = [op for op in ops if op[0] != "equal"]
    if not edits:
        return
    kinds = [op[0] for op in ops]
    # only the ends cut off: a truncation; only words around the canonical: an expansion
    if "equal" in kinds and all(op[0] == "delete" for op in edits) and _at_ends(ops, "delete"):
        yield Change("truncated", " … ".join(op[1] for op in edits), "")
        return
    if "equal" in kinds and all(op[0] == "insert" for op in edits) and _at_ends(ops, "insert"):
        yield Change("expanded", "", " … ".join(op[2] for op in edits))
        return
    for op, before, after in edits:
        old, new = set(_normal(before).split()), set(_normal(after).split())
        for kind, words in (("hedge", HEDGES), ("negation", NEGATIONS)):
            if new & words - old:
                yield Change(f"{kind}_added", before, after)
            if old & words - new:
                yield Change(f"{kind}_dropped", before, after)
        if _numbers(before) != _numbers(after) and _numbers(before) and _numbers(after):
            yield Change("number_changed", before, after)
        elif op == "insert" and not (new & (HEDGES | NEGATIONS)):
            yield Change("words_added", before, after)
        elif op == "delete" and not (old & (HEDGES | NEGATIONS)):
            yield Change("words_dropped", before, after)
        elif op == "replace" and not ((old ^ new) & (HEDGES | NEGATIONS)):
            yield Change("reworded", before, after)


def _at_ends(ops: Sequence[tuple[str, str, str]], kind: str) -> bool:
    inner = [op[0] for op in ops[1:-1]]
    return kind not in inner


def _numbers(text: str) -> set[str]:
    return {w for w in _normal(text).split() if _NUMBER.match(w) or w in _NUMBER_WORDS}


# -- serialisation ----------------------------------------------------------------------


def family_to_dict(family: QuoteFamily) -> dict[str, Any]:
    return dataclasses.asdict(family)


def family_from_dict(data: Mapping[str, Any]) -> QuoteFamily:
    variants = tuple(
        Variant(
            v["text"],
            tuple(
                Quotation(
                    q["article_id"],
                    Span(**q["span"]),
                    q["attribution_id"],
                    q["speaker"],
                    q["speaker_entity_id"],
                )
                for q in v["quotations"]
            ),
            tuple(Change(**c) for c in v["changes"]),
            tuple((op, before, after) for op, before, after in v["diff"]),
        )
        for v in data["variants"]
    )
    return QuoteFamily(
        data["id"],
        data["story_id"],
        data["canonical"],
        data["speaker"],
        data["speaker_entity_id"],
        variants,
        data["first_article_id"],
        data["first_date"],
    )

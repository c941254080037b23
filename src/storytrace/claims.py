"""claims: the statements a story's articles share, how each article presents them, who
denies what, and how many independent origins stand behind each claim.

- **Claims**: check-worthy sentences (a name or a figure, six words or more, not a question)
  grouped across the articles of a story when their sentence vectors are close
  (`CLAIM_SIMILARITY`) and they share two content words; a claim is a group carried by two
  articles or more, its text the earliest article's sentence.
- **Stances**: each carrying article's sentence read by `stance.stance` (asserted, hedged,
  attributed, denied, disputed), with its cue words and the sentence as evidence.
- **Denials**: attributions whose cue or content denies ("dismissed ... as a provocation and
  a deepfake", "called the reports entirely baseless"), with the denier (the attribution's
  speaker, resolved to an entity where possible) and what is denied (the content, and the
  claim whose sentence holds it).
- **Independent corroboration**: the articles carrying a claim, collapsed into origins: a copy
  or a rewrite joins the article it draws on (provenance edges), and articles that give the
  claim as the word of one named source ("according to Black Kite") count once, as that
  source. `independent_sources` is the number of origins; each origin lists its articles and
  why they are one.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.preprocessing import MultiLabelBinarizer

from storytrace.attribution_model import inside_quote
from storytrace.attributions import FIRST_PERSON, quote_regions
from storytrace.candidates import DisjointSets
from storytrace.models import Encoder, NeedsVectors, encode_texts, encode_together
from storytrace.provenance import ProvenanceIndex
from storytrace.records import (
    Article,
    Attribution,
    Claim,
    ClaimStance,
    Denial,
    Entity,
    Origin,
    ProvenanceEdge,
    Span,
    Story,
)
from storytrace.reuse import content_words, sentences
from storytrace.stance import NEGATION_REACH, denial_cues, stance

CLAIM_SIMILARITY = 0.75
MIN_WORDS = 6
NEIGHBOURS = 10  # beyond `EXACT_LIMIT` sentences, each one's nearest in the vector space
EXACT_LIMIT = 3000
_FIGURE_OR_NAME = re.compile(r"\d|(?<=\w\s)[A-Z][a-z]")


@dataclass(frozen=True, slots=True)
class ClaimIndex:
    claims: tuple[Claim, ...]
    denials: tuple[Denial, ...]


def claims(
    articles: Sequence[Article],
    stories: Sequence[Story],
    attributions: Sequence[Attribution],
    traced: ProvenanceIndex,
    entities: Sequence[Entity],
    entity_of: Mapping[tuple[str, str], str],
    encode: Encoder | None = None,
) -> ClaimIndex:
    by_id = {article.id: article for article in articles}
    held: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in attributions:
        held[attribution.article_id].append(attribution)
    edges_of: dict[str, list[ProvenanceEdge]] = defaultdict(list)
    for edge in traced.edges:
        edges_of[edge.story_id].append(edge)
    origin_of = {origin.story_id: origin.name for origin in traced.origins}

    def jobs() -> Iterator[NeedsVectors[list[Claim]]]:
        for story in stories:
            members = [by_id[a] for a in story.article_ids if a in by_id]
            if len(members) >= 2:
                yield story_claims(
                    story.id, members, held, edges_of[story.id], origin_of.get(story.id)
                )

    found = [c for told in encode_together(jobs(), encode or encode_texts) for c in told]
    known = {e.id for e in entities}
    denials = tuple(
        _denials(by_id, held, found, {k: v for k, v in entity_of.items() if v in known})
    )
    return ClaimIndex(tuple(found), denials)


def check_worthy(sentence: Span) -> bool:
    words = sentence.text.split()
    return (
        len(words) >= MIN_WORDS
        and not sentence.text.rstrip().endswith("?")
        and bool(_FIGURE_OR_NAME.search(sentence.text))
    )


def story_claims(
    story_id: str,
    members: Sequence[Article],
    held: Mapping[str, Sequence[Attribution]],
    edges: Sequence[ProvenanceEdge],
    named_origin: str | None,
) -> NeedsVectors[list[Claim]]:
    units: list[tuple[Article, Span]] = []
    for article in members:
        for sentence in sentences(article.text):
            span = Span(article.text[sentence.start : sentence.end], sentence.start, sentence.end)
            if check_worthy(span):
                units.append((article, span))
    if len({a.id for a, _ in units}) < 2:
        return []
    words = [set(content_words(span.text)) for _, span in units]
    joined = DisjointSets(range(len(units)))
    for i, j in (yield from _similar_pairs(units, words)):
        joined.union(j, i)
    groups = joined.groups()
    order = {a.id: position for position, a in enumerate(members)}
    built = []
    for group in groups.values():
        carriers = {units[k][0].id for k in group}
        if len(carriers) < 2:
            continue
        group.sort(key=lambda k: (units[k][0].published or "9999", order[units[k][0].id]))
        built.append(_claim(story_id, [units[k] for k in group], held, edges, named_origin))
    return sorted(built, key=lambda c: -len(c.stances))


def _similar_pairs(
    units: Sequence[tuple[Article, Span]], words: Sequence[set[str]]
) -> NeedsVectors[list[tuple[int, int]]]:
    """The pairs of sentences of different articles that share two content words and whose
    vectors are close, in (i, j) order with i < j.

    Up to `EXACT_LIMIT` sentences the word test comes first, so only sentences with a
    partner sharing two content words are encoded (nine in ten on basil-dev's long stories
    of one event, fewer where a story's articles share less); the pairs are those an
    all-pairs comparison of the vectors would give."""
    if len(units) > EXACT_LIMIT:
        vectors = yield [span.text for _, span in units]
        return [
            (i, j)
            for i, j in _close_pairs(vectors)
            if units[i][0].id != units[j][0].id and len(words[i] & words[j]) >= 2
        ]
    pairs = _sharing_pairs([article.id for article, _ in units], words)
    needed = sorted({k for pair in pairs for k in pair})
    if not needed:
        return []
    vectors = yield [units[k][1].text for k in needed]
    row = {k: position for position, k in enumerate(needed)}
    return [
        (i, j) for i, j in pairs if float(vectors[row[i]] @ vectors[row[j]]) >= CLAIM_SIMILARITY
    ]


def _sharing_pairs(carriers: Sequence[str], words: Sequence[set[str]]) -> list[tuple[int, int]]:
    """Pairs (i < j, sorted) of units of different carriers sharing two words or more: one
    sparse product of the units' word incidence, not a loop over all pairs."""
    incidence = MultiLabelBinarizer(sparse_output=True).fit_transform(words).astype(np.int32)
    shared = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    found = [
        (int(i), int(j))
        for i, j, count in zip(shared.row, shared.col, shared.data, strict=True)
        if count >= 2 and carriers[i] != carriers[j]
    ]
    return sorted(found)


def _close_pairs(vectors: np.ndarray) -> list[tuple[int, int]]:
    count = len(vectors)
    if count <= EXACT_LIMIT:
        similar = np.triu(vectors @ vectors.T, k=1) >= CLAIM_SIMILARITY
        return [(int(i), int(j)) for i, j in zip(*np.nonzero(similar), strict=True)]
    from sklearn.neighbors import NearestNeighbors

    index = NearestNeighbors(n_neighbors=min(NEIGHBOURS + 1, count)).fit(vectors)
    distances, neighbours = index.kneighbors(vectors)
    pairs = set()
    for i, (row, near) in enumerate(zip(distances, neighbours, strict=True)):
        for distance, j in zip(row, near, strict=True):
            # unit vectors: squared distance = 2 - 2 cosine
            if i != j and 1 - distance**2 / 2 >= CLAIM_SIMILARITY:
                pairs.add((min(i, int(j)), max(i, int(j))))
    return sorted(pairs)


def _claim(
    story_id: str,
    carried: list[tuple[Article, Span]],
    held: Mapping[str, Sequence[Attribution]],
    edges: Sequence[ProvenanceEdge],
    named_origin: str | None,
) -> Claim:
    first_article, first_span = carried[0]
    seen: dict[str, ClaimStance] = {}
    for article, span in carried:
        if article.id not in seen:
            reading = stance(span.text)
            seen[article.id] = ClaimStance(article.id, reading.stance, reading.cues, span)
    digest = hashlib.sha1(
        f"{story_id}|{first_article.id}|{first_span.start}".encode(), usedforsecurity=False
    ).hexdigest()
    return Claim(
        f"c{digest[:11]}",
        story_id,
        first_span.text,
        tuple(seen.values()),
        _origins(carried, seen, held, edges, named_origin),
    )


def _origins(
    carried: list[tuple[Article, Span]],
    seen: Mapping[str, ClaimStance],
    held: Mapping[str, Sequence[Attribution]],
    edges: Sequence[ProvenanceEdge],
    named_origin: str | None,
) -> tuple[Origin, ...]:
    """The carrying articles collapsed into independent origins (see the module doc)."""
    joined = DisjointSets(seen)
    why: dict[str, list[str]] = defaultdict(list)

    def join(one: str, two: str, reason: str) -> None:
        first, second = joined.find(one), joined.find(two)
        kept = joined.union(one, two)
        if first != second:
            why[kept] += why.pop(second, [])
        why[kept].append(reason)

    for edge in edges:
        later, earlier = edge.from_article_id, edge.to_article_id
        if edge.relation in ("copies", "rewrites") and later in joined and earlier in joined:
            join(earlier, later, f"{later} {edge.relation} {earlier}")
    # articles giving the claim as one named source's word count once, as that source
    sources: dict[str, list[str]] = defaultdict(list)
    for article, span in carried:
        source = _cited_source(article, span, held.get(article.id, ()), named_origin)
        if source and seen[article.id].stance in ("attributed", "hedged"):
            sources[source.casefold()].append(article.id)
    for source, cited_by in sources.items():
        for other in cited_by[1:]:
            join(cited_by[0], other, f"{other} and {cited_by[0]} cite {source}")
    return tuple(
        Origin(tuple(members), tuple(dict.fromkeys(why.get(head, []))))
        for head, members in joined.groups().items()
    )


def _cited_source(
    article: Article, span: Span, attributions: Sequence[Attribution], named_origin: str | None
) -> str | None:
    """The source a sentence gives its claim as the word of: the speaker or source of the
    attribution it holds, or the story's named origin when the sentence names it."""
    for attribution in attributions:
        inside = span.start <= attribution.content.start < span.end
        if inside and (attribution.speaker or attribution.source):
            return attribution.speaker or (attribution.source.text if attribution.source else None)
    if named_origin and named_origin.casefold() in span.text.casefold():
        return named_origin
    return None


def _denials(
    by_id: Mapping[str, Article],
    held: Mapping[str, Sequence[Attribution]],
    found: Sequence[Claim],
    entity_of: Mapping[tuple[str, str], str],
) -> list[Denial]:
    """Attributions that deny: a denial word in the cue or the content."""
    claim_at: dict[str, list[tuple[Span, str]]] = defaultdict(list)
    for claim in found:
        for reading in claim.stances:
            claim_at[reading.article_id].append((reading.evidence, claim.id))
    denials = []
    for article_id, attributions in held.items():
        article = by_id.get(article_id)
        if article is None:
            continue
        for attribution in attributions:
            # the cue read with the words before it: "has neither confirmed nor denied"
            cue = attribution.cue
            lead = max(0, cue.start - NEGATION_REACH) if cue else 0
            cue_denies = cue is not None and denial_cues(
                article.text[lead : cue.end], after=cue.start - lead
            )
            if not (cue_denies or denial_cues(attribution.content.text)):
                continue
            start = min(
                s.start for s in (attribution.source, attribution.cue, attribution.content) if s
            )
            end = max(
                s.end for s in (attribution.source, attribution.cue, attribution.content) if s
            )
            evidence = Span(article.text[start:end], start, end)
            claim_id = next(
                (c for s, c in claim_at[article_id] if s.start < end and start < s.end), None
            )
            denier = (
                attribution.speaker
                or _own_voice(article, attribution)
                or (attribution.source.text if attribution.source else None)
            )
            entity = (
                entity_of.get((article_id, attribution.speaker)) if attribution.speaker else None
            )
            digest = hashlib.sha1(f"{article_id}|{attribution.id}".encode(), usedforsecurity=False)
            denials.append(
                Denial(
                    f"n{digest.hexdigest()[:11]}",
                    article_id,
                    denier,
                    entity,
                    attribution.content.text,
                    evidence,
                    claim_id,
                )
            )
    return denials


def _own_voice(article: Article, attribution: Attribution) -> str | None:
    """The outlet, for an attribution to "we" or "I" outside quotation marks: the article's
    own voice ("We found no evidence supporting either date", a fact-checker's)."""
    source = attribution.source
    if source is None or source.text.strip().lower() not in FIRST_PERSON:
        return None
    if inside_quote(quote_regions(article.text), source.start):
        return None
    return article.outlet


def claim_from_dict(data: Mapping[str, Any]) -> Claim:
    return Claim(
        data["id"],
        data["story_id"],
        data["text"],
        tuple(
            ClaimStance(r["article_id"], r["stance"], tuple(r["cues"]), Span(**r["evidence"]))
            for r in data["stances"]
        ),
        tuple(Origin(tuple(o["article_ids"]), tuple(o["via"])) for o in data["origins"]),
    )


def denial_from_dict(data: Mapping[str, Any]) -> Denial:
    return Denial(**{**data, "evidence": Span(**data["evidence"])})

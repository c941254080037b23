"""The vocabulary of storytrace: every record a stage reads or writes.

Records are frozen, slotted dataclasses that hold ids, strings, dates and character
offsets only, never spaCy, lxml or database objects, so they pickle cheaply to worker
processes and mean the same thing in every layer. Offsets index into `Article.text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

LedgerStatus = Literal["accepted", "duplicate", "rejected"]
# html: a page to extract; text: a scraped dump to clean; record: text as its container
# (a JSONL line, a feed entry) states it, with its metadata.
InputKind = Literal["html", "text", "record"]
Precision = Literal["day", "week", "month", "year"]
AttributionKind = Literal["direct", "indirect", "mixed"]
# how an article presents a claim (see `stance`)
Stance = Literal["asserted", "hedged", "attributed", "denied", "disputed"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of an article's text: `text == article.text[start:end]`."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """One input document as read, before extraction.

    `source` is the input exactly as the user gave it (a path as typed, a URL) or, for a
    record inside a container file, `PATH#ID` / `PATH#LINE`. `fingerprint` is the hash of the
    raw bytes (or line) so that re-running over unchanged inputs is recognised without
    extracting them again. `fields` carries metadata the container already states
    (title, url, published, outlet from a JSONL record), as sorted (key, value) pairs.
    """

    source: str
    kind: InputKind
    content: str
    fingerprint: str
    fields: tuple[tuple[str, str], ...] = ()

    def field(self, key: str) -> str | None:
        return next((value for name, value in self.fields if name == key), None)


@dataclass(frozen=True, slots=True)
class Article:
    """Clean text and metadata of one accepted input.

    `id` derives from the normalised text, so the same article read twice (or from two
    files) gets the same id. `published` is ISO-8601 at the precision known
    (`2024-04-08`, `2024-04`, `2024`) or None; `removed` holds the page-furniture blocks
    extraction dropped, so a user can audit what was cut.
    """

    id: str
    source: str
    text: str
    content_hash: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """What happened to one input: accepted, duplicate of an article, or rejected and why."""

    source: str
    status: LedgerStatus
    reason: str | None = None
    article_id: str | None = None
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One stage could not handle one item; the run went on without it."""

    stage: str
    subject: str
    reason: str


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date the text refers to ("on Monday"), resolved against the publication date.

    `resolved` is ISO-8601 at `precision`: day `2025-03-03`, week (its Monday)
    `2025-02-24`, month `2025-02`, year `2024`.
    """

    article_id: str
    span: Span
    resolved: str
    precision: Precision


@dataclass(frozen=True, slots=True)
class Mention:
    """A named person, organisation or place in one article.

    `label` is spaCy's (PERSON, ORG, GPE, LOC, NORP, FAC). `local_name` is the fullest name
    the article gives this mention ("Volkhonskiy" -> "Andrey Volkhonskiy"); `roles` are the
    titles and roles the sentence attaches to a person.
    """

    article_id: str
    span: Span
    label: str
    local_name: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """One person, organisation or place across all articles, whatever the spelling."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    article_ids: tuple[str, ...]
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkFeatures:
    """What story linking reads of an article (`link_features`): its MinHash signature
    (`near_copies.stored_signature`) and its hashed term counts (columns and counts)."""

    article_id: str
    signature: bytes
    terms: tuple[int, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Embedding:
    """An article's sentence vector (L2-normalised)."""

    article_id: str
    vector: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class NearCopy:
    """`article_id` is a near-verbatim copy of the earlier `duplicate_of`."""

    article_id: str
    duplicate_of: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one real-world event."""

    id: str
    title: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what: a source, the cue that attributes, and the content, in one article.

    `kind` is `direct` (the content is a quotation), `indirect` (reported speech) or
    `mixed` (reported speech with quoted words inside). `source` is None for an unnamed
    or absent source ("it is reported that"); `cue` is None for a quotation that stands in
    its own paragraph and takes the source of the attribution before it. `speaker` is the
    full local name of the mention the source resolves to (a pronoun to its antecedent).
    """

    id: str
    article_id: str
    source: Span | None
    cue: Span | None
    content: Span
    kind: AttributionKind
    speaker: str | None = None


ProvenanceRelation = Literal["copies", "rewrites", "cites"]
# dated: publication dates order the pair; cited: same day, the later names the earlier;
# unknown: nothing orders them (from/to is then only the likelier reading)
Direction = Literal["dated", "cited", "unknown"]


@dataclass(frozen=True, slots=True)
class Passage:
    """Evidence of a provenance edge: a passage of the later article and, for copies and
    rewrites, the passage of the earlier one it matches (None for a citation)."""

    later: Span
    earlier: Span | None


@dataclass(frozen=True, slots=True)
class ProvenanceEdge:
    """`from_article_id` copies, rewrites or cites the earlier `to_article_id`."""

    story_id: str
    from_article_id: str
    to_article_id: str
    relation: ProvenanceRelation
    score: float
    direction: Direction
    evidence: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class NamedOrigin:
    """The source a story's articles name as its origin ("posted by the channel Black
    Kite"): `article_id` is the earliest article naming it, `span` where; `articles` counts
    the articles that name it so."""

    story_id: str
    name: str
    article_id: str
    span: Span
    articles: int


@dataclass(frozen=True, slots=True)
class Recirculation:
    """An article that brings a story back as new `lag_days` after its first report; `cues`
    are the words that present it as fresh, `new_facts` the share of its names and numbers
    the earlier coverage lacks."""

    story_id: str
    article_id: str
    lag_days: int
    cues: tuple[str, ...]
    new_facts: float


@dataclass(frozen=True, slots=True)
class Denial:
    """`denier` denies `target` (the content of the denying attribution) in one article;
    `claim_id` is the claim whose sentence there holds it."""

    id: str
    article_id: str
    denier: str | None
    denier_entity_id: str | None
    target: str
    evidence: Span
    claim_id: str | None = None


@dataclass(frozen=True, slots=True)
class Quotation:
    """One rendering of an utterance in one article: the words inside the marks."""

    article_id: str
    span: Span
    attribution_id: str | None = None
    speaker: str | None = None
    speaker_entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A meaningful difference of a variant from the canonical text: `kind` is one of
    hedge_added, hedge_dropped, negation_added, negation_dropped, number_changed,
    speaker_changed, truncated, expanded, words_added, words_dropped, reworded."""

    kind: str
    canonical: str
    variant: str


@dataclass(frozen=True, slots=True)
class Variant:
    """One wording of the utterance and the articles that carry it; `diff` is the word-level
    diff against the canonical text as (op, canonical words, variant words), op one of
    equal, insert, delete, replace."""

    text: str
    quotations: tuple[Quotation, ...]
    changes: tuple[Change, ...]
    diff: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class QuoteFamily:
    id: str
    story_id: str
    canonical: str
    speaker: str | None
    speaker_entity_id: str | None
    variants: tuple[Variant, ...]
    first_article_id: str
    first_date: str | None

    def quotations(self) -> Iterable[Quotation]:
        for variant in self.variants:
            yield from variant.quotations


@dataclass(frozen=True, slots=True)
class ClaimStance:
    article_id: str
    stance: Stance
    cues: tuple[str, ...]
    evidence: Span


@dataclass(frozen=True, slots=True)
class Origin:
    """Articles that are one source of a claim, and why: `via` names the copy or rewrite
    edges or the source they all cite."""

    article_ids: tuple[str, ...]
    via: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    story_id: str
    text: str
    stances: tuple[ClaimStance, ...]
    origins: tuple[Origin, ...]

    @property
    def independent_sources(self) -> int:
        return len(self.origins)


@dataclass(frozen=True, slots=True)
class DiscrepancyValue:
    """One value of an aspect, the articles that give it and where each says so."""

    value: str
    article_ids: tuple[str, ...]
    evidence: tuple[tuple[str, Span], ...]  # (article id, sentence)


@dataclass(frozen=True, slots=True)
class Discrepancy:
    id: str
    story_id: str
    aspect: str
    key: str  # what the values are about: "second clip", "recorded", a quote's text
    values: tuple[DiscrepancyValue, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """Who does what to whom in one sentence, coded to a PLOVER category.

    `trigger` is the word that codes it (the verb, or the noun after a light verb:
    "held *talks*"); `source` and `target` are the actor phrases as written (either may be
    absent); their countries are ISO 3166 alpha-3 codes, `IGO`, `NGO` or `IMG` as the text
    names them, before the events stage resolves actors to entities. `intensity` is on the
    Goldstein scale (-10 conflict ... +10 cooperation), `evidence` the sentence.
    """

    id: str
    article_id: str
    code: str
    mode: str
    trigger: Span
    source: Span | None
    target: Span | None
    source_country: str | None
    target_country: str | None
    negated: bool
    hypothetical: bool
    intensity: float
    evidence: Span
    inferred: tuple[str, ...] = ()  # "source", "target": country from the sentence's others


@dataclass(frozen=True, slots=True)
class EventLink:
    """An event placed across articles: its story and date, actors resolved to entities
    and countries, and `copy_of` the event that counts for it when other articles report
    the same act (same story, actors, category and day)."""

    event_id: str
    story_id: str | None
    date: str | None
    source_entity_id: str | None
    target_entity_id: str | None
    source_country: str | None
    target_country: str | None
    copy_of: str | None = None

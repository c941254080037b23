"""provenance: within each story, who copied whom, who first reported it, what was recycled.

Edges go from the later article to the one it draws on (`reuse` measures the two texts):

- `copies`: near-verbatim (trigram containment ≥ `reuse.COPY_CONTAINMENT`, or a near-copy
  group of the stories stage), towards the earliest copy of the text (the wire story, not a
  reprint of it);
- `rewrites`: the facts retold in the same order in other words (sentence alignment ≥
  `reuse.REWRITE_ALIGNMENT`), towards the one article that explains most of it;
- `cites`: the article names the other's outlet (its name, its acronym or its web domain).

Direction: the publication dates order a pair; on the same day a citation does (who names
the other came later); else the direction is `unknown` and from/to is only a reading, never
a finding (for near copies, the order the stories stage gave the group; for rewrites, the
text more explained by the other).

Candidates come from an inverted index of each story's trigrams (`candidates.neighbours`):
an article is compared only with the `CANDIDATES` articles sharing most of its trigrams, and
copies of one text with their original only, so a story of 10,000 copies costs 10,000
comparisons, not 10^8.

First report: the story's earliest dated article, and the source the articles name as the
origin of the story ("posted by the channel Black Kite", "first published by X").
Recirculation: an article published at least `recirculation_days` after the first report
that frames the story as new (no date or phrase placing it in the past) and adds almost no
new names or numbers (see `recirculations`). Timeline: articles per day per outlet
(`timeline`), with the denials placed on their day (`denial_markers`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from storytrace.candidates import neighbours
from storytrace.dates import day_number
from storytrace.records import (
    Article,
    DateMention,
    Denial,
    Direction,
    NamedOrigin,
    NearCopy,
    Passage,
    ProvenanceEdge,
    Recirculation,
    Span,
    Story,
)
from storytrace.reuse import ReuseRelation, Text, alignment, containment, idf_weights, relation
from storytrace.settings import Settings

CANDIDATES = 8  # articles of a story compared with each article
MAX_EVIDENCE = 3  # shared passages kept per edge
NEW_FACTS_MAX = 0.2  # a recirculated article: at most this share of its names and numbers new


@dataclass(frozen=True, slots=True)
class ProvenanceIndex:
    edges: tuple[ProvenanceEdge, ...]
    origins: tuple[NamedOrigin, ...]
    recirculations: tuple[Recirculation, ...]


def provenance(
    articles: Sequence[Article],
    stories: Sequence[Story],
    near_copies: Sequence[NearCopy],
    date_mentions: Sequence[DateMention],
    settings: Settings,
) -> ProvenanceIndex:
    by_id = {article.id: article for article in articles}
    story_of = {a: story.id for story in stories for a in story.article_ids}
    copies_in: dict[str, dict[str, NearCopy]] = defaultdict(dict)
    for copy in near_copies:
        if story_of.get(copy.article_id) == story_of.get(copy.duplicate_of):
            copies_in[story_of.get(copy.article_id, "")][copy.article_id] = copy
    dates_in: dict[str, list[DateMention]] = defaultdict(list)
    for mention in date_mentions:
        dates_in[mention.article_id].append(mention)
    idf = idf_weights(article.text for article in articles)
    edges: list[ProvenanceEdge] = []
    origins: list[NamedOrigin] = []
    recirculated: list[Recirculation] = []
    for story in stories:
        members = [by_id[a] for a in story.article_ids if a in by_id]
        if not members:
            continue
        edges += story_edges(story.id, members, copies_in[story.id], idf)
        origin = named_origin(story.id, members)
        if origin is not None:
            origins.append(origin)
        recirculated += recirculations(story.id, members, dates_in, settings.recirculation_days)
    return ProvenanceIndex(tuple(edges), tuple(origins), tuple(recirculated))


# -- edges ------------------------------------------------------------------------------

Citations = dict[str, list[tuple[Article, Span]]]  # article id -> (article it names, where)


def story_edges(
    story_id: str,
    members: Sequence[Article],
    copy_of: dict[str, NearCopy],
    idf: dict[str, float],
) -> list[ProvenanceEdge]:
    """copies / rewrites / cites edges among the articles of one story."""
    by_id = {article.id: article for article in members}
    order = {article.id: position for position, article in enumerate(members)}
    # `copy_of` holds this story's near copies (the caller groups them by story)
    copies = {a: copy for a, copy in copy_of.items() if a in by_id and copy.duplicate_of in by_id}
    # copies of one text are compared once: through the original they copy
    originals = [article for article in members if article.id not in copies]
    texts = {article.id: Text.of(article.text) for article in members}
    cited = citations(members)
    found: dict[frozenset[str], ProvenanceEdge] = {}

    def keep(edge: ProvenanceEdge) -> None:
        pair = frozenset((edge.from_article_id, edge.to_article_id))
        held = found.get(pair)
        if held is None or _strength(edge) > _strength(held):
            found[pair] = edge

    for copy in copies.values():
        later, earlier = by_id[copy.article_id], by_id[copy.duplicate_of]
        keep(_edge(story_id, later, earlier, "copies", copy.similarity, texts, idf, cited))
    pool = _candidates(originals, texts)
    for article in originals:
        candidates = pool[article.id]
        best: tuple[tuple[bool, int, float], ReuseRelation, Article] | None = None
        for other in candidates:
            if _published_after(other, article):
                continue  # `other` came later: it is the one that may draw on `article`
            copied = containment(texts[article.id], texts[other.id])
            aligned = alignment(texts[article.id], texts[other.id], idf)
            kind = relation(copied, aligned)
            if kind is not None:
                # a copy points to the earliest copy of the text (the wire story, not a
                # reprint of it); a rewrite to the article that explains most of it
                earliest = -(day_number(other.published) or 10**7) if kind == "copies" else 0
                score = copied if kind == "copies" else aligned.score
                rank = (kind == "copies", earliest, score)
                if best is None or rank > best[0]:
                    best = (rank, kind, other)
        if best is not None:
            (_, _, score), kind, other = best
            keep(_edge(story_id, article, other, kind, score, texts, idf, cited))
    for article in members:
        for other, span in cited[article.id]:
            pair = frozenset((article.id, other.id))
            if pair not in found:
                direction = _direction(article, other, cited)
                found[pair] = ProvenanceEdge(
                    story_id, article.id, other.id, "cites", 1.0, direction, (Passage(span, None),)
                )
    return sorted(found.values(), key=lambda e: (order[e.from_article_id], order[e.to_article_id]))


def _strength(edge: ProvenanceEdge) -> tuple[bool, float]:
    return (edge.relation == "copies", edge.score)


def _edge(
    story_id: str,
    later: Article,
    earlier: Article,
    kind: ReuseRelation,
    score: float,
    texts: dict[str, Text],
    idf: dict[str, float],
    cited: Citations,
) -> ProvenanceEdge:
    """An edge from `later` to `earlier`, turned round when only a citation says otherwise;
    its evidence is the strongest aligned sentences, in text order."""
    if not _dated_apart(later, earlier) and _names(earlier, later, cited):
        later, earlier = earlier, later
    aligned = alignment(texts[later.id], texts[earlier.id], idf)
    strongest = sorted(aligned.pairs, key=lambda pair: -pair[2])[:MAX_EVIDENCE]
    evidence = tuple(
        Passage(_span(later, mine.start, mine.end), _span(earlier, theirs.start, theirs.end))
        for mine, theirs, _ in sorted(strongest, key=lambda pair: pair[0].start)
    )
    direction = _direction(later, earlier, cited)
    return ProvenanceEdge(
        story_id, later.id, earlier.id, kind, round(score, 4), direction, evidence
    )


def _candidates(articles: Sequence[Article], texts: dict[str, Text]) -> dict[str, list[Article]]:
    """Each article's `CANDIDATES` most trigram-sharing articles (`candidates.neighbours`,
    articles oldest first so that shared text finds its earliest carriers)."""
    ordered = sorted(articles, key=lambda a: day_number(a.published) or 10**7)
    near = neighbours([texts[a.id].trigrams for a in ordered], CANDIDATES)
    return {a.id: [ordered[o] for o in others] for a, others in zip(ordered, near, strict=True)}


def _published_after(first: Article, second: Article) -> bool:
    """`first` is dated (to the day) after `second`."""
    one, two = day_number(first.published), day_number(second.published)
    return one is not None and two is not None and one > two


def _dated_apart(first: Article, second: Article) -> bool:
    return _published_after(first, second) or _published_after(second, first)


def _names(article: Article, other: Article, cited: Citations) -> bool:
    return any(named.id == other.id for named, _ in cited[article.id])


def _direction(later: Article, earlier: Article, cited: Citations) -> Direction:
    if _dated_apart(later, earlier):
        return "dated"
    return "cited" if _names(later, earlier, cited) else "unknown"


def _span(article: Article, start: int, end: int) -> Span:
    return Span(article.text[start:end], start, end)


# -- citations --------------------------------------------------------------------------


def outlet_names(article: Article) -> list[str]:
    """How a text may name `article`'s outlet: its name (also without a leading "The"), its
    acronym when the name has three or more capitalised words, and its web domain."""
    names: list[str] = []
    if article.outlet:
        name = article.outlet.strip()
        bare = name.removeprefix("The ").strip()
        names += [name, bare]
        capitals = [word[0] for word in bare.split() if word[:1].isupper()]
        if len(capitals) >= 3:
            names.append("".join(capitals))
    if article.url:
        match = re.match(r"https?://(?:www\.)?([^/:?#]+)", article.url)
        if match:
            names.append(match.group(1))
    return [name for name in dict.fromkeys(names) if len(name) >= 3]


def citations(members: Sequence[Article]) -> Citations:
    """For each article, the other outlets' articles of the story it names, with where.

    One pattern of every outlet name of the story is searched once per text. When an
    outlet has several articles in the story, the name points to its latest article
    not published after the citing one (the report it most likely read)."""
    outlets: dict[str, list[Article]] = defaultdict(list)
    outlet_of: dict[str, str] = {}
    for article in members:
        if article.outlet:
            outlets[article.outlet].append(article)
            for name in outlet_names(article):
                outlet_of.setdefault(name, article.outlet)
    found: Citations = {article.id: [] for article in members}
    if len(outlets) < 2:
        return found
    names = sorted(outlet_of, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
    for article in members:
        named: dict[str, Span] = {}
        for match in pattern.finditer(article.text):
            outlet = outlet_of[match.group(0)]
            if outlet != article.outlet and outlet not in named:
                named[outlet] = Span(match.group(0), match.start(), match.end())
        for outlet, span in named.items():
            earlier = [o for o in outlets[outlet] if not _published_after(o, article)]
            if earlier:
                latest = max(earlier, key=lambda o: day_number(o.published) or 0)
                found[article.id].append((latest, span))
    return found


# -- first report -----------------------------------------------------------------------

_MEDIUM = (
    r"(?:channel|account|agency|broadcaster|newspaper|website|site|outlet|blog|user|group"
    r"|page|network|tabloid|daily|paper|station)"
)
_NAME = r"(?P<name>[A-Z][\w'’.&-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z0-9][\w'’.&-]*){0,4})"
_ORIGIN = re.compile(
    r"\b(?P<first>first\s+)?(?:posted|published|shared|circulated|released|leaked|uploaded"
    r"|broadcast|aired|reported|surfaced|disseminated|put\s+out)\b"
    r"(?:\s+[\w-]+){0,5}?\s+by\s+"
    rf"(?:(?:the|an?)\s+(?:[\w-]+\s+){{0,4}}?{_MEDIUM}(?:\s+(?:called|named|known\s+as))?\s+"
    r"|the\s+)?" + _NAME
)
_MODIFIES_NOUN = re.compile(
    r"\s+(?!(?:at|on|in|and|or|but|which|who|that|to|with|from|for|as|was|is|has|had|after"
    r"|before|since|when|while|about|last|earlier|later|under|via|of|by)\b)[a-z]"
)
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday i he she it they we you".split()
)


def origin_mentions(article: Article) -> list[tuple[str, Span, bool]]:
    """(name, span, said to be first) for each source the article names as the origin."""
    found = []
    for match in _ORIGIN.finditer(article.text):
        name = match.group("name").rstrip(".'’")
        if name.casefold() in _NOT_NAMES or _MODIFIES_NOUN.match(article.text, match.end()):
            continue  # "shared by Lessarian users": an adjective, not a source's name
        start = match.start("name")
        found.append((name, Span(name, start, start + len(name)), bool(match.group("first"))))
    return found


def named_origin(story_id: str, members: Sequence[Article]) -> NamedOrigin | None:
    """The source the story's articles name as its origin: named by the most articles (said
    to be first counts double), the earliest of them as where it is named."""
    votes: Counter[str] = Counter()
    first_named: dict[str, tuple[tuple[int, int], Article, Span, str]] = {}
    spelled: dict[str, Counter[str]] = defaultdict(Counter)
    for position, article in enumerate(members):
        named_here: dict[str, bool] = {}
        for name, span, first in origin_mentions(article):
            key = name.casefold()
            named_here[key] = named_here.get(key, False) or first
            spelled[key][name] += 1
            when = (day_number(article.published) or 10**7, position)
            if key not in first_named or when < first_named[key][0]:
                first_named[key] = (when, article, span, name)
        for key, first in named_here.items():
            votes[key] += 2 if first else 1
    if not votes:
        return None
    key = max(votes, key=lambda k: (votes[k], -first_named[k][0][0], -first_named[k][0][1]))
    _, article, span, _ = first_named[key]
    articles_naming = sum(
        1 for a in members if any(n.casefold() == key for n, _, _ in origin_mentions(a))
    )
    return NamedOrigin(
        story_id, spelled[key].most_common(1)[0][0], article.id, span, articles_naming
    )


# -- recirculation ----------------------------------------------------------------------

_FRESH = re.compile(
    r"\bBREAKING\b|\bJUST IN\b|\b(?:breaking(?: news)?|just in|developing):|"
    r"\b(?:right now|just now|happening now|moments ago|minutes ago|hours ago|this morning"
    r"|this afternoon|this evening|tonight|today|is spreading|going viral|is being shared)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:earlier this (?:year|month)|last (?:year|month|spring|summer|autumn|winter)"
    r"|(?:months|years|weeks) ago|back in|at the time|anniversary|looking back|resurfaced"
    r"|first (?:emerged|surfaced|appeared)|(?:old|archive|archived) (?:video|story|clip|footage"
    r"|recording|post))\b",
    re.IGNORECASE,
)
_FACT = re.compile(r"\b\d[\d.,]*\b|\b[A-Z][a-z][\w'’-]+")
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:\n][\"'“‘]?\s*|[\"“‘]\s*)$")


def recirculations(
    story_id: str,
    members: Sequence[Article],
    dates_in: Mapping[str, Sequence[DateMention]],
    threshold_days: int,
) -> list[Recirculation]:
    """Articles that bring the story back as new, long after it was first reported.

    An article qualifies when it is published `threshold_days` or more after the story's
    first dated article, no phrase or date in it places the story in the past ("earlier this
    year", "in March" resolving near the first report), and at most `NEW_FACTS_MAX` of its
    names and numbers are absent from the earlier coverage."""
    dated = sorted(
        ((d, a) for a in members if (d := day_number(a.published)) is not None),
        key=lambda item: item[0],
    )
    if not dated:
        return []
    first_day = dated[0][0]
    found = []
    known: set[str] = set()  # facts of the coverage so far, swept forward in date order
    swept = 0
    for day, article in dated:
        lag = day - first_day
        if lag < max(1, threshold_days):
            continue
        framed = _dated_in_past(dates_in.get(article.id, ()), first_day, day)
        if framed or _PAST.search(article.text):
            continue
        facts = _facts(article.text)
        if not facts:
            continue
        while swept < len(dated) and dated[swept][0] < day - threshold_days // 2:
            known |= _facts(dated[swept][1].text)
            swept += 1
        new_share = len(facts - known) / len(facts)
        if new_share > NEW_FACTS_MAX:
            continue
        cues = tuple(dict.fromkeys(m.group(0) for m in _FRESH.finditer(article.text)))
        found.append(Recirculation(story_id, article.id, lag, cues, round(new_share, 3)))
    return found


def _dated_in_past(mentions: Iterable[DateMention], first_day: int, day: int) -> bool:
    """A date in the text falls nearer the first report than the article's own date."""
    for mention in mentions:
        try:
            when = date.fromisoformat(_day_of(mention.resolved)).toordinal()
        except ValueError:
            continue
        if abs(when - first_day) < abs(day - when):
            return True
    return False


def _day_of(resolved: str) -> str:
    """The first day of an ISO date at any precision (`2025-03` -> `2025-03-01`)."""
    parts = resolved.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts[:3])


def _facts(text: str) -> set[str]:
    """Numbers and capitalised words not opening a sentence: names and figures, roughly."""
    return {
        match.group(0).casefold().strip(".,")
        for match in _FACT.finditer(text)
        if not _OPENS_SENTENCE.search(text, max(0, match.start() - 4), match.start())
    }


# -- timeline ---------------------------------------------------------------------------


def timeline(members: Sequence[Article]) -> list[dict[str, object]]:
    """Articles per day per outlet, in date order; undated articles last (date None)."""
    cells: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
    for article in members:
        day = article.published[:10] if article.published else None
        cells[(day, article.outlet)].append(article.id)
    ordered = sorted(
        cells.items(), key=lambda item: (item[0][0] is None, item[0][0] or "", item[0][1] or "")
    )
    return [
        {"date": day, "outlet": outlet, "article_ids": sorted(ids)}
        for (day, outlet), ids in ordered
    ]


def denial_markers(
    denials: Sequence[Denial],
    date_mentions: Sequence[DateMention],
    published: Mapping[str, str | None],
) -> list[dict[str, object]]:
    """Denials placed on the timeline: on the day their sentence names ("on Tuesday"),
    else on their article's publication date; undated ones last."""
    days: dict[str, list[DateMention]] = defaultdict(list)
    for mention in date_mentions:
        if mention.precision == "day":
            days[mention.article_id].append(mention)
    markers: list[dict[str, object]] = []
    for denial in denials:
        named = next(
            (
                m.resolved
                for m in days[denial.article_id]
                if denial.evidence.start <= m.span.start < denial.evidence.end
            ),
            None,
        )
        markers.append(
            {
                "date": named or published.get(denial.article_id),
                "kind": "denial",
                "id": denial.id,
                "article_id": denial.article_id,
                "label": f"{denial.denier or 'unnamed'}: {denial.target}",
            }
        )
    return sorted(markers, key=lambda m: (m["date"] is None, str(m["date"] or "")))

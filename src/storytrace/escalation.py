"""The events stage across articles: actors resolved, events dated, each act counted once,
and the escalation timeline of each pair of countries.

Per-article coding (`events.py`, run with the parse) says who did what to whom in a
sentence. Here each event gets:

- its date: the day its sentence names ("on Tuesday", resolved against publication by the
  date-mentions stage), else its article's publication date;
- its actors' entities (the named mention inside the actor phrase) and countries: the
  country the phrase names, else the one the entity is known by across the collection (a
  person's roles, "Lessarian defence ministry spokesman"), else the sentence's guess; a
  guessed target equal to the source is dropped rather than invent a domestic event; an
  event with no target country, in an article naming exactly one country besides the
  source's, is taken to be directed at that country (a threat or a denial in a story
  about two countries: "warned that any provocation will be answered decisively");
- `copy_of`: reports of the same act (same story, category, actors' countries, day) count
  once, for the earliest article; the others point to it.

`pair_timelines` (used by the export) lists, for each pair of countries, the counted,
non-negated events between them in date order with their intensity.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from storytrace import countries
from storytrace.places import demonym_of
from storytrace.records import (
    Article,
    DateMention,
    Entity,
    Event,
    EventLink,
    Mention,
    NearCopy,
    Story,
)


def escalation(
    articles: Sequence[Article],
    stories: Sequence[Story],
    events: Sequence[Event],
    mentions: Sequence[Mention],
    entities: Sequence[Entity],
    entity_of: Mapping[tuple[str, str], str],
    date_mentions: Sequence[DateMention],
    near_copies: Sequence[NearCopy] = (),
) -> tuple[EventLink, ...]:
    published = {a.id: a.published for a in articles}
    story_of = {aid: s.id for s in stories for aid in s.article_ids}
    days: dict[str, list[DateMention]] = defaultdict(list)
    for mention in date_mentions:
        if mention.precision == "day":
            days[mention.article_id].append(mention)
    named: dict[str, list[Mention]] = defaultdict(list)
    for found in mentions:
        named[found.article_id].append(found)
    polities = {
        code
        for e in events
        for code in (e.source_country, e.target_country)
        if code and not _is_code(code)
    }
    country_of_entity = {e.id: _entity_country(e, polities) for e in entities}
    article_countries: dict[str, set[str]] = defaultdict(set)
    for place in mentions:
        if place.label in ("GPE", "NORP"):
            code = _named_country(place.span.text, polities)
            if code:
                article_countries[place.article_id].add(code)

    def entity(article_id: str, actor: Any) -> str | None:
        if actor is None:
            return None
        inside = [
            m
            for m in named[article_id]
            if actor.start <= m.span.start
            and m.span.end <= actor.end
            and m.label in ("PERSON", "ORG", "GPE", "NORP")
        ]
        # the person or organisation acting, before the place that qualifies it
        inside.sort(key=lambda m: (m.label not in ("PERSON", "ORG"), m.span.start))
        for mention in inside:
            found = entity_of.get((article_id, mention.local_name))
            if found:
                return found
        return None

    placed: list[EventLink] = []
    for event in events:
        date = next(
            (
                m.resolved
                for m in days[event.article_id]
                if event.evidence.start <= m.span.start < event.evidence.end
            ),
            published.get(event.article_id),
        )
        source_entity = entity(event.article_id, event.source)
        target_entity = entity(event.article_id, event.target)
        source = _country(
            event.source_country, "source" in event.inferred, source_entity, country_of_entity
        )
        target = _country(
            event.target_country, "target" in event.inferred, target_entity, country_of_entity
        )
        if "target" in event.inferred and target == source and target == event.target_country:
            target = None  # a guessed domestic target says nothing about a pair
        if "source" in event.inferred and source == target and source == event.source_country:
            source = None  # nor does a guessed domestic source ("Gunmen attacked Israel")
        if target is None and source is not None:
            # no stated target ("warned that any provocation...", "rejected the recording"):
            # in an article about the source and one other country, it is that country
            others = article_countries[event.article_id] - {source}
            if len(others) == 1:
                target = next(iter(others))
        placed.append(
            EventLink(
                event.id,
                story_of.get(event.article_id),
                date,
                source_entity,
                target_entity,
                source,
                target,
            )
        )
    copies = {c.article_id for c in near_copies}
    return _count_once(placed, {e.id: e for e in events}, published, copies)


def _is_code(code: str) -> bool:
    return len(code) == 3 and code.isupper()


def _country(
    stated: str | None,
    guessed: bool,
    entity_id: str | None,
    country_of_entity: Mapping[str, str | None],
) -> str | None:
    if stated is not None and not guessed:
        return stated
    known = country_of_entity.get(entity_id) if entity_id else None
    return known or stated


def _named_country(name: str, polities: set[str]) -> str | None:
    """The country a place name or demonym names ("Lebanese", "Dravnian"), or None."""
    known = countries.code_of(name)
    if known:
        return known
    return next((p for p in sorted(polities) if name == p or demonym_of(name, p)), None)


def _entity_country(entity: Entity, polities: set[str]) -> str | None:
    """The country an entity is known by: its own name if it is one, else the one its
    roles and other names name most ("Lessarian defence ministry spokesman")."""
    own = countries.code_of(entity.name) or (entity.name if entity.name in polities else None)
    if own:
        return own
    votes: Counter[str] = Counter()
    for text in (*entity.roles, *entity.aliases):
        votes.update(match.code for match in countries.find(text))
        for word in text.replace("'s", " ").split():
            votes.update(p for p in polities if word == p or demonym_of(word, p))
    # a tie goes to the first name in order: the order a set is walked in (and so the
    # order of the votes) changes with each process's string hashing
    return min(votes, key=lambda code: (-votes[code], code)) if votes else None


def _count_once(
    placed: list[EventLink],
    events: Mapping[str, Event],
    published: Mapping[str, str | None],
    copies: set[str],
) -> tuple[EventLink, ...]:
    """Reports of one act count once: the earliest article's event (an original before a
    syndicated copy of the same day); the others point to it."""
    first: dict[tuple[Any, ...], str] = {}
    ordered = sorted(
        placed,
        key=lambda link: (
            published.get(events[link.event_id].article_id) or "9999",
            events[link.event_id].article_id in copies,
            events[link.event_id].article_id,
            events[link.event_id].evidence.start,
        ),
    )
    result = []
    for link in ordered:
        event = events[link.event_id]
        key = (
            link.story_id,
            event.code,
            event.negated,
            link.source_country or link.source_entity_id,
            link.target_country or link.target_entity_id,
            link.date,
        )
        original = first.setdefault(key, link.event_id)
        copy = original != link.event_id
        result.append(dataclasses.replace(link, copy_of=original) if copy else link)
    return tuple(result)


def pair_timelines(events: Sequence[Event], links: Sequence[EventLink]) -> list[dict[str, Any]]:
    """Per pair of countries, the counted, non-negated events between them by date."""
    by_id = {e.id: e for e in events}
    copies = Counter(link.copy_of for link in links if link.copy_of)
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        event = by_id.get(link.event_id)
        if event is None or event.negated or link.copy_of is not None:
            continue
        if not link.source_country or not link.target_country:
            continue
        if link.source_country == link.target_country:
            continue
        pair = tuple(sorted((link.source_country, link.target_country)))
        pairs[(pair[0], pair[1])].append(
            {
                "date": link.date,
                "event_id": event.id,
                "article_id": event.article_id,
                "source": link.source_country,
                "target": link.target_country,
                "code": event.code,
                "intensity": event.intensity,
                "hypothetical": event.hypothetical,
                "copies": copies[event.id],
            }
        )
    timelines = []
    for (first, second), rows in pairs.items():
        rows.sort(key=lambda r: (r["date"] is None, r["date"] or "", r["event_id"]))
        timelines.append(
            {
                "countries": [first, second],
                "events": rows,
                "mean_intensity": round(sum(r["intensity"] for r in rows) / len(rows), 2),
            }
        )
    timelines.sort(key=lambda t: (-len(t["events"]), t["countries"]))
    return timelines

"""Exports of a store: the JSON contract (`storytrace/1`), JSON Lines, CSV, and the dossier
(self-contained HTML, or Markdown; see `dossier`).

`contract_document` builds the one JSON document described in DESIGN.md; its shape is
checked by `schema/storytrace-1.schema.json`. Arrays of stages that have not run (or do
not exist yet) are empty, never filled with placeholders.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from storytrace.dates import day_number
from storytrace.dossier import render_html, render_markdown
from storytrace.escalation import pair_timelines
from storytrace.provenance import denial_markers, timeline
from storytrace.records import Article, DateMention, Denial, Event, EventLink, NamedOrigin, Span
from storytrace.store import Store

SCHEMA_ID = "storytrace/1"
FORMATS = ("json", "jsonl", "csv", "html", "md")
# Arrays of the contract, in order; those no stage fills yet stay empty.
SECTIONS = (
    "articles",
    "stories",
    "entities",
    "attributions",
    "quote_families",
    "claims",
    "denials",
    "discrepancies",
    "events",
    "escalation",
    "provenance",
    "dates",
    "ledger",
)
CSV_TABLES = ("articles", "ledger", "stories", "entities")


def contract_document(store: Store) -> dict[str, Any]:
    stored_stories = store.stories()
    story_of = {aid: story.id for story in stored_stories for aid in story.article_ids}
    copy_of = {copy.article_id: copy.duplicate_of for copy in store.near_copies()}
    stored_articles = store.articles()
    articles = [
        {
            "id": a.id,
            "source": a.source,
            "url": a.url,
            "outlet": a.outlet,
            "title": a.title,
            "published": a.published,
            "language": a.language,
            "text": a.text,
            "removed": list(a.removed),
            "story_id": story_of.get(a.id),
            "duplicate_of": copy_of.get(a.id),
        }
        for a in stored_articles
    ]
    by_id = {a.id: a for a in stored_articles}
    found = store.provenance()
    found_claims = store.claims()
    stored_dates = store.date_mentions()
    dates_of: dict[str, list[DateMention]] = {}
    for mention in stored_dates:
        dates_of.setdefault(mention.article_id, []).append(mention)
    denials_of: dict[str, list[Denial]] = {}
    for denial in found_claims.denials:
        denials_of.setdefault(story_of.get(denial.article_id) or "", []).append(denial)
    origin_of = {origin.story_id: origin for origin in found.origins}
    recirculated: dict[str, list[dict[str, Any]]] = {}
    for r in found.recirculations:
        recirculated.setdefault(r.story_id, []).append(
            {
                "article_id": r.article_id,
                "lag_days": r.lag_days,
                "cues": list(r.cues),
                "new_facts": r.new_facts,
            }
        )
    stories = [
        {
            "id": s.id,
            "title": s.title,
            "article_ids": list(s.article_ids),
            "first_reported": _first_reported(s.article_ids, by_id, origin_of.get(s.id)),
            "recirculated": recirculated.get(s.id, []),
            "timeline": timeline([by_id[a] for a in s.article_ids if a in by_id]),
            "markers": denial_markers(
                denials_of.get(s.id, []),
                [m for a in s.article_ids for m in dates_of.get(a, [])],
                {a: by_id[a].published for a in s.article_ids if a in by_id},
            ),
        }
        for s in stored_stories
    ]
    provenance = [
        {
            "story_id": e.story_id,
            "from_article_id": e.from_article_id,
            "to_article_id": e.to_article_id,
            "relation": e.relation,
            "score": e.score,
            "direction": e.direction,
            "evidence": [{"from": _span(p.later), "to": _span(p.earlier)} for p in e.evidence],
        }
        for e in found.edges
    ]
    ledger = [
        {"source": e.source, "status": e.status, "reason": e.reason, "article_id": e.article_id}
        for e in store.ledger()
    ]
    dates = [
        {
            "article_id": m.article_id,
            "text": m.span.text,
            "start": m.span.start,
            "end": m.span.end,
            "resolved": m.resolved,
            "precision": m.precision,
        }
        for m in stored_dates
    ]
    entities = [dataclasses.asdict(entity) for entity in store.entities()]
    entity_of = store.entity_of_local_names()
    families = store.quote_families()
    family_of: dict[str, str] = {
        q.attribution_id: f.id for f in families for q in f.quotations() if q.attribution_id
    }
    quote_families = [
        {
            "id": f.id,
            "story_id": f.story_id,
            "speaker": f.speaker,
            "speaker_entity_id": f.speaker_entity_id,
            "canonical": f.canonical,
            "variants": [
                {
                    "text": v.text,
                    "article_ids": list(dict.fromkeys(q.article_id for q in v.quotations)),
                    "quotations": [
                        {
                            "article_id": q.article_id,
                            "text": q.span.text,
                            "start": q.span.start,
                            "end": q.span.end,
                            "speaker": q.speaker,
                            "speaker_entity_id": q.speaker_entity_id,
                        }
                        for q in v.quotations
                    ],
                    "changes": [dataclasses.asdict(c) for c in v.changes],
                    "diff": [
                        {"op": op, "canonical": before, "variant": after}
                        for op, before, after in v.diff
                    ],
                }
                for v in f.variants
            ],
            "first_seen": {"article_id": f.first_article_id, "date": f.first_date},
        }
        for f in families
    ]
    discrepancies = [
        {
            "id": d.id,
            "story_id": d.story_id,
            "aspect": d.aspect,
            "key": d.key,
            "values": [
                {
                    "value": v.value,
                    "article_ids": list(v.article_ids),
                    "evidence": [
                        {
                            "article_id": article_id,
                            "text": span.text,
                            "start": span.start,
                            "end": span.end,
                        }
                        for article_id, span in v.evidence
                    ],
                }
                for v in d.values
            ],
        }
        for d in store.discrepancies()
    ]
    claims = [
        {
            "id": c.id,
            "story_id": c.story_id,
            "text": c.text,
            "stances": [
                {
                    "article_id": r.article_id,
                    "stance": r.stance,
                    "cues": list(r.cues),
                    "evidence": _span(r.evidence),
                }
                for r in c.stances
            ],
            "independent_sources": c.independent_sources,
            "origins": [
                {"article_ids": list(o.article_ids), "via": list(o.via)} for o in c.origins
            ],
        }
        for c in found_claims.claims
    ]
    denials = [
        {
            "id": d.id,
            "article_id": d.article_id,
            "denier": d.denier,
            "denier_entity_id": d.denier_entity_id,
            "target": d.target,
            "claim_id": d.claim_id,
            "evidence": _span(d.evidence),
        }
        for d in found_claims.denials
    ]
    attributions = [
        {
            "id": a.id,
            "article_id": a.article_id,
            "source": _span(a.source),
            "cue": _span(a.cue),
            "content": _span(a.content),
            "kind": a.kind,
            "speaker": a.speaker,
            "speaker_entity_id": entity_of.get((a.article_id, a.speaker)) if a.speaker else None,
            "family_id": family_of.get(a.id),
        }
        for a in store.attributions()
    ]
    stored_events = store.events()
    link_of = {link.event_id: link for link in store.event_links()}
    events = [_event(e, link_of.get(e.id)) for e in stored_events]
    escalation = pair_timelines(stored_events, list(link_of.values()))
    document: dict[str, Any] = {"schema": SCHEMA_ID}
    document.update({section: [] for section in SECTIONS})
    document.update(
        articles=articles,
        stories=stories,
        entities=entities,
        attributions=attributions,
        provenance=provenance,
        quote_families=quote_families,
        discrepancies=discrepancies,
        claims=claims,
        denials=denials,
        events=events,
        escalation=escalation,
        dates=dates,
        ledger=ledger,
    )
    return document


def _event(event: Event, link: EventLink | None) -> dict[str, Any]:
    return {
        "id": event.id,
        "article_id": event.article_id,
        "story_id": link.story_id if link else None,
        "date": link.date if link else None,
        "source_actor": event.source.text if event.source else None,
        "target_actor": event.target.text if event.target else None,
        "source_country": link.source_country if link else event.source_country,
        "target_country": link.target_country if link else event.target_country,
        "source_entity_id": link.source_entity_id if link else None,
        "target_entity_id": link.target_entity_id if link else None,
        "code": event.code,
        "mode": event.mode,
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "intensity": event.intensity,
        "copy_of": link.copy_of if link else None,
        "trigger": _span(event.trigger),
        "source": _span(event.source),
        "target": _span(event.target),
        "evidence": _span(event.evidence),
    }


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"text": span.text, "start": span.start, "end": span.end}


def _first_reported(
    article_ids: tuple[str, ...], by_id: dict[str, Article], origin: NamedOrigin | None
) -> dict[str, Any] | None:
    """The story's earliest article dated to the day (an article dated only to a month or a
    year cannot be placed before one of that month), the articles tied with it on that day,
    and the source the articles name as the origin."""
    dated = sorted(
        (day, a) for a in article_ids if a in by_id and (day := day_number(by_id[a].published))
    )
    named = None
    if origin is not None:
        named = {
            "name": origin.name,
            "article_id": origin.article_id,
            "evidence": _span(origin.span),
            "articles": origin.articles,
        }
    if not dated and named is None:
        return None
    day, article_id = dated[0] if dated else (None, None)
    published = by_id[article_id].published if article_id else None
    return {
        "article_id": article_id,
        "date": published[:10] if published else None,
        "same_day": [a for d, a in dated[1:] if d == day],
        "named_source": named,
    }


def contract_schema() -> dict[str, Any]:
    text = resources.files("storytrace").joinpath("schema/storytrace-1.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def render(store: Store, format: str, table: str = "articles") -> str:
    """The export as text in `format` (one of FORMATS)."""
    document = contract_document(store)
    if format == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if format == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in _typed_rows(document))
    if format == "html":
        return render_html(document)
    if format == "md":
        return render_markdown(document)
    if format == "csv":
        columns = contract_schema()["properties"][table]["items"]["required"]
        return _csv(columns, document[table])
    raise ValueError(f"unknown export format {format!r}")


def _typed_rows(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every record of the document on its own line, tagged with the section it belongs to."""
    for section in SECTIONS:
        for row in document[section]:
            yield {"section": section, **row}


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_cell(row[key]) for key in columns})
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value

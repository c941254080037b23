"""The story dossier: the export as one self-contained HTML file, or as Markdown.

Built from the JSON contract document (`export.contract_document`), so the dossier shows
exactly what the export holds. Per story: summary and first report, a coverage timeline with
the denials placed on it, the provenance graph, quote families with their word-level changes,
the claims-by-outlets stance matrix with independent-source counts, discrepancies, the
entities, and every article with the sentences the other sections point to highlighted and
anchored (each item links to its sentence).

In the HTML, everything that comes from an article is escaped (Jinja2 autoescape; the SVG is
built from escaped text too); the file holds no script at all and loads nothing from the
network. The Markdown is plain text for a reader or a converter: article text goes in as
written, so render it with a converter that escapes raw HTML.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from storytrace.dates import day_number

_ENVIRONMENT = Environment(
    loader=PackageLoader("storytrace", "templates"),
    # every template but the Markdown one is HTML: escape everything an article brings
    autoescape=lambda name: name is None or ".html" in name,
    trim_blocks=True,
    lstrip_blocks=True,
)
STANCE_ORDER = ("asserted", "attributed", "hedged", "disputed", "denied")


def render_html(document: dict[str, Any], *, served: bool = False) -> str:
    """The dossier page; `served` adds the web UI's links (stories, add, search)."""
    return _ENVIRONMENT.get_template("dossier.html.j2").render(
        stories=stories_view(document), pairs=pairs_view(document), served=served, anchor=anchor
    )


def render_markdown(document: dict[str, Any]) -> str:
    return _ENVIRONMENT.get_template("dossier.md.j2").render(
        stories=stories_view(document), pairs=pairs_view(document)
    )


def anchor(article_id: str, start: int) -> str:
    return f"{article_id}-{start}"


def stories_view(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Everything the templates show, story by story."""
    articles = {a["id"]: a for a in document["articles"]}
    by_story: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for section in ("quote_families", "claims", "discrepancies", "provenance", "events"):
        for item in document[section]:
            by_story[item["story_id"]][section].append(item)
    for denial in document["denials"]:
        story = articles.get(denial["article_id"], {}).get("story_id")
        by_story[story]["denials"].append(denial)
    entities_in: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entity in document["entities"]:
        for article_id in entity["article_ids"]:
            entities_in[article_id].append(entity)
    views = []
    for story in document["stories"]:
        found = by_story[story["id"]]
        members = [articles[a] for a in story["article_ids"] if a in articles]
        members.sort(key=lambda a: (a["published"] or "9999", a["outlet"] or ""))
        outlet = {a["id"]: a["outlet"] or a["id"] for a in members}
        marks = _highlights(found)
        named = (story.get("first_reported") or {}).get("named_source")
        if named:
            evidence = named["evidence"]
            marks[named["article_id"]].append((evidence["start"], evidence["end"], "origin"))
        views.append(
            {
                "story": story,
                "articles": [
                    {**a, "segments": _segments(a["text"], marks.get(a["id"], []))} for a in members
                ],
                "outlet": outlet,
                "timeline_svg": timeline_svg(story["timeline"], story.get("markers", [])),
                "provenance_svg": provenance_svg(members, found["provenance"]),
                "provenance": found["provenance"],
                "families": sorted(found["quote_families"], key=_carriers, reverse=True),
                "claims": sorted(found["claims"], key=lambda c: len(c["stances"]), reverse=True),
                "stance_outlets": [a["id"] for a in members],
                "discrepancies": found["discrepancies"],
                "events": [e for e in found["events"] if e["copy_of"] is None],
                "reports": Counter(e["copy_of"] for e in found["events"] if e["copy_of"]),
                "denials": found["denials"],
                "entities": list(
                    {
                        e["id"]: e for a in story["article_ids"] for e in entities_in.get(a, [])
                    }.values()
                ),
                "anchor": anchor,
                "names": lambda ids, outlet=outlet: ", ".join(
                    dict.fromkeys(outlet.get(i, i) for i in ids)
                ),
            }
        )
    return views


def _carriers(family: dict[str, Any]) -> int:
    return len({q["article_id"] for v in family["variants"] for q in v["quotations"]})


def _highlights(found: dict[str, list[Any]]) -> dict[str, list[tuple[int, int, str]]]:
    """(start, end, kind) to mark in each article: quotations, claim sentences, denials,
    discrepancy evidence and shared passages (and, added by the caller, the named origin)."""
    marks: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for family in found["quote_families"]:
        for variant in family["variants"]:
            for q in variant["quotations"]:
                marks[q["article_id"]].append((q["start"], q["end"], "quote"))
    for claim in found["claims"]:
        for reading in claim["stances"]:
            e = reading["evidence"]
            marks[reading["article_id"]].append((e["start"], e["end"], "claim"))
    for denial in found["denials"]:
        e = denial["evidence"]
        marks[denial["article_id"]].append((e["start"], e["end"], "denial"))
    for discrepancy in found["discrepancies"]:
        for value in discrepancy["values"]:
            for e in value["evidence"]:
                marks[e["article_id"]].append((e["start"], e["end"], "discrepancy"))
    for edge in found["provenance"]:
        for passage in edge["evidence"]:
            e = passage["from"]
            marks[edge["from_article_id"]].append((e["start"], e["end"], "shared"))
    for event in found["events"]:
        e = event["evidence"]
        marks[event["article_id"]].append((e["start"], e["end"], "event"))
    return marks


def pairs_view(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The escalation timeline of each pair of countries, with what links each event to
    its sentence."""
    events = {e["id"]: e for e in document["events"]}
    outlet = {a["id"]: a["outlet"] or a["id"] for a in document["articles"]}
    views = []
    for pair in document.get("escalation", []):
        rows = [
            {
                **row,
                "evidence": events[row["event_id"]]["evidence"],
                "outlet": outlet.get(row["article_id"], row["article_id"]),
            }
            for row in pair["events"]
            if row["event_id"] in events
        ]
        views.append({**pair, "rows": rows, "svg": escalation_svg(pair["countries"], rows)})
    return views


def _segments(text: str, marks: Sequence[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """The text cut at every mark's edges: each piece with the kinds covering it and the
    anchors of the marks starting there."""
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    starts = {start for start, _, _ in marks}  # one anchor per start offset
    pieces = []
    for left, right in itertools.pairwise(cuts):
        kinds = sorted({kind for start, end, kind in marks if start <= left and right <= end})
        pieces.append(
            {"text": text[left:right], "kinds": kinds, "anchor": left if left in starts else None}
        )
    return pieces


# -- pictures (inline SVG, no script) ------------------------------------------------------


def escalation_svg(countries: Sequence[str], rows: Sequence[dict[str, Any]]) -> Markup:
    """Events between two countries on a day axis, by intensity (-10 conflict at the
    bottom, +10 cooperation at the top); one colour per direction."""
    dated = [r for r in rows if day_number(r["date"]) is not None]
    if not dated:
        return Markup("<p>No event dated to the day.</p>")
    days = sorted({r["date"][:10] for r in dated})
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    span = max(1, (last - first).days)
    width, height, left, top = 720, 180, 40, 15
    middle = top + 75

    def x(day: str) -> float:
        return left + (date.fromisoformat(day[:10]) - first).days / span * (width - left - 20)

    def y(intensity: float) -> float:
        return middle - intensity * 7

    parts = [
        f'<svg class="escalation" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="events between {escape(countries[0])} and {escape(countries[1])}">',
        f'<line x1="{left}" y1="{middle}" x2="{width - 10}" y2="{middle}" class="axis"/>',
        f'<text x="2" y="{top + 5}" class="label">+10</text>',
        f'<text x="2" y="{middle + 4}" class="label">0</text>',
        f'<text x="2" y="{middle + 75}" class="label">-10</text>',
    ]
    for row in dated:
        kind = "forward" if row["source"] == countries[0] else "backward"
        parts.append(
            f'<circle cx="{x(row["date"]):.1f}" cy="{y(row["intensity"]):.1f}" r="5" '
            f'class="event {kind}"><title>{escape(row["date"])}: {escape(row["source"])} '
            f"{escape(row['code'])} {escape(row['target'])} ({row['intensity']})</title></circle>"
        )
    parts.append(f'<text x="{left}" y="{height - 2}" class="label">{escape(days[0])}</text>')
    parts.append(
        f'<text x="{width - 10}" y="{height - 2}" class="label" text-anchor="end">'
        f"{escape(days[-1])}</text>"
    )
    parts.append(
        f'<text x="{width - 10}" y="{top}" class="label" text-anchor="end">blue: '
        f"{escape(countries[0])} to {escape(countries[1])} · red: the other way</text></svg>"
    )
    return Markup("".join(parts))


def timeline_svg(rows: Sequence[dict[str, Any]], markers: Sequence[dict[str, Any]]) -> Markup:
    """Articles per day as bars, denials as red ticks, on one day axis."""
    # only dates known to the day have a place on a day axis ("2024-04" has none)
    rows = [r for r in rows if day_number(r["date"]) is not None]
    markers = [m for m in markers if day_number(m["date"]) is not None]
    days = sorted({r["date"][:10] for r in rows} | {m["date"][:10] for m in markers})
    if not days:
        return Markup("<p>No article dated to the day.</p>")
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    span = max(1, (last - first).days)
    width, height, left = 720, 140, 40
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["date"][:10]] += len(row["article_ids"])
    peak = max(counts.values(), default=1)

    def x(day: str) -> float:
        return left + (date.fromisoformat(day) - first).days / span * (width - left - 20)

    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="articles per day">',
        f'<line x1="{left}" y1="110" x2="{width - 10}" y2="110" class="axis"/>',
    ]
    for day, count in sorted(counts.items()):
        bar = 90 * count / peak
        parts.append(
            f'<rect x="{x(day) - 4:.1f}" y="{110 - bar:.1f}" width="8" height="{bar:.1f}" '
            f'class="bar"><title>{escape(day)}: {count} article(s)</title></rect>'
        )
    for marker in markers:
        at = x(marker["date"][:10])
        parts.append(
            f'<line x1="{at:.1f}" y1="112" x2="{at:.1f}" y2="126" class="marker">'
            f"<title>{escape(marker['label'])}</title></line>"
        )
    parts.append(f'<text x="{left}" y="138" class="label">{escape(days[0])}</text>')
    parts.append(
        f'<text x="{width - 10}" y="138" class="label" text-anchor="end">{escape(days[-1])}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def provenance_svg(members: Sequence[dict[str, Any]], edges: Iterable[dict[str, Any]]) -> Markup:
    """An arc diagram: the articles in date order on one line, an arc from each article to
    the one it copies, rewrites or cites (the higher the arc, the further apart)."""
    edges = list(edges)
    if not edges:
        return Markup("<p>No copies, rewrites or citations found.</p>")
    involved = {e["from_article_id"] for e in edges} | {e["to_article_id"] for e in edges}
    shown = [a for a in members if a["id"] in involved]
    step = 110
    width = 60 + step * max(1, len(shown) - 1) + 120
    base = 50 + step * max(1, len(shown) - 1) // 4
    height = base + 130
    place = {a["id"]: 40 + step * n for n, a in enumerate(shown)}
    parts = [
        f'<svg class="provenance" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="who draws on whom">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        "</defs>",
    ]
    for edge in edges:
        x1, x2 = place[edge["from_article_id"]], place[edge["to_article_id"]]
        rise = abs(x2 - x1) / 2
        parts.append(
            f'<path d="M{x1},{base} Q{(x1 + x2) / 2},{base - rise} {x2},{base}" fill="none" '
            f'class="edge {escape(edge["relation"])}" marker-end="url(#arrow)">'
            f"<title>{escape(edge['relation'])} ({escape(edge['direction'])} order), "
            f"score {edge['score']}</title></path>"
        )
    for article in shown:
        x = place[article["id"]]
        label = f"{article['outlet'] or article['id']} · {article['published'] or 'undated'}"
        parts.append(f'<circle cx="{x}" cy="{base}" r="6" class="node"/>')
        parts.append(
            f'<text x="{x}" y="{base + 16}" class="label" '
            f'transform="rotate(30 {x} {base + 16})">{escape(label)}</text>'
        )
    parts.append(
        '<text x="10" y="14" class="label">red: copies · orange: rewrites · '
        "blue, dashed: cites · each arc points to the article drawn on</text></svg>"
    )
    return Markup("".join(parts))

"""The local web UI: `storytrace serve` (FastAPI on uvicorn, 127.0.0.1 unless told otherwise).

Pages: the stories (`/`), one story's dossier (`/stories/{id}`: the same page as the HTML
export, for that story), and a search across article text, entity names and quotations
(`/search?q=`). The JSON behind them is under `/api/` and documented by the OpenAPI schema
(`/openapi.json`, browsable at `/docs`).

Read-only for now: adding articles from the browser is not built yet. Every page is rendered
with the dossier's escaping (no script, a Content-Security-Policy forbidding any), path
parameters are matched against the ids storytrace makes (anything else is a 404, so no path
reaches the file system), and the store is opened per request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from storytrace import __version__
from storytrace.dossier import render_html
from storytrace.export import contract_document
from storytrace.store import Store

_STORY_ID = re.compile(r"^s[0-9a-f]{6,40}$")
MAX_QUERY = 200
MAX_HITS = 100
_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title><style>body {{ font: 15px/1.5 system-ui, sans-serif; margin: 0 auto;
max-width: 1000px; padding: 1em 2em; }} .muted {{ color: #777; }}</style></head>
<body><p><a href="/">stories</a> · <form action="/search" style="display:inline">
<input name="q" value="{query}" aria-label="search"> <button>search</button></form></p>
{body}</body></html>"""


def create_app(db: str) -> FastAPI:
    app = FastAPI(
        title="storytrace",
        version=__version__,
        description="Stories, their dossiers and a search over a storytrace store.",
    )

    @contextmanager
    def store() -> Iterator[Store]:
        with Store(db) as opened:
            yield opened

    def document() -> dict[str, Any]:
        with store() as opened:
            return contract_document(opened)

    def one_story(story_id: str) -> dict[str, Any]:
        if not _STORY_ID.match(story_id):
            raise HTTPException(status_code=404, detail="no such story")
        found = story_slice(document(), story_id)
        if found is None:
            raise HTTPException(status_code=404, detail="no such story")
        return found

    @app.get("/api/stories", summary="The stories, largest first")
    def api_stories() -> list[dict[str, Any]]:
        return [
            {"id": s["id"], "title": s["title"], "articles": len(s["article_ids"])}
            for s in document()["stories"]
        ]

    @app.get("/api/stories/{story_id}", summary="One story's part of the JSON contract")
    def api_story(story_id: str) -> dict[str, Any]:
        return one_story(story_id)

    @app.get("/api/search", summary="Articles, entities and quotations holding the words")
    def api_search(q: str = Query(min_length=2, max_length=MAX_QUERY)) -> dict[str, Any]:
        return search(document(), q)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page() -> str:
        rows = "".join(
            f'<li><a href="/stories/{escape(s["id"])}">{escape(s["title"] or s["id"])}</a> '
            f'<span class="muted">({s["articles"]} articles)</span></li>'
            for s in api_stories()
        )
        return _PAGE.format(title="storytrace", query="", body=f"<h1>Stories</h1><ol>{rows}</ol>")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> str:
        return render_html(one_story(story_id))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(q: str = Query(default="", max_length=MAX_QUERY)) -> str:
        if len(q.strip()) < 2:
            body = "<p>Type two letters or more.</p>"
        else:
            found = search(document(), q)
            items = [
                f'<li>{escape(kind)}: <a href="/stories/{escape(hit["story_id"])}">'
                f'{escape(hit["label"])}</a> <span class="muted">{escape(hit["text"])}</span></li>'
                for kind in ("articles", "entities", "quotations")
                for hit in found[kind]
                if hit["story_id"]
            ]
            body = f"<h1>Search: {escape(q)}</h1><ul>{''.join(items) or '<li>Nothing.</li>'}</ul>"
        return _PAGE.format(title="storytrace search", query=escape(q), body=body)

    return app


def story_slice(document: dict[str, Any], story_id: str) -> dict[str, Any] | None:
    """The contract document cut down to one story: its articles and what they hold."""
    story = next((s for s in document["stories"] if s["id"] == story_id), None)
    if story is None:
        return None
    ids = set(story["article_ids"])
    cut = {key: value for key, value in document.items() if not isinstance(value, list)}
    cut["stories"] = [story]
    for section, value in document.items():
        if section == "stories" or not isinstance(value, list):
            continue
        cut[section] = [row for row in value if _belongs(row, story_id, ids)]
    return cut


def _belongs(row: dict[str, Any], story_id: str, ids: set[str]) -> bool:
    if "story_id" in row:
        return bool(row["story_id"] == story_id)
    if "article_id" in row:
        return row["article_id"] in ids
    if "article_ids" in row:
        return bool(ids & set(row["article_ids"]))
    return "id" in row and row["id"] in ids


def search(document: dict[str, Any], query: str) -> dict[str, list[dict[str, Any]]]:
    """Case-insensitive substring search over article titles and text, entity names and
    aliases, and quotations; at most `MAX_HITS` of each."""
    needle = query.strip().casefold()
    story_of = {a["id"]: a["story_id"] for a in document["articles"]}
    articles = [
        {
            "id": a["id"],
            "story_id": a["story_id"],
            "label": a["title"] or a["id"],
            "text": _around(a["text"], needle),
        }
        for a in document["articles"]
        if needle in (a["title"] or "").casefold() or needle in a["text"].casefold()
    ]
    entities = [
        {
            "id": e["id"],
            "story_id": story_of.get(e["article_ids"][0]) if e["article_ids"] else None,
            "label": e["name"],
            "text": ", ".join(e["aliases"]),
        }
        for e in document["entities"]
        if any(needle in name.casefold() for name in [e["name"], *e["aliases"]])
    ]
    quotations = [
        {
            "id": f["id"],
            "story_id": f["story_id"],
            "label": f["speaker"] or "unattributed",
            "text": v["text"],
        }
        for f in document["quote_families"]
        for v in f["variants"]
        if needle in v["text"].casefold()
    ]
    return {
        "articles": articles[:MAX_HITS],
        "entities": entities[:MAX_HITS],
        "quotations": quotations[:MAX_HITS],
    }


def _around(text: str, needle: str, width: int = 80) -> str:
    at = text.casefold().find(needle)
    if at < 0:
        return text[:width]
    return text[max(0, at - width) : at + len(needle) + width]

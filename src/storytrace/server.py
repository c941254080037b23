"""The local web UI: `storytrace serve` (FastAPI on uvicorn, 127.0.0.1 unless told otherwise).

Pages: the stories (`/`), one story's dossier (`/stories/{id}`: the same page as the HTML
export, for that story), an article in its dossier (`/articles/{id}`), a search across article
text, entity names and quotations (`/search?q=`), and a form adding articles by path, upload
or URL (`/add`), which runs the pipeline on them: inputs already in the ledger are skipped,
new articles join the stories or open new ones. The JSON behind the pages is under `/api/`
and documented by the OpenAPI schema (`/openapi.json`; FastAPI's browsable `/docs` is off:
it loads its script from a CDN, and storytrace loads nothing from the network).

Safety, since a browser on the same machine also visits other sites: every page is rendered
with the dossier's escaping (no script, a Content-Security-Policy forbidding any); path
parameters are matched against the ids storytrace makes (anything else is a 404, so no path
parameter reaches the file system); a request naming another host is refused (a site
re-pointing its domain at this machine, DNS rebinding, gets nothing); a POST whose Origin
is another site is refused before its body is read (a page elsewhere cannot make this
server read files); a POST's body is capped; uploads are capped in size and number and
stored under names the server makes; each client's requests, and its article additions
above all, are capped per minute (429 beyond); URLs are fetched from public addresses only
unless the server is started with `allow_private_urls`. One lock serialises the store: a
page asked for while articles are being added waits for the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from storytrace import __version__
from storytrace.dossier import render_html
from storytrace.errors import UsageError
from storytrace.export import contract_document
from storytrace.fetch import Fetcher
from storytrace.runner import RunReport, run
from storytrace.settings import Settings
from storytrace.sources import input_kind
from storytrace.store import Store

_STORY_ID = re.compile(r"^s[0-9a-f]{6,40}$")
_ARTICLE_ID = re.compile(r"^a[0-9a-f]{6,40}$")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_QUERY = 200
MAX_HITS = 100
MAX_UPLOADS = 200  # files in one form
MAX_LINES = 1000  # paths or URLs in one form
MAX_UPLOAD_FACTOR = 4  # a form's body may hold this many inputs of the largest size
MAX_CLIENTS = 10_000  # rate-limit entries kept before idle ones are dropped
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# form fields of the add form (module level: FastAPI resolves the annotations by name)
Lines = Annotated[str, Form(max_length=100_000)]
Files = Annotated[list[UploadFile], File()]
_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title><style>body {{ font: 15px/1.5 system-ui, sans-serif; margin: 0 auto;
max-width: 1000px; padding: 1em 2em; overflow-wrap: anywhere; }} .muted {{ color: #777; }}
textarea, input[type=text] {{ width: 100%; box-sizing: border-box; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ddd; padding: .25em .5em;
text-align: left; vertical-align: top; }} .rejected {{ background: #ffd6d6; }}</style></head>
<body><nav><a href="/">stories</a> · <a href="/add">add articles</a> ·
<form action="/search" style="display:inline"><input name="q" value="{query}"
aria-label="search"> <button>search</button></form></nav>
{body}</body></html>"""
_ADD_FORM = """<h1>Add articles</h1>
<p>Files and folders on this machine (one per line), pages to fetch (one URL per line) and
files to upload: HTML, text, JSONL, feeds and WARC files, optionally gzipped. Inputs already
in the store are skipped; new articles join their stories.</p>
<form method="post" action="/add" enctype="multipart/form-data">
<p><label>Paths on this machine<br><textarea name="paths" rows="3"></textarea></label></p>
<p><label>URLs<br><textarea name="urls" rows="3"></textarea></label></p>
<p><label>Upload files <input type="file" name="files" multiple></label></p>
<p><button type="submit">Add and analyse</button></p>
</form>"""


def create_app(
    db: str,
    settings: Settings | None = None,
    *,
    allow_private_urls: bool = False,
    requests_per_minute: int = 600,
    adds_per_minute: int = 20,
    hosts: Iterable[str] | None = LOOPBACK,
) -> FastAPI:
    """The web UI over the store at `db`; `settings` apply to articles added from it.
    Each client may send `requests_per_minute` requests, of which `adds_per_minute` add
    articles (a run is expensive); beyond, 429 with Retry-After. Requests must name one
    of `hosts` in their Host header (None: any), so a page whose domain is re-pointed at
    this machine (DNS rebinding) is refused."""
    settings = settings or Settings()
    app = FastAPI(
        title="storytrace",
        version=__version__,
        description="Stories, their dossiers and a search over a storytrace store; "
        "articles added by path, upload or URL.",
        docs_url=None,
        redoc_url=None,
    )
    lock = threading.Lock()
    uploads = Path(db).parent / f"{Path(db).stem}-uploads"
    every_request = RateLimit(requests_per_minute)
    adding = RateLimit(adds_per_minute)
    known_hosts = None if hosts is None else frozenset(hosts)
    max_body = MAX_UPLOAD_FACTOR * settings.max_input_bytes

    @app.middleware("http")
    async def guarded(request: Request, call_next: Any) -> Any:
        """Checks made before any body is read: host, rate, size, and for a POST its
        origin, then the rate of additions (a refused request counts for nothing)."""
        hostname = urlsplit("//" + request.headers.get("host", "")).hostname or ""
        if known_hosts is not None and hostname not in known_hosts:
            return PlainTextResponse("unknown host", status_code=400)
        client = request.client.host if request.client else "?"
        wait = every_request.wait(client)
        if request.method == "POST" and not wait:
            length = request.headers.get("content-length", "")
            if not length.isdigit():
                return PlainTextResponse("a length is required", status_code=411)
            if int(length) > max_body:
                return PlainTextResponse(f"over {max_body:,} bytes", status_code=413)
            if _cross_site(request):
                return PlainTextResponse("cross-site request refused", status_code=403)
            wait = adding.wait(client)
        if wait:
            return PlainTextResponse(
                "too many requests", status_code=429, headers={"Retry-After": str(wait)}
            )
        return await call_next(request)

    @contextmanager
    def store() -> Iterator[Store]:
        with lock, Store(db) as opened:
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

    def add(paths: str, urls: str, files: list[UploadFile]) -> RunReport:
        sources = [*_lines(paths), *_lines(urls)]
        sent = [f for f in files if f.filename]
        if len(sources) > MAX_LINES or len(sent) > MAX_UPLOADS:
            raise HTTPException(
                status_code=413, detail=f"at most {MAX_LINES} lines and {MAX_UPLOADS} files"
            )
        sources += [_save_upload(upload, uploads, settings.max_input_bytes) for upload in sent]
        if not sources:
            raise HTTPException(status_code=400, detail="nothing to add: give a path, URL or file")
        fetcher = Fetcher.from_settings(settings, public_only=not allow_private_urls)
        with store() as opened, contextlib.closing(fetcher) as f:
            try:
                return run(sources, opened, settings, fetcher=f)
            except UsageError as error:
                raise HTTPException(status_code=400, detail=str(error)) from error

    @app.post(
        "/api/articles",
        summary="Add articles by path, URL or upload and run the pipeline on them",
    )
    def api_add(paths: Lines = "", urls: Lines = "", files: Files = []) -> dict[str, Any]:  # noqa: B006
        return _outcome(add(paths, urls, files))

    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_page() -> str:
        return _PAGE.format(title="storytrace: add articles", query="", body=_ADD_FORM)

    @app.post(
        "/add",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def add_submitted(paths: Lines = "", urls: Lines = "", files: Files = []) -> str:  # noqa: B006
        outcome = _outcome(add(paths, urls, files))
        story_of = {a["id"]: a["story_id"] for a in document()["articles"]}
        rows = "".join(
            f'<tr class="{escape(e["status"])}"><td>{escape(e["source"])}</td>'
            f"<td>{escape(e['status'])}</td><td>{escape(e['reason'] or '')}</td><td>"
            + (
                f'<a href="/articles/{escape(e["article_id"])}">'
                f"{escape(story_of.get(e['article_id']) or e['article_id'])}</a>"
                if e["article_id"]
                else ""
            )
            + "</td></tr>"
            for e in outcome["ledger"]
        )
        counts = ", ".join(f"{outcome[k]} {k}" for k in ("accepted", "duplicate", "rejected"))
        body = (
            f"<h1>Added</h1><p>{counts}, {outcome['unchanged']} already in the store.</p>"
            "<table><tr><th>input</th><th>status</th><th>reason</th><th>story</th></tr>"
            f"{rows}</table>{_ADD_FORM}"
        )
        return _PAGE.format(title="storytrace: added", query="", body=body)

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article_page(article_id: str) -> RedirectResponse:
        """An article is shown, highlighted, inside its story's dossier."""
        if _ARTICLE_ID.match(article_id):
            for article in document()["articles"]:
                if article["id"] == article_id and article["story_id"]:
                    return RedirectResponse(
                        f"/stories/{article['story_id']}#{article_id}", status_code=303
                    )
        raise HTTPException(status_code=404, detail="no such article")

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
        return render_html(one_story(story_id), served=True)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(q: str = Query(default="", max_length=MAX_QUERY)) -> str:
        if len(q.strip()) < 2:
            body = "<p>Type two letters or more.</p>"
        else:
            found = search(document(), q)
            items = [
                f'<li>{escape(kind)}: <a href="{escape(_link(kind, hit))}">'
                f'{escape(hit["label"])}</a> <span class="muted">{escape(hit["text"])}</span></li>'
                for kind in ("articles", "entities", "quotations")
                for hit in found[kind]
                if hit["story_id"]
            ]
            body = f"<h1>Search: {escape(q)}</h1><ul>{''.join(items) or '<li>Nothing.</li>'}</ul>"
        return _PAGE.format(title="storytrace search", query=escape(q), body=body)

    return app


def _cross_site(request: Request) -> bool:
    """Was this request sent by a page of another site? (The browser names it in Origin
    and Sec-Fetch-Site; a request with neither is not from a page: curl, scripts.)"""
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site", "same-origin")
    if origin is None:
        return site not in ("same-origin", "none")
    return site not in ("same-origin", "none") or urlsplit(origin).netloc != (
        request.headers.get("host")
    )


class RateLimit:
    """At most `per_minute` requests per client in any sliding minute."""

    def __init__(self, per_minute: int, clock: Any = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def wait(self, client: str) -> int:
        """0 if this request may go (and count it), else the seconds to wait."""
        now = self._clock()
        with self._lock:
            times = self._seen[client]
            while times and now - times[0] >= 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(1, int(60 - (now - times[0])) + 1)
            times.append(now)
            if len(self._seen) > MAX_CLIENTS:  # forget clients idle for a minute
                for idle in [c for c, t in self._seen.items() if now - t[-1] >= 60]:
                    del self._seen[idle]
            return 0


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _save_upload(upload: UploadFile, folder: Path, limit: int) -> str:
    """Store an upload under a name of its content's hash and a cleaned copy of its own
    (kept for the suffix that picks the reader, and for the ledger); return its path."""
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(status_code=413, detail=f"{upload.filename}: over {limit:,} bytes")
    name = _UNSAFE_NAME.sub("_", Path(upload.filename or "upload").name).strip("._") or "upload"
    if input_kind(name) is None:
        name += ".txt"  # an unknown suffix is read as text: the ledger says if it holds none
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}-{name[-100:]}"
    if not path.exists():
        path.write_bytes(data)
    return str(path)


def _outcome(report: RunReport) -> dict[str, Any]:
    return {
        **{k: report.count(k) for k in ("accepted", "duplicate", "rejected")},
        "unchanged": report.unchanged,
        "ledger": [
            {
                "source": e.source,
                "status": e.status,
                "reason": e.reason,
                "article_id": e.article_id,
            }
            for e in report.ledger
        ],
    }


def _link(kind: str, hit: dict[str, Any]) -> str:
    """Articles and quote families have anchors in their story's dossier; entities do not."""
    anchor = "" if kind == "entities" else f"#{hit['id']}"
    return f"/stories/{hit['story_id']}{anchor}"


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
    # the escalation of each pair, as far as this story's articles report it
    cut["escalation"] = []
    for pair in document.get("escalation", []):
        rows = [row for row in pair["events"] if row["article_id"] in ids]
        if rows:
            mean = round(sum(row["intensity"] for row in rows) / len(rows), 2)
            cut["escalation"].append({**pair, "events": rows, "mean_intensity": mean})
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

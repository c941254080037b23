"""RSS and Atom feeds: one article per entry.

An entry that carries the article (its content or summary is long enough) becomes a
`record` Document with the entry's title, link and date; an entry that is only a teaser
is replaced by its linked page when a fetcher is available. feedparser parses
defensively: an XML entity bomb or a broken feed gives what it can, never a hang.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser

from storytrace.errors import InputRejected
from storytrace.fetch import Fetcher
from storytrace.htmlpage import html_to_text
from storytrace.rawbytes import decode, fingerprint, rejected
from storytrace.records import Document, LedgerEntry

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/rdf+xml",
    }
)
TEASER_CHARS = 600  # shorter entry text is a teaser: the article is on the linked page


def looks_like_feed(body: bytes) -> bool:
    head = body[:1000].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def feed_documents(
    source: str, body: bytes, fetcher: Fetcher | None
) -> Iterator[Document | LedgerEntry]:
    parsed = feedparser.parse(body)
    if not parsed.entries:
        reason = parsed.get("bozo_exception") or "no entries"
        yield rejected(source, f"not a feed with entries: {reason}")
        return
    outlet = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, start=1):
        entry_source = f"{source}#{entry.get('id') or entry.get('link') or number}"
        try:
            yield _entry_document(entry_source, entry, outlet, fetcher)
        except InputRejected as rejection:
            yield rejected(entry_source, rejection.reason)
        except Exception as error:  # one odd entry (a year-0 date) loses nothing else
            yield rejected(entry_source, f"unreadable entry: {type(error).__name__}: {error}")


def _entry_document(
    source: str, entry: Any, outlet: str | None, fetcher: Fetcher | None
) -> Document:
    html = next((c.get("value", "") for c in entry.get("content", []) if c.get("value")), "")
    text = html_to_text(html or entry.get("summary", ""))
    fields = {
        "title": entry.get("title"),
        "url": entry.get("link"),
        "outlet": outlet,
        "published": _entry_date(entry),
        "author": entry.get("author"),
    }
    link = entry.get("link")
    if len(text) < TEASER_CHARS and link and fetcher is not None:
        try:
            page = fetcher.fetch(link)
            fields["url"] = page.final_url
            return Document(
                source, "html", decode(page.body, html=True), fingerprint(page.body), _pairs(fields)
            )
        except InputRejected:
            pass  # the linked page is out of reach: the teaser is what there is
    if not text:
        raise InputRejected("feed entry has no text and no page to fetch")
    return Document(source, "record", text, fingerprint(text.encode()), _pairs(fields))


def _entry_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date().isoformat()


def _pairs(fields: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v).strip()) for k, v in fields.items() if v))

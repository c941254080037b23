"""Read inputs into `Document`s, or reject them with a reason.

One dispatcher over every input kind: HTML pages and text dumps (one document), JSON Lines
(one per line), feeds (one per entry, see `feeds.py`), WARC files (one per HTML response,
see `warc.py`) and URLs (fetched by the run's `Fetcher`; a URL that serves a feed reads as
a feed). Bounded reading and decoding live in `rawbytes.py`. Whatever goes wrong with one
input becomes a rejected `LedgerEntry` with the reason; nothing raises out of here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from storytrace.errors import InputRejected
from storytrace.feeds import FEED_TYPES, feed_documents, looks_like_feed
from storytrace.fetch import Fetcher
from storytrace.rawbytes import decode, fingerprint, read_bytes, rejected
from storytrace.records import Document, LedgerEntry
from storytrace.sources import InputFile, input_kind
from storytrace.warc import warc_documents

_JSONL_FIELDS = {
    "title": "title",
    "url": "url",
    "published": "published",
    "date": "published",
    "outlet": "outlet",
    "author": "author",
}


def read_input(
    item: InputFile, max_bytes: int, fetcher: Fetcher | None = None
) -> Iterator[Document | LedgerEntry]:
    """Documents in `item`; a whole-input problem yields one rejected `LedgerEntry`.

    A container (JSONL, feed, WARC) yields one Document per article and a rejected entry
    (`PATH#LINE`, `PATH#ENTRY`, `PATH#URI`) for each part that is not one, so one bad part
    loses nothing else.
    """
    try:
        if item.path is None:
            yield from _url_documents(item.source, fetcher)
            return
        kind = input_kind(item.path.name)
        if kind is None:
            raise InputRejected(
                f"unsupported file type {item.path.suffix or '(no suffix)'!r}: expected .html, "
                ".htm, .txt, .jsonl, .xml, .rss, .atom or .warc, optionally .gz"
            )
        if kind == "warc":
            yield from warc_documents(item.source, item.path, max_bytes)
            return
        raw = read_bytes(item.path, max_bytes)
        if kind == "jsonl":
            yield from _jsonl_documents(item.source, raw)
        elif kind == "feed":
            yield from feed_documents(item.source, raw, fetcher)
        else:
            text = decode(raw, html=kind == "html")
            if not text.strip():
                raise InputRejected("empty: no text in the file")
            yield Document(
                item.source, "html" if kind == "html" else "text", text, fingerprint(raw)
            )
    except InputRejected as rejection:
        yield rejected(item.source, rejection.reason)
    except Exception as error:  # a reader bug or a library's surprise: this input only
        yield rejected(item.source, f"unreadable: {type(error).__name__}: {error}")


def _url_documents(url: str, fetcher: Fetcher | None) -> Iterator[Document | LedgerEntry]:
    if fetcher is None:
        raise InputRejected("fetching URLs is switched off for this run")
    page = fetcher.fetch(url)
    if page.content_type in FEED_TYPES or looks_like_feed(page.body):
        yield from feed_documents(url, page.body, fetcher)
        return
    text = decode(page.body, html=True)
    fields = (("fetched_at", page.fetched_at), ("url", page.final_url))
    yield Document(url, "html", text, fingerprint(page.body), fields)


def _jsonl_documents(path_source: str, raw: bytes) -> Iterator[Document | LedgerEntry]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path_source}#{number}"
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as error:  # bad JSON, 5,000-digit ints, nesting
            yield rejected(source, f"line {number} is not valid JSON: {error}")
            continue
        if not isinstance(record, dict):
            yield rejected(source, f"line {number} is not a JSON object")
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield rejected(source, f"line {number} has no 'text' string")
            continue
        if record.get("id") not in (None, ""):
            source = f"{path_source}#{record['id']}"
        fields = sorted(
            (name, str(record[key]).strip())
            for key, name in _JSONL_FIELDS.items()
            if record.get(key) not in (None, "") and not (key == "date" and "published" in record)
        )
        yield Document(source, "record", text, fingerprint(line), tuple(fields))

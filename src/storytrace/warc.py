"""WARC (and ARC) files: one article per HTTP response that holds an HTML page.

Requests, metadata records and responses for images, scripts or styles are not articles
and are passed over. A truncated or corrupt record ends the file with a rejected entry
that names where it broke; the pages read before it are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storytrace.errors import InputRejected
from storytrace.rawbytes import decode, fingerprint, rejected
from storytrace.records import Document, LedgerEntry


def warc_documents(source: str, path: Path, max_bytes: int) -> Iterator[Document | LedgerEntry]:
    number = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, arc2warc=True):
                number += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type.lower():
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"record-{number}"
                body = record.content_stream().read(max_bytes + 1)
                entry_source = f"{source}#{uri}"
                if len(body) > max_bytes:
                    yield rejected(entry_source, f"too large: over {max_bytes:,} bytes")
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:
                    # The file ended before the record's declared length: warcio hands back
                    # what there is without complaint, so check the bytes left unread.
                    raise EOFError(f"record {number} ends before its declared length")
                try:
                    text = decode(body, html=True)
                except InputRejected as rejection:
                    yield rejected(entry_source, rejection.reason)
                    continue
                yield Document(entry_source, "html", text, fingerprint(body), (("url", uri),))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError) as error:
        yield rejected(
            f"{source}#record-{number + 1}",
            f"truncated or corrupt WARC record: {type(error).__name__}: {error}",
        )

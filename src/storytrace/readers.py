"""Read input files into `Document`s, or reject them with a reason.

Reading is bounded: a file is never read past `max_input_bytes`, and a gzip member is
decompressed in chunks up to the same cap, so a 100 MB page or a gzip bomb costs at most
that much memory. Text must decode as UTF-8, as the charset the HTML declares, as UTF-8
with a few stray bytes (mixed encodings), or as the encoding charset-normalizer is
confident about; otherwise the input is rejected rather than read as mojibake.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from storytrace.errors import InputRejected
from storytrace.records import Document, LedgerEntry
from storytrace.sources import InputFile, input_kind

_CHUNK = 1 << 16
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_JSONL_FIELDS = {
    "title": "title",
    "url": "url",
    "published": "published",
    "date": "published",
    "outlet": "outlet",
    "author": "author",
}


def fingerprint(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:32]


def read_input(item: InputFile, max_bytes: int) -> Iterator[Document | LedgerEntry]:
    """Documents in `item`; a whole-file problem yields one rejected `LedgerEntry`.

    A JSONL file yields one Document per valid line and a rejected entry (`PATH#LINE`)
    for each line that is not an article, so one bad line loses nothing else.
    """
    try:
        kind = input_kind(item.path.name)
        if kind is None:
            raise InputRejected(
                f"unsupported file type {item.path.suffix or '(no suffix)'!r}: "
                "expected .html, .htm, .txt or .jsonl, optionally .gz"
            )
        raw = read_bytes(item.path, max_bytes)
        if kind == "jsonl":
            yield from _jsonl_documents(item.source, raw)
            return
        text = decode(raw, html=kind == "html")
        if not text.strip():
            raise InputRejected("empty: no text in the file")
        yield Document(item.source, "html" if kind == "html" else "text", text, fingerprint(raw))
    except InputRejected as rejection:
        yield rejected(item.source, rejection.reason)


def rejected(source: str, reason: str) -> LedgerEntry:
    """A rejected entry fingerprinted by its reason, so re-running does not record it again."""
    return LedgerEntry(source, "rejected", reason, fingerprint=fingerprint(reason.encode()))


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes (decompressed if gzip), refusing anything over `max_bytes`."""
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
            handle.seek(0)
            if head == b"\x1f\x8b":
                raw = _gunzip_bounded(handle, max_bytes)
            else:
                raw = handle.read(max_bytes + 1)
    except IsADirectoryError as error:
        raise InputRejected("is a directory") from error
    except OSError as error:
        raise InputRejected(f"cannot read: {error.strerror or error}") from error
    if len(raw) > max_bytes:
        raise InputRejected(f"too large: over {max_bytes:,} bytes (setting max_input_bytes)")
    if not raw.strip():
        raise InputRejected("empty: 0 bytes" if not raw else "empty: only whitespace")
    if b"\x00" in raw[:8192]:
        raise InputRejected("binary: NUL bytes in the first 8 KB; not a text or HTML file")
    return raw


def _gunzip_bounded(handle: BinaryIO, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=handle, mode="rb") as stream:
            parts: list[bytes] = []
            size = 0
            while size <= max_bytes:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
            return b"".join(parts)
    except (OSError, EOFError, zlib.error) as error:
        raise InputRejected(f"corrupt gzip: {error}") from error


def decode(raw: bytes, *, html: bool) -> str:
    """Text from bytes: UTF-8, else the declared HTML charset, else a confident detection."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if html:
        declared = _DECLARED_CHARSET.search(raw[:4096])
        if declared:
            try:
                return raw.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall through to detection
    # Pages stitched from parts in two encodings are UTF-8 with a few stray bytes: keep the
    # UTF-8 and mark the strays, rather than guess a legacy encoding and garble it all.
    lenient = raw.decode("utf-8", errors="replace")
    strays = lenient.count("\ufffd")
    valid_multibyte = sum(1 for char in lenient if ord(char) > 127) - strays
    if valid_multibyte > strays and strays <= max(3, len(raw) // 1000):
        return lenient
    best = from_bytes(raw[:200_000]).best()
    if best is None or best.chaos > 0.2:
        raise InputRejected("undecodable: not UTF-8 and no encoding could be detected")
    try:
        return raw.decode(best.encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise InputRejected(f"undecodable: detected {best.encoding} but it fails") from error


def _jsonl_documents(path_source: str, raw: bytes) -> Iterator[Document | LedgerEntry]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path_source}#{number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
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
        yield Document(source, "jsonl", text, fingerprint(line), tuple(fields))

"""Raw bytes of inputs: bounded reading, decompression, decoding and fingerprints.

Reading is bounded: a file is never read past `max_input_bytes`, and a gzip member is
decompressed in chunks up to the same cap, so a 100 MB page or a gzip bomb costs at most
that much memory. Text must decode as UTF-8, as the charset the HTML declares, as UTF-8
with a few stray bytes (mixed encodings), or as the encoding charset-normalizer is
confident about; otherwise the input is rejected rather than read as mojibake.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import re
import zlib
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from storytrace.errors import InputRejected
from storytrace.records import LedgerEntry

_CHUNK = 1 << 16
_TIE_PREFERENCE = ("cp1252", "iso8859_15", "iso8859_1")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def fingerprint(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:32]


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
                name = declared.group(1).decode("ascii")
                if (
                    codecs.lookup(name)._is_text_encoding and "16" not in name and "32" not in name
                ):  # a one-byte page cannot be UTF-16/32
                    return raw.decode(name)
            except (LookupError, UnicodeError):
                pass  # a wrong declaration is common; fall through to detection
    # Pages stitched from parts in two encodings are UTF-8 with a few stray bytes: keep the
    # UTF-8 and mark the strays, rather than guess a legacy encoding and garble it all.
    lenient = raw.decode("utf-8", errors="replace")
    strays = lenient.count("\ufffd")
    valid_multibyte = sum(1 for char in lenient if ord(char) > 127) - strays
    if valid_multibyte > strays and strays <= max(3, len(raw) // 1000):
        return lenient
    matches = from_bytes(raw[:200_000])
    best = matches.best()
    if best is not None:
        # Equally good guesses are common on short texts (cp1250 and cp1252 read most
        # Western text without errors); the web's most common legacy encoding wins ties.
        tied = [
            m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)
        ]
        preferred = next((e for e in _TIE_PREFERENCE if e in tied), None)
        best = next(m for m in matches if m.encoding == preferred) if preferred else best
    if best is None or best.chaos > 0.2:
        raise InputRejected("undecodable: not UTF-8 and no encoding could be detected")
    try:
        return raw.decode(best.encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise InputRejected(f"undecodable: detected {best.encoding} but it fails") from error

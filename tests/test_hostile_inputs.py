"""A folder of hostile inputs, run through the whole pipeline as a user would: no crash, no
hang, bounded memory, and every file in the ledger as accepted, duplicate or rejected with
its reason."""

from __future__ import annotations

import gzip
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storytrace.store import Store

SCRIPT = Path(sys.executable).parent / "storytrace"
PAGE = (
    "<html><head><title>Harbour reopens after storm</title></head><body><article>"
    "<h1>Harbour reopens after storm</h1>"
    + "<p>The harbour of Kestrel Bay reopened on Monday after the storm, the port authority "
    "said, and ferries to the islands will run to the winter timetable until May.</p>"
    * 3
    + "</article></body></html>"
)
TIME_LIMIT = 600  # seconds: a hang, not a speed measure
MEMORY_LIMIT = 4 * 2**30  # bytes of address space for the run and its workers


def _hostile_folder(folder: Path) -> dict[str, str | None]:
    """Write the corpus; return each file's expected status (None: either status will do,
    with a reason if rejected)."""
    folder.mkdir()
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, status: str | None) -> None:
        (folder / name).write_bytes(data)
        expected[name] = status

    put("good.html", PAGE.encode(), None)  # one of the three same texts is accepted
    put("binary.html", bytes(range(256)) * 64, "rejected")
    put("empty.html", b"", "rejected")
    put("invalid-utf8.txt", b"Harbour news \xff\xfe\xfa " * 50 + b"\xc3\x28" * 100, None)
    put(
        "mixed-encodings.html",
        (PAGE[:300].encode("utf-8") + "Café Öresund ".encode("latin-1") * 20)
        + PAGE[300:].encode("cp1252"),
        None,
    )
    deep = (
        "<div>" * 10_000 + "<p>Deep harbour text that goes on for a while.</p>" + "</div>" * 10_000
    )
    put("deep.html", f"<html><body>{deep}</body></html>".encode(), None)
    put("bomb.html.gz", gzip.compress(b"<p>" + b"A" * 80_000_000, compresslevel=9), "rejected")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
            for n in range(1, 10)
        )
        + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
        "<description>&lol9;</description></item></channel></rss>"
    )
    put("entities.rss", laughs.encode(), "rejected")  # the entities are never expanded
    put("quotes.txt", ('"' * 10_000 + " said the harbour master. ").encode() * 3, None)
    put("nul.jsonl", b'{"text": "\x00\x00\x00"}\n' + b"\x00" * 5000 + b"\n", "rejected")
    (folder / "copy-of-good.html").write_bytes(PAGE.encode())
    expected["copy-of-good.html"] = None
    os.link(folder / "good.html", folder / "hardlink-of-good.html")
    expected["hardlink-of-good.html"] = None
    huge = folder / "huge.txt"
    with huge.open("wb") as handle:  # 100 MB, sparse: refused before it is read
        handle.truncate(100 * 2**20)
    expected["huge.txt"] = "rejected"
    locked = folder / "locked.html"
    locked.write_bytes(PAGE.replace("storm", "gale").encode())
    locked.chmod(0)
    expected["locked.html"] = None if os.geteuid() == 0 else "rejected"  # root reads anyway
    loop = folder / "loop"
    loop.mkdir()
    (loop / "again").symlink_to(loop)  # a directory cycle: walked once, not for ever
    (folder / "dangling.html").symlink_to(folder / "nowhere.html")
    expected["dangling.html"] = "rejected"
    return expected


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.slow
def test_a_folder_of_hostile_inputs_is_handled_in_bounded_time_and_memory(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "hostile"
    expected = _hostile_folder(folder)
    db = tmp_path / "h.duckdb"
    started = time.monotonic()
    result = subprocess.run(
        [str(SCRIPT), "run", str(folder), "--db", str(db), "--quiet", "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,  # the child's own limit; the test runs no threads here
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr  # 1: some inputs were rejected, no crash
    assert "Traceback" not in result.stderr
    with Store(db) as store:
        # a feed's entries are inputs of their own: "entities.rss#1"
        ledger = {Path(e.source).name.split("#")[0]: e for e in store.ledger()}
        diagnostics = store.diagnostics()
    for name, status in expected.items():
        assert name in ledger, name
        entry = ledger[name]
        if status is not None:
            assert entry.status == status, (name, entry)
        if entry.status == "rejected":
            assert entry.reason, name
    same = sorted(
        ledger[n].status for n in ("good.html", "copy-of-good.html", "hardlink-of-good.html")
    )
    assert same == ["accepted", "duplicate", "duplicate"]
    # nothing in the ledger that is not an input, nothing from inside the symlink loop twice
    assert set(ledger) <= set(expected) | {"again"}
    assert elapsed < TIME_LIMIT
    # a stage failing on one article is a diagnostic, never a lost run
    assert all(d.reason for d in diagnostics)

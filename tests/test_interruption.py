"""An interrupted run loses and duplicates nothing: kill it mid-way, re-run, compare."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storytrace.cli import INTERRUPTED
from storytrace.store import Store

SCRIPT = Path(sys.executable).parent / "storytrace"
TOWNS = ["Amberley", "Brisk", "Corran", "Dunmore", "Elsby", "Farrow", "Glenn", "Holm"]


def _write_corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        town = TOWNS[number % len(TOWNS)]
        body = " ".join(
            f"<p>Council meeting {number} in {town} discussed item {item}: the budget for "
            f"road {number * 7 + item} and the opening hours of pool {item} from March {item + 1}, "
            "2025.</p>"
            for item in range(6)
        )
        (folder / f"page-{number:03d}.html").write_text(
            f"<html><head><title>{town} council, meeting {number}</title></head><body>"
            f"<article><h1>{town} council, meeting {number}</h1>{body}</article></body></html>"
        )
    (folder / "mirror.html").write_bytes((folder / "page-000.html").read_bytes())
    (folder / "broken.html").write_bytes(b"")


def _command(corpus: Path, db: Path) -> list[str]:
    # Through an analysis stage with per-batch commits (date_mentions), not the model-heavy
    # ones: what is tested is the commit protocol, which every per-article stage shares.
    return [
        str(SCRIPT),
        "run",
        str(corpus),
        "--db",
        str(db),
        "--batch-size",
        "4",
        "--workers",
        "2",
        "--quiet",
        "--verbose",
        "--until",
        "date_mentions",
    ]


def _state(db: Path) -> tuple[dict[str, int], list[tuple[str, str]], list[str]]:
    with Store(db) as store:
        ledger = sorted((e.source, e.status) for e in store.ledger())
        return store.counts(), ledger, sorted(a.id for a in store.articles())


def _interrupt(
    corpus: Path, db: Path, after_batches: int, sig: signal.Signals, marker: str
) -> None:
    process = subprocess.Popen(
        _command(corpus, db), stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    assert process.stderr is not None
    committed = 0
    for line in process.stderr:
        committed += line.startswith(marker)
        if committed >= after_batches:
            break
    if sig == signal.SIGKILL:
        subprocess.run(["pkill", "-KILL", "-s", str(process.pid)], check=False)
    else:
        process.send_signal(sig)
    process.wait(timeout=60)
    process.stderr.close()
    # killed: the signal; interrupted: 130 (a run that finished exits 1, its broken input)
    wanted = -signal.SIGKILL if sig == signal.SIGKILL else INTERRUPTED
    assert process.returncode == wanted, "the run finished before it could be interrupted"


@pytest.mark.slow
def test_killed_and_interrupted_runs_resume_without_loss_or_duplication(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 60)
    reference_db = tmp_path / "reference.duckdb"
    subprocess.run(_command(corpus, reference_db), check=False, capture_output=True)
    reference = _state(reference_db)
    assert reference[0]["articles"] == 60
    assert reference[0]["ledger_duplicate"] == 1 and reference[0]["ledger_rejected"] == 1

    ingest, analysis = "committed batch", "date_mentions/1: committed"
    trials = [
        (1, signal.SIGKILL, ingest),
        (3, signal.SIGKILL, ingest),
        (6, signal.SIGKILL, ingest),
        (2, signal.SIGINT, ingest),
        (1, signal.SIGKILL, analysis),
        (3, signal.SIGKILL, analysis),
    ]
    for trial, (after, sig, marker) in enumerate(trials):
        db = tmp_path / f"trial-{trial}.duckdb"
        _interrupt(corpus, db, after, sig, marker)
        partial_counts = _state(db)[0]
        assert partial_counts["date_mentions"] < reference[0]["date_mentions"], trial
        resumed = subprocess.run(_command(corpus, db), check=False, capture_output=True, text=True)
        assert resumed.returncode == 1, resumed.stderr  # 1: the broken input is rejected
        assert _state(db) == reference, (trial, sig)


@pytest.mark.slow
def test_kill_9_at_random_moments_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """14 more kills at random moments (seeded) of the run, opening of the store and
    ingest and analysis alike; with the 6 above, 20 trials. Wherever the kill lands, the
    store opens, its counts are consistent and a re-run completes to the reference."""
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 30)
    reference_db = tmp_path / "reference.duckdb"
    started = time.monotonic()
    subprocess.run(_command(corpus, reference_db), check=False, capture_output=True)
    duration = time.monotonic() - started
    reference = _state(reference_db)
    moments = random.Random(20251125)
    for trial in range(14):
        db = tmp_path / f"random-{trial}.duckdb"
        process = subprocess.Popen(
            _command(corpus, db),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(moments.uniform(0.05, duration))
        subprocess.run(["pkill", "-KILL", "-s", str(process.pid)], check=False)
        process.wait(timeout=60)
        if db.exists():
            counts, ledger, articles = _state(db)  # the store opens whatever was cut
            assert counts["articles"] == len(articles) <= reference[0]["articles"], trial
            assert len(ledger) == len(set(ledger)), trial  # no input twice
        resumed = subprocess.run(_command(corpus, db), check=False, capture_output=True, text=True)
        assert resumed.returncode == 1, (trial, resumed.stderr)
        assert _state(db) == reference, trial

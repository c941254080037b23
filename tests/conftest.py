"""Shared fixtures: small real input files written by the team, and a store per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from storytrace.settings import Settings
from storytrace.store import Store

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def settings() -> Settings:
    """In-process settings: tests of the pool ask for workers explicitly."""
    return Settings(workers=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.duckdb") as opened:
        yield opened


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with one HTML page, one text dump, a JSONL file and assorted bad inputs."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "mirror").mkdir()
    shutil.copy(DATA / "html" / "harbour-gazette-ferry.html", folder / "ferry.html")
    shutil.copy(DATA / "html" / "harbour-gazette-ferry.html", folder / "mirror" / "ferry.html")
    shutil.copy(DATA / "text" / "valley-echo-library.txt", folder / "library.txt")
    (folder / "feed.jsonl").write_text(
        '{"id": "x1", "title": "Bridge closed", "published": "2024-05-02", "outlet": "Ridge Post",'
        ' "text": "The old bridge at Carrow will close for three months of repairs from May."}\n'
        "this line is not json\n",
        encoding="utf-8",
    )
    (folder / "empty.html").write_bytes(b"")
    (folder / "notes.md").write_text("not an input inside a directory", encoding="utf-8")
    return folder


def split_examples(folder: Path, every: int) -> tuple[Path, Path]:
    """The example corpus's pages copied into two folders under `folder`: every `every`-th
    page (counting from the first) into the second, the others into the first — a store
    that grows by a second run."""
    first, second = folder / "first", folder / "second"
    first.mkdir()
    second.mkdir()
    pages = sorted(p for p in (REPO / "examples" / "corpus").iterdir() if p.is_file())
    for number, page in enumerate(pages):
        (first if number % every else second).joinpath(page.name).write_bytes(page.read_bytes())
    return first, second

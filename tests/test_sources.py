from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.errors import UsageError
from storytrace.sources import expand_sources, input_kind


def test_input_kind_reads_through_gzip_suffix() -> None:
    assert input_kind("page.HTML") == "html"
    assert input_kind("page.htm.gz") == "html"
    assert input_kind("dump.txt.gz") == "text"
    assert input_kind("feed.jsonl") == "jsonl"
    assert input_kind("notes.md") is None
    assert input_kind("archive.gz") is None


def test_directories_are_walked_recursively_for_known_suffixes_only(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.html").write_text("x")
    (tmp_path / "two.txt").write_text("x")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / ".hidden.html").write_text("x")
    found = expand_sources([str(tmp_path)])
    # Files of a folder come before its subfolders', each level sorted: a stable order.
    assert [f.path.name for f in found] == ["two.txt", "one.html"]
    assert {f.source for f in found} == {
        str(tmp_path / "a" / "one.html"),
        str(tmp_path / "two.txt"),
    }


def test_explicit_file_is_kept_as_typed_even_with_unknown_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.md").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert [f.source for f in expand_sources(["notes.md"])] == ["notes.md"]


def test_globs_and_repeats(tmp_path: Path) -> None:
    for name in ("b.html", "a.html", "c.txt"):
        (tmp_path / name).write_text("x")
    pattern = str(tmp_path / "*.html")
    found = expand_sources([pattern, str(tmp_path / "a.html")])
    assert [f.path.name for f in found] == ["a.html", "b.html"]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        expand_sources([str(tmp_path / "missing.html")])
    with pytest.raises(UsageError, match="no files match"):
        expand_sources([str(tmp_path / "*.nothing")])


def test_symlink_loop_does_not_trap_the_walk(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "page.html").write_text("x")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d", target_is_directory=True)
    assert [f.path.name for f in expand_sources([str(tmp_path)])] == ["page.html"]

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.readers import read_input
from storytrace.records import Document, LedgerEntry
from storytrace.sources import InputFile


def read(path: Path, max_bytes: int = 1_000_000) -> list[Document | LedgerEntry]:
    return list(read_input(InputFile(path.name, path), max_bytes))


def rejection(path: Path, max_bytes: int = 1_000_000) -> str:
    (entry,) = read(path, max_bytes)
    assert isinstance(entry, LedgerEntry) and entry.status == "rejected"
    assert entry.reason
    return entry.reason


def test_html_is_read_with_its_fingerprint(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>Hello</p>", encoding="utf-8")
    (document,) = read(page)
    assert isinstance(document, Document)
    assert document.kind == "html" and document.content == "<p>Hello</p>"
    assert len(document.fingerprint) == 32


def test_gzip_is_decompressed(tmp_path: Path) -> None:
    page = tmp_path / "p.html.gz"
    page.write_bytes(gzip.compress("<p>Grüße</p>".encode()))
    (document,) = read(page)
    assert isinstance(document, Document) and document.content == "<p>Grüße</p>"


def test_gzip_bomb_is_rejected_without_reading_it_whole(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"A" * 20_000_000, compresslevel=9))
    assert bomb.stat().st_size < 100_000
    assert "too large" in rejection(bomb, max_bytes=1_000_000)


def test_bad_inputs_are_rejected_with_reasons(tmp_path: Path) -> None:
    cases = {
        "empty.html": (b"", "empty"),
        "blank.txt": (b"  \n\t\n", "empty"),
        "image.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        "big.txt": (b"word " * 1000, "too large"),
        "broken.html.gz": (b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
        "slides.pdf": (b"%PDF-1.4", "unsupported file type"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert expected in rejection(path, max_bytes=4000), name


def test_unreadable_file_is_rejected(tmp_path: Path) -> None:
    link = tmp_path / "dangling.html"
    link.symlink_to(tmp_path / "nowhere.html")
    assert "cannot read" in rejection(link)


def test_declared_charset_is_used_when_not_utf8(tmp_path: Path) -> None:
    page = tmp_path / "latin.html"
    page.write_bytes('<meta charset="iso-8859-1"><p>Café société</p>'.encode("latin-1"))
    (document,) = read(page)
    assert isinstance(document, Document) and "Café société" in document.content


def test_jsonl_yields_one_document_per_line_and_rejects_bad_lines(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": 7, "text": "First article.", "title": "One", "date": "2024-01-02"}\n'
        "\n"
        '{"text": "Second article.", "outlet": "Ridge Post"}\n'
        "[1, 2]\n"
        '{"title": "no text"}\n'
        "{broken\n",
        encoding="utf-8",
    )
    results = read(feed)
    documents = [r for r in results if isinstance(r, Document)]
    rejected = [r for r in results if isinstance(r, LedgerEntry)]
    assert [d.source for d in documents] == ["feed.jsonl#7", "feed.jsonl#3"]
    assert documents[0].field("published") == "2024-01-02"
    assert documents[0].field("title") == "One"
    assert documents[1].field("outlet") == "Ridge Post"
    assert [(r.source, r.reason.split(" ", 3)[-1]) for r in rejected if r.reason] == [
        ("feed.jsonl#4", "not a JSON object"),
        ("feed.jsonl#5", "no 'text' string"),
        (
            "feed.jsonl#6",
            "not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
    ]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".html", ".txt", ".jsonl"]))
def test_any_bytes_give_documents_or_reasons_never_exceptions(
    tmp_path_factory: object, content: bytes, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")  # type: ignore[attr-defined]
    path = folder / f"input{suffix}"
    path.write_bytes(content)
    for result in read(path):
        assert isinstance(result, Document | LedgerEntry)
        if isinstance(result, LedgerEntry):
            assert result.status == "rejected" and result.reason


def test_mostly_utf8_page_with_stray_bytes_stays_utf8(tmp_path: Path) -> None:
    page = tmp_path / "mixed.html"
    body = "<p>Grüße aus Köln, " + "schöne Grüße " * 200 + "</p>"
    page.write_bytes(b'<meta charset="utf-8">' + body.encode() + b"<p>f\xfcr</p>")
    (document,) = read(page)
    assert isinstance(document, Document)
    assert "schöne Grüße" in document.content and "f\ufffdr" in document.content


def test_wrong_charset_declaration_falls_back_to_what_the_bytes_are(tmp_path: Path) -> None:
    page = tmp_path / "liar.html"
    text = (
        "<meta charset='utf-8'><p>Le café de la société générale a été fermé à cause des "
        "travaux. Les employés déçus ont dû déjeuner près du marché.</p>"
    )
    page.write_bytes(text.encode("cp1252"))
    (document,) = read(page)
    assert isinstance(document, Document) and document.content == text


def test_a_200_mb_page_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.truncate(200_000_000)  # sparse: 200 MB on paper, nothing on disk
    assert "too large" in rejection(huge, max_bytes=50_000_000)


def test_pathological_jsonl_lines_are_rejected_alone(tmp_path: Path) -> None:
    feed = tmp_path / "odd.jsonl"
    feed.write_text(
        '{"text": "A fine article about the harbour."}\n'
        + "[" * 100_000
        + "\n"
        + '{"text": "x", "n": '
        + "9" * 5000
        + "}\n",
        encoding="utf-8",
    )
    results = read(feed)
    assert isinstance(results[0], Document)
    assert [r.source for r in results[1:]] == ["odd.jsonl#2", "odd.jsonl#3"]
    assert all(isinstance(r, LedgerEntry) and r.status == "rejected" for r in results[1:])


@pytest.mark.parametrize("declared", ["undefined", "utf-16", "rot13"])
def test_a_bogus_declared_charset_is_ignored(tmp_path: Path, declared: str) -> None:
    page = tmp_path / "bogus.html"
    text = f"<meta charset='{declared}'><p>Le café de la société générale a été fermé.</p>"
    page.write_bytes(text.encode("cp1252"))
    (result,) = read(page)
    assert isinstance(result, Document) and "société générale" in result.content

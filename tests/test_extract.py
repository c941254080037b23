from __future__ import annotations

import pytest

from storytrace.errors import InputRejected
from storytrace.extract import content_hash, extract_article
from storytrace.htmlpage import parse_html, read_html_page, visible_blocks
from storytrace.records import Document
from storytrace.settings import Settings
from tests.conftest import DATA


def html_document(name: str = "harbour-gazette-ferry.html") -> Document:
    content = (DATA / "html" / name).read_text(encoding="utf-8")
    return Document(f"pages/{name}", "html", content, "f" * 32)


def test_html_page_gives_text_and_metadata(settings: Settings) -> None:
    article = extract_article(html_document(), settings)
    assert article.title == "Ferry service to Tarn Island suspended after storm damage"
    assert article.outlet == "Harbour Gazette"
    assert article.author == "Mina Oyelaran"
    assert article.published == "2024-10-14"
    assert article.url == "https://harbour-gazette.example/news/2024/10/14/ferry-suspended"
    assert article.source == "pages/harbour-gazette-ferry.html"
    assert "We will not put passengers on a pier we cannot trust" in article.text
    assert "no more than eight passengers at a time" in article.text
    assert article.id == "a" + article.content_hash[:15]


def test_page_furniture_is_left_out_and_listed_in_removed(settings: Settings) -> None:
    article = extract_article(html_document(), settings)
    for furniture in (
        "Sign up for our newsletter",
        "Share this article",
        "Join the discussion",
        "We use cookies",
        "All rights reserved",
    ):
        assert furniture not in article.text
        assert any(furniture in block for block in article.removed), furniture
    assert not any("engineers would inspect" in block for block in article.removed)


def test_visible_blocks_are_leaves_in_page_order_even_when_deeply_nested() -> None:
    page = "<div>" * 1000 + "<p>kept <b>bold</b></p><p>dropped</p>" + "</div>" * 1000
    tree = parse_html(page + "<script>var x;</script>")
    assert tree is not None
    assert visible_blocks(tree) == ["kept bold", "dropped"]


def test_date_from_a_short_header_line_when_the_markup_has_none() -> None:
    page = read_html_page(
        "<html><body><p>Published 5 March 2025, 10:17</p><article><p>"
        + "The council voted on Tuesday to keep the harbour open through the winter. " * 4
        + "</p><p>Sidebar: older story from 1 January 2020</p></article></body></html>"
    )
    assert page.published == "2025-03-05"


def test_text_dump_is_cleaned_and_its_header_read(settings: Settings) -> None:
    content = (DATA / "text" / "valley-echo-library.txt").read_text(encoding="utf-8")
    article = extract_article(Document("library.txt", "text", content, "0" * 32), settings)
    assert article.title == "Library reopens after two-year renovation"
    assert article.outlet == "Valley Echo"
    assert article.text.startswith("The town library on Mill Street reopened")
    assert article.text.endswith("regional culture grant.")
    assert "Share this article" in article.removed
    assert article.published is None  # never invented


def test_jsonl_record_keeps_its_stated_metadata(settings: Settings) -> None:
    document = Document(
        "f.jsonl#1",
        "jsonl",
        "  The old bridge will close   for repairs.  ",
        "0" * 32,
        (("outlet", "Ridge Post"), ("published", "2024-05-02T10:00")),
    )
    article = extract_article(document, Settings(workers=1, min_text_chars=10))
    assert article.text == "The old bridge will close for repairs."
    assert article.outlet == "Ridge Post"
    assert article.published == "2024-05-02"


def test_too_little_text_is_rejected(settings: Settings) -> None:
    with pytest.raises(InputRejected, match="min_text_chars"):
        extract_article(Document("s.txt", "text", "Too short.", "0" * 32), settings)
    with pytest.raises(InputRejected, match="no article text"):
        extract_article(Document("n.html", "html", "<html><nav>Home</nav></html>", "0"), settings)


def test_content_hash_ignores_case_unicode_form_and_spacing() -> None:
    assert content_hash("Café  au\nlait") == content_hash("CAFE\u0301 au lait")
    assert content_hash("one text") != content_hash("another text")


def test_truncated_and_malformed_html_still_gives_its_text(settings: Settings) -> None:
    whole = (DATA / "html" / "harbour-gazette-ferry.html").read_text(encoding="utf-8")
    cut = whole[: whole.index("About 1,200 people")]
    article = extract_article(Document("cut.html", "html", cut, "0"), settings)
    assert "We will not put passengers on a pier" in article.text
    broken = whole.replace("</p>", "").replace("<article>", "<article><div><span>")
    article = extract_article(Document("broken.html", "html", broken, "0"), settings)
    assert "no more than eight passengers at a time" in article.text


def test_updated_n_days_ago_counts_back_from_the_fetch(settings: Settings) -> None:
    page = (
        "<html><body><p>Updated 3 days ago</p><article><p>"
        + "The council voted on Tuesday to keep the harbour open through the winter. " * 4
        + "</p></article></body></html>"
    )
    fetched = Document(
        "https://n.example/a", "html", page, "0", (("fetched_at", "2024-04-08T10:17:00+00:00"),)
    )
    assert extract_article(fetched, settings).published == "2024-04-05"
    from_disk = Document("a.html", "html", page, "0")
    assert extract_article(from_disk, settings).published is None  # never invented


def test_a_stray_control_character_does_not_lose_the_page(settings: Settings) -> None:
    content = (DATA / "html" / "harbour-gazette-ferry.html").read_text(encoding="utf-8")
    damaged = content.replace("About 1,200 people", "About\x0b 1,200 people")
    article = extract_article(Document("c.html", "html", damaged, "0"), settings)
    assert "We will not put passengers on a pier" in article.text

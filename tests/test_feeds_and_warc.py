"""Feeds and WARC files as inputs: real files, a real local server for linked pages."""

from __future__ import annotations

import io
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.fetch import Fetcher, FetchPolicy
from storytrace.readers import read_input
from storytrace.records import Document, LedgerEntry
from storytrace.runner import run
from storytrace.settings import Settings
from storytrace.sources import InputFile
from storytrace.store import Store
from tests.conftest import DATA
from tests.httpserver import serving

FAST = FetchPolicy(timeout_seconds=5, politeness_seconds=0, backoff_seconds=0.01)


def read(path: Path, fetcher: Fetcher | None = None) -> list[Document | LedgerEntry]:
    return list(read_input(InputFile(path.name, path), 10_000_000, fetcher))


def test_feed_entries_become_articles_and_teasers_fetch_their_page(tmp_path: Path) -> None:
    with serving() as (base, _):
        feed = tmp_path / "gazette.rss"
        feed.write_bytes(
            (DATA / "feeds" / "harbour-gazette.rss")
            .read_bytes()
            .replace(b"ARTICLE_URL", f"{base}/news/ferry.html".encode())
        )
        full, teaser = read(feed, Fetcher(policy=FAST))
    assert isinstance(full, Document) and isinstance(teaser, Document)
    assert full.kind == "record" and full.source == "gazette.rss#hg-2024-10-15-retires"
    assert full.field("published") == "2024-10-15" and full.field("outlet") == "Harbour Gazette"
    assert "east quay after the 2011 floods" in full.content
    assert teaser.kind == "html" and "Tarn Island" in teaser.content
    assert teaser.field("url") == f"{base}/news/ferry.html"


def test_teaser_without_a_fetcher_is_kept_as_the_text_it_has(tmp_path: Path) -> None:
    feed = tmp_path / "gazette.rss"
    feed.write_bytes((DATA / "feeds" / "harbour-gazette.rss").read_bytes())
    _, teaser = read(feed)
    assert isinstance(teaser, Document) and teaser.kind == "record"
    assert teaser.content.startswith("The only ferry link")


def test_xml_entity_bomb_is_harmless(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{entities}]>'
        "<rss><channel><title>&l9;</title><item><title>t</title>"
        "<description>&l9;</description></item></channel></rss>"
    )
    started = time.monotonic()
    results = read(bomb)
    assert time.monotonic() - started < 5
    assert all(len(getattr(r, "content", "")) < 100_000 for r in results)


def test_not_a_feed_is_rejected(tmp_path: Path) -> None:
    page = tmp_path / "notes.xml"
    page.write_text("<notes><note>hello</note></notes>")
    (entry,) = read(page)
    assert isinstance(entry, LedgerEntry) and "not a feed" in (entry.reason or "")


def _warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for uri, content_type, body in records:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=headers,
                )
            )


def test_warc_html_responses_become_documents(tmp_path: Path) -> None:
    page = (DATA / "html" / "harbour-gazette-ferry.html").read_bytes()
    archive = tmp_path / "crawl.warc.gz"
    _warc(
        archive,
        [
            ("https://harbour-gazette.example/ferry", "text/html", page),
            ("https://harbour-gazette.example/logo.png", "image/png", b"\x89PNG"),
            ("https://harbour-gazette.example/app.js", "text/javascript", b"x()"),
        ],
    )
    (document,) = read(archive)
    assert isinstance(document, Document)
    assert document.source == "crawl.warc.gz#https://harbour-gazette.example/ferry"
    assert document.field("url") == "https://harbour-gazette.example/ferry"


def test_truncated_warc_keeps_what_came_before_and_says_where_it_broke(tmp_path: Path) -> None:
    page = (DATA / "html" / "harbour-gazette-ferry.html").read_bytes()
    archive = tmp_path / "crawl.warc"
    with archive.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        for number in range(2):
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    f"https://h.example/{number}",
                    "response",
                    payload=io.BytesIO(page),
                    length=len(page),
                    http_headers=headers,
                )
            )
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) - len(page) // 2])
    results = read(archive)
    assert isinstance(results[0], Document)
    assert isinstance(results[-1], LedgerEntry)
    assert "truncated or corrupt WARC record" in (results[-1].reason or "")


def test_run_over_urls_feeds_and_refusals(tmp_path: Path) -> None:
    with serving() as (base, _), Store(tmp_path / "u.duckdb") as store:
        report = run(
            [
                f"{base}/feed.xml",
                f"{base}/news/ferry.html",
                f"{base}/slides.pdf",
                f"{base}/private/page.html",
            ],
            store,
            Settings(workers=1),
            fetcher=Fetcher(policy=FAST),
        )
        statuses = {e.source.removeprefix(base): (e.status, e.reason) for e in report.ledger}
        articles = {a.title: a for a in store.articles()}
    assert statuses["/feed.xml#hg-2024-10-15-retires"] == ("accepted", None)
    assert statuses["/feed.xml#hg-2024-10-14-ferry"][0] == "accepted"
    assert statuses["/news/ferry.html"] == ("duplicate", "same text as an earlier input")
    assert statuses["/slides.pdf"] == (
        "rejected",
        "not an article page: content type application/pdf",
    )
    assert statuses["/private/page.html"] == ("rejected", "robots.txt disallows fetching this URL")
    retired = articles["Harbour master retires after 31 years"]
    assert retired.published == "2024-10-15" and retired.outlet == "Harbour Gazette"
    assert articles["Ferry service to Tarn Island suspended after storm damage"].url == (
        "https://harbour-gazette.example/news/2024/10/14/ferry-suspended"
    )


def test_urls_without_a_fetcher_are_rejected(tmp_path: Path) -> None:
    with Store(tmp_path / "n.duckdb") as store:
        report = run(["https://news.example/a"], store, Settings(workers=1))
    assert [(e.status, e.reason) for e in report.ledger] == [
        ("rejected", "fetching URLs is switched off for this run")
    ]


def test_one_odd_entry_is_rejected_and_the_others_kept(tmp_path: Path) -> None:
    feed = tmp_path / "odd.rss"
    feed.write_text(
        "<rss><channel><title>T</title>"
        "<item><guid>bad</guid><title>a</title><pubDate>0001-01-01T00:00:00+01:00</pubDate>"
        "<description>Year zero.</description></item>"
        "<item><guid>good</guid><title>b</title><description>A good entry with text."
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    results = {r.source: r for r in read(feed)}
    assert isinstance(results["odd.rss#good"], Document)
    assert isinstance(results["odd.rss#bad"], (Document, LedgerEntry))

"""The web UI over real HTTP: uvicorn on 127.0.0.1 serving a store of the example corpus
and a hostile page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import lxml.html
import pytest
from click.testing import CliRunner

from storytrace.cli import cli
from storytrace.server import RateLimit, create_app
from storytrace.settings import Settings
from storytrace.store import Store
from tests.conftest import REPO
from tests.httpserver import serving, serving_app
from tests.test_dossier import HOSTILE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("served")
    (folder / "hostile.html").write_text(HOSTILE, encoding="utf-8")
    db = folder / "s.duckdb"
    corpus = [
        str(REPO / "examples" / "corpus" / n)
        for n in ("meridian-herald-leak.html", "truth-signal-blog-breaking.html")
    ]
    result = CliRunner().invoke(
        cli, ["run", *corpus, str(folder / "hostile.html"), "--db", str(db), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    with serving_app(create_app(str(db))) as base:
        yield base


def test_the_stories_page_links_to_each_dossier(server: str) -> None:
    stories = httpx.get(server + "/api/stories").json()
    assert stories and all(s["articles"] >= 1 for s in stories)
    page = lxml.html.fromstring(httpx.get(server + "/").text)
    links = [a.get("href") for a in page.xpath("//li/a")]
    assert links == [f"/stories/{s['id']}" for s in stories]
    leak = next(s for s in stories if s["articles"] == 2)
    dossier = httpx.get(server + f"/stories/{leak['id']}")
    assert dossier.status_code == 200
    text = lxml.html.fromstring(dossier.text).text_content()
    assert "Truth Signal" in text and "a crude fake" in text


def test_the_api_gives_one_story_of_the_contract(server: str) -> None:
    stories = httpx.get(server + "/api/stories").json()
    story = httpx.get(server + f"/api/stories/{stories[0]['id']}").json()
    assert [s["id"] for s in story["stories"]] == [stories[0]["id"]]
    assert {a["id"] for a in story["articles"]} == set(story["stories"][0]["article_ids"])
    assert "/api/stories/{story_id}" in httpx.get(server + "/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    "path",
    [
        "/stories/../../etc/passwd",
        "/stories/%2e%2e%2fetc%2fpasswd",
        "/stories/s1",
        "/api/stories/x",
    ],
)
def test_unknown_or_crafted_ids_are_404(server: str, path: str) -> None:
    assert httpx.get(server + path).status_code == 404


def test_search_finds_articles_entities_and_quotes_and_escapes_them(server: str) -> None:
    found = httpx.get(server + "/api/search", params={"q": "crude fake"}).json()
    assert found["quotations"] and found["articles"]
    page = httpx.get(server + "/search", params={"q": "<script>alert(9)</script>"})
    tree = lxml.html.fromstring(page.text)
    assert tree.xpath("//script") == [] and "<script>alert(9)</script>" in tree.text_content()
    hostile = httpx.get(server + "/search", params={"q": "pier"})
    tree = lxml.html.fromstring(hostile.text)
    assert tree.xpath("//script") == []
    for element in tree.iter():
        assert not any(name.startswith("on") for name in element.attrib)


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "no store" in result.output


# -- adding articles from the browser ------------------------------------------------------

EXAMPLE = REPO / "examples" / "corpus"
QUICK = Settings(workers=1, fetch_cache_dir="", fetch_politeness_seconds=0)


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server over a new store (base URL, store path), fetching from 127.0.0.1 allowed."""
    db = tmp_path / "new.duckdb"
    with serving_app(create_app(str(db), QUICK, allow_private_urls=True)) as base:
        yield base, db


def _add(base: str, timeout: float = 300, **form: Any) -> httpx.Response:
    files = form.pop("files", None)
    return httpx.post(base + "/api/articles", data=form, files=files, timeout=timeout)


def test_articles_added_by_path_join_the_store_once(empty: tuple[str, Path]) -> None:
    base, db = empty
    first = _add(base, paths=f"{EXAMPLE / 'meridian-herald-leak.html'}\n\n").json()
    assert (first["accepted"], first["rejected"]) == (1, 0)
    article_id = first["ledger"][0]["article_id"]
    again = _add(base, paths=str(EXAMPLE / "meridian-herald-leak.html")).json()
    assert again["unchanged"] == 1 and again["ledger"] == []
    redirect = httpx.get(base + f"/articles/{article_id}")
    assert redirect.status_code == 303
    assert redirect.headers["location"].endswith(f"#{article_id}")
    dossier = httpx.get(base + redirect.headers["location"])
    assert lxml.html.fromstring(dossier.text).get_element_by_id(article_id) is not None
    assert httpx.get(base + "/articles/a0000000000").status_code == 404
    with Store(db) as store:
        assert store.counts()["articles"] == 1


def test_uploads_are_stored_under_safe_names_and_bad_ones_rejected_with_a_reason(
    empty: tuple[str, Path],
) -> None:
    base, db = empty
    page = (EXAMPLE / "truth-signal-blog-breaking.html").read_bytes()
    sent = [
        ("files", ("../../../escape.html", page, "text/html")),
        ("files", ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, "image/jpeg")),
    ]
    outcome = _add(base, files=sent).json()
    statuses = sorted(e["status"] for e in outcome["ledger"])
    assert statuses == ["accepted", "rejected"]
    rejected = next(e for e in outcome["ledger"] if e["status"] == "rejected")
    assert rejected["reason"]
    saved = sorted(p.name for p in (db.parent / "new-uploads").iterdir())
    assert len(saved) == 2 and all(".." not in name and "/" not in name for name in saved)
    assert not (db.parent.parent / "escape.html").exists()


def test_urls_are_fetched_and_private_addresses_refused_by_default(
    empty: tuple[str, Path], tmp_path: Path
) -> None:
    base, _ = empty
    with serving() as (site, _hits):
        fetched = _add(base, urls=f"{site}/news/ferry.html").json()
        assert fetched["accepted"] == 1, fetched
        guarded = create_app(str(tmp_path / "guarded.duckdb"), QUICK)
        with serving_app(guarded) as strict:
            refused = _add(strict, urls=f"{site}/moved").json()
    assert refused["rejected"] == 1
    assert "private, loopback or reserved" in refused["ledger"][0]["reason"]


def test_a_post_from_another_site_is_refused(empty: tuple[str, Path]) -> None:
    base, db = empty
    path = str(EXAMPLE / "meridian-herald-leak.html")
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        answer = httpx.post(base + "/add", data={"paths": path}, headers=headers)
        assert answer.status_code == 403, headers
    with Store(db) as store:
        assert store.counts()["articles"] == 0
    same = httpx.post(base + "/add", data={"paths": path}, headers={"Origin": base}, timeout=300)
    assert same.status_code == 200 and "1 accepted" in same.text


def test_a_missing_path_or_an_empty_form_is_a_clear_400(empty: tuple[str, Path]) -> None:
    base, _ = empty
    missing = _add(base, paths="/no/such/file.html")
    assert missing.status_code == 400 and "no such file" in missing.json()["detail"]
    assert _add(base).status_code == 400


def test_requests_beyond_the_rate_are_refused_with_a_retry_time(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "r.duckdb"), QUICK, requests_per_minute=5, adds_per_minute=1)
    with serving_app(app) as base:
        assert _add(base).status_code == 400  # counted: an empty form
        refused = _add(base)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        answers = [httpx.get(base + "/add").status_code for _ in range(4)]
    assert answers[:2] == [200, 200] and answers[-1] == 429


def test_the_rate_limit_forgets_after_a_minute() -> None:
    now = [0.0]
    limit = RateLimit(2, clock=lambda: now[0])
    assert [limit.wait("a"), limit.wait("a"), limit.wait("b")] == [0, 0, 0]
    assert limit.wait("a") > 0
    now[0] = 61.0
    assert limit.wait("a") == 0


def test_uploads_over_the_size_cap_are_refused_and_not_kept(tmp_path: Path) -> None:
    small = Settings(workers=1, fetch_cache_dir="", max_input_bytes=1000)
    db = tmp_path / "cap.duckdb"
    with serving_app(create_app(str(db), small)) as base:
        answer = _add(base, files=[("files", ("big.html", b"<p>x</p>" * 250, "text/html"))])
        # a body larger than four inputs is refused before it is read at all
        whole = _add(base, files=[("files", ("huge.html", b"x" * 5000, "text/html"))])
    assert answer.status_code == 413 and "over 1,000 bytes" in answer.json()["detail"]
    assert whole.status_code == 413 and "over 4,000 bytes" in whole.text
    assert not (tmp_path / "cap-uploads").exists() or not any((tmp_path / "cap-uploads").iterdir())


def test_a_request_naming_another_host_is_refused(server: str) -> None:
    """DNS rebinding: a site re-pointing its name at 127.0.0.1 sends its own name as Host."""
    assert httpx.get(server + "/", headers={"Host": "evil.example"}).status_code == 400
    assert httpx.get(server + "/", headers={"Host": "localhost:1"}).status_code == 200

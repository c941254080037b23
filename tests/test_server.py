"""The web UI over real HTTP: uvicorn on 127.0.0.1 serving a store of the example corpus
and a hostile page."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import lxml.html
import pytest
import uvicorn
from click.testing import CliRunner

from storytrace.cli import cli
from storytrace.server import create_app
from tests.conftest import REPO
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(base + "/api/stories", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    yield base
    running.should_exit = True
    thread.join(timeout=10)


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

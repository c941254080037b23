"""The dossier: one self-contained HTML file (and Markdown) of everything the export holds,
with every link resolving inside the file and every piece of article text escaped."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from storytrace.cli import cli
from tests.conftest import REPO

EXAMPLES = REPO / "examples"

HOSTILE = """<html><head><title>Port <script>alert('t')</script> closes</title>
<meta property="og:site_name" content="Evil &lt;img src=x onerror=alert(1)&gt; News">
<meta property="article:published_time" content="2025-05-02T10:00:00+00:00"></head>
<body><article><h1>Port closes</h1>
<p>The harbour master said: "We close the pier <script>alert('q')</script> tonight,
<a href="javascript:alert(2)">read</a> and <img src=x onerror="alert(3)"> more." Workers left.</p>
<p>Officials said the pier &lt;script&gt;alert(4)&lt;/script&gt; will stay closed until Friday
because the crane collapsed onto a cargo ship in the afternoon.</p>
<p>A second report said "We close the pier tonight" and "javascript:alert(5)" too.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, object]]:
    folder = tmp_path_factory.mktemp("dossier")
    (folder / "hostile.html").write_text(HOSTILE, encoding="utf-8")
    db, report = folder / "d.duckdb", folder / "dossier.html"
    sources = [str(EXAMPLES), str(folder / "hostile.html")]
    result = CliRunner().invoke(
        cli, ["run", *sources, "--db", str(db), "--report", str(report), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    exported = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "json"])
    return report.read_text(encoding="utf-8"), json.loads(exported.output)


def test_the_dossier_is_one_file_that_loads_nothing_and_runs_nothing(
    dossier: tuple[str, dict[str, object]],
) -> None:
    html, _ = dossier
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//script") == []
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src"):
                assert value.startswith("#"), value  # nothing from the network, no javascript:
    # the hostile text is shown as text: in the article, in the outlet's name
    shown = tree.text_content()
    assert "<script>alert(4)</script>" in shown and "<img src=x onerror=alert(1)>" in shown


def test_every_link_lands_on_something_in_the_file(dossier: tuple[str, dict[str, object]]) -> None:
    html, _ = dossier
    tree = lxml.html.fromstring(html)
    ids = {element.get("id") for element in tree.iter() if element.get("id")}
    links = [a.get("href")[1:] for a in tree.xpath("//a[@href]")]
    assert links and all(link in ids for link in links)


def test_each_story_shows_its_parts(dossier: tuple[str, dict[str, object]]) -> None:
    html, document = dossier
    tree = lxml.html.fromstring(html)
    text = " ".join(tree.text_content().split())
    stories = document["stories"]
    assert isinstance(stories, list)
    for story in stories:
        assert tree.get_element_by_id(story["id"]) is not None
    # the leak: first report, named origin, the repost, a family with its changes, claims
    assert "Black Kite" in text and "recirculated" in text
    assert "There is already a decision on Lessaria. It will be next." in text
    assert tree.xpath("//ins[contains(., 'probably')]")  # the hedge GD24 adds
    assert tree.xpath("//td[@class='hedged']/a") and tree.xpath("//td[@class='denied']/a")
    assert tree.xpath("//svg[@class='timeline']//rect") and tree.xpath(
        "//svg[@class='provenance']//path[contains(@class, 'edge')]"
    )
    # every article, with the quotations highlighted in its text
    articles = document["articles"]
    assert isinstance(articles, list)
    assert len(tree.xpath("//article")) == len(articles)
    assert tree.xpath("//article//mark[contains(@class, 'quote')]")


def test_the_markdown_dossier_tells_the_same(
    tmp_path: Path, dossier: tuple[str, dict[str, object]]
) -> None:
    db = tmp_path / "m.duckdb"
    corpus = [
        str(EXAMPLES / "corpus" / n)
        for n in ("meridian-herald-leak.html", "truth-signal-blog-breaking.html")
    ]
    assert CliRunner().invoke(cli, ["run", *corpus, "--db", str(db), "--quiet"]).exit_code == 0
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "md"])
    assert result.exit_code == 0
    assert result.output.startswith("# storytrace dossier")
    assert "Truth Signal rewrites Meridian Herald" in result.output
    assert "a crude fake" in result.output
    # every event is an item of its own: one date per line
    events = result.output.split("### Events", 1)[1].split("###", 1)[0]
    items = [line for line in events.splitlines() if line.startswith("- ")]
    assert items and all(line.count(" — ") == 1 for line in items)


def test_dates_known_only_to_the_month_have_no_place_on_the_day_axis() -> None:
    from storytrace.dossier import timeline_svg

    rows = [
        {"date": "2024-04", "outlet": "A", "article_ids": ["a1"]},
        {"date": "2024-04-08", "outlet": "B", "article_ids": ["a2"]},
    ]
    markers = [{"date": "2024", "kind": "denial", "id": "n1", "article_id": "a1", "label": "x"}]
    drawn = str(timeline_svg(rows, markers))
    assert drawn.count("<rect") == 1 and "2024-04-08" in drawn
    assert "No article" in str(timeline_svg(rows[:1], markers))

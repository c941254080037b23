"""The Dask engine on a real LocalCluster of two worker processes: the same results as the
local engine, the shuffle's copies equal to `near_copies`, and time windows that keep a
story whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from storytrace.cli import cli
from storytrace.dask_engine import DaskEngine, join_windows, time_windows
from storytrace.export import render
from storytrace.near_copies import near_copies
from storytrace.records import Article, Story
from storytrace.runner import run
from storytrace.settings import Settings
from storytrace.store import Store
from storytrace.story_groups import story_groups
from tests.conftest import REPO, SHARED_DATA, split_examples

BASIL = SHARED_DATA / "stories" / "basil-dev.jsonl"


@pytest.fixture(scope="module")
def engine() -> Iterator[DaskEngine]:
    with DaskEngine(workers=2) as started:
        yield started


def _document(sources: list[str], db: Path, engine: DaskEngine | None, until: str | None) -> dict:
    with Store(db) as store:
        run(sources, store, Settings(workers=2), until=until, engine=engine)
        document: dict = json.loads(render(store, "json"))
        document["mentions"] = [str(m) for m in store.mentions()]
        document["date_mentions"] = [str(m) for m in store.date_mentions()]
        document["embeddings"] = {k: v.vector for k, v in store.embeddings().items()}
        document["ledger"] = [str(e) for e in store.ledger()]
    return document


def _assert_same(local: dict, distributed: dict) -> None:
    assert local.keys() == distributed.keys()
    for key in local:
        assert local[key] == distributed[key], key


def test_example_corpus_gives_the_local_engines_results(engine: DaskEngine, tmp_path: Path) -> None:
    sources = [str(REPO / "examples")]
    local = _document(sources, tmp_path / "local.duckdb", None, None)
    distributed = _document(sources, tmp_path / "dask.duckdb", engine, None)
    assert len(local["articles"]) == 20 and local["stories"] and local["provenance"]
    _assert_same(local, distributed)


def test_basil_dev_gives_the_local_engines_results(engine: DaskEngine, tmp_path: Path) -> None:
    """150 long articles over five years: several time windows, every product, claims and
    quote families computed on groups of stories."""
    if not BASIL.exists():
        pytest.skip(f"shared data absent: {BASIL}")
    local = _document([str(BASIL)], tmp_path / "local.duckdb", None, None)
    distributed = _document([str(BASIL)], tmp_path / "dask.duckdb", engine, None)
    assert len(local["articles"]) == 150 and len(local["stories"]) == 50
    assert len(local["claims"]) > 50 and len(local["quote_families"]) > 10
    assert len(time_windows([a["published"] for a in local["articles"]], 365, 183)) >= 5
    _assert_same(local, distributed)


def test_rejected_and_duplicate_inputs_land_in_the_ledger_as_locally(
    engine: DaskEngine, corpus: Path, tmp_path: Path
) -> None:
    """The shared test corpus: an empty page, a JSONL line that is not JSON, a mirrored copy."""
    ledgers = []
    for name, chosen in (("local", None), ("dask", engine)):
        with Store(tmp_path / f"{name}.duckdb") as store:
            report = run([str(corpus)], store, Settings(workers=1), engine=chosen)
            assert report.count("rejected") == 2 and report.count("duplicate") == 1
            ledgers.append([(e.source, e.status, e.reason, e.article_id) for e in store.ledger()])
            assert len(store.diagnostics()) == 0
    assert ledgers[0] == ledgers[1]


def test_a_second_run_adds_to_the_store_and_skips_what_it_holds(
    engine: DaskEngine, tmp_path: Path
) -> None:
    first, second = split_examples(tmp_path, 2)
    both = [str(first), str(second)]
    with Store(tmp_path / "dask.duckdb") as store:
        report = run([str(first)], store, Settings(), engine=engine)
        report = run(both, store, Settings(), engine=engine)
        assert report.unchanged == len(list(first.iterdir()))
        incremental = {s.id: s.article_ids for s in store.stories()}
        ledger = len(store.ledger())
    with Store(tmp_path / "local.duckdb") as store:
        run(both, store, Settings(workers=1))
        assert len(store.ledger()) == ledger
        batch = {s.id: s.article_ids for s in store.stories()}
    assert incremental == batch


def _article(number: int, text: str, published: str | None = "2025-03-01") -> Article:
    return Article(f"a{number:03d}", str(number), text, str(number), published=published)


def test_the_band_shuffle_finds_the_copies_near_copies_finds(engine: DaskEngine) -> None:
    articles = []
    for number in range(60):
        story = [f"w{k}g{number % 12}" for k in range(150)]  # twelve texts, five times each
        if number % 2:
            story[number] = "changed"  # a near copy, not an equal one
        articles.append(_article(number, " ".join(story), f"2025-03-{1 + number % 28:02d}"))
    articles += [_article(100 + n, articles[3].text) for n in range(20)]  # equal copies
    expected = near_copies(articles)
    assert len(expected) > 40 and {c.similarity < 1 for c in expected} == {True, False}
    assert engine.stories(articles, {}).near_copies == expected


def test_story_groups_balance_the_articles() -> None:
    stories = [Story(f"s{n}", None, tuple(f"a{n}-{k}" for k in range(n))) for n in range(1, 11)]
    groups = story_groups(stories, 4)
    sizes = sorted(sum(len(s.article_ids) for s in group) for group in groups)
    assert len(groups) == 4 and sizes[-1] - sizes[0] <= 2
    assert sorted(s.id for group in groups for s in group) == sorted(s.id for s in stories)


def test_time_windows_overlap_and_hold_every_undated_article() -> None:
    dates = ["2025-01-01", "2025-01-20", "2025-03-01", None, "2025-06-30"]
    windows = time_windows(dates, 60, 20)
    assert windows == [[0, 1, 2, 3], [3, 4]]  # the days 60-179 hold no article of their own
    assert time_windows(dates, 30, 20) == [[0, 1, 3], [1, 2, 3], [3, 4]]
    assert time_windows([None, None], 60, 20) == [[0, 1]]


def test_windows_join_through_shared_articles_and_undated_ones_pick_one_home() -> None:
    dates = ["2025-01-01", "2025-01-20", "2025-03-01", None, "2025-06-30"]
    windows = time_windows(dates, 30, 20)
    # window 0 links 0-1; window 1 links 1-2 (so 0-1-2 is one story); the undated article 3
    # is with 4 in a pair in window 2 but with 0 and 1 in a cluster of three in window 0
    labels = [[0, 0, 0], [5, 5, 6], [7, 7]]
    joined = join_windows(5, windows, labels, dates)
    assert joined[0] == joined[1] == joined[2] == joined[3]
    assert joined[4] != joined[0]


def test_undated_clusters_and_earlier_stories_stay_whole() -> None:
    dates = [None, None, "2020-01-01", "2021-12-01", None]
    # windows far apart: [2 and the undated], [3 and the undated]
    windows = time_windows(dates, 365, 183)
    assert windows == [[0, 1, 2, 4], [0, 1, 3, 4]]
    labels = [[0, 0, 1, 2], [0, 0, 1, 2]]  # 0 and 1 (both undated) together in each
    joined = join_windows(5, windows, labels, dates, seed=[-1, -1, 7, 7, -1])
    assert joined[0] == joined[1]  # a story of undated articles only
    assert joined[2] == joined[3]  # one earlier story, even two years apart
    assert len(set(joined)) == 3


def test_repeated_and_copied_inputs_in_one_run(engine: DaskEngine, tmp_path: Path) -> None:
    """A partition whose articles are all duplicates, and one input read twice in a run."""
    page = (REPO / "examples" / "corpus" / "kalvo-times-library-reopening.html").read_bytes()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "one.html").write_bytes(page)
    (tmp_path / "b" / "copy.html").write_bytes(page)
    line = json.dumps({"id": "x1", "title": "Bridge closed", "text": "The old bridge " * 20})
    (tmp_path / "twice.jsonl").write_text(f"{line}\n{line}\n", encoding="utf-8")
    outcomes = []
    for name, chosen in (("local", None), ("dask", engine)):
        with Store(tmp_path / f"{name}.duckdb") as store:
            run([str(tmp_path / "a")], store, Settings(workers=1), until="extract", engine=chosen)
            report = run(
                [str(tmp_path / "b"), str(tmp_path / "twice.jsonl")],
                store,
                Settings(workers=1),
                until="extract",
                engine=chosen,
            )
            outcomes.append((report.unchanged, [(e.source, e.status) for e in store.ledger()]))
    assert outcomes[0] == outcomes[1]
    assert (
        outcomes[0][0] == 1
        and ("%s" % (tmp_path / "b" / "copy.html"), "duplicate") in outcomes[0][1]
    )


def test_cli_analyze_on_dask_after_ingest(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    pages = str(REPO / "tests" / "data" / "html")
    result = runner.invoke(cli, ["ingest", pages, "--db", db, "--engine", "dask", "-q"])
    assert result.exit_code in (0, 1), result.output
    result = runner.invoke(
        cli, ["analyze", "--db", db, "--engine", "dask", "--workers", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["stages"][0] == "date_mentions/1"
    assert summary["store"]["stories"] >= 1


def test_cli_runs_on_a_scheduler_at_an_address(tmp_path: Path) -> None:
    """`--scheduler ADDRESS`: the engine connects to a running cluster (and leaves it up)."""
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as cluster:
        db = str(tmp_path / "remote.duckdb")
        address = cluster.scheduler_address
        pages = str(REPO / "examples")
        arguments = ["ingest", pages, "--db", db, "--engine", "dask", "--scheduler", address]
        result = CliRunner().invoke(cli, [*arguments, "--json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        assert summary["inputs"]["accepted"] == 20 and summary["stages"] == ["extract/1"]
        assert len(cluster.scheduler_info["workers"]) == 1
    assert not list(tmp_path.glob("storytrace-dask-*"))  # the staging folder is removed


def test_a_scheduler_needs_the_dask_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["analyze", "--db", str(tmp_path / "x.duckdb"), "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 2
    assert "--scheduler needs --engine dask" in result.stderr

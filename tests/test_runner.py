from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from storytrace.entities import entities as entities_stage
from storytrace.errors import InputRejected, PlanError
from storytrace.export import render
from storytrace.records import Article, Document, Story
from storytrace.runner import Failure, LocalEngine, map_per_article, run
from storytrace.settings import Settings
from storytrace.stages import STAGES, Stage
from storytrace.store import Store
from storytrace.stories import StoryIndex
from storytrace.story_groups import per_story
from tests.conftest import REPO, split_examples


def test_run_accounts_for_every_input(corpus: Path, store: Store, settings: Settings) -> None:
    report = run([str(corpus)], store, settings)
    statuses = {entry.source.removeprefix(f"{corpus}/"): entry.status for entry in report.ledger}
    assert statuses == {
        "ferry.html": "accepted",
        "mirror/ferry.html": "duplicate",
        "library.txt": "accepted",
        "feed.jsonl#x1": "accepted",
        "feed.jsonl#2": "rejected",
        "empty.html": "rejected",
    }
    assert report.exit_code == 1
    duplicate = next(e for e in report.ledger if e.status == "duplicate")
    original = next(e for e in report.ledger if e.source == f"{corpus}/ferry.html")
    assert duplicate.article_id == original.article_id
    assert store.counts()["articles"] == 3


def test_running_twice_adds_nothing(corpus: Path, store: Store, settings: Settings) -> None:
    run([str(corpus)], store, settings)
    before = store.counts()
    again = run([str(corpus)], store, settings)
    assert store.counts() == before
    assert again.ledger == []
    assert again.unchanged == 6
    assert again.exit_code == 1  # the rejected inputs are still rejected


def test_a_changed_input_is_read_again(corpus: Path, store: Store, settings: Settings) -> None:
    run([str(corpus)], store, settings)
    (corpus / "library.txt").write_text("A different text about the library and its visitors.")
    report = run([str(corpus)], store, settings)
    assert [(e.source.rsplit("/", 1)[-1], e.status) for e in report.ledger] == [
        ("library.txt", "accepted")
    ]


def _explode_on_tarn(document: Document, settings: Settings) -> Article:
    if "Tarn" in document.content:
        raise RuntimeError("model crashed")
    if "Bridge" in document.content or "bridge" in document.content:
        raise InputRejected("not an article")
    extract = STAGES[0].function
    article: Article = extract(document, settings)
    return article


def test_one_failing_article_is_recorded_and_the_run_goes_on(
    corpus: Path, store: Store, settings: Settings
) -> None:
    stages = [replace(STAGES[0], function=_explode_on_tarn)]
    report = run([str(corpus)], store, settings, stages=stages)
    reasons = {e.source.removeprefix(f"{corpus}/"): e.reason for e in report.ledger}
    assert reasons["ferry.html"] == "RuntimeError: model crashed"
    assert reasons["feed.jsonl#x1"] == "not an article"
    assert reasons["library.txt"] is None
    # A bug is a diagnostic for the team; an input without an article is not.
    assert [(d.stage, d.reason) for d in report.diagnostics] == [
        ("extract/1", "RuntimeError: model crashed"),
        ("extract/1", "RuntimeError: model crashed"),
    ]
    assert len(store.diagnostics()) == 2


def _square(number: int, settings: Settings) -> int:
    if number == 13:
        raise ValueError("unlucky")
    return number * number


def test_process_pool_gives_the_same_results_in_order() -> None:
    numbers = list(range(40))
    pooled = list(map_per_article(_square, numbers, Settings(workers=2, batch_size=4)))
    local = list(map_per_article(_square, numbers, Settings(workers=1)))
    assert pooled == local
    assert pooled[13][1].reason == "ValueError: unlucky"
    assert pooled[12] == (12, 144)


def _squares(numbers: Sequence[int], settings: Settings) -> list[int]:
    if 13 in numbers:
        raise ValueError("a batch holding 13 fails whole")
    return [number * number for number in numbers]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_batch_is_done_again_item_by_item(workers: int) -> None:
    """A stage's batch form takes a few items at a time; when a batch fails, its items are
    done one by one, so only the bad item fails."""
    numbers = list(range(40))
    settings = Settings(workers=workers, batch_size=8)
    outcomes = list(map_per_article(_square, numbers, settings, batch=_squares))
    assert [n for n, _ in outcomes] == numbers
    assert outcomes[13][1].reason == "ValueError: unlucky"
    assert all(outcome == n * n for n, outcome in outcomes if n != 13)


def _square_or_die(number: int, settings: Settings) -> int:
    if number == 7:
        os._exit(1)  # the worker process dies, as on running out of memory
    return number * number


def _squares_or_die(numbers: Sequence[int], settings: Settings) -> list[int]:
    return [_square_or_die(number, settings) for number in numbers]


@pytest.mark.parametrize("batch", [None, _squares_or_die])
def test_a_dying_worker_costs_only_the_input_it_died_on(batch: Any) -> None:
    """A worker that dies breaks its pool: the lost tasks are done again one per task on a
    new pool, only the input that kills its worker fails, and the engine's next stage gets
    a pool that works."""
    engine = LocalEngine()
    try:
        settings = Settings(workers=2, batch_size=4)
        pool = engine.pool(settings)
        numbers = list(range(40))
        outcomes = list(map_per_article(_square_or_die, numbers, settings, pool, batch))
        assert [n for n, _ in outcomes] == numbers
        assert isinstance(outcomes[7][1], Failure) and "died" in outcomes[7][1].reason
        assert all(outcome == n * n for n, outcome in outcomes if n != 7)
        again = list(map_per_article(_square, [2, 3], settings, engine.pool(settings)))
        assert again == [(2, 4), (3, 9)]
    finally:
        engine.close()


def test_batch_forms_give_the_per_article_results(settings: Settings) -> None:
    """The batch forms of the parse (spaCy's `pipe`) and of the article vectors (one call
    of the sentence model) give exactly the records of one article at a time."""
    articles = [
        Article(id=f"a{n}", source=path.name, text=path.read_text("utf-8"), content_hash=str(n))
        for n, path in enumerate(sorted((REPO / "examples" / "corpus").glob("*.txt")))
    ]
    articles.insert(2, replace(articles[0], id="de", language="de"))  # not parsed
    articles.append(replace(articles[0], id="short", text="A ferry sank."))
    for stage in STAGES:
        if stage.name in ("parse", "embeddings"):
            assert stage.batch is not None
            together = stage.batch(articles, settings)
            assert together == [stage.function(a, settings) for a in articles], stage.name
            if stage.name == "parse":
                assert together[2] == () and any(together)  # German: not parsed
            else:
                assert all(len(found) == 1 for found in together)  # one vector each


def test_pool_run_equals_in_process_run(corpus: Path, tmp_path: Path) -> None:
    results = []
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.duckdb") as store:
            run([str(corpus)], store, Settings(workers=workers, batch_size=2))
            results.append((store.articles(), sorted(e.source for e in store.ledger())))
    assert results[0] == results[1]


def test_custom_stage_list_is_checked_before_reading(store: Store, corpus: Path) -> None:
    broken = Stage("needs-entities", 1, "article", frozenset({"entities"}), frozenset(), print)
    with pytest.raises(PlanError, match="needs entities"):
        run([str(corpus)], store, Settings(workers=1), stages=[broken])
    assert store.counts()["ledger"] == 0


def test_analysis_stages_run_once_per_article_and_resume(
    corpus: Path, store: Store, settings: Settings
) -> None:
    report = run([str(corpus)], store, settings)
    assert report.stages == [
        "extract/1",
        "date_mentions/1",
        "parse/3",
        "entities/1",
        "embeddings/1",
        "link_features/1",
        "stories/3",
        "provenance/1",
        "quote_families/1",
        "discrepancies/1",
        "claims/1",
        "escalation/1",
    ]
    assert store.articles_pending("date_mentions/1") == []
    before = store.counts()["date_mentions"]
    assert before > 0  # the ferry page says "on Monday" and "on Sunday afternoon"
    run([str(corpus)], store, settings)
    assert store.counts()["date_mentions"] == before
    assert store.articles_pending("date_mentions/2") != []  # a new version would re-run


def test_a_setting_that_shapes_a_stage_runs_it_again_when_changed(tmp_path: Path) -> None:
    """`attribution_cues` shapes the parse stage's attributions: a store parsed with one
    value and run with another is parsed again (its rows replaced), and back again."""
    examples = [str(REPO / "examples")]

    def attributions(store: Store) -> list[tuple[str, str, str | None]]:
        return sorted(
            (a.article_id, a.content.text, a.cue.text if a.cue else None)
            for a in store.attributions()
        )

    lexicon = Settings(workers=1, attribution_cues="lexicon")
    with Store(tmp_path / "fresh.duckdb") as fresh:
        run(examples, fresh, lexicon, until="parse")
        by_lexicon = attributions(fresh)
    with Store(tmp_path / "switched.duckdb") as store:
        report = run(examples, store, Settings(workers=1), until="parse")
        assert report.stages[-1] == "parse/3"
        by_default = attributions(store)
        assert by_default != by_lexicon
        report = run([], store, lexicon, until="parse")
        assert report.stages[-1] == "parse/3[attribution_cues=lexicon]"
        assert attributions(store) == by_lexicon
        assert store.articles_pending("parse/3[attribution_cues=lexicon]") == []
        assert store.articles_pending("parse/3") != []
        run([], store, Settings(workers=1), until="parse")
        assert attributions(store) == by_default


def _date_stage_failing_on_ferry(article: Article, settings: Settings) -> tuple[object, ...]:
    if "Tarn" in article.text:
        raise ValueError("bad date")
    return ()


def test_a_failing_analysis_is_a_diagnostic(corpus: Path, store: Store, settings: Settings) -> None:
    stages = [STAGES[0], replace(STAGES[1], function=_date_stage_failing_on_ferry)]
    report = run([str(corpus)], store, settings, stages=stages)
    assert [(d.stage, d.reason) for d in report.diagnostics] == [
        ("date_mentions/1", "ValueError: bad date")
    ]
    assert report.exit_code == 1  # from the rejected inputs, not from the diagnostic
    assert store.articles_pending("date_mentions/1") == []


def test_per_story_stages_on_the_pool_equal_the_in_process_run(tmp_path: Path) -> None:
    """Discrepancies run on groups of stories in the pool's processes, quote families and
    claims in the main process with the pool's processes encoding their texts: the example
    corpus (several stories) gives what one process gives."""
    documents = []
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.duckdb") as store:
            run([str(REPO / "examples")], store, Settings(workers=workers))
            documents.append(json.loads(render(store, "json")))
    one, pooled = documents
    assert len(one["stories"]) > 2 and one["claims"] and one["quote_families"]
    for key in one:
        assert one[key] == pooled[key], key


def test_the_local_engine_runs_sentence_model_stages_here_with_the_pool_encoding() -> None:
    """Quote families and claims run in the main process with an encoder that shares the
    texts among the pool's processes; other per-story stages go to the pool by story."""
    engine = LocalEngine()
    try:
        settings = Settings(workers=2)
        by_name = {stage.name: stage for stage in STAGES}
        for name in ("quote_families", "claims"):
            linked = engine.linker(by_name[name], settings)
            assert isinstance(linked, partial) and linked.func is by_name[name].function
            assert set(linked.keywords) == {"encode"}
        pooled = engine.linker(by_name["discrepancies"], settings)
        assert isinstance(pooled, partial) and pooled.func is per_story
    finally:
        engine.close()


def _recording(stage: Stage, seen: list[list[str]]) -> Stage:
    def function(articles: Any, stories: Any, *rest: Any) -> Any:
        seen.append(sorted(story.id for story in stories))
        return stage.function(articles, stories, *rest)

    return replace(stage, function=function)


def test_stories_another_version_linked_are_linked_again(
    corpus: Path, store: Store, settings: Settings
) -> None:
    """Stored stories seed the next run only when this version of the stories stage linked
    them: after an upgrade, its rules apply to the whole store, not only to what arrives."""
    run([str(corpus)], store, settings)
    linked = sorted(sorted(story.article_ids) for story in store.stories())
    assert len(linked) > 1
    everything = tuple(sorted(article.id for article in store.articles()))
    merged = StoryIndex((Story("s-old", "Everything", everything),), ())
    label = next(stage.label for stage in STAGES if stage.name == "stories")
    store.save_stories(merged, linked_by=label)
    run([], store, settings)
    assert [set(story.article_ids) for story in store.stories()] == [set(everything)]  # a seed
    for older in ("stories/0", None):  # another version, or a store from before the record
        store.save_stories(merged, linked_by=older)
        assert store.stories_linked_by() == older
        run([], store, settings)
        assert sorted(sorted(story.article_ids) for story in store.stories()) == linked
        assert store.stories_linked_by() == label


def test_per_story_stages_redo_only_the_stories_that_changed(tmp_path: Path) -> None:
    """A second run over a grown store recomputes quote families, discrepancies and claims
    only for the stories whose inputs changed, and ends where one run over everything
    ends; a run over an unchanged store recomputes none."""
    first, second = split_examples(tmp_path, 3)
    seen: dict[str, list[list[str]]] = {"quote_families": [], "discrepancies": [], "claims": []}
    stages = [_recording(s, seen[s.name]) if s.name in seen else s for s in STAGES]
    documents = []
    with Store(tmp_path / "grown.duckdb") as store:
        run([str(first)], store, Settings(workers=1), stages=stages)
        for calls in seen.values():
            calls.clear()
        run([str(first), str(second)], store, Settings(workers=1), stages=stages)
        stories = store.stories()
        redone = {story for calls in seen.values() for call in calls for story in call}
        assert redone and redone < {story.id for story in stories}, redone
        documents.append(json.loads(render(store, "json")))
        for calls in seen.values():
            calls.clear()
        run([str(first), str(second)], store, Settings(workers=1), stages=stages)
        assert all(calls == [] for calls in seen.values())  # nothing changed, nothing redone
    with Store(tmp_path / "batch.duckdb") as store:
        run([str(first), str(second)], store, Settings(workers=1))
        assert [s.article_ids for s in store.stories()] == [s.article_ids for s in stories]
        documents.append(json.loads(render(store, "json")))
    grown, batch = documents
    assert grown["claims"] and grown["quote_families"]
    for key in ("quote_families", "discrepancies", "claims", "denials"):
        assert grown[key] == batch[key], key


def _entities_noting_the_process(marks: Path, mentions: Any, settings: Settings) -> Any:
    """The entities stage, leaving the id of the process it ran in (a pool worker's when it
    runs aside). Module level: the pool must find it by name."""
    (marks / f"entities-{os.getpid()}").touch()
    return entities_stage(mentions, settings)


def _escalation_failing(marks: Path, *arguments: Any) -> Any:
    (marks / f"escalation-{os.getpid()}").touch()
    raise RuntimeError("escalation broke")


def test_a_stage_that_cannot_be_pickled_runs_in_its_turn(tmp_path: Path) -> None:
    ran_in: list[int] = []

    def entities_here(mentions: Any, settings: Settings) -> Any:  # a closure: no pickling
        ran_in.append(os.getpid())
        return entities_stage(mentions, settings)

    stages = [replace(s, function=entities_here) if s.name == "entities" else s for s in STAGES]
    with Store(tmp_path / "closure.duckdb") as store:
        report = run(
            [str(REPO / "examples")], store, Settings(workers=2), stages=stages, until="entities"
        )
        assert store.entities() and report.diagnostics == []
    assert ran_in == [os.getpid()]


def test_collection_stages_run_aside_on_the_pool_and_a_failure_there_is_a_diagnostic(
    tmp_path: Path,
) -> None:
    """With a pool, entities start on it as soon as the parse is done and run while the
    sentence vectors are computed; escalation runs aside too, and its failure is recorded
    like any stage's while the run keeps what the other stages found."""
    marks = tmp_path / "marks"
    marks.mkdir()
    swapped = {
        "entities": partial(_entities_noting_the_process, marks),
        "escalation": partial(_escalation_failing, marks),
    }
    stages = [replace(s, function=swapped[s.name]) if s.name in swapped else s for s in STAGES]
    with Store(tmp_path / "aside.duckdb") as store:
        report = run([str(REPO / "examples")], store, Settings(workers=2), stages=stages)
        assert store.entities() and store.claims() and store.event_links() == []
    ran_in = {mark.name.split("-")[0]: int(mark.name.split("-")[1]) for mark in marks.iterdir()}
    assert ran_in.keys() == {"entities", "escalation"}
    assert os.getpid() not in ran_in.values()
    assert [(d.stage, d.reason) for d in report.diagnostics] == [
        ("escalation/1", "RuntimeError: escalation broke")
    ]
    assert list(report.seconds) == [stage.label for stage in STAGES]


_RUN_AND_EXPORT = """
import sys
from pathlib import Path
from storytrace.export import render
from storytrace.runner import run
from storytrace.settings import Settings
from storytrace.store import Store
with Store(Path(sys.argv[2])) as store:
    run([sys.argv[1]], store, Settings(workers=1))
    print(render(store, "json"))
"""


def test_results_do_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Each process walks sets of strings in its own order (hash randomisation). Stages
    that run in other processes (a pool, Dask) must give what this one gives, so no result
    may follow that order: two interpreters with different hash seeds export the same."""
    exports = []
    for seed in ("1", "2"):
        finished = subprocess.run(
            [sys.executable, "-c", _RUN_AND_EXPORT, str(REPO / "examples"), str(tmp_path / seed)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        exports.append(json.loads(finished.stdout))
    first, second = exports
    assert first["claims"] and first["provenance"] and first["escalation"]
    for key in first:
        assert first[key] == second[key], key

"""Scorers: the metric itself on hand-made items, and the floors on the shared data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storytrace import evaluation
from storytrace.cli import cli
from storytrace.evaluation.extraction import SnippetCounts, count_snippets, visible_text
from tests.conftest import SHARED_DATA

TRAFILATURA_EVAL = SHARED_DATA / "extraction" / "trafilatura-eval"


def test_snippets_are_matched_with_whitespace_normalised() -> None:
    item = {"with": ["the  main\ntext", "missing part"], "without": ["Impressum", "menu"]}
    counts = count_snippets(item, "Here is the main text.\nImpressum")
    assert counts == SnippetCounts(tp=1, fp=1, fn=1, tn=1)
    assert count_snippets(item, None) == SnippetCounts(tp=0, fp=0, fn=2, tn=2)
    metrics = {m.name: m.value for m in counts.metrics()}
    assert metrics == {"precision": 0.5, "recall": 0.5, "accuracy": 0.5, "f1": 0.5}


def test_visible_text_keeps_every_block_on_its_own_line() -> None:
    page = (
        b"<html><head><title>T</title><style>p{}</style></head><body><nav>Home</nav>"
        b"<p>First <b>bold</b> para.</p><script>x()</script><div hidden>secret</div>"
        b"<ul><li>one</li><li>two</li></ul>\x01</body></html>"
    )
    lines = [line for line in visible_text(page).splitlines() if line]
    assert lines == ["Home", "First bold para.", "one", "two"]


def test_every_task_has_a_floor_and_the_docs_table_markers() -> None:
    assert set(evaluation.floors()) == set(evaluation.tasks())
    page = (Path(__file__).parent.parent / "docs" / "evaluation.md").read_text()
    assert evaluation.TABLE_START in page and evaluation.TABLE_END in page


def test_missing_data_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "extraction", "--data", str(tmp_path / "no")])
    assert result.exit_code == 2 and "no evaluation data" in result.stderr


needs_trafilatura_eval = pytest.mark.skipif(
    not TRAFILATURA_EVAL.exists(), reason=f"shared data absent: {TRAFILATURA_EVAL}"
)


@needs_trafilatura_eval
def test_eval_cli_prints_metric_lines_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "eval",
            "text-cleaning",
            "--data",
            str(TRAFILATURA_EVAL),
            "--limit",
            "20",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "f1: 0." in result.stdout and "keep_all_f1: 0." in result.stdout
    result = runner.invoke(
        cli,
        [
            "eval",
            "text-cleaning",
            "--data",
            str(TRAFILATURA_EVAL),
            "--limit",
            "5",
            "--workers",
            "1",
            "--json",
        ],
    )
    (card,) = json.loads(result.stdout)
    assert card["items"] == 5 and 0 <= card["metrics"]["f1"] <= 1


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(evaluation.floors()))
def test_scores_stay_above_their_floors(task: str) -> None:
    chosen = evaluation.tasks()[task]
    data = SHARED_DATA / chosen.default_data
    if not data.exists():
        pytest.skip(f"shared data absent: {data}")
    card = evaluation.score(chosen, data, 2)
    assert card.task == task
    assert card.value(chosen.headline) >= evaluation.floors()[task]


NAME_PAIRS = SHARED_DATA / "names" / "name-pairs-dev.csv"


@pytest.mark.skipif(not NAME_PAIRS.exists(), reason=f"shared data absent: {NAME_PAIRS}")
def test_every_romanisation_of_one_name_matches() -> None:
    card = evaluation.tasks()["names"].scorer(NAME_PAIRS, 1, None)
    assert card.value("romanisation_pairs_matched") == 1.0


@pytest.mark.slow
def test_event_countries_stay_at_the_goal() -> None:
    """The events issue names two goals; the floor table tracks the category one."""
    chosen = evaluation.tasks()["events"]
    data = SHARED_DATA / chosen.default_data
    if not data.exists():
        pytest.skip(f"shared data absent: {data}")
    assert evaluation.score(chosen, data, 2).value("country_accuracy") >= 0.80

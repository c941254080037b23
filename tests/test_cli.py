from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from storytrace.cli import cli
from storytrace.export import contract_schema
from tests.conftest import REPO


def invoke(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(arguments), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_every_command_help_ends_with_an_example() -> None:
    for name in [None, *cli.commands]:
        code, out, _ = invoke(*([name] if name else []), "--help")
        assert code == 0
        assert out.rstrip().splitlines()[-1].strip().startswith("Example: storytrace"), name


def test_docs_cover_every_command() -> None:
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"storytrace {name}" in reference, name


def test_run_then_export_validates(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    code, out, _ = invoke("run", str(corpus), "--db", db, "--workers", "1")
    assert code == 1  # the corpus holds rejected inputs on purpose
    assert "3 accepted, 1 duplicate, 2 rejected" in out
    assert "empty.html: empty: 0 bytes" in out
    code, out, _ = invoke("export", "--db", db, "--format", "json")
    assert code == 0
    document = json.loads(out)
    jsonschema.validate(document, contract_schema())
    assert len(document["articles"]) == 3


def test_all_accepted_exits_zero_and_writes_the_report(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text((REPO / "tests/data/html/harbour-gazette-ferry.html").read_text())
    report = tmp_path / "out" / "story.json"
    code, out, _ = invoke(
        "run",
        str(page),
        "--db",
        str(tmp_path / "d.duckdb"),
        "--workers",
        "1",
        "--report",
        str(report),
    )
    assert code == 0, out
    assert json.loads(report.read_text())["articles"][0]["outlet"] == "Harbour Gazette"


def test_json_summary_for_scripts(corpus: Path, tmp_path: Path) -> None:
    code, out, _ = invoke(
        "ingest", str(corpus), "--db", str(tmp_path / "j.duckdb"), "--workers", "1", "--json"
    )
    summary = json.loads(out)
    assert code == 1
    assert summary["inputs"] == {"accepted": 3, "duplicate": 1, "rejected": 2}
    assert summary["stages"] == ["extract/1"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["run", "does-not-exist.html"], "no such file or directory"),
        (["run", "x.html", "--until", "nope"], "Invalid value for '--until'"),
        (["run", "--workers", "many", "x"], "Invalid value for '--workers'"),
        (["export", "--db", "missing.duckdb"], "no store at missing.duckdb"),
        (["show", "s1", "--db", "missing.duckdb"], "no store at missing.duckdb"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    arguments: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(*arguments)
    assert code == 2
    assert message in err


def test_report_with_unknown_suffix_is_refused_before_running(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>")
    code, _, err = invoke(
        "run", str(page), "--db", str(tmp_path / "r.duckdb"), "--report", str(tmp_path / "r.pdf")
    )
    assert code == 2 and "cannot write a report" in err
    assert not (tmp_path / "r.duckdb").exists()


def test_stories_and_show(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    invoke("run", str(corpus), "--db", db, "--workers", "1", "--quiet")
    code, out, _ = invoke("stories", "--db", db, "--json")
    listed = json.loads(out)
    assert code == 0 and len(listed) == 3  # ferry (and its copy), library, bridge
    code, out, _ = invoke("show", listed[0]["id"], "--db", db, "--json")
    shown = json.loads(out)
    assert code == 0 and [a["id"] for a in shown["articles"]] == listed[0]["article_ids"]
    code, _, err = invoke("show", "s1", "--db", db)
    assert code == 2 and "no story 's1'" in err


def test_console_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "storytrace"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "storytrace" in result.stdout

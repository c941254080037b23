from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from storytrace.cli import cli
from storytrace.names import compare_names, fold, name_tokens


@pytest.mark.parametrize(
    "left, right",
    [
        ("Andrei Volkhonsky", "Andrey Volkhonskiy"),
        ("Andrei Volkhonsky", "Andriy Volkhonskyi"),
        ("Volkhonskiy, Andrey", "Andrei VOLKHONSKY"),
        ("Mr Andrei Volkhonsky", "deputy Andrei Volkhonsky"),
        ("Андрей Волхонский", "Andrei Volkhonsky"),
        ("Zelensky", "Zelenskyy"),
        ("Vodafone Limited", "Vodafone Ltd"),
        ("Oboronnye Initsiativy OOO", "OOO Oboronnye Initsiativy"),
        ("PricewaterhouseCoopers LLP", "Pricewaterhouse Coopers LLP"),
        ("PLA", "People's Liberation Army"),
        ("Thomas A. Lindeman", "Thomas Lindemann"),
    ],
)
def test_spellings_of_one_name_match(left: str, right: str) -> None:
    assert compare_names(left, right).match, compare_names(left, right)


@pytest.mark.parametrize(
    "left, right",
    [
        ("Andrei Volkhonsky", "Andrei Sarkisov"),  # same first name, other surname
        ("Olga Sarkisova", "Irina Sarkisova"),  # same surname, other first name
        ("Boris Abramovich", "Roman Abramovich"),
        ("Bank of Armenia Corporation", "Bank of America Corporation"),
        ("A. Nazarbayev", "Nursultan Nazarbayev"),  # the initial disagrees
    ],
)
def test_different_people_stay_apart(left: str, right: str) -> None:
    assert not compare_names(left, right).match


def test_folding_absorbs_romanisation_variants() -> None:
    assert fold("volkhonskiy") == fold("volkhonsky") == fold("volkhonskyi")
    assert name_tokens("Dr. Andrei VOLKHONSKY") == name_tokens("andrey volkhonskiy")


@pytest.mark.parametrize("odd", ["", "   ", "!!!", "😀😀", "x" * 1000, "Иван 李 Smith ☃"])
def test_odd_names_give_a_clear_result(odd: str) -> None:
    verdict = compare_names(odd, "Andrei Volkhonsky")
    assert verdict.match is False and 0.0 <= verdict.score <= 1.0


@given(st.text(max_size=60), st.text(max_size=60))
def test_any_names_compare_symmetrically_within_bounds(left: str, right: str) -> None:
    forward, backward = compare_names(left, right), compare_names(right, left)
    assert 0.0 <= forward.score <= 1.0
    assert forward.match == backward.match


def test_cli_compares_two_names_and_a_pairs_file(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["names", "compare", "Andrei Volkhonsky", "Andriy Volkhonskyi"])
    assert result.exit_code == 0
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["match"] == "true"
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "id,name1,name2\n1,Vodafone Ltd,Vodafone Limited\n2,Igor Deripaska,Oleg Deripaska\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["names", "compare", "--pairs", str(pairs), "--json"])
    rows = json.loads(result.stdout)
    assert [(r["id"], r["match"]) for r in rows] == [("1", True), ("2", False)]
    assert runner.invoke(cli, ["names", "compare", "only-one"]).exit_code == 2

from __future__ import annotations

import pytest

from storytrace.errors import PlanError
from storytrace.stages import STAGES, Stage, plan


def _noop(*_: object) -> None:
    return None


def test_default_plan_runs_every_stage_in_order() -> None:
    assert [s.name for s in plan()] == [s.name for s in STAGES]
    assert plan("extract")[-1].name == "extract"
    assert STAGES[0].label == "extract/1"


def test_unknown_stage_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="unknown stage 'nope'"):
        plan("nope")


def test_missing_producer_is_named() -> None:
    extract = STAGES[0]
    attributions = Stage(
        "attributions", 1, "article", frozenset({"entities"}), frozenset({"attributions"}), _noop
    )
    entities = Stage(
        "entities", 1, "article", frozenset({"articles"}), frozenset({"entities"}), _noop
    )
    with pytest.raises(PlanError, match="needs entities: produced by entities, which must run"):
        plan(stages=[extract, attributions, entities])
    with pytest.raises(PlanError, match="needs entities: no registered stage produces it"):
        plan(stages=[extract, attributions])
    assert [s.name for s in plan(stages=[extract, entities, attributions])] == [
        "extract",
        "entities",
        "attributions",
    ]

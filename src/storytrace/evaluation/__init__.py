"""Scorers of each stage on public data (`storytrace eval TASK`).

A task reads a dataset from `../shared/data/...` (or `--data PATH`), runs the same stage
functions the pipeline runs, and returns a `Scorecard`: our figures, the figures of a
baseline run in the same process, and the published anchor beside them. Floors that the
tests enforce live in `floors.json` next to this file and only ever rise.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from storytrace.errors import UsageError

SHARED_DATA = Path("..") / "shared" / "data"


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float


@dataclass(frozen=True, slots=True)
class Scorecard:
    task: str
    dataset: str
    metrics: tuple[Metric, ...]
    baseline_name: str
    baseline: tuple[Metric, ...]
    anchor: str
    items: int
    notes: tuple[str, ...] = field(default=())

    def value(self, name: str) -> float:
        return next(m.value for m in self.metrics if m.name == name)

    def lines(self) -> list[str]:
        """`metric: value` lines, the baseline's and the anchor after them."""
        rows = [f"{m.name}: {m.value:.4f}" for m in self.metrics]
        rows += [f"{self.baseline_name}_{m.name}: {m.value:.4f}" for m in self.baseline]
        rows += [f"note: {note}" for note in self.notes]
        rows.append(f"anchor: {self.anchor}")
        rows.append(f"items: {self.items}")
        return rows

    def as_dict(self) -> dict[str, object]:
        return {
            "task": self.task,
            "dataset": self.dataset,
            "items": self.items,
            "metrics": {m.name: m.value for m in self.metrics},
            "baseline": {
                "name": self.baseline_name,
                "metrics": {m.name: m.value for m in self.baseline},
            },
            "anchor": self.anchor,
            "notes": list(self.notes),
        }


def precision_recall_f1(prefix: str, hits: int, said: int, gold: int) -> list[Metric]:
    """`PREFIX_precision`, `_recall` and `_f1` of `hits` among `said` answers and `gold` ones
    (an empty side scores 0)."""
    precision = hits / said if said else 0.0
    recall = hits / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    names = (
        (f"{prefix}_precision", f"{prefix}_recall", f"{prefix}_f1")
        if prefix
        else (
            "precision",
            "recall",
            "f1",
        )
    )
    return [Metric(name, value) for name, value in zip(names, (precision, recall, f1), strict=True)]


Scorer = Callable[[Path, int, int | None], Scorecard]


@dataclass(frozen=True, slots=True)
class Task:
    name: str
    default_data: str  # relative to the shared data folder
    scorer: Scorer
    headline: str  # the metric the floor and the docs table track


def tasks() -> dict[str, Task]:
    from storytrace.evaluation.attribution import score_attribution
    from storytrace.evaluation.events import score_events
    from storytrace.evaluation.extraction import score_extraction, score_text_cleaning
    from storytrace.evaluation.families import score_families
    from storytrace.evaluation.hedging import score_hedging
    from storytrace.evaluation.names import score_names
    from storytrace.evaluation.reuse import score_reuse
    from storytrace.evaluation.stance import score_stance
    from storytrace.evaluation.stories import score_stories

    registered = [
        Task("extraction", "extraction/trafilatura-eval", score_extraction, "f1"),
        Task("text-cleaning", "extraction/trafilatura-eval", score_text_cleaning, "f1"),
        Task("names", "names/name-pairs-dev.csv", score_names, "f1"),
        Task("attribution", "attribution/polnear", score_attribution, "content_exact_f1"),
        Task("stories", "stories/basil-dev.jsonl", score_stories, "b3_f1"),
        Task("stories-ecbplus", "stories/ecbplus-dev.jsonl", score_stories, "b3_f1"),
        Task("reuse", "reuse/clough-stevenson.csv", score_reuse, "accuracy"),
        Task("families", "stories/basil-dev.jsonl", score_families, "family_f1"),
        Task("hedging", "hedging/conll2010-wikipedia-sample.csv", score_hedging, "f1"),
        Task("stance", "stance/emergent-dev.csv", score_stance, "accuracy"),
        Task("events", "events/plover-gsr-dev.json", score_events, "category_accuracy"),
    ]
    return {task.name: task for task in registered}


def score(task: Task, path: Path, workers: int, limit: int | None = None) -> Scorecard:
    """Run `task`'s scorer; the card carries the task's registered name."""
    return dataclasses.replace(task.scorer(path, workers, limit), task=task.name)


def resolve_data(task: Task, data: str | None, root: Path = SHARED_DATA) -> Path:
    path = Path(data) if data else root / task.default_data
    if not path.exists():
        raise UsageError(
            f"no evaluation data at {path}",
            hint="give the dataset's file or folder with --data, or place ../shared/data beside "
            "the project",
        )
    return path


def floors() -> dict[str, float]:
    text = resources.files("storytrace.evaluation").joinpath("floors.json").read_text()
    pinned: dict[str, float] = json.loads(text)
    return pinned


TABLE_START, TABLE_END = "<!-- scores:start -->", "<!-- scores:end -->"


def write_table(page: Path, cards: list[Scorecard]) -> None:
    """Rewrite the scores table between the markers of `page` (docs/evaluation.md)."""
    rows = [
        "| task | dataset | items | metric | storytrace | baseline (same run) | anchor |",
        "|---|---|---|---|---|---|---|",
    ]
    for card in cards:
        headline = tasks()[card.task].headline
        base = next(m.value for m in card.baseline if m.name == headline)
        rows.append(
            f"| {card.task} | `{card.dataset}` | {card.items} | {headline} "
            f"| {card.value(headline):.4f} | {card.baseline_name} {base:.4f} | {card.anchor} |"
        )
    text = page.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    page.write_text(text[:start] + "\n" + "\n".join(rows) + "\n" + text[end:], encoding="utf-8")

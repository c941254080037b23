"""Name matching on OpenSanctions' labelled pairs and the 35 romanisations of one name.

- `name-pairs-dev.csv`: 413 pairs (`name1, name2, is_match`) of people, companies and
  organisations: transliterations, typos, reorderings and look-alikes of different people.
  Precision, recall and F1 of `compare_names`' verdict; the baseline in the same run is
  exact match after case and space folding. Anchor: OpenSanctions' reference matcher,
  F1 0.790 on the whole benchmark (this is its dev part).
- `names-translator-ua-ru/tests/golden_chaplinsky.json`: 35 romanisations of one Ukrainian
  name; every one of the 595 pairs must match (reported as `romanisation_pairs_matched`).
"""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

from storytrace.evaluation import Metric, Scorecard, precision_recall_f1
from storytrace.names import compare_names

ANCHOR = "F1 0.790, OpenSanctions' reference matcher on the whole benchmark"


def _f1_metrics(verdicts: list[tuple[bool, bool]]) -> tuple[Metric, ...]:
    hits = sum(1 for said, gold in verdicts if said and gold)
    said = sum(1 for said, _ in verdicts if said)
    gold = sum(1 for _, gold in verdicts if gold)
    return tuple(precision_recall_f1("", hits, said, gold))


def score_names(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    pairs_file = path / "name-pairs-dev.csv" if path.is_dir() else path
    with pairs_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:limit]
    ours, exact = [], []
    for row in rows:
        gold = row["is_match"].strip().lower() == "true"
        ours.append((compare_names(row["name1"], row["name2"]).match, gold))
        exact.append(
            (
                " ".join(row["name1"].casefold().split())
                == " ".join(row["name2"].casefold().split()),
                gold,
            )
        )
    metrics = list(_f1_metrics(ours))
    folder = pairs_file.parent / "names-translator-ua-ru" / "tests"
    golden = folder / "golden_chaplinsky.json"
    notes = []
    if golden.exists():
        spellings = json.loads(golden.read_text(encoding="utf-8"))
        pairs = list(itertools.combinations(spellings, 2))
        matched = sum(compare_names(a, b).match for a, b in pairs)
        metrics.append(Metric("romanisation_pairs_matched", matched / len(pairs)))
        notes.append(
            f"romanisations: {matched} of {len(pairs)} pairs of {len(spellings)} spellings match"
        )
    return Scorecard(
        "names",
        str(pairs_file),
        tuple(metrics),
        "exact",
        _f1_metrics(exact),
        ANCHOR,
        len(rows),
        tuple(notes),
    )

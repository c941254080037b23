"""Hedged sentences on a CoNLL-2010 Wikipedia sample (`hedging/conll2010-wikipedia-sample.csv`).

3,000 sentences, half labelled uncertain (`-1`), half certain (`1`). Scored: precision,
recall and F1 of the uncertain class for `hedging.is_hedged` (the model fitted on
WikiWeasel's evaluation sentences, which the sample does not contain). The same-run
baseline is the hedge-word list alone (`hedging.hedge_cues`). Anchor: CoNLL-2010's best
sentence-level F1 on Wikipedia, about 0.60 (on the official, unbalanced test set); a plain
hedge-word list reaches about 0.62 on this sample.
"""

from __future__ import annotations

import csv
from pathlib import Path

from storytrace.evaluation import Scorecard, precision_recall_f1
from storytrace.hedging import hedge_cues, is_hedged

ANCHOR = (
    "CoNLL-2010 best sentence-level F1 about 0.60 on Wikipedia (official test); "
    "a hedge-word list about 0.62 on this sample"
)


def score_hedging(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    data = path / "conll2010-wikipedia-sample.csv" if path.is_dir() else path
    with data.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if len(row) == 2][:limit]
    gold = [label.strip() == "-1" for label, _ in rows]
    ours = [is_hedged(text) for _, text in rows]
    listed = [bool(hedge_cues(text)) for _, text in rows]

    def scores(said: list[bool]) -> tuple[int, int, int]:
        hits = sum(1 for s, g in zip(said, gold, strict=True) if s and g)
        return hits, sum(said), sum(gold)

    return Scorecard(
        "hedging",
        str(data),
        tuple(precision_recall_f1("", *scores(ours))),
        "hedge_word_list",
        tuple(precision_recall_f1("", *scores(listed))),
        ANCHOR,
        len(rows),
    )

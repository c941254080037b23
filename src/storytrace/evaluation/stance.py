"""Headline stance on Emergent (`stance/emergent-dev.csv`).

Each row pairs a rumoured claim with an article's headline, labelled `for` (asserts it),
`observing` (reports it without endorsing: hedged or attributed) or `against` (denies or
debunks it). `stance.stance(headline, claim)` is mapped: asserted -> for, hedged or
attributed -> observing, denied or disputed -> against; scored by accuracy (and per class).
Nothing is fitted on Emergent, but the cue lists were written reading the errors on half of
its claims, so the scorer also gives the accuracy of each half (`half_a_accuracy`, the half
that was read; `half_b_accuracy`, the one that was not): a claim's half is its `claimId`'s
MD5 modulo 2. The same-run baseline answers the majority class (`for`).
Anchor: about 73 % accuracy, Ferreira & Vlachos (2016), a classifier trained on Emergent.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from storytrace.evaluation import Metric, Scorecard
from storytrace.stance import stance

ANCHOR = "about 73 % accuracy, Ferreira & Vlachos (2016), trained on Emergent"
LABEL = {
    "asserted": "for",
    "hedged": "observing",
    "attributed": "observing",
    "denied": "against",
    "disputed": "against",
}


def _half(row: dict[str, str]) -> int:
    """0 for the claims whose errors were read while writing the rules, 1 for the others."""
    return int(hashlib.md5(row["claimId"].encode()).hexdigest(), 16) % 2


def score_stance(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    data = path / "emergent-dev.csv" if path.is_dir() else path
    with data.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:limit]
    said = [LABEL[stance(r["articleHeadline"], r["claimHeadline"]).stance] for r in rows]
    gold = [r["articleHeadlineStance"] for r in rows]
    metrics = [Metric("accuracy", sum(s == g for s, g in zip(said, gold, strict=True)) / len(rows))]
    for half in (0, 1):
        pairs = [(s, g) for s, g, r in zip(said, gold, rows, strict=True) if _half(r) == half]
        if pairs:
            right = sum(s == g for s, g in pairs)
            metrics.append(Metric(f"half_{'ab'[half]}_accuracy", right / len(pairs)))
    for label in ("for", "observing", "against"):
        hits = sum(1 for s, g in zip(said, gold, strict=True) if s == g == label)
        told = sum(1 for s in said if s == label)
        truth = sum(1 for g in gold if g == label)
        precision = hits / told if told else 0.0
        recall = hits / truth if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        metrics.append(Metric(f"{label}_f1", f1))
    majority = sum(1 for g in gold if g == "for") / len(rows)
    return Scorecard(
        "stance",
        str(data),
        tuple(metrics),
        "majority_for",
        (Metric("accuracy", majority),),
        ANCHOR,
        len(rows),
    )

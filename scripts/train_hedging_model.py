"""Fit the hedging model on WikiWeasel's evaluation sentences (CoNLL-2010 Wikipedia eval).

Reads `../shared/data/hedging/wikiweasel/Data/WikiWeasel/eval_wikiweasel_{certain,uncertain}
_sentences.txt` — disjoint from the sample `storytrace eval hedging` scores (checked below:
the sample overlaps WikiWeasel's *training* sentences, which are therefore never read) —
fits a logistic regression over `storytrace.hedging.features`, with its regularisation
chosen by 5-fold cross-validation on these sentences alone, and writes the weights of the
features seen at least twice to `src/storytrace/hedging_model.json`.

    .venv/bin/python scripts/train_hedging_model.py [--data DIR]

A few seconds on one core.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from storytrace.hedging import MODEL_FILE, features

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "storytrace" / MODEL_FILE
MIN_FEATURE_COUNT = 2
STRENGTHS = (0.1, 0.3, 1.0, 3.0)


def _normal(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/hedging")
    args = parser.parse_args()
    root = Path(args.data)
    folder = root / "wikiweasel" / "Data" / "WikiWeasel"
    texts: list[str] = []
    labels: list[int] = []
    for name, label in (("certain", 0), ("uncertain", 1)):
        lines = (folder / f"eval_wikiweasel_{name}_sentences.txt").read_text("utf-8").splitlines()
        texts += [line for line in lines if line.strip()]
        labels += [label] * sum(1 for line in lines if line.strip())
    scored = root / "conll2010-wikipedia-sample.csv"
    if scored.exists():
        with scored.open(encoding="utf-8-sig", newline="") as handle:
            sample = {_normal(row[1]) for row in csv.reader(handle) if len(row) == 2}
        shared = sum(1 for text in texts if _normal(text) in sample)
        if shared:
            raise SystemExit(f"{shared} training sentences are in the scored sample: refusing")
    counts = Counter(f for text in texts for f in set(features(text)))
    rows = [{f: 1 for f in features(text) if counts[f] >= MIN_FEATURE_COUNT} for text in texts]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    best = max(
        STRENGTHS,
        key=lambda c: cross_val_score(
            LogisticRegression(C=c, max_iter=2000), matrix, labels, cv=5, scoring="f1"
        ).mean(),
    )
    model = LogisticRegression(C=best, max_iter=2000).fit(matrix, labels)
    weights = {
        name: round(float(weight), 4)
        for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(weight) >= 0.01
    }
    OUTPUT.write_text(
        json.dumps(
            {
                "trained_on": "WikiWeasel eval sentences (CoNLL-2010 Wikipedia eval), "
                f"{len(texts)} sentences, {sum(labels)} uncertain",
                "C": best,
                "bias": round(float(model.intercept_[0]), 4),
                "weights": dict(sorted(weights.items())),
            },
            indent=0,
        )
        + "\n"
    )
    print(f"C={best}: {len(weights)} weights written to {OUTPUT}")


if __name__ == "__main__":
    main()

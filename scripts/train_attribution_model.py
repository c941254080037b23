"""Fit the attribution models (cue and content) on PolNeAR's training split.

Parses every article of `../shared/data/attribution/polnear/train` with the pipeline's
spaCy model, labels each verb by whether it heads a gold cue and each candidate content of
a gold cue by whether it is the gold content, fits two logistic regressions (scikit-learn)
over the features of `storytrace.attribution_model`, and writes the weights with the
lexicon fallback (cue and occurrence counts per verb form) to
`src/storytrace/attribution_model.json`. Only the training split is read: the scorer
(`storytrace eval attribution`) uses the dev split.

    .venv/bin/python scripts/train_attribution_model.py [--data DIR]

About three minutes on two cores, nearly all of it spaCy's parse.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from storytrace.attribution_model import (
    CANDIDATE_TAGS,
    MODEL_FILE,
    content_features,
    cue_features,
)
from storytrace.attributions import content_candidates, quote_regions
from storytrace.evaluation.attribution import _trimmed, load_split
from storytrace.models import spacy_pipeline

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "storytrace" / MODEL_FILE
C = 0.3  # L2 strength; 0.3 and 1.0 scored alike in cross-checks on the training split
THRESHOLD = 0.4
MIN_FEATURE_COUNT = 2  # a feature seen once cannot generalise and only bloats the file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/attribution/polnear")
    args = parser.parse_args()
    articles = load_split(Path(args.data), "train")
    rows: list[list[str]] = []
    labels: list[int] = []
    content_rows: list[list[str]] = []
    content_labels: list[int] = []
    heads: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for article, doc in zip(articles, spacy_pipeline().pipe(a.text for a in articles), strict=True):
        cue_heads = set()
        for gold in article.attributions:
            span = doc.char_span(*gold.cue, alignment_mode="expand") if gold.cue else None
            if span is not None:
                cue_heads.add(span.root.i)
        regions = quote_regions(doc.text)
        for gold in article.attributions:
            span = doc.char_span(*gold.cue, alignment_mode="expand") if gold.cue else None
            if span is None or gold.content is None:
                continue
            candidates = content_candidates(doc, span.root, regions)
            wanted = _trimmed(article.text, gold.content)
            shapes_of: dict[tuple[int, int], list[str]] = {}
            for shape, extent in candidates.items():
                shapes_of.setdefault(extent, []).append(shape)
            for extent, shapes in shapes_of.items():
                content_rows.append(content_features(doc, span.root, extent, shapes))
                content_labels.append(int(extent == wanted))
        for token in doc:
            if token.pos_ not in CANDIDATE_TAGS:
                continue
            is_head = token.i in cue_heads
            seen[token.lower_] += 1
            heads[token.lower_] += is_head
            rows.append(cue_features(doc, token, regions))
            labels.append(int(is_head))
    bias, weights = _fit(rows, labels)
    _, content_weights = _fit(content_rows, content_labels)
    forms = {form: [heads[form], seen[form]] for form in sorted(heads) if heads[form] >= 3}
    document = {
        "source": "PolNeAR train split: logistic cue model and verb-form counts "
        "[heads a cue, occurs as a verb]; scripts/train_attribution_model.py",
        "bias": bias,
        "threshold": THRESHOLD,
        "weights": dict(sorted(weights.items())),
        "forms": forms,
        "content_weights": dict(sorted(content_weights.items())),
    }
    OUTPUT.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(
        f"{len(weights)} weights, {len(forms)} lexicon forms from {len(labels)} verbs -> {OUTPUT}"
    )


def _fit(rows: list[list[str]], labels: list[int]) -> tuple[float, dict[str, float]]:
    """A logistic regression over binary features: its bias and its non-zero weights."""
    counts = Counter(feature for row in rows for feature in row)
    kept = [[f for f in row if counts[f] >= MIN_FEATURE_COUNT] for row in rows]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(row, 1) for row in kept])
    model = LogisticRegression(C=C, max_iter=3000).fit(matrix, labels)
    weights = {
        name: round(float(weight), 4)
        for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(weight) >= 1e-3
    }
    return round(float(model.intercept_[0]), 4), weights


if __name__ == "__main__":
    main()

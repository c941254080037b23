"""Fit the attribution models (cue words; source, cue and content spans) on PolNeAR train.

Parses every article of `../shared/data/attribution/polnear/train` with the pipeline's
spaCy model, labels each verb by whether it heads a gold cue, and each candidate source,
cue and content span of a gold cue by whether it is the gold span; fits logistic
regressions (scikit-learn) over the features of `storytrace.attribution_model`; and writes
the weights with the lexicon fallback (cue and occurrence counts per verb form) to
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
    cue_features,
    span_features,
)
from storytrace.attributions import (
    content_candidates,
    cue_candidates,
    quote_regions,
    source_candidates,
)
from storytrace.evaluation.attribution import _trimmed, load_split
from storytrace.models import spacy_pipeline

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "storytrace" / MODEL_FILE
C = 0.3  # L2 strength; 0.3 and 1.0 scored alike in cross-checks on the training split
THRESHOLD = 0.4
MIN_FEATURE_COUNT = 2  # a feature seen once cannot generalise and only bloats the file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/attribution/polnear")
    parser.add_argument(
        "--holdout", type=int, default=0, help="leave out the last N training articles"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the model")
    args = parser.parse_args()
    articles = load_split(Path(args.data), "train")
    articles = articles[: len(articles) - args.holdout]
    rows: list[list[str]] = []
    labels: list[int] = []
    span_rows: dict[str, list[list[str]]] = {"source": [], "cue": [], "content": []}
    span_labels: dict[str, list[int]] = {"source": [], "cue": [], "content": []}
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
            if span is None or gold.content is None or gold.cue is None:
                continue
            verb = span.root
            content = _trimmed(article.text, gold.content)
            choices = {
                "content": (content_candidates(doc, verb, regions), content),
                "cue": (cue_candidates(doc, verb, content), _trimmed(article.text, gold.cue)),
            }
            if gold.source is not None:
                wanted = _trimmed(article.text, gold.source)
                choices["source"] = (source_candidates(doc, verb), wanted)
            for role, (candidates, wanted) in choices.items():
                shapes_of: dict[tuple[int, int], list[str]] = {}
                for shape, extent in candidates.items():
                    shapes_of.setdefault(_trimmed(article.text, extent), []).append(shape)
                if wanted not in shapes_of:
                    continue  # no candidate is right: nothing to learn about choosing
                for extent, shapes in shapes_of.items():
                    span_rows[role].append(span_features(doc, verb, extent, shapes))
                    span_labels[role].append(int(extent == wanted))
        for token in doc:
            if token.pos_ not in CANDIDATE_TAGS:
                continue
            is_head = token.i in cue_heads
            seen[token.lower_] += 1
            heads[token.lower_] += is_head
            rows.append(cue_features(doc, token, regions))
            labels.append(int(is_head))
    bias, weights = _fit(rows, labels)
    span_weights = {
        role: dict(sorted(_fit(rows, span_labels[role])[1].items()))
        for role, rows in span_rows.items()
    }
    forms = {form: [heads[form], seen[form]] for form in sorted(heads) if heads[form] >= 3}
    document = {
        "source": "PolNeAR train split: logistic cue model and verb-form counts "
        "[heads a cue, occurs as a verb]; scripts/train_attribution_model.py",
        "bias": bias,
        "threshold": THRESHOLD,
        "weights": dict(sorted(weights.items())),
        "forms": forms,
        "span_weights": span_weights,
    }
    args.output.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(weights)} cue weights, {len(forms)} lexicon forms -> {args.output}")


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

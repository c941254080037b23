"""Time attribution extraction against the spaCy parse it reads, on the same documents.

The parse (spaCy's `en_core_web_sm`, the pipeline's own settings) is the floor: every
attribution needs it and the pipeline runs it once per article for mentions and
attributions together. This bench parses the PolNeAR dev articles, then runs
`find_attributions` over the parsed documents (with the rules and their trained cue model,
with the lexicon fallback, and with the span tagger after the rules: `tagger`, the
default), all in this process, and prints what attribution extraction adds as a fraction
of the parse time. The issue's goal: at most 0.30.

    .venv/bin/python bench/attribution_speed.py [--articles 84] [--repeats 3] [--data PATH]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from storytrace.attribution_model import cue_model
from storytrace.attributions import find_attributions
from storytrace.evaluation.attribution import load_split
from storytrace.models import spacy_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=84)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", default="../shared/data/attribution/polnear")
    arguments = parser.parse_args()
    texts = [a.text for a in load_split(Path(arguments.data), "dev")[: arguments.articles]]
    nlp = spacy_pipeline()
    cue_model()  # load the weights before timing
    list(nlp.pipe(texts[:5]))  # warm up
    methods = ("model", "lexicon", "tagger")
    for method in methods:
        find_attributions(nlp(texts[0]), "warm", method=method)  # loads the weights
    parses: list[float] = []
    timings: dict[str, list[float]] = {method: [] for method in methods}
    found: dict[str, int] = {}
    # the parse and each method in turn, `--repeats` times: this machine's speed drifts
    # within minutes, so each ratio is of medians over the same stretch of time
    for _ in range(arguments.repeats):
        start = time.perf_counter()
        docs = [nlp(text) for text in texts]
        parses.append(time.perf_counter() - start)
        for method in methods:
            start = time.perf_counter()
            found[method] = sum(len(find_attributions(doc, "bench", method=method)) for doc in docs)
            timings[method].append(time.perf_counter() - start)
    parse = statistics.median(parses)
    print(f"articles: {len(docs)}  tokens: {sum(len(doc) for doc in docs)}")
    print(f"parse_seconds: {parse:.2f}  (median of {' '.join(f'{p:.2f}' for p in parses)})")
    for method in methods:
        seconds = statistics.median(timings[method])
        print(f"attributions_{method}_seconds: {seconds:.2f}  found: {found[method]}")
        print(f"added_fraction_{method}: {seconds / parse:.3f}  (goal <= 0.30)")


if __name__ == "__main__":
    main()

"""Time attribution extraction against the spaCy parse it reads, on the same documents.

The parse (spaCy's `en_core_web_sm`, the pipeline's own settings) is the floor: every
attribution needs it and the pipeline runs it once per article for mentions and
attributions together. This bench parses the PolNeAR dev articles, then runs
`find_attributions` over the parsed documents (with the rules and their trained cue model,
with the lexicon fallback, and with the span tagger after the rules: `tagger`, the
default), all in this process, and prints what attribution extraction adds as a fraction
of the parse time. The issue's goal: at most 0.30.

    .venv/bin/python bench/attribution_speed.py [--articles 84] [--data PATH]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from storytrace.attribution_model import cue_model
from storytrace.attributions import find_attributions
from storytrace.evaluation.attribution import load_split
from storytrace.models import spacy_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=84)
    parser.add_argument("--data", default="../shared/data/attribution/polnear")
    arguments = parser.parse_args()
    texts = [a.text for a in load_split(Path(arguments.data), "dev")[: arguments.articles]]
    nlp = spacy_pipeline()
    cue_model()  # load the weights before timing
    list(nlp.pipe(texts[:5]))  # warm up
    start = time.perf_counter()
    docs = [nlp(text) for text in texts]
    parse = time.perf_counter() - start
    timings = {}
    for method in ("model", "lexicon", "tagger"):
        find_attributions(docs[0], "warm", method=method)  # loads the weights
        start = time.perf_counter()
        found = sum(len(find_attributions(doc, "bench", method=method)) for doc in docs)
        timings[method] = (time.perf_counter() - start, found)
    words = sum(len(doc) for doc in docs)
    print(f"articles: {len(docs)}  tokens: {words}")
    print(f"parse_seconds: {parse:.2f}")
    for method, (seconds, found) in timings.items():
        print(f"attributions_{method}_seconds: {seconds:.2f}  found: {found}")
        print(f"added_fraction_{method}: {seconds / parse:.3f}  (goal <= 0.30)")


if __name__ == "__main__":
    main()

"""Time attribution extraction against the spaCy parse it reads, on the same documents.

The parse (spaCy's `en_core_web_sm`, the pipeline's own settings) is the floor: every
attribution needs it and the pipeline runs it once per article for mentions and
attributions together. This bench parses the PolNeAR dev articles the way the parse stage
does (`parse_texts` over batches of `--batch` articles: eight is what each task of a
two-worker run holds), then runs `find_attributions` over the parsed documents (with the
rules and their trained cue model, with the lexicon fallback, and with the span tagger
after the rules: `tagger`, the default, whose network takes each batch's Docs at once,
`tag_documents`, as the parse stage does), all in this process, and prints what
attribution extraction adds as a fraction of the parse time. The issue's goal: at most
0.30.

    .venv/bin/python bench/attribution_speed.py [--articles 84] [--repeats 3] [--batch 8]
                                                [--data PATH]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from storytrace.attribution_model import cue_model
from storytrace.attributions import find_attributions, tag_documents
from storytrace.evaluation.attribution import load_split
from storytrace.models import parse_texts, spacy_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=84)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--data", default="../shared/data/attribution/polnear")
    arguments = parser.parse_args()
    texts = [a.text for a in load_split(Path(arguments.data), "dev")[: arguments.articles]]
    nlp = spacy_pipeline()
    cue_model()  # load the weights before timing
    list(nlp.pipe(texts[:5]))  # warm up
    # `tagger-alone`: the default with each Doc tagged by itself (what batching saves)
    methods = ("model", "lexicon", "tagger", "tagger-alone")
    for method in methods[:3]:
        find_attributions(nlp(texts[0]), "warm", method=method)  # loads the weights
    parses: list[float] = []
    timings: dict[str, list[float]] = {method: [] for method in methods}
    found: dict[str, int] = {}
    # the parse and each method in turn, `--repeats` times: this machine's speed drifts
    # within minutes, so each ratio is of medians over the same stretch of time
    size = arguments.batch
    for _ in range(arguments.repeats):
        start = time.perf_counter()
        batches = [parse_texts(texts[k : k + size]) for k in range(0, len(texts), size)]
        parses.append(time.perf_counter() - start)
        for method in methods:
            start = time.perf_counter()
            found[method] = sum(_found(batch, method) for batch in batches)
            timings[method].append(time.perf_counter() - start)
    docs = [doc for batch in batches for doc in batch]
    parse = statistics.median(parses)
    print(f"articles: {len(docs)}  tokens: {sum(len(doc) for doc in docs)}")
    print(f"parse_seconds: {parse:.2f}  (median of {' '.join(f'{p:.2f}' for p in parses)})")
    for method in methods:
        seconds = statistics.median(timings[method])
        print(f"attributions_{method}_seconds: {seconds:.2f}  found: {found[method]}")
        print(f"added_fraction_{method}: {seconds / parse:.3f}  (goal <= 0.30)")


def _found(docs: list[Any], method: str) -> int:
    """How many attributions `method` finds in one batch of Docs, as the parse stage does."""
    if method == "tagger-alone":
        return sum(len(find_attributions(doc, "bench", method="tagger")) for doc in docs)
    tagged = tag_documents(docs, method)
    return sum(
        len(find_attributions(doc, "bench", method=method, tagged=roles))
        for doc, roles in zip(docs, tagged, strict=True)
    )


if __name__ == "__main__":
    main()

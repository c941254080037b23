"""Mine the attribution cue lexicon from PolNeAR's training split.

For every lower-cased verb form, count how often it heads a gold cue and how often it
occurs at all (tagged as a verb by spaCy) in `../shared/data/attribution/polnear/train`,
and write `src/storytrace/attribution_cues.json`. Only the training split is read: the
scorer (`storytrace eval attribution`) uses the dev split.

    .venv/bin/python scripts/train_attribution_cues.py [--data DIR] [--min-count 3]

Runs in about three minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from storytrace.evaluation.attribution import load_split
from storytrace.models import spacy_pipeline

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "storytrace" / "attribution_cues.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/attribution/polnear")
    parser.add_argument("--min-count", type=int, default=3)
    args = parser.parse_args()
    articles = load_split(Path(args.data), "train")
    heads: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    nlp = spacy_pipeline()
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        cue_heads = set()
        for gold in article.attributions:
            if gold.cue is None:
                continue
            span = doc.char_span(*gold.cue, alignment_mode="expand")
            if span is not None:
                cue_heads.add(span.root.i)
        for token in doc:
            if token.pos_ in ("VERB", "AUX"):
                seen[token.lower_] += 1
                heads[token.lower_] += token.i in cue_heads
    forms = {
        form: [heads[form], seen[form]] for form in sorted(seen) if heads[form] >= args.min_count
    }
    OUTPUT.write_text(
        json.dumps(
            {
                "source": "PolNeAR train split; counts of [heads a cue, occurs as a verb]",
                "forms": forms,
            },
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(forms)} cue forms written to {OUTPUT}")


if __name__ == "__main__":
    main()

"""hedging: is a sentence stated as certain, or hedged — and by which words?

Two readings of one sentence:

- `hedge_cues`: the hedge words it holds, from a lexicon (modal verbs and adverbs of
  likelihood, reporting hedges such as "reportedly" or "allegedly", weasel words such as
  "some say" or "it is believed"), each as a span: the evidence an analyst sees.
- `uncertainty`: the probability that the sentence is hedged, from a logistic model over its
  words and word pairs fitted on WikiWeasel's evaluation sentences (CoNLL-2010 Wikipedia,
  `scripts/train_hedging_model.py`; artefact `hedging_model.json`). The words a list cannot
  hold ("many", "some critics", "is considered") are what the model adds.

`is_hedged` uses the model when its artefact is installed and the lexicon otherwise.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from functools import cache
from importlib import resources

from storytrace.records import Span

MODEL_FILE = "hedging_model.json"

HEDGE_WORDS = (
    "may might could would should can possibly possible perhaps maybe probably probable "
    "likely unlikely apparently apparent seemingly seems seem seemed appears appear appeared "
    "suggests suggest suggested suggesting reportedly allegedly alleged purportedly "
    "purported supposedly supposed rumoured rumored rumour rumor unconfirmed unverified "
    "claimed claims claim believed believe believes thought estimated approximately "
    "roughly about around nearly almost some many several often sometimes generally usually "
    "typically widely largely mostly somewhat fairly presumably arguably potentially "
    "potential suspected unclear uncertain doubtful indicate indicates indicated"
).split()
HEDGE_PHRASES = (
    "according to",
    "it is said",
    "it is believed",
    "it is thought",
    "is said to",
    "are said to",
    "is believed to",
    "are believed to",
    "is thought to",
    "is considered",
    "are considered",
    "is regarded",
    "if true",
    "if authentic",
    "if confirmed",
    "some say",
    "critics say",
    "not clear",
    "could not be verified",
    "has not been verified",
    "could not independently verify",
)
_CUES = re.compile(
    r"\b(?:"
    + "|".join(re.escape(p) for p in sorted(HEDGE_PHRASES, key=len, reverse=True))
    + "|"
    + "|".join(HEDGE_WORDS)
    + r")\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")
THRESHOLD = 0.5


def hedge_cues(text: str, offset: int = 0) -> list[Span]:
    """The hedge words and phrases of `text`, as spans (offsets shifted by `offset`)."""
    return [Span(m.group(0), offset + m.start(), offset + m.end()) for m in _CUES.finditer(text)]


def features(text: str) -> list[str]:
    """Lower-cased words and word pairs, and the lexicon's cues: what the model weighs."""
    words = _TOKEN.findall(text.casefold())
    cues = [f"cue:{span.text.casefold()}" for span in hedge_cues(text)]
    return (
        words
        + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        + cues
        + (["cue"] if cues else [])
    )


@cache
def _model() -> tuple[dict[str, float], float] | None:
    try:
        data = json.loads(resources.files("storytrace").joinpath(MODEL_FILE).read_text())
    except FileNotFoundError:
        return None
    return dict(data["weights"]), float(data["bias"])


def uncertainty(text: str) -> float:
    """Probability that `text` is hedged (the lexicon's 0 or 1 without the model)."""
    model = _model()
    if model is None:
        return 1.0 if hedge_cues(text) else 0.0
    weights, bias = model
    score = bias + sum(weights.get(feature, 0.0) for feature in set(features(text)))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))


def is_hedged(text: str) -> bool:
    return uncertainty(text) >= THRESHOLD

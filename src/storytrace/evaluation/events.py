"""Event coding on PLOVER's gold standard records (`events/plover-gsr-dev.json`).

161 sentences from the CAMEO manual's examples, each coded by the PLOVER team with one
event (category), its source and target actors and their countries. Each sentence is
parsed and coded by `events.code_sentence`; the first (governing) event is compared:

- `category_accuracy`: its category equals the gold event's;
- `source_country_accuracy` / `target_country_accuracy`: over records with a gold source
  (target), the coded actor's country is one of the gold actors' codes; `country_accuracy`
  pools both.

The baseline, run in the same pass, is a bag-of-words coder: the category of the first
word of the sentence the lexicon knows (verbs and event nouns, no parse), the first
country named as source and the second as target.

PETRARCH-2's validation records (`events/petrarch2-validation`) do not apply to a general
coder: they test that program's dictionary features with fictional actors (Arnor, Gondor)
and codes from its own test dictionaries ("restore full diplomatic ties" coded 064, share
intelligence; "postponed their meeting" 191), so they are not scored here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storytrace import countries
from storytrace.evaluation import Metric, Scorecard
from storytrace.event_lexicon import NOUNS, VERBS
from storytrace.events import base_form, code_sentence
from storytrace.models import parse_text

ANCHOR = "no published score on this set (the issue's goal: category 0.75, countries 0.80)"


def score_events(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    data = path / "plover-gsr-dev.json" if path.is_dir() else path
    records: list[dict[str, Any]] = json.loads(data.read_text(encoding="utf-8"))[:limit]
    ours = _Tally()
    words = _Tally()
    for record in records:
        doc = parse_text(record["text"])
        codings = [c for sentence in doc.sents for c in code_sentence(sentence)]
        first = codings[0] if codings else None
        ours.add(
            record,
            first.code if first else None,
            first.source_country if first else None,
            first.target_country if first else None,
        )
        named = [m.code for m in countries.find(record["text"])]
        words.add(
            record,
            _first_lexicon_word(record["text"]),
            named[0] if named else None,
            named[1] if len(named) > 1 else None,
        )
    return Scorecard(
        "events",
        str(data),
        ours.metrics(),
        "bag_of_words",
        words.metrics(),
        ANCHOR,
        len(records),
        notes=(
            "the coder's lexicon and rules were refined while reading errors on this set "
            "(there is no other PLOVER-coded data): read it as a development score",
        ),
    )


class _Tally:
    def __init__(self) -> None:
        self.items = self.category = 0
        self.sources = self.source_hits = self.targets = self.target_hits = 0

    def add(
        self, record: dict[str, Any], code: str | None, source: str | None, target: str | None
    ) -> None:
        self.items += 1
        self.category += code == record["event"]
        gold_sources = {a["code"] for a in record.get("source", [])}
        gold_targets = {a["code"] for a in record.get("target", [])}
        if gold_sources:
            self.sources += 1
            self.source_hits += source in gold_sources
        if gold_targets:
            self.targets += 1
            self.target_hits += target in gold_targets

    def metrics(self) -> tuple[Metric, ...]:
        def share(hits: int, total: int) -> float:
            return hits / total if total else 0.0

        return (
            Metric("category_accuracy", share(self.category, self.items)),
            Metric("source_country_accuracy", share(self.source_hits, self.sources)),
            Metric("target_country_accuracy", share(self.target_hits, self.targets)),
            Metric(
                "country_accuracy",
                share(self.source_hits + self.target_hits, self.sources + self.targets),
            ),
        )


def _first_lexicon_word(text: str) -> str | None:
    for word in text.split():
        word = word.strip(".,;:'\"()`").lower()
        base = base_form(word)
        if base in VERBS:
            return VERBS[base][0]
        if word in NOUNS:
            return NOUNS[word][0]
    return None

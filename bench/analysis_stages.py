"""Cost of the cross-article analysis stages, as ratios against spaCy's parse of the same texts.

Runs on the real basil-dev articles (`stories/basil-dev.jsonl`, 150 articles, 50 stories of
three outlets each, grouped as their gold says): first the floor — the spaCy parse the
parse stage shares — with what it reads off each parse (mentions, attributions, events)
timed apart from it; then, timed one by one, entities, provenance, quote families,
discrepancies, claims and escalation over the results. Each stage's time is printed beside
the parse time of the same run and as its ratio to it. The sentence
model is loaded before timing starts (its load is a one-off per process).

    .venv/bin/python bench/analysis_stages.py [--data ../shared/data/stories/basil-dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from storytrace.attributions import find_attributions
from storytrace.claims import claims
from storytrace.date_mentions import date_mentions
from storytrace.discrepancies import discrepancies
from storytrace.entities import entities
from storytrace.escalation import escalation
from storytrace.events import events_in
from storytrace.mentions import mentions_in, parse, parseable
from storytrace.models import encode_texts
from storytrace.provenance import provenance
from storytrace.quote_families import quote_families
from storytrace.records import Article, Attribution, Event, Mention, Story
from storytrace.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/stories/basil-dev.jsonl")
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.data).read_text("utf-8").splitlines() if line]
    articles = [
        Article(
            id=f"a{n}",
            source=str(n),
            text=r["text"],
            content_hash=str(n),
            title=r.get("title"),
            outlet=r.get("outlet"),
            published=r.get("date"),
        )
        for n, r in enumerate(rows)
    ]
    members: dict[str, list[str]] = defaultdict(list)
    for article, row in zip(articles, rows, strict=True):
        members[row["story"]].append(article.id)
    stories = [Story(key, key, tuple(ids)) for key, ids in members.items()]
    settings = Settings()
    encode_texts(["warm up the sentence model"])

    timings: dict[str, float] = defaultdict(float)
    mentions: list[Mention] = []
    attributions: list[Attribution] = []
    events: list[Event] = []
    floor = 0.0
    for article in articles:
        if not parseable(article):
            continue
        started = time.perf_counter()
        doc = parse(article)
        floor += time.perf_counter() - started
        # what the parse stage reads off the parse, each timed apart from it
        started = time.perf_counter()
        found = mentions_in(doc, article)
        timings["mentions (per article)"] += time.perf_counter() - started
        started = time.perf_counter()
        attributions += find_attributions(doc, article.id, found, settings.attribution_cues)
        timings["attributions (per article)"] += time.perf_counter() - started
        started = time.perf_counter()
        events += events_in(doc, article.id, found)
        timings["events (per article)"] += time.perf_counter() - started
        mentions += found
    dates = [m for a in articles for m in date_mentions(a, settings)]

    def timed(name: str, work):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = work()
        timings[name] = time.perf_counter() - started
        return result

    index = timed("entities", lambda: entities(mentions, settings))
    entity_of = {(a, n): e for a, n, e in index.members}
    traced = timed("provenance", lambda: provenance(articles, stories, [], dates, settings))
    families = timed(
        "quote_families",
        lambda: quote_families(articles, stories, attributions, index.entities, entity_of),
    )
    timed(
        "discrepancies",
        lambda: discrepancies(
            articles, stories, dates, families, mentions, index.entities, entity_of
        ),
    )
    timed(
        "claims",
        lambda: claims(articles, stories, attributions, traced, index.entities, entity_of),
    )
    timed(
        "escalation",
        lambda: escalation(articles, stories, events, mentions, index.entities, entity_of, dates),
    )
    print(f"{len(articles)} articles, {len(stories)} stories")
    print(f"floor (the spaCy parse the per-article readers share): {floor:.2f} s")
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.2f} s, {seconds / floor:.3f} of the parse")
    readers = sum(v for k, v in timings.items() if k.endswith("(per article)"))
    linking = sum(timings.values()) - readers
    print(f"all per-article readers: {readers:.2f} s, {readers / floor:.3f} of the parse")
    print(f"all linking stages: {linking:.2f} s, {linking / floor:.3f} of the parse")


if __name__ == "__main__":
    main()

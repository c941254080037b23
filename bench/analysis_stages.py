"""Cost of the cross-article analysis stages, as ratios against spaCy's parse of the same texts.

Runs on the real basil-dev articles (`stories/basil-dev.jsonl`, 150 articles, 50 stories of
three outlets each, grouped as their gold says): first the floor — the spaCy parse that
mentions and attributions need (`parse_article`) — then, timed one by one, entities,
provenance, quote families, discrepancies and claims over the parsed results. Each stage's
time is printed beside the parse time of the same run and as its ratio to it. The sentence
model is loaded before timing starts (its load is a one-off per process).

    .venv/bin/python bench/analysis_stages.py [--data ../shared/data/stories/basil-dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from storytrace.claims import claims
from storytrace.date_mentions import date_mentions
from storytrace.discrepancies import discrepancies
from storytrace.entities import entities
from storytrace.models import encode_texts
from storytrace.parse import parse_article
from storytrace.provenance import provenance
from storytrace.quote_families import quote_families
from storytrace.records import Article, Attribution, Mention, Story
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

    started = time.perf_counter()
    mentions: list[Mention] = []
    attributions: list[Attribution] = []
    for article in articles:
        for record in parse_article(article, settings):
            if isinstance(record, Mention):
                mentions.append(record)
            elif isinstance(record, Attribution):
                attributions.append(record)
    floor = time.perf_counter() - started
    dates = [m for a in articles for m in date_mentions(a, settings)]

    timings: dict[str, float] = {}

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
    print(f"{len(articles)} articles, {len(stories)} stories")
    print(f"floor (spaCy parse for mentions and attributions): {floor:.2f} s")
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.2f} s, {seconds / floor:.3f} of the parse")
    total = sum(timings.values())
    print(f"all linking stages: {total:.2f} s, {total / floor:.3f} of the parse")


if __name__ == "__main__":
    main()

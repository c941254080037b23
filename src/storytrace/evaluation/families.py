"""Quote families on hand-made gold: 10 events of basil-dev (Fox / NYT / HuffPost).

The gold (`tests/data/families/ten-events-gold.json`, written by reading the articles) lists,
for each event, every utterance that two or more of its articles quote in quotation marks,
each rendering located by a short verbatim excerpt; it also lists renderings deliberately
left out (under three words, or a name in quotation marks), which count neither way.

The pipeline's own stages run on the events' articles (the spaCy parse for mentions and
attributions, entities, then `quote_families` with each event as one story). Scoring is
pairwise over quotations: a gold pair (two renderings of one gold family) is found when the
quotations holding the two excerpts share a family; a predicted pair (two quotations of one
family) is right when they hold renderings of one gold family, ignored when either holds an
excluded rendering or when both hold no gold rendering within one article (the gold is
exhaustive across articles only), and wrong otherwise. The same-run baseline groups
quotations whose words are identical after case folding.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from storytrace.date_mentions import date_mentions
from storytrace.discrepancies import discrepancies
from storytrace.entities import entities
from storytrace.errors import UsageError
from storytrace.evaluation import Metric, Scorecard
from storytrace.mentions import parseable
from storytrace.parse import parse_article
from storytrace.quote_families import quotations, quote_families
from storytrace.records import Article, Attribution, Discrepancy, Mention, Quotation, Story
from storytrace.settings import Settings

GOLD = Path(__file__).resolve().parents[3] / "tests" / "data" / "families" / "ten-events-gold.json"
ANCHOR = "none published (a new task); the issue's goal is pairwise precision and recall >= 0.85"

Located = tuple[str, int, int]  # (article id, start, end)


def score_families(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    if not GOLD.exists():
        raise UsageError(f"no gold file at {GOLD}", hint="run from a checkout of the repository")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    events = gold["events"][:limit]
    wanted = {aid for event in events for aid in event["articles"].values()}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    articles = {
        r["id"]: Article(
            id=r["id"],
            source=r["id"],
            text=r["text"],
            content_hash=r["id"],
            title=r.get("title"),
            outlet=r.get("outlet"),
            published=r.get("date"),
        )
        for r in rows
        if r["id"] in wanted
    }
    stories = [Story(e["story"], e["story"], tuple(e["articles"].values())) for e in events]
    mentions: list[Mention] = []
    attributions: list[Attribution] = []
    for article in articles.values():
        for record in parse_article(article, Settings()) if parseable(article) else ():
            if isinstance(record, Mention):
                mentions.append(record)
            elif isinstance(record, Attribution):
                attributions.append(record)
    index = entities(mentions, Settings())
    entity_of = {(a, n): e for a, n, e in index.members}
    families = quote_families(
        list(articles.values()), stories, attributions, index.entities, entity_of
    )
    dated = [m for a in articles.values() for m in date_mentions(a, Settings())]
    disagreements = discrepancies(
        list(articles.values()), stories, dated, families, mentions, index.entities, entity_of
    )
    groups, excluded = _gold_renderings(events, articles)
    predicted = [list(f.quotations()) for f in families]
    ours = pairwise_scores(predicted, groups, excluded)
    baseline = pairwise_scores(_identical(articles.values(), stories), groups, excluded)
    quoted = sum(len(g) for g in groups)
    gold_disagreements = [(e["story"], d) for e in events for d in e["discrepancies"]]
    ours += discrepancy_scores(disagreements, gold_disagreements)
    return Scorecard(
        "families",
        str(path),
        tuple(ours),
        "identical_words",
        tuple(baseline),
        ANCHOR,
        len(events),
        (
            f"{len(groups)} gold families, {quoted} renderings; "
            f"{len(families)} families found over {len(articles)} articles",
            f"{len(gold_disagreements)} gold discrepancies "
            f"({', '.join(sorted({d['aspect'] for _, d in gold_disagreements}))}); "
            f"{len(disagreements)} found "
            f"({', '.join(sorted({d.aspect for d in disagreements})) or 'none'})",
        ),
    )


def _gold_renderings(
    events: Sequence[dict[str, Any]], articles: dict[str, Article]
) -> tuple[list[list[Located]], list[Located]]:
    groups: list[list[Located]] = []
    excluded: list[Located] = []
    for event in events:
        for family in event["families"]:
            groups.append([_locate(q, articles) for q in family["quotes"]])
        for quote in event.get("excluded_shared_quotes", []):
            for rendering in quote.get("quotes", [quote]):
                if "article_id" in rendering and "excerpt" in rendering:
                    excluded.append(_locate(rendering, articles))
    return groups, excluded


def _locate(quote: dict[str, str], articles: dict[str, Article]) -> Located:
    text = articles[quote["article_id"]].text
    start = text.find(quote["excerpt"])
    if start < 0:
        raise UsageError(f"gold excerpt not found in {quote['article_id']}: {quote['excerpt']!r}")
    return (quote["article_id"], start, start + len(quote["excerpt"]))


def _holds(quotation: Quotation, place: Located) -> bool:
    article_id, start, end = place
    return (
        quotation.article_id == article_id
        and quotation.span.start < end
        and start < quotation.span.end
    )


def pairwise_scores(
    predicted: list[list[Quotation]], groups: list[list[Located]], excluded: list[Located]
) -> list[Metric]:
    """family_precision / _recall / _f1 of `predicted` families against gold `groups` of
    located renderings (see the module doc); `excluded` renderings count neither way."""
    family_of = {}
    for number, family in enumerate(predicted):
        for quotation in family:
            family_of[(quotation.article_id, quotation.span.start)] = number
    all_quotations = [q for family in predicted for q in family]

    def families_holding(place: Located) -> set[int]:
        return {family_of[(q.article_id, q.span.start)] for q in all_quotations if _holds(q, place)}

    gold_pairs = [pair for group in groups for pair in combinations(group, 2)]
    found = sum(1 for a, b in gold_pairs if families_holding(a) & families_holding(b))
    gold_of: dict[Located, int] = {place: n for n, group in enumerate(groups) for place in group}
    right = said = 0
    for family in predicted:
        for one, two in combinations(family, 2):
            first = {gold_of[p] for p in gold_of if _holds(one, p)}
            second = {gold_of[p] for p in gold_of if _holds(two, p)}
            if any(_holds(q, p) for q in (one, two) for p in excluded):
                continue
            if not first and not second and one.article_id == two.article_id:
                continue
            said += 1
            right += bool(first & second)
    precision = right / said if said else 0.0
    recall = found / len(gold_pairs) if gold_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return [
        Metric("family_precision", precision),
        Metric("family_recall", recall),
        Metric("family_f1", f1),
    ]


def discrepancy_scores(
    found: Sequence[Discrepancy], gold: Sequence[tuple[str, dict[str, Any]]]
) -> list[Metric]:
    """discrepancy_precision / _recall: a found discrepancy matches a gold one of its story
    and aspect when two of its values come from articles the gold gives different values."""

    def matches(ours: Discrepancy, story: str, theirs: dict[str, Any]) -> bool:
        # the same aspect ("other" in the gold is whatever storytrace calls it)
        if ours.story_id != story or theirs["aspect"] not in (ours.aspect, "other"):
            return False
        value_of = {a: v["value"] for v in theirs["values"] for a in v["article_ids"]}
        for one, two in combinations(ours.values, 2):
            for a in one.article_ids:
                for b in two.article_ids:
                    if a in value_of and b in value_of and value_of[a] != value_of[b]:
                        return True
        return False

    right = sum(1 for d in found if any(matches(d, s, g) for s, g in gold))
    recalled = sum(1 for s, g in gold if any(matches(d, s, g) for d in found))
    return [
        Metric("discrepancy_precision", right / len(found) if found else 0.0),
        Metric("discrepancy_recall", recalled / len(gold) if gold else 0.0),
    ]


def _identical(articles: Iterable[Article], stories: Sequence[Story]) -> list[list[Quotation]]:
    """The baseline: quotations of one story with the same words, case folded."""
    by_id = {a.id: a for a in articles}
    families: list[list[Quotation]] = []
    for story in stories:
        groups: dict[str, list[Quotation]] = defaultdict(list)
        for article_id in story.article_ids:
            for quotation in quotations(by_id[article_id]):
                groups[" ".join(quotation.span.text.casefold().split())].append(quotation)
        families += [g for g in groups.values() if len({q.article_id for q in g}) >= 2]
    return families

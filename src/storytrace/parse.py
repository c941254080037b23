"""parse: one spaCy parse per article, read for its mentions, attributions and events.

The parse dominates the cost of analysis (DESIGN.md), so the stages that need it share
one: the mentions (named people, organisations, places), the attributions (who said
what), whose speakers resolve to those mentions, and the events (who did what to whom),
whose actors' countries come from them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storytrace.attributions import find_attributions
from storytrace.events import events_in
from storytrace.mentions import mentions_in, parse, parse_many, parseable
from storytrace.records import Article, Attribution, Event, Mention
from storytrace.settings import Settings

Found = tuple[Mention | Attribution | Event, ...]


def parse_article(article: Article, settings: Settings) -> Found:
    if not parseable(article):
        return ()
    return _read(parse(article), article, settings)


def parse_articles(articles: Sequence[Article], settings: Settings) -> list[Found]:
    """`parse_article` of each article, the parses made as one batch."""
    docs = iter(parse_many([article for article in articles if parseable(article)]))
    return [
        _read(next(docs), article, settings) if parseable(article) else () for article in articles
    ]


def _read(doc: Any, article: Article, settings: Settings) -> Found:
    found = mentions_in(doc, article)
    said = find_attributions(doc, article.id, found, settings.attribution_cues)
    return found + said + events_in(doc, article.id, found)

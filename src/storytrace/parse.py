"""parse: one spaCy parse per article, read for its mentions, attributions and events.

The parse dominates the cost of analysis (DESIGN.md), so the stages that need it share
one: the mentions (named people, organisations, places), the attributions (who said
what), whose speakers resolve to those mentions, and the events (who did what to whom),
whose actors' countries come from them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storytrace.attribution_tagger import TaggedRoles
from storytrace.attributions import find_attributions, tag_documents
from storytrace.events import events_in
from storytrace.mentions import mentions_in, parse, parse_many, parseable
from storytrace.records import Article, Attribution, Event, Mention
from storytrace.settings import Settings

Found = tuple[Mention | Attribution | Event, ...]


def parse_article(article: Article, settings: Settings) -> Found:
    if not parseable(article):
        return ()
    return _read(parse(article), None, article, settings)


def parse_articles(articles: Sequence[Article], settings: Settings) -> list[Found]:
    """`parse_article` of each article, the parses (and the attribution tagger's passes)
    made as one batch."""
    docs = parse_many([article for article in articles if parseable(article)])
    read = iter(zip(docs, tag_documents(docs, settings.attribution_cues), strict=True))
    return [
        _read(*next(read), article, settings) if parseable(article) else () for article in articles
    ]


def _read(doc: Any, tagged: TaggedRoles | None, article: Article, settings: Settings) -> Found:
    found = mentions_in(doc, article)
    said = find_attributions(doc, article.id, found, settings.attribution_cues, tagged)
    return found + said + events_in(doc, article.id, found)

"""parse: one spaCy parse per article, read for its mentions, attributions and events.

The parse dominates the cost of analysis (DESIGN.md), so the stages that need it share
one: the mentions (named people, organisations, places), the attributions (who said
what), whose speakers resolve to those mentions, and the events (who did what to whom),
whose actors' countries come from them too.
"""

from __future__ import annotations

from storytrace.attributions import find_attributions
from storytrace.events import events_in
from storytrace.mentions import mentions_in, parse, parseable
from storytrace.records import Article, Attribution, Event, Mention
from storytrace.settings import Settings


def parse_article(
    article: Article, settings: Settings
) -> tuple[Mention | Attribution | Event, ...]:
    if not parseable(article):
        return ()
    doc = parse(article)
    found = mentions_in(doc, article)
    said = find_attributions(doc, article.id, found, settings.attribution_cues)
    return found + said + events_in(doc, article.id, found)

"""parse: one spaCy parse per article, read for its mentions and its attributions.

The parse dominates the cost of analysis (DESIGN.md), so the stages that need it share
one: the mentions (named people, organisations, places) and the attributions (who said
what), whose speakers resolve to those mentions.
"""

from __future__ import annotations

from storytrace.attributions import find_attributions
from storytrace.mentions import mentions_in, parse, parseable
from storytrace.records import Article, Attribution, Mention
from storytrace.settings import Settings


def parse_article(article: Article, settings: Settings) -> tuple[Mention | Attribution, ...]:
    if not parseable(article):
        return ()
    doc = parse(article)
    found = mentions_in(doc, article)
    return found + find_attributions(doc, article.id, found, settings.attribution_cues)

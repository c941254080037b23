"""mentions: named people, organisations and places in one article, linked within it.

spaCy's `en_core_web_sm` finds the named entities. Within the article, a short mention
("Volkhonskiy", "Mr Volkhonsky") is linked to the full name it abbreviates ("Andrey
Volkhonskiy") through the name matcher's romanisation folding, and surname-only mentions
the NER missed are added by searching the text for the surname. Each person mention keeps
the roles and titles that the sentence gives it: the words before the name in its noun
phrase ("Lessarian defence ministry spokesman Colonel") and its apposition ("a deputy of
the Dravnian State Assembly"). A name of two words or more that follows a person's title or
role, or stands in apposition with one ("spokeswoman Irina Tolmach", "the foreign minister,
Helena Stravik"), is a person's whatever label the small model gave it (`_titled`).

Cannot: resolve pronouns (the attributions stage does), link "the ministry" to a named
ministry, or read non-English articles (they give no mentions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from storytrace.models import parse_text, parse_texts
from storytrace.names import fold, name_tokens
from storytrace.records import Article, Mention, Span
from storytrace.settings import Settings

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
# titles and role nouns that come right before a person's name (or head its apposition)
PERSON_TITLES = frozenset(
    "mr mrs ms miss dr prof sir dame col colonel gen general lt lieutenant capt captain sgt"
    " sergeant maj major adm admiral cmdr commander rep sen senator gov governor mayor judge"
    " president minister premier chancellor ambassador envoy spokesman spokeswoman"
    " spokesperson secretary chairman chairwoman deputy lawmaker mp researcher analyst"
    " professor correspondent reporter journalist attaché attache diplomat activist lawyer"
    " prosecutor".split()
)
_MAX_CHARS = 100_000  # spaCy's cost grows with length; news articles are far shorter
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TRAILING_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_WORD = re.compile(r"\b[\w’'-]+\b", re.UNICODE)
_MAX_ROLE_WORDS = 12
_NAME = r"[A-Z][\w’'-]+(?:[ -][A-Z][\w’'-]+){0,3}"
_ALIAS_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"(?:changed its name|was renamed|renamed) from (?P<old>{_NAME}) (?:to|into) "
        rf"(?P<new>{_NAME})",
        rf"(?P<new>{_NAME}),? \((?:[^()]{{0,80}}?\b(?:name|formerly|previously|once|"
        rf"then),?\s+)(?:known as |called )?(?P<old>{_NAME})\)",
        rf"(?P<new>{_NAME}), (?:formerly|previously) (?:known as |called )?(?P<old>{_NAME})\b",
    )
)
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})


def mentions(article: Article, settings: Settings) -> tuple[Mention, ...]:
    if not parseable(article):
        return ()
    return mentions_in(parse(article), article)


def parseable(article: Article) -> bool:
    return article.language in (None, "en") and bool(article.text)


def parse(article: Article) -> Any:
    """spaCy's parse of the article (its first `_MAX_CHARS` characters)."""
    return parse_text(article.text[:_MAX_CHARS])


def parse_many(articles: Sequence[Article]) -> list[Any]:
    """`parse` of each article, parsed as one batch."""
    return parse_texts([article.text[:_MAX_CHARS] for article in articles])


def mentions_in(doc: Any, article: Article) -> tuple[Mention, ...]:
    """The mentions of `article`, read off its parse `doc`."""
    candidates = (_mention(article.id, entity) for entity in doc.ents if entity.label_ in LABELS)
    found = [mention for mention in candidates if mention is not None]
    found += _surname_mentions(article, found)
    found += _stated_aliases(article)
    return _link_short_names(sorted(found, key=lambda m: m.span.start))


def _mention(article_id: str, entity: Any) -> Mention | None:
    text = _TRAILING_POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", entity.text)).strip()
    if not text or not any(ch.isalpha() for ch in text):
        return None
    start = entity.start_char + entity.text.index(text)
    label = "PERSON" if _titled(entity) else entity.label_
    roles = _roles(entity) if label == "PERSON" else ()
    return Mention(article_id, Span(text, start, start + len(text)), label, text, roles)


def _titled(entity: Any) -> bool:
    """Whether a name of two words or more the model took for something else follows a
    person's title or role ("spokeswoman Irina Tolmach", "Col Kasimir Jorvath"), has one as
    its apposition ("Irina Tolmach, the ministry's spokeswoman") or is one's apposition
    ("the foreign minister, Helena Stravik"): the small model labels names it has never
    seen as organisations or places, and their quotes lost their speaker."""
    if entity.label_ == "PERSON" or len(entity) < 2 or not all(t.is_title for t in entity):
        return False
    before = entity.doc[entity.start - 1] if entity.start > 0 else None
    if before is not None and before.lower_.rstrip(".") in PERSON_TITLES:
        return True
    root = entity.root
    if root.dep_ == "appos" and root.head.lower_ in PERSON_TITLES:
        return True  # "the foreign minister, Helena Stravik,"
    return any(child.dep_ == "appos" and child.lower_ in PERSON_TITLES for child in root.rights)


def _roles(entity: Any) -> tuple[str, ...]:
    """Titles before the name in its noun phrase, and an apposition after it."""
    head = entity.root
    roles = []
    before = [t for t in head.lefts if t.i < entity.start and t.dep_ in _ROLE_DEPS]
    if before:
        first = min(t.left_edge.i for t in before)
        roles.append(entity.doc[first : entity.start].text)
    for child in head.rights:
        if child.dep_ == "appos":
            roles.append(entity.doc[child.left_edge.i : child.right_edge.i + 1].text)
    # A role that crosses a line break spans a headline or a paragraph: a parse error.
    cleaned = (" ".join(role.split()).strip(" ,") for role in roles if "\n" not in role)
    return tuple(
        role
        for role in cleaned
        if role
        and len(role.split()) <= _MAX_ROLE_WORDS
        and role[0].isalpha()
        and entity.text not in role
    )


def _surname_mentions(article: Article, found: list[Mention]) -> list[Mention]:
    """Surname-only mentions the NER missed: words whose folded form is the folded
    surname of a full person name in the article."""
    surnames: dict[str, str] = {}
    for mention in found:
        tokens = name_tokens(mention.local_name)
        if mention.label == "PERSON" and len(tokens) >= 2:
            surnames.setdefault(tokens[-1], mention.local_name)
    if not surnames:
        return []
    covered = [(m.span.start, m.span.end) for m in found]
    extra = []
    for match in _WORD.finditer(article.text[:_MAX_CHARS]):
        word = _TRAILING_POSSESSIVE.sub("", match.group(0))
        if not word[:1].isupper():
            continue
        key = fold(name_tokens(word)[0]) if name_tokens(word) else ""
        start = match.start()
        if key in surnames and not any(a <= start < b for a, b in covered):
            extra.append(Mention(article.id, Span(word, start, start + len(word)), "PERSON", word))
    return extra


def _stated_aliases(article: Article) -> list[Mention]:
    """Other names the text itself gives a place: "changed its name from Kalvograd to
    Kalvo", "Kalvo (… its pre-1994 name, Kalvograd)", "Astana, formerly Nur-Sultan". The
    old name becomes a mention whose local name is the new one, so both join one entity."""
    found = []
    for pattern in _ALIAS_PATTERNS:
        for match in pattern.finditer(article.text[:_MAX_CHARS]):
            start, end = match.span("old")
            found.append(
                Mention(article.id, Span(match.group("old"), start, end), "GPE", match.group("new"))
            )
    return found


def _link_short_names(found: list[Mention]) -> tuple[Mention, ...]:
    """Give each short person mention the full name it abbreviates, preferring the
    nearest full name before it."""
    full_names: list[tuple[int, str, tuple[str, ...]]] = []
    linked = []
    for mention in found:
        if mention.label != "PERSON":
            linked.append(mention)
            continue
        tokens = name_tokens(mention.local_name)
        if len(tokens) >= 2:
            full_names.append((mention.span.start, mention.local_name, tokens))
            linked.append(mention)
            continue
        if tokens:
            candidates = [
                name for start, name, full in full_names if tokens[0] in (full[-1], full[0])
            ]
            if not candidates:  # a full name may come later ("Volkhonsky ... Andrei V.")
                candidates = [
                    m.local_name
                    for m in found
                    if m.label == "PERSON"
                    and len(name_tokens(m.local_name)) >= 2
                    and tokens[0] in (name_tokens(m.local_name)[-1],)
                ]
            if candidates:
                mention = Mention(
                    mention.article_id, mention.span, mention.label, candidates[-1], mention.roles
                )
        linked.append(mention)
    return tuple(linked)

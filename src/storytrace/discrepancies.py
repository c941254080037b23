"""discrepancies: where the articles of one story disagree on a fact, each value with its
articles and the sentence that states it.

Aspects compared (each article's values against the others'):

- `medium`: what the material is: audio (a voice message, an audio clip, a tape) or video (a
  video, footage); an article counts for the kind it names most, and only a story whose
  articles name both kinds disagrees.
- `number`: a count or a measure keyed by what it counts and its unit ("14-second clip" /
  "40-second clip"; "12 people killed" / "15 people killed"). Only exact figures are compared:
  "at least 10", "about 12" are left alone, and so are other units (745 miles vs 1,200 km is
  not a disagreement), figures with no noun saying what they measure, and any article that
  gives several values for one key (an updated toll) on that key.
- `date`: the day an action happened, keyed by its verb ("recorded on 27 February" / "recorded
  on 1 March"), from the resolved date mentions known to the day (a month against a day in
  it is a difference of precision, not of fact, so months are not compared).
- `speaker`: a quote family whose renderings are given to different people.

- `acquisition`: how the material came out: intercepted, hacked, or shared in a committee or
  a group chat, in sentences that do not negate it (an article that names two ways stands
  on both sides: it reports the disagreement itself).
- `title`: the office an article gives a person (spokesperson, adviser, ambassador, chief
  executive, …, from a vocabulary of offices) against another article's, when they share
  none; generic words ("member", "official", "Mr") are compatible with anything.

Cannot yet: places of events, ages, or titles outside the vocabulary of offices.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from storytrace.records import (
    Article,
    DateMention,
    Discrepancy,
    DiscrepancyValue,
    Entity,
    Mention,
    QuoteFamily,
    Span,
    Story,
)
from storytrace.reuse import sentence_ends

MEDIA = {
    "audio": (
        r"voice (?:message|note|memo|recording)s?|audio(?: (?:clip|file|recording|message|tape))?s?"
        r"|tapes?|phone calls?|wiretaps?"
    ),
    "video": r"videos?|footage|video (?:clip|recording)s?|filmed",
}
_MEDIA = {kind: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) for kind, pattern in MEDIA.items()}

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_QUANTITY = r"(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_MEASURE = re.compile(
    rf"\b{_QUANTITY}[- ](?P<unit>second|minute|hour|day|week|month|year|page|mile|kilometre"
    r"|kilometer|km|metre|meter|foot|feet|percent|per cent)s?\b(?:[- ](?:long|old))?"
    r"(?:\s+(?P<head>[a-z]+(?:\s+[a-z]+)?))?",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"\b{_QUANTITY}\s+(?:[a-z-]+\s+)?(?P<head>people|persons|civilians|soldiers|troops"
    r"|children|deaths|dead|casualties|victims|protesters|officers|police officers|workers"
    r"|passengers|residents|homes|houses|buildings|villages|votes|seats|rockets|missiles"
    r"|drones|tanks)\b",
    re.IGNORECASE,
)
_HEDGED = re.compile(
    r"(?:at least|at most|more than|less than|fewer than|over|under|about|around|nearly|almost"
    r"|up to|some|approximately|roughly|an estimated|as many as)\s+$",
    re.IGNORECASE,
)
_EVENT_VERB = re.compile(
    r"\b(?P<verb>[a-z]{3,}ed|made|held|shot|sent|met|took|began|won|lost|left|taken|given"
    r"|written|seen|stolen|shown|chosen|driven|spoken|broken|beaten|hidden|filmed|taped)"
    r"\s+(?:(?:on|in|at)\s+)?$",
    re.IGNORECASE,
)
_SAME_ACT = {"made": "recorded", "filmed": "recorded", "taped": "recorded", "shot": "recorded"}
_CONTEXT = re.compile(r"\b(killed|dead|died|injured|wounded|hurt|missing|arrested|detained)\b")
_ACQUISITION = {
    "intercepted": re.compile(r"\bintercept(?:ed|ion|s)?\b", re.IGNORECASE),
    "hacked": re.compile(r"\bhack(?:ed|ers?|ing)?\b", re.IGNORECASE),
    "shared in a committee or group chat": re.compile(
        r"\b(?:shared|posted|circulated)\b(?:\W+\w+){0,8}?\W+(?:committee|group chat)\b",
        re.IGNORECASE,
    ),
}
_NEGATED = re.compile(r"\b(?:no|not|never|neither|nor|denied|n't)\b", re.IGNORECASE)
# offices, by the words that name them (synonyms name one office); generic words such as
# "member", "official" or "lawmaker" are left out: they are compatible with any office
_OFFICES = {
    **dict.fromkeys(["spokesman", "spokeswoman", "spokesperson"], "spokesperson"),
    **dict.fromkeys(["adviser", "advisor", "aide"], "adviser"),
    **dict.fromkeys(["chairman", "chairwoman", "chair"], "chair"),
    **dict.fromkeys(["co-chair", "co-chairman", "co-chairwoman"], "co-chair"),
    **dict.fromkeys(["ceo", "chief executive"], "chief executive"),
    **dict.fromkeys(["congressman", "congresswoman", "representative"], "representative"),
    **{
        word: word
        for word in (
            "minister ambassador president senator governor mayor secretary director "
            "executive colonel general commander judge prosecutor founder editor professor "
            "researcher analyst envoy chancellor premier".split()
        )
    },
    "prime minister": "prime minister",
    "attorney general": "attorney general",
    "lieutenant governor": "lieutenant governor",
    "vice president": "vice president",
    "foreign minister": "minister",
    "col": "colonel",
    "gen": "general",
}
_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for and or but by with from ago after before later earlier "
    "into than that this these those was were is are has have had".split()
)


def discrepancies(
    articles: Sequence[Article],
    stories: Sequence[Story],
    date_mentions: Sequence[DateMention],
    families: Sequence[QuoteFamily],
    mentions: Sequence[Mention] = (),
    entities: Sequence[Entity] = (),
    entity_of: Mapping[tuple[str, str], str] | None = None,
) -> tuple[Discrepancy, ...]:
    """Every disagreement of each story (see the module doc). Titles are compared for
    people, so they need the mentions, the entities and `entity_of` ((article id, local
    name) -> entity id)."""
    by_id = {article.id: article for article in articles}
    people = {e.id: e.name for e in entities if e.type == "person"}
    titles_in: dict[str, list[tuple[str, Mention]]] = defaultdict(list)
    for named in mentions:
        person = (entity_of or {}).get((named.article_id, named.local_name))
        if person in people and named.roles:
            titles_in[named.article_id].append((people[person], named))
    dates_in: dict[str, list[DateMention]] = defaultdict(list)
    for mention in date_mentions:
        dates_in[mention.article_id].append(mention)
    families_of: dict[str, list[QuoteFamily]] = defaultdict(list)
    for family in families:
        families_of[family.story_id].append(family)
    found: list[Discrepancy] = []
    for story in stories:
        members = [by_id[a] for a in story.article_ids if a in by_id]
        if len(members) < 2:
            continue
        found += _media(story.id, members)
        found += _numbers(story.id, members)
        found += _dates(story.id, members, dates_in)
        found += _acquisition(story.id, members)
        found += _titles(story.id, members, titles_in)
        found += _speakers(story.id, families_of[story.id], by_id)
    return tuple(found)


# -- aspects ----------------------------------------------------------------------------

Observation = tuple[str, str, Span]  # (value, article id, evidence sentence)


def _media(story_id: str, members: Sequence[Article]) -> list[Discrepancy]:
    observed: list[Observation] = []
    for article in members:
        counts: Counter[str] = Counter()
        first: dict[str, re.Match[str]] = {}
        for kind, pattern in _MEDIA.items():
            for match in pattern.finditer(article.text):
                counts[kind] += 1
                first.setdefault(kind, match)
        ranked = counts.most_common()
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            continue  # names neither, or both as often: no single reading
        kind = ranked[0][0]
        match = first[kind]
        observed.append((kind, article.id, sentence_at(article.text, match.start())))
    return _disagreements(story_id, "medium", {"material": observed})


def _numbers(story_id: str, members: Sequence[Article]) -> list[Discrepancy]:
    keyed: dict[str, list[Observation]] = defaultdict(list)
    for article in members:
        text = article.text
        for pattern in (_MEASURE, _COUNT):
            for match in pattern.finditer(text):
                if _HEDGED.search(text, max(0, match.start() - 20), match.start()):
                    continue
                figure = _number(match.group("number"))
                sentence = sentence_at(text, match.start())
                key = _quantity_key(match, sentence.text)
                if figure is not None and key:
                    shown = str(int(figure)) if figure.is_integer() else str(figure)
                    keyed[key].append((shown, article.id, sentence))
    return _disagreements(story_id, "number", keyed)


def _quantity_key(match: re.Match[str], sentence: str) -> str:
    head = (match.group("head") or "").casefold()
    if "unit" in match.groupdict() and match.group("unit"):
        unit = match.group("unit").casefold().rstrip("s")
        # "14-second clip", "40-second recording": the material's length, whatever its name;
        # a bare measure ("within three hours") says too little of what it measures
        noun = head.split()[0] if head else ""
        if not noun or noun in _FUNCTION_WORDS:
            return ""
        return f"{unit} {'material' if _is_material(noun) else noun}"
    context = _CONTEXT.search(sentence.casefold())
    return f"{head} {context.group(1) if context else ''}".strip()


def _is_material(noun: str) -> bool:
    return bool(noun) and (
        noun
        in {"clip", "recording", "file", "message", "tape", "video", "footage", "excerpt", "voice"}
        or any(p.fullmatch(noun) for p in _MEDIA.values())
    )


def _number(text: str) -> float | None:
    word = text.casefold()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word.replace(",", ""))
    except ValueError:
        return None


def _dates(
    story_id: str, members: Sequence[Article], dates_in: Mapping[str, Sequence[DateMention]]
) -> list[Discrepancy]:
    keyed: dict[str, list[Observation]] = defaultdict(list)
    for article in members:
        for mention in dates_in.get(article.id, ()):
            if mention.precision != "day":
                continue
            before = article.text[max(0, mention.span.start - 30) : mention.span.start]
            verb = _EVENT_VERB.search(before)
            if verb is None:
                continue
            act = verb.group("verb").casefold()
            key = _SAME_ACT.get(act, act)
            sentence = sentence_at(article.text, mention.span.start)
            keyed[key].append((mention.resolved, article.id, sentence))
    return _disagreements(story_id, "date", keyed)


def _acquisition(story_id: str, members: Sequence[Article]) -> list[Discrepancy]:
    """How the material came out: intercepted, hacked, or shared in a committee or a group
    chat. "Leaked" says nothing of how, and a negated sentence ("no recordings had been
    circulated") is no claim of a way."""
    observed: list[Observation] = []
    for article in members:
        ways: dict[str, re.Match[str]] = {}
        for way, pattern in _ACQUISITION.items():
            for match in pattern.finditer(article.text):
                sentence = sentence_at(article.text, match.start())
                if not _NEGATED.search(sentence.text):
                    ways.setdefault(way, match)
        for way, match in ways.items():
            observed.append((way, article.id, sentence_at(article.text, match.start())))
    # an article that names two ways ("Black Kite calls it intercepted; our source says it
    # was shared in a committee") reports the disagreement itself: it stands on both sides
    return _disagreements(story_id, "acquisition", {"material": observed}, both_sides=True)


def _titles(
    story_id: str, members: Sequence[Article], titles_in: Mapping[str, list[tuple[str, Mention]]]
) -> list[Discrepancy]:
    """The office an article gives a person, against the office another gives: only titles of
    a known office count ("spokesman", "adviser", "ambassador", "chief executive"; not "Mr"
    or "a member of"), and two articles disagree only when no office of one is among the
    other's."""
    offices: dict[str, dict[str, tuple[set[str], Mention]]] = defaultdict(dict)
    for article in members:
        for person, mention in titles_in.get(article.id, ()):
            named = {o for role in mention.roles for o in _offices(role)}
            if named:
                held = offices[person].get(article.id)
                offices[person][article.id] = (named | (held[0] if held else set()), mention)
    by_id = {article.id: article for article in members}
    found = []
    for person, by_article in offices.items():
        keyed: dict[str, list[Observation]] = {}
        observations = []
        # compared by distinct sets of offices: many articles, few ways of naming the office
        distinct = {frozenset(named) for named, _ in by_article.values()}
        for article_id, (named, mention) in by_article.items():
            if any(_disagree(named, set(other)) for other in distinct if other != named):
                article = by_id[article_id]
                value = " / ".join(sorted(named))
                observations.append(
                    (value, article_id, sentence_at(article.text, mention.span.start))
                )
        keyed[person] = observations
        found += _disagreements(story_id, "title", keyed)
    return found


def _disagree(one: set[str], other: set[str]) -> bool:
    """No office in common, compared among current offices and among former ones."""
    for former in (False, True):
        mine = {o for o in one if o.startswith("former ") == former}
        theirs = {o for o in other if o.startswith("former ") == former}
        if mine and theirs and not mine & theirs:
            return True
    return False


def _offices(role: str) -> set[str]:
    """The offices a role names; a former office ("former lieutenant governor") is kept
    apart (`former ...`): it is compared only with other former offices."""
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", role.casefold())
    former = "former " if {"former", "ex", "onetime", "erstwhile"} & set(words) else ""
    return {former + office for office in _current_offices(words)}


def _current_offices(words: list[str]) -> set[str]:
    found = set()
    for position, word in enumerate(words):
        pair = " ".join(words[position : position + 2])
        if pair in _OFFICES:
            found.add(_OFFICES[pair])
        elif word in _OFFICES and not (position and f"{words[position - 1]} {word}" in _OFFICES):
            found.add(_OFFICES[word])
    return found


def _speakers(
    story_id: str, families: Sequence[QuoteFamily], by_id: Mapping[str, Article]
) -> list[Discrepancy]:
    keyed: dict[str, list[Observation]] = {}
    for family in families:
        observed = []
        for quotation in family.quotations():
            if quotation.speaker_entity_id and quotation.speaker:
                text = by_id[quotation.article_id].text
                sentence = sentence_at(text, quotation.span.start)
                observed.append((quotation.speaker_entity_id, quotation.article_id, sentence))
        keyed[family.canonical] = observed
    found = _disagreements(story_id, "speaker", keyed)
    # show the speakers by name, not by entity id
    names = {q.speaker_entity_id: q.speaker for f in families for q in f.quotations() if q.speaker}
    return [
        Discrepancy(
            d.id,
            d.story_id,
            d.aspect,
            d.key,
            tuple(
                DiscrepancyValue(names.get(v.value) or v.value, v.article_ids, v.evidence)
                for v in d.values
            ),
        )
        for d in found
    ]


def discrepancy_from_dict(data: Mapping[str, Any]) -> Discrepancy:
    return Discrepancy(
        data["id"],
        data["story_id"],
        data["aspect"],
        data["key"],
        tuple(
            DiscrepancyValue(
                v["value"],
                tuple(v["article_ids"]),
                tuple((article_id, Span(**span)) for article_id, span in v["evidence"]),
            )
            for v in data["values"]
        ),
    )


# -- shared -----------------------------------------------------------------------------


def _disagreements(
    story_id: str,
    aspect: str,
    keyed: Mapping[str, Iterable[Observation]],
    both_sides: bool = False,
) -> list[Discrepancy]:
    """A discrepancy for each key on which two articles give different values. An article
    giving several values for a key takes no side unless `both_sides`."""
    found = []
    for key, observations in keyed.items():
        given: dict[str, set[str]] = defaultdict(set)
        for value, article_id, _ in observations:
            given[article_id].add(value)
        values: dict[str, dict[str, Span]] = defaultdict(dict)
        for value, article_id, sentence in observations:
            # an article giving several values for one key (an updated toll, its own
            # date line beside the event's date) does not take a side
            if both_sides or len(given[article_id]) == 1:
                values[value].setdefault(article_id, sentence)
        if len(values) < 2 or len({a for v in values.values() for a in v}) < 2:
            continue
        ordered = sorted(values.items(), key=lambda item: (-len(item[1]), item[0]))
        digest = hashlib.sha1(f"{story_id}|{aspect}|{key}".encode(), usedforsecurity=False)
        found.append(
            Discrepancy(
                f"d{digest.hexdigest()[:11]}",
                story_id,
                aspect,
                key,
                tuple(
                    DiscrepancyValue(value, tuple(held), tuple(held.items()))
                    for value, held in ordered
                ),
            )
        )
    return found


def sentence_at(text: str, offset: int) -> Span:
    """The sentence of `text` around `offset` (`reuse.sentence_ends` draws the limits; they
    are worked out once per text)."""
    ends = _ends(text)
    position = bisect_right(ends, offset)
    start = ends[position - 1] if position else 0
    end = ends[position] if position < len(ends) else len(text)
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end = start + len(text[start:end].rstrip())
    return Span(text[start:end], start, end)


@lru_cache(maxsize=256)
def _ends(text: str) -> list[int]:
    return sentence_ends(text)

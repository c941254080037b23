"""Events: who does what to whom, coded to PLOVER's categories from a sentence's parse.

A dictionary coder in the tradition of TABARI and PETRARCH, on spaCy's dependency parse:
the verbs of a sentence are visited from its root down (complements after the verb that
governs them, so "threatened to ban" is a threat and "agreed to resign" an agreement), and
each that the lexicon (`event_lexicon.py`) knows codes an event: verbs (`threaten`,
`turn down`), nouns after light verbs (`held talks`, `issued an ultimatum`), reporting verbs
whose complement says `must` (a demand), adjectives of intent (`ready to`). When the main
clause codes nothing, any other verb or a noun of dissent or violence ("converging for a
rally") does. Announced cooperation ("will visit") is an intent to cooperate (AGREE),
announced hostility ("would boycott") a threat, refused cooperation ("would not meet the
demands") a rejection, as CAMEO codes them; other negated events keep their code and say so.

The source actor is the subject (the agent of a passive, the subject inherited by a
complement, the speaker for "it" or "they" in what they report); a subject that cannot act
("the clip captures", "relations were strained") codes no event. The target is the object,
a prepositional object, or the subject of a demanded act ("said Sudan must return..."),
preferring a phrase that names a country, then one naming people. Each actor's country
(ISO 3166 alpha-3, IGO, NGO) is the one its phrase names (`countries.find`, and, from the
caller, invented states the article names with their demonym); an actor naming none takes
the sentence's (for a source, the first country named outside the target; for a target,
another country the sentence names, else the source's own: a protest at home). Such
guesses are marked `inferred`, for the escalation stage to replace with better knowledge.

Intensity: Goldstein's (1992) scale (-10 conflict ... +10 cooperation) as CAMEO assigns it
to its root categories, carried to the PLOVER category each maps to.
"""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storytrace import countries
from storytrace.event_lexicon import (
    ADMITTING,
    AID_OBJECTS,
    ARMED_ACTS,
    COOPERATIVE,
    HOSTILE,
    INTENSITY,
    INTENT_ADJECTIVES,
    IRREGULAR,
    LIGHT_OVERRIDES,
    LIGHT_VERBS,
    MILITARY,
    MODALS,
    MUST,
    NOUN_ONLY,
    NOUNS,
    OBSERVERS,
    PEOPLE,
    REPORTING,
    SENDING,
    TARGET_PREPOSITIONS,
    TRANSFER,
    VERBS,
)
from storytrace.models import doc_text
from storytrace.places import canonical_place, demonym_of
from storytrace.records import Event, Mention, Span


@dataclass(frozen=True, slots=True)
class Coding:
    """One event coded in a sentence: token indices into the doc, before it becomes an
    `Event` with offsets into the article."""

    trigger: tuple[int, int]
    code: str
    mode: str
    source: tuple[int, int] | None
    target: tuple[int, int] | None
    source_country: str | None
    target_country: str | None
    negated: bool
    hypothetical: bool
    inferred: tuple[str, ...]  # "source", "target": country from the sentence, not the phrase


def base_form(word: str) -> str:
    """The base form of an English verb form, by rule ("threatened" -> "threaten"): the
    pipeline runs without spaCy's lemmatizer, so the lexicon is matched through this."""
    word = word.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    for suffix, replacements in (
        ("ies", ("y",)),
        ("ied", ("y",)),
        ("ing", ("", "e")),
        ("ed", ("", "e")),
        ("es", ("", "e")),
        ("s", ("",)),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            for replacement in replacements:
                candidate = stem + replacement
                if _known(candidate):
                    return candidate
            if len(stem) >= 3 and stem[-1] == stem[-2] and _known(stem[:-1]):
                return stem[:-1]  # doubled consonant: "banned" -> "ban"
    return word


def _known(word: str) -> bool:
    return (
        word in _VERB_HEADS
        or word in LIGHT_VERBS
        or word in REPORTING
        or word in ADMITTING
        or word in SENDING
        or word in ("have", "be", "attempt", "try")
    )


_VERB_HEADS = frozenset(key.split()[0] for key in VERBS) | frozenset(
    key.split()[0] for key in LIGHT_VERBS
)


Match = tuple[int, int, str]  # first token, end token, country code


# Note: spaCy makes a new Token object on each access; tokens are compared by `.i`.
def code_sentence(sentence: Any, polities: Sequence[Match] = ()) -> list[Coding]:
    """The events of one spaCy sentence, the governing one first. `polities` are countries
    the gazetteer does not know, found by the caller (token spans with their name, sorted)."""
    found: list[Coding] = []
    queue: list[tuple[Any, Any]] = [(sentence.root, None)]
    seen: set[int] = set()
    matches = _country_matches(sentence)
    here = polities[
        bisect_left(polities, (sentence.start,)) : bisect_left(polities, (sentence.end,))
    ]
    matches = sorted(
        matches + [m for m in here if not any(k[0] < m[1] and m[0] < k[1] for k in matches)]
    )
    while queue:
        verb, inherited = queue.pop(0)
        if verb.i in seen:
            continue
        seen.add(verb.i)
        subject = _resolved_subject(verb) or inherited
        coded = _classify(verb)
        if coded is not None and subject is not None and not _agentive(subject, matches):
            if _passive(verb):
                subject = None  # "killed by an explosive device": the act, with no actor
            else:
                coded = None  # "the clip captures", "relations have been strained": no act
        if coded is not None:
            found.append(_coding(verb, coded, subject, matches, sentence))
        for child in verb.children:
            if child.dep_ not in ("xcomp", "ccomp", "conj", "advcl", "acomp", "pcomp"):
                continue
            if child.pos_ not in ("VERB", "AUX", "ADJ"):
                continue
            if coded is not None and child.dep_ in ("xcomp", "ccomp", "acomp"):
                continue  # the content of this event, not an event of its own
            passes_subject = child.dep_ in ("xcomp", "conj", "acomp", "advcl")
            queue.append((child, subject if passes_subject else None))
    if not found:
        # nothing on the main clause's spine: a verb or event noun elsewhere in the sentence
        # ("issued a declaration *demanding*", "converging for a *rally*")
        for token in sentence:
            if token.i in seen or token.pos_ not in ("VERB", "NOUN"):
                continue
            if token.dep_ == "amod" or token.ent_type_ in ("DATE", "TIME"):
                continue  # "the *alleged* recording", "in *March*"
            coded = _classify(token) if token.pos_ == "VERB" else _noun_event(token)
            if coded is not None:
                verb = token
                while verb.pos_ != "VERB" and verb.head.i != verb.i:  # "for a *rally*"
                    verb = verb.head
                subject = _resolved_subject(verb)
                # a non-finite verb acts for its governor's subject ("youths resorted to
                # throwing stones during demonstrations", "issued a declaration demanding")
                governor = verb
                while subject is None and governor.head.i != governor.i:
                    governor = governor.head
                    if governor.pos_ in ("VERB", "AUX"):
                        subject = _resolved_subject(governor)
                if subject is not None and not _agentive(subject, matches):
                    subject = None
                found.append(_coding(verb, coded, subject, matches, sentence))
                break
    return found


def _noun_event(noun: Any) -> tuple[str, str, Any, Any] | None:
    """An act named by a noun in a prepositional phrase ("converging for a *rally*")."""
    if noun.lower_ in NOUNS and noun.dep_ == "pobj":
        category, mode = NOUNS[noun.lower_]
        if category in NOUN_ONLY:
            return category, mode, noun, noun
    return None


def _classify(verb: Any) -> tuple[str, str, Any, Any] | None:
    """(category, mode, trigger token, event noun or None) for a verb, or None."""
    if verb.pos_ == "ADJ":
        if verb.lower_ in INTENT_ADJECTIVES and any(c.dep_ == "xcomp" for c in verb.children):
            return "AGREE", "", verb, None
        return None
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    base = base_form(verb.text)
    particles = [c for c in verb.children if c.dep_ == "prt"]
    prepositions = [c for c in verb.children if c.dep_ == "prep"]
    phrases = [f"{base} {extra.lower_}" for extra in (*particles, *prepositions)]
    # a transfer ("handed over a letter") is aid only when what is given is
    if (base in TRANSFER or TRANSFER.intersection(phrases)) and not (
        _object_words(verb) & AID_OBJECTS
    ):
        return None
    for phrase in phrases:
        if phrase in VERBS:
            return (*VERBS[phrase], verb, None)
    noun = _event_noun(verb)
    light = base if base in LIGHT_VERBS else next((p for p in phrases if p in LIGHT_VERBS), None)
    if light is not None and noun is not None:  # "held talks", "carried out an attack"
        word = noun.lower_
        category, mode = LIGHT_OVERRIDES.get((light, word)) or NOUNS[word]
        return category, mode, noun, noun
    if base in REPORTING:
        demanded = _demanded(verb)
        if demanded is not None:
            return "DEMAND", "", demanded, None
        return None
    if base in ADMITTING and _object_words(verb) & OBSERVERS:
        return "RETREAT", "access", verb, None  # receiving inspectors, observers, peacekeepers
    if base in SENDING and _object_words(verb) & OBSERVERS:
        return "INVESTIGATE", "", verb, None  # sending inspectors
    if base in VERBS:
        category, mode = VERBS[base]
        if category in ("ASSAULT", "FIGHT", "PROTEST"):
            category = _violence_kind(verb, category)
        return category, mode, verb, None
    return None


def _object_words(verb: Any) -> set[str]:
    return {t.lower_ for c in verb.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree}


def _event_noun(verb: Any) -> Any:
    for child in verb.children:
        if child.dep_ in ("dobj", "attr", "nsubjpass") and child.lower_ in NOUNS:
            return child
        if child.dep_ == "prep" and child.lower_ in ("to", "for", "in"):
            for grandchild in child.children:
                if grandchild.dep_ == "pobj" and grandchild.lower_ in NOUNS:
                    return grandchild
    return None


def _demanded(verb: Any) -> Any:
    """The `must` of a reported demand ("said Sudan must return the helicopter")."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            for aux in child.children:
                if aux.dep_ == "aux" and aux.lower_ in MUST:
                    return aux
    return None


def _violence_kind(verb: Any, category: str) -> str:
    """Armed forces and heavy weapons fight; anyone else's violence is an assault; a
    government's "protest" is a verbal one (disapproval), a crowd's is dissent."""
    words = {t.lower_ for t in verb.subtree} | {t.lower_ for t in _subject_tokens(verb)}
    if category == "PROTEST":
        subject = _subject(verb)
        official = {"government", "ministry", "minister", "president", "embassy", "foreign"}
        if subject is not None and official & {t.lower_ for t in subject.subtree}:
            return "DISAPPROVE"
        return category
    if category == "ASSAULT" and words & MILITARY and base_form(verb.text) in ARMED_ACTS:
        return "FIGHT"
    return category


def _subject_tokens(verb: Any) -> list[Any]:
    subject = _subject(verb)
    return list(subject.subtree) if subject is not None else []


def _resolved_subject(verb: Any) -> Any:
    """The subject, with a pronoun read as the speaker who reports the act ("Syria says
    *it* is willing", "Switzerland said *it* had expelled")."""
    subject = _subject(verb)
    if subject is None or subject.tag_ != "PRP":
        return subject
    token = verb
    while token.dep_ in ("ccomp", "xcomp", "conj") and token.head.i != token.i:
        token = token.head
        if base_form(token.text) in REPORTING:
            speaker = _subject(token)
            if speaker is not None and speaker.tag_ != "PRP":
                return speaker
    return subject


def _subject(verb: Any) -> Any:
    """The doer: the subject, or a passive's agent ("was attacked by militiamen")."""
    if any(c.dep_ == "nsubjpass" for c in verb.children) or any(
        c.dep_ == "auxpass" for c in verb.children
    ):
        for child in verb.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        return None
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head
            return child
    if verb.dep_ == "relcl":
        return verb.head
    return None


def _target(verb: Any, trigger: Any, noun: Any, matches: list[tuple[int, int, str]]) -> Any:
    """The one acted on. Candidates in order: a demanded act's subject ("said Sudan must
    return"), a passive's subject, the objects, prepositional objects (of the event noun,
    the verb, then the object: "aid *to* rebels"), a complement's subject or object
    ("demanded that Hamas renounce", "urged X to"). The first that is an actor (names a
    country or organisation, is a named entity, or a group of people) wins; else the first
    candidate that is not a date."""
    if trigger.lower_ in MUST:
        return next((c for c in trigger.head.children if c.dep_ == "nsubj"), None)
    candidates: list[Any] = []
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        candidates += [c for c in verb.children if c.dep_ == "nsubjpass"]
    holders = [noun, verb] if noun is not None else [verb]
    objects = [
        c
        for h in holders
        for c in h.children
        if c.dep_ in ("dobj", "dative") and (noun is None or c.i != noun.i)
    ]
    candidates += objects
    for holder in [*holders, *objects]:
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ in TARGET_PREPOSITIONS:
                candidates += [p for p in child.children if p.dep_ == "pobj"]
    for child in verb.children:
        if child.dep_ in ("xcomp", "ccomp"):
            candidates += [g for g in child.children if g.dep_ in ("nsubj", "dobj", "dative")]
            candidates += [
                p
                for g in child.children
                if g.dep_ == "prep" and g.lower_ in TARGET_PREPOSITIONS
                for p in g.children
                if p.dep_ == "pobj"
            ]
    candidates = [c for c in candidates if c.ent_type_ not in ("DATE", "TIME")]
    # a phrase naming a country beats one naming people ("its troops"), beats a thing
    for test in (_names_country, _actor_like):
        for candidate in candidates:
            if test(candidate, matches):
                return candidate
    return candidates[0] if candidates else None


def _agentive(subject: Any, matches: list[Match]) -> bool:
    """Can this subject act? A person, a group, an institution, a country; not a thing.
    Besides names and the nouns of `PEOPLE`, plural nouns of people by their ending
    ("fundamentalists", "villagers", "residents")."""
    if subject.tag_ == "PRP":
        return subject.lower_ in ("he", "she", "they", "we", "i", "you")
    if subject.pos_ == "PROPN" or _actor_like(subject, matches):
        return True
    return bool(subject.tag_ == "NNS" and subject.lower_.endswith(_AGENT_ENDINGS))


_AGENT_ENDINGS = ("ists", "ers", "ians", "ants", "ents", "ors", "ees")


def _passive(verb: Any) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in verb.children)


def _names_country(head: Any, matches: list[tuple[int, int, str]]) -> bool:
    start, end = _phrase(head)
    return any(start <= m_start and m_end <= end for m_start, m_end, _ in matches)


def _actor_like(head: Any, matches: list[tuple[int, int, str]]) -> bool:
    if _names_country(head, matches):
        return True
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return head.lower_ in PEOPLE


def _phrase(head: Any) -> tuple[int, int]:
    """Token bounds of the noun phrase under `head`, without relative clauses."""
    tokens = [head]
    stack = [c for c in head.children if c.dep_ not in ("relcl", "acl", "punct", "cc", "conj")]
    while stack:
        token = stack.pop()
        tokens.append(token)
        stack.extend(c for c in token.children if c.dep_ not in ("relcl", "punct"))
    return min(t.i for t in tokens), max(t.i for t in tokens) + 1


def _country_matches(sentence: Any) -> list[tuple[int, int, str]]:
    """(first token, end token, code) of every country named in the sentence, less those
    inside a longer person's name ("Chad" in "Chad Smith")."""
    doc = sentence.doc
    people = _people(doc)  # once per doc: `sentence.ents` rescans the whole doc each time
    people = people[
        bisect_left(people, (sentence.start, 0)) : bisect_left(people, (sentence.end, 0))
    ]
    found = []
    for match in countries.find(sentence.text):
        span = doc.char_span(
            sentence.start_char + match.start,
            sentence.start_char + match.end,
            alignment_mode="expand",
        )
        if span is None:
            continue
        if any(
            start <= span.start and span.end <= end and len(span) < end - start
            for start, end in people
        ):
            continue
        found.append((span.start, span.end, match.code))
    return found


def _people(doc: Any) -> list[tuple[int, int]]:
    """(start, end) of the doc's people named in two words or more, by start; cached."""
    found: list[tuple[int, int]] | None = doc.user_data.get("storytrace.people")
    if found is None:
        found = doc.user_data["storytrace.people"] = sorted(
            (e.start, e.end) for e in doc.ents if e.label_ == "PERSON" and len(e) > 1
        )
    return found


def _country(
    head: Any, bounds: tuple[int, int] | None, matches: list[tuple[int, int, str]]
) -> str | None:
    """The country an actor phrase names: the head's own name ("Palestinians of the
    Israeli-occupied West Bank"), else the modifier nearest before it ("pro-Iranian
    Hizbollah group", "Nigerian junior foreign minister"), else the first after it
    ("militants loyal to Iraq's...")."""
    if bounds is None or head is None:
        return None
    inside = [(s, e, code) for s, e, code in matches if bounds[0] <= s and e <= bounds[1]]
    for start, end, code in inside:
        if start <= head.i < end:
            return code
    before = [m for m in inside if m[1] <= head.i]
    if before:
        return before[-1][2]
    return inside[0][2] if inside else None


def _coding(
    verb: Any,
    coded: tuple[str, str, Any, Any],
    subject: Any,
    matches: list[tuple[int, int, str]],
    sentence: Any,
) -> Coding:
    category, mode, trigger, noun = coded
    target = _target(verb, trigger, noun, matches)
    source_bounds = _phrase(subject) if subject is not None else None
    target_bounds = _phrase(target) if target is not None else None
    if source_bounds and target_bounds and source_bounds[0] <= target_bounds[0] < source_bounds[1]:
        source_bounds = (source_bounds[0], target_bounds[0])  # a target nested in the source
    source_country = _country(subject, source_bounds, matches)
    target_country = _country(target, target_bounds, matches)
    # an actor naming no country shares the other's, or the sentence's (domestic events)
    outside = [
        code
        for start, end, code in matches
        if not (target_bounds and target_bounds[0] <= start < target_bounds[1])
        and not (source_bounds and source_bounds[0] <= start < source_bounds[1])
    ]
    inferred = []
    if source_bounds is not None and source_country is None:
        # the first country the sentence names outside the target: most often the actor's
        # ("Gunmen kidnapped Italian engineers in Nigeria"); else the target's own, as most
        # events are domestic (a guess: the escalation stage drops it for a pair)
        beside = [
            code
            for start, _, code in matches
            if not (target_bounds and target_bounds[0] <= start < target_bounds[1])
        ]
        anywhere = [code for _, _, code in matches]
        source_country = beside[0] if beside else anywhere[0] if anywhere else None
        inferred.append("source")
    if target_country is None and (target is None or not _actor_like(target, matches)):
        # no one named as acted on ("staged a hunger strike", "blocked a road"): the other
        # country the sentence names, else the source's own (a protest at home)
        others = [code for code in outside if code != source_country]
        target_country = others[0] if others else source_country
        inferred.append("target")
    elif target_bounds is not None and target_country is None:
        target_country = source_country or (outside[0] if outside else None)
        inferred.append("target")
    negated = _negated(verb)
    future = _future(verb)
    hypothetical = future or any(c.dep_ == "mark" and c.lower_ == "if" for c in verb.children)
    if negated and category in COOPERATIVE:
        category, mode = "REJECT", mode or category.lower()  # "would not meet the demands"
        negated = False
    elif future and category in COOPERATIVE:
        category, mode = "AGREE", mode or category.lower()  # "will visit": intent (CAMEO 03)
    elif future and category in HOSTILE:
        category, mode = "THREATEN", mode or category.lower()  # "may halt", "would boycott"
    return Coding(
        (trigger.i, trigger.i + 1),
        category,
        mode,
        source_bounds,
        target_bounds,
        source_country,
        target_country,
        negated,
        hypothetical,
        tuple(inferred),
    )


def _future(verb: Any) -> bool:
    """Announced, not done: a modal on the verb ("will visit", "may halt")."""
    return any(c.dep_ == "aux" and c.lower_ in MODALS for c in verb.children)


def _negated(verb: Any) -> bool:
    token = verb
    for _ in range(3):  # "did not agree to withdraw": the negation may sit on a governor
        if any(c.dep_ == "neg" for c in token.children):
            return True
        if token.dep_ not in ("xcomp", "ccomp") or token.head.i == token.i:
            return False
        token = token.head
    return False


def events_in(doc: Any, article_id: str, mentions: Sequence[Mention]) -> tuple[Event, ...]:
    """Every coded event of a parsed article, with offsets into its text."""
    text = doc_text(doc)
    polities = _polities(doc, mentions)
    found = []
    for sentence in doc.sents:
        for coding in code_sentence(sentence, polities):
            found.append(_event(doc, text, article_id, sentence, coding))
    return tuple(found)


def _polities(doc: Any, mentions: Sequence[Mention]) -> list[Match]:
    """Places the gazetteer does not know that the article treats as countries: a name
    whose demonym the article also uses (Dravnia and "Dravnian"); a city does not have one.
    The name's and the demonym's tokens are returned, coded by the place's name. Names are
    looked for among all capitalised words, as the small NER model misses rare ones."""
    adjectives = {
        m.span.text
        for m in mentions
        if m.label == "NORP" and countries.code_of(m.span.text) is None
    }
    if not adjectives:
        return []
    names = {
        t.text
        for t in doc
        if t.text[:1].isupper() and t.is_alpha and countries.code_of(t.text) is None
    }
    # a demonym shares at least its first three letters with its place (demonym_of)
    by_start: dict[str, list[str]] = defaultdict(list)
    for name in names - adjectives:
        by_start[name[:3].lower()].append(name)
    place_of: dict[str, str] = {}
    for adjective in adjectives:
        for name in by_start.get(adjective[:3].lower(), ()):
            if demonym_of(adjective, name):
                place = canonical_place(name)
                place_of[name] = place_of[adjective] = place
    return [(t.i, t.i + 1, place_of[t.text]) for t in doc if t.text in place_of]


def _event(doc: Any, text: str, article_id: str, sentence: Any, coding: Coding) -> Event:
    # Every span stays in the trigger's paragraph: the parser may run a headline, its
    # standfirst and byline into the first sentence as one, and an actor phrase with them.
    at = doc[coding.trigger[0]].idx
    paragraph = (text.rfind("\n", 0, at) + 1, _end_of_line(text, at))

    def span(bounds: tuple[int, int] | None) -> Span | None:
        if bounds is None:
            return None
        start = max(doc[bounds[0]].idx, paragraph[0])
        end = min(doc[bounds[1] - 1].idx + len(doc[bounds[1] - 1]), paragraph[1])
        return _stripped(text, start, end)

    trigger = span(coding.trigger)
    assert trigger is not None  # a coding always has its trigger
    source, target = span(coding.source), span(coding.target)
    evidence = _stripped(
        text, max(sentence.start_char, paragraph[0]), min(sentence.end_char, paragraph[1])
    )
    assert evidence is not None  # it holds the trigger
    key = f"{article_id}:{trigger.start}".encode()
    return Event(
        id="v" + hashlib.sha1(key).hexdigest()[:11],
        article_id=article_id,
        code=coding.code,
        mode=coding.mode,
        trigger=trigger,
        source=source,
        target=target,
        # a country read off an actor phrase cut away with another paragraph is not kept
        source_country=coding.source_country if source or not coding.source else None,
        target_country=coding.target_country if target or not coding.target else None,
        negated=coding.negated,
        hypothetical=coding.hypothetical,
        intensity=INTENSITY[coding.code],
        evidence=evidence,
        inferred=coding.inferred,
    )


def _end_of_line(text: str, at: int) -> int:
    """The offset of the line break after `at` (the text's end when there is none)."""
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _stripped(text: str, start: int, end: int) -> Span | None:
    """The span of `text[start:end]` without its edge white space (None when empty)."""
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    if right <= left:
        return None
    return Span(piece[left:right], start + left, start + right)


def event_to_dict(event: Event) -> dict[str, Any]:
    return dataclasses.asdict(event)


def event_from_dict(row: dict[str, Any]) -> Event:
    spans = {
        key: Span(**row[key]) if row[key] is not None else None
        for key in ("trigger", "source", "target", "evidence")
    }
    return Event(**{**row, **spans, "inferred": tuple(row["inferred"])})

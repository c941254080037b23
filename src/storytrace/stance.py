"""stance: how a sentence (or a headline) presents a claim.

- `denied`: it reports a denial or debunks the claim ("calls it fake", "hoax", "entirely
  baseless", "rejected the notion", "no evidence");
- `hedged`: it reports the claim without standing behind it ("reportedly", "allegedly",
  "purportedly", "if true", "unclear", "has not confirmed", "could not independently
  verify", a question anywhere in it but inside a quotation, the hedging model's
  uncertainty);
- `attributed`: it gives the claim as someone's ("according to a Telegram channel",
  "X says", "X claims", a headline's "Officials: ..." or "... - source");
- `asserted`: it states the claim as fact.

(`disputed`, the article challenging a claim in its own voice, is told from `denied` by the
absence of a denier: "there is no evidence that ..." disputes, "X denied ..." reports a
denial.) The cue lexicons follow the refuting and hedging word lists of Ferreira & Vlachos
(2016), the Emergent paper, extended with the denial phrasing of news reports ("slams the
rumours", "shoots down claims"). A claim given with the sentence lets a negation that the
claim itself holds ("X did not ...") count for nothing, and a claim that is itself a
statement ("the priest says ...") is asserted, not attributed, by a text reporting that
statement ("priest claims ..."). A negation under "may" or "might" ("may never walk
again") or in an idiom ("has no idea") never denies ("could not" does); nor does a denial
word under a negation or a modal ("neither confirmed nor denied", "not dismissed", "could
be dismissed").
The cues were tuned on headlines (Emergent) and checked on article sentences, which the
claims stage reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.hedging import uncertainty
from storytrace.records import Stance

DENIAL_CUES = (
    "fake",
    "fakes",
    "faked",
    "deepfake",
    "fraud",
    "hoax",
    "false",
    "falsely",
    "untrue",
    "not true",
    "isn't true",
    "debunk",
    "debunks",
    "debunked",
    "deny",
    "denies",
    "denied",
    "denial",
    "refute",
    "refutes",
    "refuted",
    "reject",
    "rejects",
    "rejected",
    "dismiss",
    "dismisses",
    "dismissed",
    "bogus",
    "baseless",
    "groundless",
    "fabricated",
    "fabrication",
    "doctored",
    "photoshopped",
    "myth",
    "satire",
    "satirical",
    "prank",
    "pranks",
    "retract",
    "retracts",
    "retracted",
    "nope",
    "no evidence",
    "not real",
    "misleading",
    "disinformation",
    "taken out of context",
    "never said",
    "doubt",  # one of Ferreira & Vlachos's refuting words
    "doubts",
    "doubted",
    "rebuff",
    "rebuffs",
    "rebuffed",
    "exaggerated",
    "erroneous",
    "misinformation",
)
HEDGE_CUES = (
    "alleged",
    "allegedly",
    "possible",
    "possibly",
    "suspected",
    "thought to",
    "suggests",
    "predicts",
    "predicted",
    "speculation",
    "purport",
    "purports",
    "apparently",
    "appear",
    "appears",
    "could",
    "evidently",
    "likely",
    "may",
    "maybe",
    "might",
    "perhaps",
    "presumably",
    "probably",
    "purported",
    "purportedly",
    "reported",
    "reportedly",
    "rumor",
    "rumors",
    "rumored",
    "rumour",
    "rumours",
    "rumoured",
    "seem",
    "seems",
    "supposedly",
    "unconfirmed",
    "unverified",
    "if true",
    "if authentic",
    "if confirmed",
    "not sure",
    "unsure",
    "unclear",
    "said to be",
    "believed to",
)
# Not confirming is not standing behind it: "has neither confirmed nor denied", "declined to
# confirm", "could not independently verify", "has not been verified".
_UNCONFIRMED = re.compile(
    r"\b(?:neither\s+confirm(?:ed|s)?\s+nor\s+den(?:y|ied|ies)"
    r"|(?:not|n't|never|declined\s+to|refused\s+to|unable\s+to)\s+(?:be\s+|been\s+|yet\s+)?"
    r"(?:independently\s+)?(?:confirm(?:ed|s)?|verif(?:y|ied|ies))\b)",
    re.IGNORECASE,
)
ATTRIBUTION_CUES = (
    "according to",
    "says",
    "say",
    "said",
    "claims",
    "claim",
    "claimed",
    "report",
    "reports",
    "sources",
    "tweets",
    "tweeted",
    "posted",
    "told",
)
# A headline's "Source: ..." / "...: officials" / "... - source" names who says it; the
# speaker's word comes just before or after the colon or dash.
SOURCE_WORDS = (
    "source|sources|official|officials|rep|congressman|congresswoman|senator|lawmaker|intel"
    "|police|report|reports|analyst|analysts|expert|experts|prosecutor|minister|ministry"
    "|spokesman|spokeswoman|spokesperson|witness|witnesses|media|insider|insiders|study"
)
_WORD = r"[\w.']+(?:-[\w.']+)*"
_SOURCE_LABEL = re.compile(
    rf"^\W*(?:{_WORD}\s+){{0,3}}(?:{SOURCE_WORDS}):\s"
    rf"|(?::|\s[\u2013\u2014-])\s*(?:{_WORD}\s+)?(?:{SOURCE_WORDS})[^\w\s.]*\s*$",
    re.IGNORECASE,
)
HEDGED_PROBABILITY = 0.8  # the hedging model alone must be this sure
NEGATION_REACH = 60  # characters before a denial word read for a negation governing it
REPORT_REACH = 120  # characters before a denial word read for a passive "told" (`_TOLD`)


def _pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


_DENIAL = _pattern(DENIAL_CUES)
_HEDGE = _pattern(HEDGE_CUES)
_ATTRIBUTION = _pattern(ATTRIBUTION_CUES)
# Verbs that deny only when their object is a report: "slams rumours", "shoots down the
# congressman's claims". Between verb and object only a determiner, a possessive or a word
# such as "media" may stand, since several of these verbs are nouns too ("two blasts
# followed reports ...", "the border dispute claims lives").
_DISMISSED_REPORT = re.compile(
    r"\b(?:slams?|slammed|blasts?|blasted|shoots? down|shot down|knocks? down|questions?"
    r"|questioned|challenges?|challenged|disputes|casts? doubt on)\s+"
    r"(?:(?:the|these|those|such|a|an|his|her|their|its|our|recent|earlier|latest|new|online"
    r"|internet|media|press|news|false|fake)\s+|(?:[\w.-]+\s+)?[\w.-]+'s?\s+){0,2}"
    r"(?:rumou?rs?|claims?|reports?|story|stories|allegations?|assertions?)\b",
    re.IGNORECASE,
)
# "made up", "made it all up" (not "made up of")
_MADE_UP = re.compile(r"\bmade\s+(?:it\s+(?:all\s+)?)?up\b(?!\s+of\b)", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|nobody|nothing)\b|n't\b", re.IGNORECASE)
# Negations that deny nothing: a speculation ("may never walk again") or an idiom ("has no
# idea", "isn't sure", "no doubt", "not only", "beyond reasonable doubt"). ("Could not",
# "no longer" and "no way" do deny.)
_IDLE_NEGATION = re.compile(
    r"\b(?:may|might)\s+(?:not|never)\b"
    r"|\b(?:little|without(?: a| any)?|beyond(?: any| reasonable)?)\s+doubt\b"
    r"|(?:\b(?:not|no|never)|n't)\s+(?:idea|sure|only|just|doubt|matter|wonder)\b",
    re.IGNORECASE,
)
# Phrases a hedge word is part of without hedging: "as soon as possible", "if possible".
_IDLE_HEDGE = re.compile(r"\bas\s+\w+\s+as\s+possible\b|\bif\s+possible\b", re.IGNORECASE)
# What a sentence quotes: a question inside it ("'Why not?' he replied") is not the
# sentence's own.
_QUOTED = re.compile(
    r'"[^"]*"|\u201c[^\u201d]*\u201d|(?<!\w)[\'\u2018][^\'\u2019]*[\'\u2019](?!\w)'
)
# A denial word under a negation or a modal denies nothing: "has neither confirmed nor
# denied", "did not deny", "refused to deny", "should be treated with caution but not
# dismissed"; "each of these could be dismissed" (a possibility, which `stance` reads as
# a hedge). Only the words just before it count: "nobody believes the fake" still denies.
_NEGATED = re.compile(
    r"(?:\b(?:not|never|nor|neither|cannot)|n't|\b(?:refused?|refuses|declined?|declines)\s+to"
    r"|\b(?:could|might|may|would))"
    r"\s+(?:(?:be|been|being|have|also|well|easily|yet|explicitly|publicly|officially|formally"
    r"|directly|flatly|outright|confirm|confirmed|or)\s+)*$",
    re.IGNORECASE,
)
# A denial word after a passive "told" in its sentence is what someone else said: "We were
# told the post was a mistake. Now we are told the recording is a fake" reports two denials
# the speaker doubts.
_TOLD = re.compile(r"\b(?:am|is|are|was|were|been|being)\s+told\b[^.!?]*$", re.IGNORECASE)
_DENIER = re.compile(
    r"\b(?:deny|denies|denied|reject|rejects|rejected|dismiss|dismisses|dismissed|refute"
    r"|refutes|refuted|rebuffs?|rebuffed|calls?|called|says?|said)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class StanceReading:
    stance: Stance
    cues: tuple[str, ...]


def denial_cues(text: str, claim: str | None = None, after: int = 0) -> list[str]:
    """The words of `text` that deny or debunk (leaving out those `claim` itself holds);
    a bare negation is not one of them (`stance` weighs it against the claim). With
    `after`, only the words from that offset on count: the text before it is read for
    what governs them (a cue `denied` after "has neither confirmed nor")."""
    return _denials(_IDLE_NEGATION.sub(_blank, text), claim, after)


def _blank(match: re.Match[str]) -> str:
    """A match's characters as spaces, so that offsets into the text stay true."""
    return " " * len(match.group(0))


def _denials(said: str, claim: str | None, after: int = 0) -> list[str]:
    """`denial_cues` of a text whose idle negations are blanked out."""
    claim_words = set(re.findall(r"[\w']+", (claim or "").casefold()))
    found = [
        m.group(0)
        for m in _DENIAL.finditer(said, after)
        if m.group(0).casefold() not in claim_words
        and not _NEGATED.search(said, max(0, m.start() - NEGATION_REACH), m.start())
        and not _TOLD.search(said, max(0, m.start() - REPORT_REACH), m.start())
    ]
    found += [m.group(0) for m in _MADE_UP.finditer(said, after)]
    return found + [m.group(0) for m in _DISMISSED_REPORT.finditer(said, after)]


def stance(text: str, claim: str | None = None) -> StanceReading:
    """How `text` presents its claim (see the module doc)."""
    said = _UNCONFIRMED.sub(_blank, _IDLE_NEGATION.sub(_blank, text))  # hedges, not denials
    denials = _denials(said, claim)
    negations = [m.group(0) for m in _NEGATION.finditer(said)]
    if claim is not None and negations and not _NEGATION.search(claim):
        denials += negations  # the claim says X; the text says not X
    if denials:
        # someone denies ("X denied", "X slams the rumours"), or the text disputes itself
        denier = _DENIER.search(text) or _DISMISSED_REPORT.search(text)
        kind: Stance = "denied" if denier else "disputed"
        return StanceReading(kind, tuple(dict.fromkeys(denials)))
    hedges = [m.group(0) for m in _HEDGE.finditer(_IDLE_HEDGE.sub(" ", text))]
    hedges += [m.group(0) for m in _UNCONFIRMED.finditer(text)]
    if "?" in _QUOTED.sub(" ", text):
        hedges.append("?")
    if hedges or uncertainty(text) >= HEDGED_PROBABILITY:
        return StanceReading("hedged", tuple(dict.fromkeys(hedges)))
    attributions = [m.group(0) for m in _ATTRIBUTION.finditer(text)]
    attributions += [m.group(0).strip(" :-\u2013\u2014") for m in _SOURCE_LABEL.finditer(text)]
    # a claim that is itself someone's statement ("the priest says he met God") is asserted
    # by a text that reports that statement ("priest claims God is female"): only cues
    # beyond the claim's own attribute it ("according to a channel, the priest said ...")
    if claim is not None and len(attributions) <= len(_ATTRIBUTION.findall(claim)):
        attributions = []
    if attributions:
        return StanceReading("attributed", tuple(dict.fromkeys(attributions)))
    return StanceReading("asserted", ())

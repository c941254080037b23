"""Do two names denote the same person or organisation, whatever the spelling?

The same person reaches the news as Andrei / Andrey / Andriy Volkhonsky / Volkhonskiy /
Volkhonskyi, "Mr Volkhonsky", "VOLKHONSKY, Andrei"; a company as "Vodafone Limited" and
"Vodafone Ltd". `compare_names` decides in three steps:

1. **Normalise**: Unicode to ASCII (unidecode: Cyrillic, Greek, accents), case, punctuation;
   "Surname, Given" reordered; honorifics and titles dropped; legal forms of companies
   (Ltd, LLC, AG, OOO…) reduced to one canonical token each.
2. **Fold romanisations** per token into a key: ei/ey/iy/ii/yi → i, yo/jo → e, kh → h,
   ts/tz → c, j/y → i, w → v, ph → f, sch → sh, -sky/-skiy/-skyi → ski, doubled letters.
3. **Align tokens** (order-free): each token of the shorter name takes its best partner in
   the longer one. A pair counts when the keys are equal, or one is the initial of the
   other, or they are near enough for a typo (edit similarity on the keys). The verdict
   needs every token of the shorter name aligned, at most one unaligned token in the longer
   one (a middle name) unless the names are two tokens apart, and the *last* token — the
   surname, or a company's distinctive word — to align closely: different people who share
   a first name or a surname stay apart.

The score (0–1) is the mean similarity of the aligned tokens, lowered by unaligned ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from unidecode import unidecode

_HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady monsieur madame mme mlle herr frau "
    "senor senora sheikh shaikh sheik haji hajji mullah imam rev reverend hon honourable "
    "gen general col colonel maj major capt captain lt lieutenant sgt president premier "
    "minister deputy senator rep mp ambassador judge justice".split()
)
# Legal forms: each spelling maps to one token, so "Ltd" and "Limited" are equal.
_LEGAL_FORMS = {
    "ltd": "ltd",
    "limited": "ltd",
    "llc": "llc",
    "lc": "llc",
    "inc": "inc",
    "incorporated": "inc",
    "corp": "corp",
    "corporation": "corp",
    "co": "co",
    "company": "co",
    "plc": "plc",
    "ag": "ag",
    "aktiengesellschaft": "ag",
    "gmbh": "gmbh",
    "sa": "sa",
    "sas": "sa",
    "sarl": "sa",
    "srl": "srl",
    "spa": "spa",
    "bv": "bv",
    "nv": "nv",
    "ooo": "ooo",
    "oao": "ao",
    "zao": "ao",
    "pao": "ao",
    "pjsc": "ao",
    "jsc": "ao",
    "ao": "ao",
    "lp": "lp",
    "llp": "llp",
    "kg": "kg",
    "oy": "oy",
    "ab": "ab",
    "as": "as",
    "pty": "pty",
    "spzoo": "spzoo",
}
# Spelled-out legal forms, matched on the lowercase ASCII text before tokenising.
_LEGAL_PHRASES = (
    (re.compile(r"\b(?:open|closed) joint[ -]stock company\b"), "ao"),
    (re.compile(r"\b(?:public )?joint[ -]stock company\b"), "ao"),
    (re.compile(r"\blimited liability company\b"), "llc"),
    (re.compile(r"\bpublic limited company\b"), "plc"),
    (re.compile(r"\bgesellschaft mit beschrankter haftung\b"), "gmbh"),
    (re.compile(r"\bsocietatea cu raspundere limitata\b"), "srl"),
    (re.compile(r"\bsp\.? z o\.? ?o\.?"), "spzoo"),
)
_NUMBER_WORDS = {
    "one": "1",
    "first": "1",
    "1st": "1",
    "two": "2",
    "second": "2",
    "2nd": "2",
    "three": "3",
    "third": "3",
    "3rd": "3",
    "four": "4",
    "fourth": "4",
    "4th": "4",
    "five": "5",
    "fifth": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fourty": "40",
    "fifty": "50",
}
_LEET = str.maketrans("0134579", "oieastg")
_PARENTHESES = re.compile(r"\([^()]*\)")
_DOTTED = re.compile(r"(?<![a-z])(?:[a-z]\.){2,}[a-z]?")  # "g.m.b.h." / "u.s."
# Common English diminutives: the short form is the same given name.
_NICKNAMES = {
    "bill": "william",
    "will": "william",
    "bob": "robert",
    "rob": "robert",
    "dick": "richard",
    "rick": "richard",
    "jim": "james",
    "jimmy": "james",
    "mike": "michael",
    "tom": "thomas",
    "ted": "theodore",
    "teddy": "theodore",
    "tony": "anthony",
    "joe": "joseph",
    "bibi": "benjamin",
    "ben": "benjamin",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "kate": "katherine",
    "peggy": "margaret",
    "sasha": "alexander",
    "misha": "mikhail",
    "volodya": "vladimir",
    "dima": "dmitry",
    "kolya": "nikolai",
}
_FILLERS = frozenset({"of", "the", "and", "de", "der", "la", "le", "du", "des", "y", "e"})
# Arabic-script particles romanised many ways: al/el/ul, bin/ben/ibn, abd/abdul, abu/abou.
_PARTICLES = {"el": "al", "ul": "al", "ben": "bin", "ibn": "bin", "abou": "abu"}
_FOLDS = (
    (re.compile(r"sch"), "sh"),
    (re.compile(r"(?<=[a-z])(sky|skiy|skyi|skii|skij|skyj)$"), "ski"),
    (re.compile(r"t?ch"), "c"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"sj"), "s"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"tz|ts"), "c"),
    (re.compile(r"(?<=[a-z])(ei|ey|ej|iy|ii|yi|ij|yj)(?=[^aeiou]|$)"), "i"),
    (re.compile(r"yo|jo|yё"), "e"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"w"), "v"),
    (re.compile(r"[jy]"), "i"),
    (re.compile(r"(?<=[a-z])ck"), "k"),
    (re.compile(r"q"), "k"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Similarity floors on folded keys: the surname (last token) must be close; another token
# may be a typo away ("Tom" / "Tim" Cook) but not a different name ("Igor" / "Oleg").
_LAST_TOKEN_FLOOR = 0.74
_LONE_TOKEN_FLOOR = 0.9  # one word standing for a longer name must be nearly that word
_OTHER_TOKEN_FLOOR = 0.6
MATCH_THRESHOLD = 0.8
_LEGAL_SET = frozenset(_LEGAL_FORMS.values())
_PATRONYMIC = re.compile(r"(?:ovic|evic|ovna|evna|ic)$")  # folded: -ovich -> -ovic
_VOWELS = frozenset("aeiou")
_SKELETON_MIN_CHARS = 5
_NUMBER_SIMILARITY = 0.7
_SKELETON_WEIGHT = 0.9
_NO_VOWELS = str.maketrans("", "", "aeiouy")


@dataclass(frozen=True, slots=True)
class NameComparison:
    match: bool
    score: float
    left: tuple[str, ...]
    right: tuple[str, ...]


def name_tokens(name: str) -> tuple[str, ...]:
    """The comparable tokens of `name`: transliterated, folded, without titles or fillers."""
    text = unicodedata.normalize("NFKC", name)[:300]  # a 1,000-character "name" is noise
    if "," in text:  # "VOLKHONSKY, Andrei" -> "Andrei VOLKHONSKY"
        head, _, tail = text.partition(",")
        if tail.strip() and len(head.split()) <= 3 and not _legal_form_only(tail):
            text = f"{tail} {head}"
    ascii_text = unidecode(text).lower().replace("'", "").replace("`", "").replace("’", "")
    for pattern, form in _LEGAL_PHRASES:
        ascii_text = pattern.sub(f" {form} ", ascii_text)
    # "L.L.C." and "o.O.O." are one token; dots between words are not
    ascii_text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), ascii_text)
    raw = [token for token in _NON_WORD.split(ascii_text) if token]
    tokens = []
    for token in raw:
        if (token in _HONORIFICS and len(raw) > 1) or token in _FILLERS:
            continue
        token = _NICKNAMES.get(token, token)
        if token in _NUMBER_WORDS:
            tokens.append(_NUMBER_WORDS[token])
            continue
        if not token.isdigit() and any(c.isdigit() for c in token):
            token = token.translate(_LEET)  # "I9or Sech1n"
        tokens.append(_LEGAL_FORMS.get(token) or _PARTICLES.get(token) or fold(token))
    return tuple(_merge_numbers(tokens))


def _merge_numbers(tokens: list[str]) -> list[str]:
    """ "forty four" -> "44"."""
    merged: list[str] = []
    for token in tokens:
        if (
            token.isdigit()
            and len(token) == 1
            and merged
            and merged[-1].isdigit()
            and merged[-1].endswith("0")
            and len(merged[-1]) == 2
        ):
            merged[-1] = merged[-1][0] + token
        else:
            merged.append(token)
    return merged


def fold(token: str) -> str:
    """Romanisation-insensitive key of one lowercase ASCII token."""
    for pattern, replacement in _FOLDS:
        token = pattern.sub(replacement, token)
    return token


def compare_names(left: str, right: str) -> NameComparison:
    """Same person or organisation? See the module docstring for how it decides."""
    if ("(" in left) != ("(" in right):
        # A qualifier in parentheses on one side only ("Deutsche Bank (Schweiz) AG") is
        # optional; on both sides it distinguishes ("(Hong Kong)" / "(Australia)").
        plain = _compare(_PARENTHESES.sub(" ", left), _PARENTHESES.sub(" ", right))
        if plain.match:
            return plain
    return _compare(left, right)


def _compare(left: str, right: str) -> NameComparison:
    a, b = name_tokens(left), name_tokens(right)
    if not a or not b:
        return NameComparison(False, 0.0, a, b)
    # Spacing differs ("PricewaterhouseCoopers", "van der bilt"), or one is the acronym.
    core_a, core_b = _core(a), _core(b)
    if (
        _joined(left) == _joined(right)
        or "".join(core_a) == "".join(core_b)
        or _acronym_of(core_a, core_b)
    ):
        return NameComparison(True, 1.0, a, b)
    company = not (_LEGAL_SET.isdisjoint(a) and _LEGAL_SET.isdisjoint(b))
    # A legal form on one side only says nothing ("Faberlic" / "Faberlic Sp. z o.o.").
    if _LEGAL_SET.isdisjoint(a) or _LEGAL_SET.isdisjoint(b):
        a, b = core_a or a, core_b or b
    # A canonical order keeps the verdict symmetric when both have as many tokens.
    short, long_ = sorted((a, b), key=lambda tokens: (len(tokens), tokens))
    pairs = _align(short, long_)
    if len(pairs) < len(short):
        score = sum(s for _, _, s in pairs) / (len(long_) + len(short) - len(pairs))
        return NameComparison(False, round(score, 4), a, b)
    aligned_long = {j for _, j, _ in pairs}
    # Patronymics (Viktorovich, Petrovna) are often left out; they do not count as missing.
    unaligned = sum(
        1
        for j, token in enumerate(long_)
        if j not in aligned_long and not _PATRONYMIC.search(token)
    )
    similarities = [s for _, _, s in pairs]
    score = sum(similarities) / (len(pairs) + 0.5 * unaligned)
    last = _last_pair(short, long_, pairs)
    # One token alone ("Erdogan", "Faberlic") may stand for a longer name when it is that
    # name's first or last word.
    lone = (
        len(short) == 1
        and len(short[0]) >= 4
        and pairs[0][1] in (0, len(long_) - 1)
        and (len(long_) == 1 or pairs[0][2] >= _LONE_TOKEN_FLOOR)
    )
    match = (
        score >= MATCH_THRESHOLD * (0.5 if lone else 1)
        and (
            unaligned <= _allowed_unaligned(short, long_, pairs, company)
            if len(short) >= 2
            else lone and unaligned <= 2
        )
        and last >= _LAST_TOKEN_FLOOR
        and all(s >= _OTHER_TOKEN_FLOOR for s in similarities)
    )
    return NameComparison(match, round(score, 4), a, b)


def _align(short: tuple[str, ...], long_: tuple[str, ...]) -> list[tuple[int, int, float]]:
    """Greedy best-first one-to-one alignment: (index in short, index in long, similarity)."""
    candidates = sorted(
        ((_token_similarity(x, y), i, j) for i, x in enumerate(short) for j, y in enumerate(long_)),
        reverse=True,
    )
    used_short: set[int] = set()
    used_long: set[int] = set()
    pairs = []
    for similarity, i, j in candidates:
        if similarity < _OTHER_TOKEN_FLOOR or i in used_short or j in used_long:
            continue
        used_short.add(i)
        used_long.add(j)
        pairs.append((i, j, similarity))
    return pairs


def _token_similarity(x: str, y: str) -> float:
    if x == y:
        return 1.0
    if x.isdigit() and y.isdigit():
        return _NUMBER_SIMILARITY  # a series or vintage number: same name, another issue
    if x.isdigit() or y.isdigit():
        return 0.0
    if len(x) == 1 or len(y) == 1:  # an initial matches the names it starts
        return 0.9 if x[0] == y[0] else 0.0
    similarity = float(Levenshtein.normalized_similarity(x, y))
    skeleton = Levenshtein.normalized_similarity(x.translate(_NO_VOWELS), y.translate(_NO_VOWELS))
    if not _VOWELS.intersection(x) or not _VOWELS.intersection(y):
        # Arabic and Hebrew script leave no vowels after transliteration: compare skeletons.
        similarity = max(similarity, 0.95 * skeleton)
    elif min(len(x), len(y)) >= _SKELETON_MIN_CHARS:
        # Transliterations of long names differ mostly in vowels (Oleksandr / Aleksandr).
        similarity = max(similarity, _SKELETON_WEIGHT * skeleton)
    return similarity


def _joined(name: str) -> str:
    """All letters and digits of `name`, folded: spacing and punctuation aside, the same
    name ("van der Bilt" / "Vanderbilt", "Pricewaterhouse Coopers")."""
    return fold("".join(_NON_WORD.split(unidecode(name).lower())))


def _core(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(token for token in tokens if token not in _LEGAL_SET)


def _acronym_of(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """ "pla" for "peoples liberation army", "us" for "united states"."""
    for one, other in ((a, b), (b, a)):
        if (
            len(one) == 1
            and len(other) >= 2
            and len(one[0]) == len(other)
            and one[0] == "".join(token[0] for token in other)
        ):
            return True
    # "us department state" / "united states department state": one token is the
    # initials of consecutive tokens of the other name, the rest is equal
    for one, other in ((a, b), (b, a)):
        for index, token in enumerate(one):
            width = len(token)
            for start in range(len(other) - width + 1):
                window = other[start : start + width]
                if (
                    width >= 2
                    and "".join(t[0] for t in window) == token
                    and (one[:index] + one[index + 1 :] == other[:start] + other[start + width :])
                ):
                    return True
    return False


def _allowed_unaligned(
    short: tuple[str, ...],
    long_: tuple[str, ...],
    pairs: list[tuple[int, int, float]],
    company: bool,
) -> int:
    """For a person, one extra token (a middle name) is fine, two when both ends agree
    exactly (two middle names left out). For a company an extra word names another
    company: "Deutsche Bank Trust Company" is not "Deutsche Bank"."""
    if company:
        return 0
    exact = {(i, j) for i, j, similarity in pairs if similarity == 1.0}
    ends_agree = (0, 0) in exact and (len(short) - 1, len(long_) - 1) in exact
    return 2 if ends_agree and len(short) >= 3 else 1


def _last_pair(
    short: tuple[str, ...], long_: tuple[str, ...], pairs: list[tuple[int, int, float]]
) -> float:
    """Similarity of the pair holding the shorter name's last distinctive token."""
    distinctive = [
        i for i, token in enumerate(short) if token not in _LEGAL_SET and not token.isdigit()
    ]
    last = distinctive[-1] if distinctive else len(short) - 1
    return next((s for i, _, s in pairs if i == last), 0.0)


def _legal_form_only(text: str) -> bool:
    words = [w for w in _NON_WORD.split(unidecode(text).lower()) if w]
    return bool(words) and all(w in _LEGAL_FORMS for w in words)

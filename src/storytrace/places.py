"""Renamed places and exonyms, and country demonyms, for resolving places to one entity.

A small curated table: each row is the current name, its other names, and where the
renaming is documented. Demonyms map to countries for event coding ("Russian" -> Russia);
for countries not in the table (or invented ones), `demonym_of` recognises the regular
English forms (Dravnia -> Dravnian, Kazakhstan -> Kazakh).
"""

from __future__ import annotations

from storytrace.names import name_tokens

# (current name, other names, source)
RENAMED_PLACES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Kyiv", ("Kiev", "Kiyev"), "Ukrainian national romanisation (Cabinet resolution 55, 2010)"),
    ("Kharkiv", ("Kharkov",), "Ukrainian national romanisation (2010)"),
    ("Odesa", ("Odessa",), "Ukrainian national romanisation (2010)"),
    ("Lviv", ("Lvov", "Lwow", "Lemberg"), "Ukrainian national romanisation (2010)"),
    ("Astana", ("Nur-Sultan", "Akmola", "Tselinograd"), "renamed 2019, restored 2022 (decree)"),
    ("Almaty", ("Alma-Ata",), "renamed 1993 (Kazakhstan parliament)"),
    ("Saint Petersburg", ("Leningrad", "Petrograd", "St Petersburg"), "renamed 1991"),
    ("Volgograd", ("Stalingrad",), "renamed 1961"),
    ("Mumbai", ("Bombay",), "renamed 1995 (Maharashtra government)"),
    ("Chennai", ("Madras",), "renamed 1996 (Tamil Nadu government)"),
    ("Kolkata", ("Calcutta",), "renamed 2001 (West Bengal government)"),
    ("Beijing", ("Peking",), "Hanyu Pinyin, adopted 1979"),
    ("Yangon", ("Rangoon",), "renamed 1989"),
    ("Myanmar", ("Burma",), "renamed 1989 (UN usage)"),
    ("Eswatini", ("Swaziland",), "renamed 2018 (UN usage)"),
    ("North Macedonia", ("Macedonia",), "Prespa agreement, 2019"),
    ("Türkiye", ("Turkey", "Turkiye"), "UN usage since 2022"),
    ("Côte d'Ivoire", ("Ivory Coast",), "UN usage"),
    ("Czechia", ("Czech Republic",), "UN short name since 2016"),
)

DEMONYMS: dict[str, str] = {
    "Russian": "Russia",
    "Ukrainian": "Ukraine",
    "Kazakh": "Kazakhstan",
    "Kazakhstani": "Kazakhstan",
    "Belarusian": "Belarus",
    "American": "United States",
    "British": "United Kingdom",
    "Chinese": "China",
    "French": "France",
    "German": "Germany",
    "Polish": "Poland",
    "Turkish": "Türkiye",
    "Georgian": "Georgia",
    "Armenian": "Armenia",
    "Azerbaijani": "Azerbaijan",
    "Moldovan": "Moldova",
    "Lithuanian": "Lithuania",
    "Latvian": "Latvia",
    "Estonian": "Estonia",
    "Finnish": "Finland",
    "Israeli": "Israel",
    "Iranian": "Iran",
    "Iraqi": "Iraq",
    "Syrian": "Syria",
    "Turkmen": "Turkmenistan",
    "Uzbek": "Uzbekistan",
    "Kyrgyz": "Kyrgyzstan",
    "Tajik": "Tajikistan",
}

_OTHER_NAMES = {
    key: current
    for current, others, _ in RENAMED_PLACES
    for key in (name_tokens(current), *(name_tokens(other) for other in others))
}
_DEMONYM_KEYS = {name_tokens(demonym): country for demonym, country in DEMONYMS.items()}


def canonical_place(name: str) -> str:
    """The current name of a place that was renamed, else `name` itself."""
    return _OTHER_NAMES.get(name_tokens(name), name)


def country_of_demonym(demonym: str) -> str | None:
    return _DEMONYM_KEYS.get(name_tokens(demonym))


def demonym_of(demonym: str, place: str) -> bool:
    """Is `demonym` the regular English adjective of `place`? (Dravnia -> Dravnian,
    Lessaria -> Lessarian, Kazakhstan -> Kazakh)."""
    adjective, country = name_tokens(demonym), name_tokens(place)
    if len(adjective) != 1 or len(country) != 1:
        return False
    word, stem = adjective[0], country[0]
    for suffix in ("stan", "ia", "a", "y", "e", "o"):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            stem = stem[: -len(suffix)]
            break
    return word.startswith(stem) and len(word) - len(stem) <= 4

"""Which country (or international organisation) a phrase names: for coding event actors.

The table of countries comes from the `countryinfo` package (names, other spellings, ISO
3166 alpha-3 codes, capitals, demonyms); the few additions below are the forms news text
uses that it lacks (U.S., Britain, Serb, plural demonyms), historical states' successors
as CAMEO codes them (West Germany -> DEU, Zaire -> COD), regions that name their state in
news (Gaza -> PSE, Darfur -> SDN), international organisations (code `IGO`), a handful of
non-state armed groups widely known by name (their base country, or `IMG` for
international militant groups, as CAMEO does) and non-governmental organisations (`NGO`).

`find` returns every match in a text with its character span, longest first, so a caller
can tell which actor phrase holds which country. Matching is case-sensitive (names are
proper nouns: "US" the country, not "us") and on word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from countryinfo import CountryInfo

IGO = "IGO"
NGO = "NGO"

# forms news text uses that countryinfo lacks (or spells otherwise), and demonyms it gives
# to a territory first ("American" is American Samoa's and the USA's)
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "USA": ("U.S.", "U.S.A.", "US", "USA", "America", "American", "Americans", "Washington"),
    "IND": ("Indian", "Indians"),
    "DOM": ("Dominican", "Dominicans"),
    "ARE": ("UAE", "Emirati", "Emiratis"),
    "GBR": (
        "UK",
        "U.K.",
        "Britain",
        "Briton",
        "Britons",
        "England",
        "Northern Ireland",
        "Scotland",
    ),
    "SRB": ("Serb", "Serbs"),
    "HRV": ("Croat", "Croats"),
    "BIH": ("Bosnia", "Bosnian Serb", "Bosnian Serbs", "Bosniak", "Bosniaks"),
    "CHN": ("PRC", "Tibet"),
    "TWN": ("Taipei",),
    "DEU": ("West Germany", "West German", "East Germany", "East German"),
    # "Congolese": the larger Congo, as news mostly means it
    "COD": ("Congolese", "DRC", "Zaire", "Zairean", "Congo-Kinshasa"),
    "KHM": ("Kampuchea", "Kampuchean"),
    "MMR": ("Burma",),
    "TLS": ("East Timor", "East Timorese"),
    "PSE": ("Gaza", "Gaza Strip", "West Bank", "Palestinians", "PLO"),
    "SDN": ("Darfur",),
    "RUS": ("Chechnya", "Siberia", "Soviet Union", "Soviet", "Kremlin"),
    "CZE": ("Czechia", "Czechoslovakia", "Czechoslovak"),
    "NLD": ("Holland", "Dutch"),
    "CHE": ("Swiss",),
    "PHL": ("Filipino", "Filipinos"),
    "AFG": ("Afghan", "Afghans"),
    "KOR": ("Seoul",),
    "PRK": ("Pyongyang",),
}
# names holding a country's that are something else
NOT_COUNTRIES: tuple[str, ...] = (
    "New Mexico",
    "New Jersey",
    "New Guinea",
    "Rhode Island",
    "Jersey",  # the island dependency is rarer in news than the state and the shirt
    "Island",
)
# international organisations, by the names and abbreviations news text uses
IGO_NAMES: tuple[str, ...] = (
    "UN",
    "U.N.",
    "United Nations",
    "Security Council",
    "General Assembly",
    "UNHCR",
    "UNICEF",
    "World Food Programme",
    "World Health Organization",
    "IAEA",
    "International Atomic Energy Agency",
    "International Criminal Court",
    "OSCE",
    "NATO",
    "EU",
    "European Union",
    "European Community",
    "European Commission",
    "Arab League",
    "African Union",
    "ECOWAS",
    "ASEAN",
    "OPEC",
    "World Bank",
    "IMF",
    "International Monetary Fund",
    "WTO",
    "Interpol",
    "Red Cross",
    "Red Crescent",
)
NGO_NAMES: tuple[str, ...] = (
    "Amnesty International",
    "Human Rights Watch",
    "Doctors Without Borders",
    "Medecins Sans Frontieres",
    "Reporters Without Borders",
    "Transparency International",
)
# non-state armed groups widely known by name: (code, names)
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PSE", ("Hamas", "Fatah", "Islamic Jihad", "Palestine Liberation Organization")),
    ("LBN", ("Hezbollah", "Hizbollah", "Hizballah")),
    ("AFG", ("Taliban",)),
    ("IMG", ("al-Qaeda", "al-Qaida", "Al-Qaeda", "Al Qaeda", "Islamic State", "ISIS", "ISIL")),
    ("TUR", ("PKK", "Kurdistan Workers' Party", "Kurdistan Workers Party")),
    ("LKA", ("Tamil Tigers", "LTTE", "Liberation Tigers")),
    ("COL", ("FARC",)),
    ("ESP", ("ETA",)),
    ("GBR", ("IRA", "Irish Republican Army")),
    ("YEM", ("Houthis", "Houthi")),
    ("NGA", ("Boko Haram",)),
    ("SOM", ("al-Shabaab", "Al-Shabaab")),
)


@dataclass(frozen=True, slots=True)
class CountryMatch:
    start: int
    end: int
    text: str
    code: str  # ISO 3166 alpha-3, or IGO / NGO / IMG


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    names: dict[str, str] = {}

    def add(name: str | None, code: str) -> None:
        if name and len(name) >= 2 and not name.isdigit():
            names.setdefault(name.strip(), code)

    for entry in CountryInfo.all().values():
        info: dict[str, Any] = dict(entry)  # the package's types say more is present than is
        code = (info.get("ISO") or {}).get("alpha3")
        if not code:
            continue
        add(info.get("name"), code)
        for spelling in info.get("altSpellings") or ():
            # ISO codes ("IN", "IT", "CAN", "ARE") are ordinary words in English text
            if not (spelling.isupper() and len(spelling) <= 3):
                add(spelling, code)
        capital = info.get("capital")
        for city in [capital] if isinstance(capital, str) else capital or ():
            add(city, code)
            add(city.split(" D.C.")[0], code)
        demonym = info.get("demonym")
        if demonym:
            add(demonym, code)
            add(demonym + "s" if not demonym.endswith(("s", "sh", "ch", "ese")) else None, code)
    for code, extra in EXTRA_NAMES.items():
        for name in extra:
            names[name] = code  # ours win over the table's first-come entries
    for code, group in GROUPS:
        for name in group:
            names[name] = code
    for name in IGO_NAMES:
        names[name] = IGO
    for name in NGO_NAMES:
        names[name] = NGO
    for name in NOT_COUNTRIES:
        names[name] = ""  # matched, so that "Mexico" in "New Mexico" is not, then dropped
    ordered = sorted(names, key=len, reverse=True)  # "South Korea" before "Korea"
    pattern = re.compile(
        r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w])(?:'s)?"
    )
    return pattern, names


def find(text: str) -> list[CountryMatch]:
    """Every country, organisation or group named in `text`, in order."""
    pattern, names = _table()
    found = []
    for match in pattern.finditer(text):
        name = match.group(0)
        if name.endswith("'s"):
            name = name[:-2]
        if names[name]:
            found.append(CountryMatch(match.start(), match.start() + len(name), name, names[name]))
    return found


def code_of(name: str) -> str | None:
    """The code of a whole name ("Lebanese" -> LBN), or None."""
    return _table()[1].get(name.strip()) or None

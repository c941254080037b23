"""The event coder's lexicon: PLOVER categories, their Goldstein intensities, and the
words that code them.

Ours, written from the PLOVER manual's category definitions and the CAMEO event
descriptions it maps from (`CAMEO2PLOVER`), not copied from any coder's dictionaries. A
verb is looked up by its base form (`events.base_form`), a phrasal verb with its particle
or preposition ("turn down", "call for"); a noun after a light verb ("held *talks*").
"""

from __future__ import annotations

# Goldstein (1992) weights of the CAMEO root codes each PLOVER category comes from
INTENSITY: dict[str, float] = {
    "AGREE": 4.0,  # 03 express intent to cooperate
    "CONSULT": 1.0,  # 04
    "SUPPORT": 3.5,  # 05 engage in diplomatic cooperation
    "COOPERATE": 6.0,  # 06 material cooperation
    "AID": 7.0,  # 07
    "CONCEDE": 5.0,  # 08 yield
    "RETREAT": 5.0,  # 08 yield (release, withdraw, ceasefire)
    "INVESTIGATE": -2.0,  # 09
    "DEMAND": -5.0,  # 10
    "DISAPPROVE": -2.0,  # 11
    "REJECT": -4.0,  # 12
    "THREATEN": -6.0,  # 13
    "PROTEST": -6.5,  # 14
    "MOBILIZE": -7.2,  # 15 exhibit force posture
    "SANCTION": -4.0,  # 16 reduce relations
    "COERCE": -7.0,  # 17
    "ASSAULT": -9.0,  # 18
    "FIGHT": -10.0,  # 19
}
CATEGORIES = tuple(INTENSITY)
# announced as future, these are an intent to cooperate (AGREE) or a threat (THREATEN)
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "AGREE"})
HOSTILE = frozenset({"PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT", "FIGHT"})

# verbs (base forms; phrasal verbs with their particle) -> (category, mode)
VERBS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("agree", "pledge", "promise", "offer", "propose", "vow", "undertake", "commit"),
        ("AGREE", ""),
    ),
    **dict.fromkeys(
        (
            "meet",
            "visit",
            "host",
            "discuss",
            "negotiate",
            "confer",
            "consult",
            "telephone",
            "phone",
            "mediate",
            "tour",
        ),
        ("CONSULT", ""),
    ),
    **dict.fromkeys(
        (
            "praise",
            "endorse",
            "welcome",
            "commend",
            "defend",
            "back",
            "support",
            "apologize",
            "apologise",
            "forgive",
            "recognize",
            "recognise",
            "thank",
            "congratulate",
            "hail",
            "applaud",
            "sign",
            "ratify",
        ),
        ("SUPPORT", ""),
    ),
    **dict.fromkeys(("cooperate", "collaborate", "coordinate", "extradite"), ("COOPERATE", "")),
    **dict.fromkeys(
        (
            "aid",
            "help",
            "assist",
            "send",
            "provide",
            "supply",
            "donate",
            "deliver",
            "fund",
            "finance",
            "airlift",
            "rescue",
            "shelter",
            "lend",
            "evacuate",
            "hand over",
        ),
        ("AID", ""),
    ),
    **dict.fromkeys(
        (
            "concede",
            "yield",
            "ease",
            "lift",
            "relax",
            "accede",
            "allow",
            "permit",
            "approve",
            "accept",
            "grant",
            "pardon",
            "legalize",
            "legalise",
        ),
        ("CONCEDE", ""),
    ),
    **dict.fromkeys(
        (
            "withdraw",
            "retreat",
            "surrender",
            "release",
            "free",
            "return",
            "resign",
            "disarm",
            "demobilize",
            "demobilise",
            "pull out",
            "pull back",
            "step down",
            "compensate",
            "repatriate",
        ),
        ("RETREAT", ""),
    ),
    **dict.fromkeys(
        ("investigate", "probe", "inquire", "examine", "inspect", "audit", "interrogate"),
        ("INVESTIGATE", ""),
    ),
    **dict.fromkeys(
        (
            "demand",
            "urge",
            "press",
            "pressure",
            "pressurize",
            "push",
            "insist",
            "request",
            "ask",
            "appeal",
            "seek",
            "call for",
            "call on",
            "call upon",
            "order",
            "exhort",
        ),
        ("DEMAND", ""),
    ),
    **dict.fromkeys(
        (
            "criticize",
            "criticise",
            "condemn",
            "denounce",
            "blame",
            "charge",
            "indict",
            "complain",
            "deplore",
            "sue",
            "convict",
            "rebuke",
            "slam",
            "decry",
            "censure",
            "fault",
            "lambaste",
            "castigate",
            "disapprove",
            "regret",
            "summon",  # an ambassador: a formal complaint
        ),
        ("DISAPPROVE", ""),
    ),
    "accuse": ("DISAPPROVE", "accuse"),
    "allege": ("DISAPPROVE", "accuse"),
    **dict.fromkeys(
        (
            "reject",
            "refuse",
            "decline",
            "deny",
            "dismiss",
            "oppose",
            "veto",
            "rebuff",
            "spurn",
            "turn down",
            "resist",
            "defy",
            "repudiate",
            "disavow",
        ),
        ("REJECT", ""),
    ),
    **dict.fromkeys(("threaten", "warn", "menace", "intimidate", "swear"), ("THREATEN", "")),
    **dict.fromkeys(
        (
            "demonstrate",
            "rally",
            "march",
            "strike",
            "riot",
            "picket",
            "boycott",
            "protest",
            "block",
            "blockade",
        ),
        ("PROTEST", ""),
    ),
    **dict.fromkeys(
        (
            "mobilize",
            "mobilise",
            "deploy",
            "mass",
            "reinforce",
            "station",
            "call up",
            "strengthen",
            "bolster",
            "build up",
        ),
        ("MOBILIZE", ""),
    ),
    **dict.fromkeys(
        (
            "sanction",
            "expel",
            "embargo",
            "suspend",
            "sever",
            "recall",
            "freeze",
            "halt",
            "cut",
            "withhold",
            "prohibit",
            "reduce",
            "cancel",
            "break off",
        ),
        ("SANCTION", ""),
    ),
    **dict.fromkeys(
        (
            "arrest",
            "detain",
            "jail",
            "imprison",
            "deport",
            "ban",
            "outlaw",
            "censor",
            "confiscate",
            "seize",
            "occupy",
            "demolish",
            "raid",
            "prevent",
            "suppress",
            "crack down",
            "disperse",
            "evict",
            "restrict",
            "impose",
            "besiege",
            "annex",
            "burn",
            "destroy",
            "expropriate",
            "nationalize",
            "sentence",
        ),
        ("COERCE", ""),
    ),
    **dict.fromkeys(
        (
            "attack",
            "kill",
            "assassinate",
            "bomb",
            "explode",
            "abduct",
            "kidnap",
            "hijack",
            "torture",
            "beat",
            "massacre",
            "shoot",
            "stab",
            "ambush",
            "wound",
            "injure",
            "execute",
            "behead",
            "murder",
            "lynch",
        ),
        ("ASSAULT", ""),
    ),
    **dict.fromkeys(
        (
            "fight",
            "clash",
            "shell",
            "bombard",
            "invade",
            "battle",
            "engage",
            "fire",
            "capture",
            "storm",
            "strafe",
            "overrun",
        ),
        ("FIGHT", ""),
    ),
}
# nouns that carry the event after a light verb ("held talks", "issued an ultimatum")
NOUNS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("talks", "meeting", "negotiations", "consultations", "summit", "visit", "discussions"),
        ("CONSULT", ""),
    ),
    **dict.fromkeys(("ultimatum", "threat", "threats", "warning"), ("THREATEN", "")),
    **dict.fromkeys(
        ("strike", "protest", "protests", "demonstration", "demonstrations", "rally", "march"),
        ("PROTEST", ""),
    ),
    **dict.fromkeys(("boycott", "sit-in", "riot", "riots"), ("PROTEST", "")),
    **dict.fromkeys(
        ("offensive", "invasion", "airstrike", "airstrikes", "bombardment", "shelling", "war"),
        ("FIGHT", ""),
    ),
    **dict.fromkeys(("bombing", "bombings", "assassination", "massacre"), ("ASSAULT", "")),
    **dict.fromkeys(
        ("investigation", "investigations", "inquiry", "probe", "hearing", "inspection"),
        ("INVESTIGATE", ""),
    ),
    **dict.fromkeys(("embargo", "sanctions", "sanction"), ("SANCTION", "")),
    **dict.fromkeys(
        ("curfew", "ban", "blockade", "siege", "emergency", "blackout", "crackdown"),
        ("COERCE", ""),
    ),
    **dict.fromkeys(("ceasefire", "cease-fire", "truce"), ("RETREAT", "ceasefire")),
    **dict.fromkeys(
        ("agreement", "treaty", "accord", "pact", "ties", "relations"), ("SUPPORT", "")
    ),
    **dict.fromkeys(("complaint", "lawsuit", "accusation", "accusations"), ("DISAPPROVE", "")),
    **dict.fromkeys(("demand", "demands", "appeal", "call"), ("DEMAND", "")),
    **dict.fromkeys(("aid", "assistance", "help"), ("AID", "")),
    **dict.fromkeys(("apology", "support", "endorsement"), ("SUPPORT", "")),
    **dict.fromkeys(("concessions", "concession", "amnesty"), ("CONCEDE", "")),
    **dict.fromkeys(("veto",), ("REJECT", "")),
    **dict.fromkeys(("withdrawal", "pullout", "release", "compensation"), ("RETREAT", "")),
    **dict.fromkeys(("torture", "attack", "attacks", "kidnapping"), ("ASSAULT", "")),
    "fire": ("FIGHT", ""),
    "welcome": ("CONSULT", ""),
}
LIGHT_VERBS = frozenset(
    {
        "hold",
        "stage",
        "issue",
        "launch",
        "mount",
        "impose",
        "sign",
        "conduct",
        "carry out",
        "make",
        "take",
        "open",
        "give",
        "start",
        "begin",
        "organize",
        "organise",
        "establish",
        "declare",
        "lodge",
        "file",
        "announce",
        "lift",
        "resume",
        "continue",
        "complete",
        "pay",
        "set",
        "extend",
        "upgrade",
        "restore",
        "break",
        "sever",
        "cut",
        "end",
        "call",
        "have",
        "pass",
        "use",
        "resort to",
    }
)
# a light verb changing what its noun means: "lift" a ban is a concession, "break" ties a
# sanction, "end" a strike a retreat
LIGHT_OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    **{("lift", n): ("CONCEDE", "") for n in ("ban", "curfew", "siege", "emergency", "blockade")},
    **{("lift", n): ("RETREAT", "ease") for n in ("embargo", "sanctions", "sanction")},
    **{(v, n): ("SANCTION", "") for v in ("break", "sever", "cut") for n in ("ties", "relations")},
    **{(v, "relations"): ("SUPPORT", "") for v in ("establish", "restore", "upgrade")},
    ("end", "strike"): ("RETREAT", ""),
    ("call", "strike"): ("PROTEST", ""),
    ("end", "offensive"): ("RETREAT", ""),
    ("set", "fire"): ("COERCE", "destroy"),
}
# giving verbs are aid only when what is given is
TRANSFER = frozenset({"send", "provide", "supply", "deliver", "donate", "hand over", "lend"})
AID_OBJECTS = frozenset(
    {
        "aid",
        "arms",
        "weapons",
        "food",
        "medicine",
        "medicines",
        "supplies",
        "assistance",
        "money",
        "funds",
        "equipment",
        "help",
        "relief",
        "grain",
        "wheat",
        "rice",
        "fuel",
        "troops",
        "loans",
        "loan",
        "ammunition",
        "tents",
        "vaccines",
    }
)
# receiving or sending inspectors and observers (CAMEO 0861, 0862, 09)
ADMITTING = frozenset({"receive", "admit", "accept", "welcome", "host"})
SENDING = frozenset({"send", "dispatch", "deploy"})
OBSERVERS = frozenset(
    {"inspectors", "observers", "monitors", "peacekeepers", "investigators", "inspector"}
)
# "insist" is not one: "insisted that Iraq withdraw" is a demand (VERBS)
REPORTING = frozenset(
    {"say", "tell", "announce", "declare", "state", "add", "quote", "report", "stress"}
)
INTENT_ADJECTIVES = frozenset({"ready", "willing", "prepared", "eager", "determined"})
MILITARY = frozenset(
    {
        "army",
        "armies",
        "troops",
        "forces",
        "force",
        "military",
        "soldiers",
        "aircraft",
        "warplanes",
        "jets",
        "helicopters",
        "tanks",
        "artillery",
        "navy",
        "missiles",
        "missile",
        "rockets",
        "mortar",
        "gunbattle",
        "shelling",
    }
)
TARGET_PREPOSITIONS = frozenset(
    {"against", "with", "on", "to", "toward", "towards", "at", "from", "into", "upon", "for"}
)
ARMED_ACTS = frozenset({"kill", "attack", "strike", "bomb", "shoot", "wound", "fire"})
MODALS = frozenset({"will", "would", "may", "might", "could", "shall", "'ll", "wo"})
MUST = frozenset({"must"})
# acts a noun alone names well enough to code (not "relations", "treaty", "threat")
NOUN_ONLY = frozenset({"PROTEST", "FIGHT", "ASSAULT", "CONSULT"})
IRREGULAR = {
    "met": "meet",
    "fought": "fight",
    "held": "hold",
    "sought": "seek",
    "sent": "send",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "shot": "shoot",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "struck": "strike",
    "stricken": "strike",
    "swore": "swear",
    "sworn": "swear",
    "beat": "beat",
    "beaten": "beat",
    "forgave": "forgive",
    "forgiven": "forgive",
    "broke": "break",
    "broken": "break",
    "cut": "cut",
    "began": "begin",
    "begun": "begin",
    "froze": "freeze",
    "frozen": "freeze",
    "had": "have",
    "has": "have",
    "made": "make",
    "said": "say",
    "told": "tell",
    "undertook": "undertake",
    "undertaken": "undertake",
    "overran": "overrun",
    "fled": "flee",
    "lent": "lend",
    "hid": "hide",
    "burnt": "burn",
    "upheld": "uphold",
    "led": "lead",
}

# nouns of people and institutions: an actor phrase headed by one can act
PEOPLE = frozenset(
    {
        "government",
        "authorities",
        "forces",
        "troops",
        "army",
        "police",
        "rebels",
        "refugees",
        "civilians",
        "people",
        "workers",
        "students",
        "protesters",
        "demonstrators",
        "officials",
        "leaders",
        "leader",
        "minister",
        "president",
        "parliament",
        "ministry",
        "opposition",
        "party",
        "prisoners",
        "soldiers",
        "militants",
        "guerrillas",
        "settlers",
        "ambassador",
        "diplomats",
        "nationals",
        "citizens",
        "peacekeepers",
        "inspectors",
        "observers",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "lawmaker",
        "lawmakers",
        "deputy",
        "administration",
        "council",
        "court",
        "judge",
        "assembly",
        "senate",
        "congress",
        "cabinet",
        "regime",
        "group",
        "coalition",
        "movement",
        "union",
        "agency",
        "service",
        "militia",
        "navy",
        "members",
        "negotiators",
        "envoy",
        "delegation",
        "activists",
        "youths",
        "crowds",
        "mob",
        "insurgents",
        "fighters",
        "gunmen",
        "king",
        "prime",
        "chancellor",
        "mayor",
        "governor",
        "secretary",
    }
)

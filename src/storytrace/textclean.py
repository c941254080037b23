"""Clean scraped plain-text dumps: find the article body and drop the page furniture.

Scrapers keep a page's furniture line by line: site name and tagline, the headline twice,
breadcrumbs, share and comment widgets, teasers ("Also Read | ...", "READ MORE: ..."),
newsletter prompts, image credits, lists of other headlines. The cleaner decides per line
from general signals only, never from one site's strings:

- shape: body lines are sentences (enough words, sentence punctuation); furniture lines
  are short, title-like or list-like;
- calls to action and credits: a line that *starts* like one ("Share", "Also read",
  "Photo:", "©", "Comments (4)") in the common languages of news sites;
- position: the body is the densest run of sentence lines (a maximum-sum segment, plus
  any other segment nearly as dense), so furniture above and below it falls away; inside
  it, rows of one- and two-word lines (menus, share buttons) go too, while subheadings
  and short list items before the next sentence stay.

What it drops is returned, line by line, for audit. Header lines above the body are also
read for the metadata they carry: the outlet (first line), the headline (a repeated or
title-like line) and the publication date (see `dates.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.dates import date_in_line

# A line that begins like a call to action, a teaser, a credit or a widget. Prefix cues in
# the languages of the news sites we see most (English, German, French, Spanish, Italian).
_FURNITURE_START = re.compile(
    r"""^(?:
        (?:also\ read|read\ (?:more|also|next|the\ full)|see\ also|more\ (?:from|on|news)
            |related(?:\ (?:stories|articles|news))?\s*[:|]|recommended|trending\ (?:on|now)
            |most\ (?:read|viewed|popular|shared)|latest\ (?:news|stories)|other\ stories
            |top\ stories)\b
      | (?:share|teilen|partager|compartir|condividi)\b
      | (?:subscribe|sign\ up|newsletter|abonn|anmelden|inscri|join\ (?:us|our|the))
      | (?:follow\ us|folgen\ sie|suivez)
      | (?:photo|image|picture|foto|bild|credit|photograph|source|quelle|getty|afp|reuters)
            (?:\s\w+)?\s*[:|/(]
      | (?:©|\(c\)|copyright|all\ rights\ reserved|alle\ rechte)
      | (?:advertisement|advertising|sponsored|anzeige|werbung|publicité|publicidad)\b
      | (?:tags?|topics?|themen|schlagworte|filed\ under|categories)\s*:
      | (?:comments?|kommentare?|commentaires?)\s*(?:[:(]|\d|$)
      | \d+\s+(?:comments?|kommentare?|responses?|thoughts?|replies)\b
      | (?:home|start|startseite|accueil)\s*[>›»/|]
      | (?:click|tap)\ here | we\ use\ cookies | this\ (?:site|website)\ uses
      | (?:lesen\ sie\ (?:auch|mehr|hier)|mehr\ zum\ thema|weiterlesen|schon\ gelesen
            |auch\ interessant|das\ könnte\ (?:sie|dich)|weitere\ (?:themen|artikel|beiträge)
            |empfohlene\ (?:beiträge|artikel)|bild\ anzeigen|keine\ kommentare
            |(?:titel|beitrags)bild\s*:|kategorie\s*:
            |à\ lire\ aussi|lire\ aussi|lire\ la\ suite|pour\ lire\ la\ suite|crédits?\ photos?
            |lea\ también|leer\ más|te\ puede\ interesar|leggi\ anche
            |czytaj\ (?:też|także|więcej)|zobacz\ (?:też|także)|dowiedz\ się\ więcej|fot\.)
      | (?:download\ the|get\ our\ app|listen\ to|watch:)
      | \((?:additional\ )?(?:reporting|editing|writing)\ by
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_ANYWHERE = re.compile(
    r"newsletter|©|all rights reserved|alle rechte vorbehalten|\(credit:|sign(?:ing)? up"
    r"|abonnieren|registrieren",
    re.IGNORECASE,
)
# Sentences about the site rather than the story: cookie notices, sign-up and comment prompts.
_SITE_TALK = re.compile(
    r"cookie|e-mail|email|newsletter|abonn|subscri|datenschutz|privacy|javascript|browser"
    r"|login|log in|anmelden|registr|werbung|kommentar|comment",
    re.IGNORECASE,
)
_SECOND_REGION = 0.3  # another body segment counts if at least this dense as the best one
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_INNER_SENTENCE = re.compile(r"[a-zà-ÿ0-9][.!?][\"'”’»]?\s+[A-ZÀ-Þ\"'“‘«]")
_WORD = re.compile(r"\w+", re.UNICODE)
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[-•*▪►›])\s")
_CREDIT = re.compile(
    r"^(?:photo|image|picture|foto|bild|credit|photograph)(?:\s\w+)?\s*[:|/(]", re.IGNORECASE
)
_SITE_SEPARATORS = re.compile(r"\s+(?:\||—|–|-|·|::)\s+")
_BYLINE = re.compile(r"^(?:by|von|par|por|di)\s+\S", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CleanedText:
    body: str
    removed: tuple[str, ...]
    title: str | None = None
    outlet: str | None = None
    published: str | None = None


def clean_text_dump(text: str) -> CleanedText:
    """The body of a scraped text dump, what was removed, and header metadata."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return CleanedText("", ())
    kinds = [_line_kind(line) for line in lines]
    for index in range(1, len(lines)):
        # A short line beside an image credit is the picture's caption.
        if _CREDIT.match(lines[index - 1]) and len(_WORD.findall(lines[index])) < 15:
            kinds[index] = "furniture"
    regions = _body_regions(lines, kinds)
    keep = set().union(*(_keep_inside(lines, kinds, low, high) for low, high in regions))
    start = regions[0][0] if regions else len(lines)
    body = "\n".join(line for index, line in enumerate(lines) if index in keep)
    removed = tuple(line for index, line in enumerate(lines) if index not in keep)
    title, outlet, published = _header_metadata(lines[:start], kinds[:start])
    return CleanedText(body, removed, title, outlet, published)


def furniture_line(line: str) -> bool:
    """True for a short line that starts like a call to action, a teaser or a credit, or
    that mentions a newsletter, a sign-up or a copyright anywhere."""
    words = len(_WORD.findall(line))
    return (words <= 25 and _FURNITURE_START.match(line.strip()) is not None) or (
        words <= 20 and _FURNITURE_ANYWHERE.search(line) is not None
    )


def _line_kind(line: str) -> str:
    """'furniture', 'sentence' or 'short' (title-like, menu item, list item)."""
    if furniture_line(line):
        return "furniture"
    words = len(_WORD.findall(line))
    if _LIST_ITEM.match(line) and words < 20:
        return "short"  # numbered or bulleted: headline lists, menus
    ends_like_prose = _SENTENCE_END.search(line) is not None
    if words >= 8 and (ends_like_prose or _INNER_SENTENCE.search(line)):
        return "sentence"
    if words >= 20:  # a long line without end punctuation is still prose (a cut-off lead)
        return "sentence"
    return "short"


def _body_regions(lines: list[str], kinds: list[str]) -> list[tuple[int, int]]:
    """[start, end) runs of body lines: the maximum-sum segment, then any other segment
    at least `_SECOND_REGION` as dense (a body split by an embedded box), in page order.

    Sentences weigh their length; a sentence that talks about cookies, e-mail,
    newsletters, logins or comments weighs against the body, like furniture does.
    """
    weights = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "sentence":
            words = min(len(_WORD.findall(line)), 60)
            weights.append(-0.1 * words if _SITE_TALK.search(line) else words)
        else:
            weights.append(-8.0 if kind == "furniture" else -3.0)
    best, first = _max_segment(weights, 0, len(weights))
    if first is None:
        return []
    regions, pending = [first], [(0, first[0]), (first[1], len(weights))]
    while pending:
        low, high = pending.pop()
        total, found = _max_segment(weights, low, high)
        if found is not None and total >= _SECOND_REGION * best:
            regions.append(found)
            pending += [(low, found[0]), (found[1], high)]
    return sorted(regions)


def _max_segment(weights: list[float], low: int, high: int) -> tuple[float, tuple[int, int] | None]:
    """Kadane's maximum-sum segment of weights[low:high]: (sum, (start, end)) or (0, None)."""
    best, found = 0.0, None
    running, start = 0.0, low
    for index in range(low, high):
        if running <= 0:
            running, start = 0.0, index
        running += weights[index]
        if running > best:
            best, found = running, (start, index + 1)
    return best, found


def _keep_inside(lines: list[str], kinds: list[str], start: int, end: int) -> set[int]:
    """Lines kept in a body region: sentences; and short lines right before a sentence
    when alone (a subheading) or when each has a few words (a list inside the text), so
    that menus and rows of share buttons fall away."""
    keep: set[int] = set()
    index = start
    while index < end:
        if kinds[index] != "short":
            if kinds[index] == "sentence":
                keep.add(index)
            index += 1
            continue
        run_end = index
        while run_end < end and kinds[run_end] == "short":
            run_end += 1
        before_sentence = run_end < end and kinds[run_end] == "sentence"
        wordy = all(len(_WORD.findall(lines[i])) >= 3 for i in range(index, run_end))
        if before_sentence and (run_end - index == 1 or (run_end - index <= 10 and wordy)):
            keep.update(range(index, run_end))
        index = run_end
    return keep


def _header_metadata(
    header: list[str], kinds: list[str]
) -> tuple[str | None, str | None, str | None]:
    """(title, outlet, published) read from the lines above the body."""
    published = next((found for line in header if (found := date_in_line(line))), None)
    candidates = [
        line
        for line, kind in zip(header, kinds, strict=True)
        if kind != "furniture" and not date_in_line(line) and not _BYLINE.match(line)
    ]
    repeated = [line for i, line in enumerate(candidates[1:], 1) if line == candidates[i - 1]]
    title = repeated[0] if repeated else None
    outlet = None
    if header and header[0] != title and not date_in_line(header[0]):
        outlet = _SITE_SEPARATORS.split(header[0], maxsplit=1)[0].strip()
        if outlet.isupper():
            outlet = outlet.title()
    if title is None:
        rest = [line for line in candidates if line != header[0]]
        title = max(rest, key=len, default=None)
    return title, outlet, published

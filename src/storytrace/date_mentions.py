"""date_mentions: the dates an article's text refers to, resolved against its publication.

"on Monday", "on Saturday afternoon", "yesterday", "on April 2", "on 16 November last
year", "in February this year", "last week", "last month", "three days ago", and absolute
dates ("March 5, 2025", "2025-03-05") become `DateMention`s: the span in the text, the
resolved ISO date, and its precision (day, week, month, year). News conventions decide the
direction: a bare weekday or month is the most recent one on or before the publication
date. Relative expressions need a publication date; without one only absolute dates are
kept — a date is never invented. English only; other languages give nothing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storytrace.dates import MONTHS
from storytrace.records import Article, DateMention, Precision, Span
from storytrace.settings import Settings

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "an": 1,
}
_ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
)
_MONTH_NAMES = "|".join(sorted(_ENGLISH_MONTHS, key=len, reverse=True))
_YEAR_SHIFT = r"(?:\s+(?P<shift>this|last|next)\s+year)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
        (
            "month_day",
            rf"\b(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?{_YEAR_SHIFT}\b",
        ),
        (
            "day_month",
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>"
            rf"{_MONTH_NAMES})\.?(?:,?\s+(?P<year>(?:19|20)\d\d))?{_YEAR_SHIFT}\b",
        ),
        (
            "month",
            rf"\b(?:in|since|until|by|early|late|mid-?)\s+(?:(?:early|late|mid-?)\s*)?"
            rf"(?P<month>{_MONTH_NAMES})(?:\s+(?P<year>(?:19|20)\d\d))?{_YEAR_SHIFT}\b",
        ),
        (
            "weekday",
            rf"\b(?:(?P<rel>last|next|this|on|since|until|by)\s+)(?P<weekday>"
            rf"{'|'.join(_WEEKDAYS)})\b",
        ),
        ("relative_day", r"\b(?P<word>yesterday|today|tomorrow)\b"),
        (
            "ago",
            r"\b(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+"
            r"(?P<unit>day|week|month|year)s?\s+ago\b",
        ),
        (
            "last_unit",
            r"\b(?P<rel>last|this|next|earlier\s+this|later\s+this)\s+"
            r"(?P<unit>week|month|year)\b",
        ),
    )
)


def date_mentions(article: Article, settings: Settings) -> tuple[DateMention, ...]:
    """Every date expression in `article.text` that can be resolved, in text order."""
    if article.language not in (None, "en"):
        return ()
    anchor = _anchor(article.published)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(article.text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue  # a longer, earlier pattern already read this stretch
            try:
                resolved = _resolve(name, match.groupdict(), anchor)
            except (OverflowError, ValueError):
                resolved = None  # "9999999 days ago": no calendar date
            if resolved is None or resolved[0].startswith("-") or resolved[0][:4] < "0001":
                continue
            taken.append((start, end))
            found.append(DateMention(article.id, Span(match.group(0), start, end), *resolved))
    return tuple(sorted(found, key=lambda mention: mention.span.start))


def _anchor(published: str | None) -> date | None:
    if published and len(published) >= 10:
        try:
            return date.fromisoformat(published[:10])
        except ValueError:
            return None
    return None


def _resolve(
    name: str, parts: dict[str, str | None], anchor: date | None
) -> tuple[str, Precision] | None:
    """(ISO date, precision) for one matched expression, or None if it cannot be known."""
    if name == "iso":
        return _day(int(parts["year"] or 0), int(parts["mnum"] or 0), int(parts["day"] or 0))
    if name in ("month_day", "day_month"):
        month, day = MONTHS[(parts["month"] or "").lower()], int(parts["day"] or 0)
        year = _year(parts, anchor, month, day)
        return _day(year, month, day) if year else None
    if name == "month":
        month = MONTHS[(parts["month"] or "").lower()]
        year = _year(parts, anchor, month, 1)
        return (f"{year:04d}-{month:02d}", "month") if year else None
    if anchor is None:
        return None
    if name == "weekday":
        return _weekday(
            parts["rel"] or "on", _WEEKDAYS.index((parts["weekday"] or "").lower()), anchor
        )
    if name == "relative_day":
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[(parts["word"] or "").lower()]
        return (anchor + timedelta(days=shift)).isoformat(), "day"
    count = parts.get("count")
    unit = (parts["unit"] or "").lower()
    if name == "ago":
        number = _NUMBERS.get((count or "").lower()) or int(count or 0)
        return _shift(anchor, unit, -number)
    relation = " ".join((parts["rel"] or "").lower().split())
    step = {"last": -1, "next": 1}.get(relation, 0)
    return _shift(anchor, unit, step)


def _year(parts: dict[str, str | None], anchor: date | None, month: int, day: int) -> int | None:
    if parts.get("year"):
        return int(parts["year"] or 0)
    if anchor is None:
        return None
    shift = {"last": -1, "next": 1, "this": 0}.get((parts.get("shift") or "").lower())
    if shift is not None:
        return anchor.year + shift
    # A bare month (and day) is the most recent one: "on 16 November" in a March article
    # is last November. A week of slack keeps "on March 7" in a March 4 preview this year.
    try:
        candidate = date(anchor.year, month, min(day, 28))
    except ValueError:
        return None
    return anchor.year - 1 if candidate > anchor + timedelta(days=7) else anchor.year


def _weekday(relation: str, weekday: int, anchor: date) -> tuple[str, Precision]:
    back = (anchor.weekday() - weekday) % 7
    if relation == "next":
        ahead = (weekday - anchor.weekday()) % 7 or 7
        return (anchor + timedelta(days=ahead)).isoformat(), "day"
    if relation == "last" and back == 0:
        back = 7
    return (anchor - timedelta(days=back)).isoformat(), "day"


def _shift(anchor: date, unit: str, steps: int) -> tuple[str, Precision]:
    if unit == "day":
        return (anchor + timedelta(days=steps)).isoformat(), "day"
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=steps)
        return monday.isoformat(), "week"
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + steps
        return f"{index // 12:04d}-{index % 12 + 1:02d}", "month"
    return f"{anchor.year + steps:04d}", "year"


def _day(year: int, month: int, day: int) -> tuple[str, Precision] | None:
    try:
        return date(year, month, day).isoformat(), "day"
    except ValueError:
        return None

"""Dates as news pages state them: in header lines of pages and text dumps.

`date_in_line` finds an absolute publication date in one line ("10:17 AM CET, March 5,
2025", "Tuesday 4 March 2025 · 14:52 GMT", "04.03.2025", "2025-03-04", "9/22/2024") and
returns it as ISO-8601 at the precision stated. It never invents: a line without a full
date, or with an impossible one, gives None.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "januar", "janvier", "enero"),
            ("february", "feb", "februar", "février", "febrero"),
            ("march", "mar", "märz", "mars", "marzo"),
            ("april", "apr", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("june", "jun", "juni", "juin", "junio"),
            ("july", "jul", "juli", "juillet", "julio"),
            ("august", "aug", "août", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre"),
            ("october", "oct", "oktober", "octobre", "octubre", "okt"),
            ("november", "nov", "novembre", "noviembre"),
            ("december", "dec", "dezember", "décembre", "diciembre", "dez"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(?P<month>" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\.?"
_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+{_MONTH}\s+(?P<year>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    # 04.03.2025 is day-first wherever dots are used; 9/22/2024 is month-first (US) unless
    # the first number cannot be a month.
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<mnum>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)\d\d)\b"),
]


def date_in_line(line: str) -> str | None:
    """The first valid absolute date in `line` as `YYYY-MM-DD`, else None."""
    for pattern in _PATTERNS:
        for match in pattern.finditer(line):
            parts = match.groupdict()
            year, day = int(parts["year"]), int(parts["day"])
            month = MONTHS[parts["month"].lower()] if parts.get("month") else int(parts["mnum"])
            if "/" in match.group(0) and month > 12 >= day:
                month, day = day, month
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    return None


_AGO = re.compile(
    r"\b(?P<count>\d+|an?|one|two|three|four|five|six)\s+(?P<unit>minute|hour|day|week)s?\s+ago\b",
    re.IGNORECASE,
)
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_UNIT_HOURS = {"minute": 0, "hour": 1, "day": 24, "week": 24 * 7}


def date_ago(line: str, reference: str) -> str | None:
    """The day `line` means by "Updated 3 days ago", counted back from `reference` (an
    ISO-8601 timestamp, such as when the page was fetched), else None."""
    match = _AGO.search(line)
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(reference)
    except ValueError:
        return None
    count = match.group("count").lower()
    number = _COUNTS.get(count) or int(count)
    unit = match.group("unit").lower()
    try:
        if unit == "minute":
            return (moment - timedelta(minutes=number)).date().isoformat()
        return (moment - timedelta(hours=number * _UNIT_HOURS[unit])).date().isoformat()
    except OverflowError:
        return None  # "99999999 days ago" is no date


def day_number(value: str | None) -> int | None:
    """The day ordinal of an ISO date with day precision; None for a month, a year or None."""
    if value and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10]).toordinal()
        except ValueError:
            return None
    return None

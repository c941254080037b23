from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.date_mentions import date_mentions
from storytrace.records import Article
from storytrace.settings import Settings


def mentions(
    text: str, published: str | None = "2025-03-04", language: str | None = "en"
) -> list[tuple[str, str, str]]:
    article = Article(
        id="a1", source="s", text=text, content_hash="h", published=published, language=language
    )
    found = date_mentions(article, Settings(workers=1))
    for mention in found:
        assert text[mention.span.start : mention.span.end] == mention.span.text
    return [(m.span.text, m.resolved, m.precision) for m in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        # 2025-03-04 is a Tuesday.
        ("posted on Monday evening", ("on Monday", "2025-03-03", "day")),
        ("said on Tuesday", ("on Tuesday", "2025-03-04", "day")),
        ("met last Tuesday", ("last Tuesday", "2025-02-25", "day")),
        ("will vote next Monday", ("next Monday", "2025-03-10", "day")),
        ("On 16 November last year, she", ("16 November last year", "2024-11-16", "day")),
        ("on April 2 the", ("April 2", "2024-04-02", "day")),
        ("on March 7 a vote", ("March 7", "2025-03-07", "day")),
        ("in February this year", ("in February this year", "2025-02", "month")),
        ("in November", ("in November", "2024-11", "month")),
        ("said yesterday", ("yesterday", "2025-03-03", "day")),
        ("three days ago", ("three days ago", "2025-03-01", "day")),
        ("last week", ("last week", "2025-02-24", "week")),
        ("earlier this year", ("earlier this year", "2025", "year")),
        ("since last month", ("last month", "2025-02", "month")),
        ("on March 5, 2025,", ("March 5, 2025", "2025-03-05", "day")),
        ("dated 2024-12-31.", ("2024-12-31", "2024-12-31", "day")),
    ],
)
def test_expressions_resolve_against_the_publication_date(
    text: str, expected: tuple[str, str, str]
) -> None:
    assert mentions(text) == [expected]


def test_without_a_publication_date_only_absolute_dates_are_kept() -> None:
    assert mentions("on Monday, and on March 5, 2025", published=None) == [
        ("March 5, 2025", "2025-03-05", "day")
    ]


def test_impossible_dates_and_other_languages_give_nothing() -> None:
    assert mentions("on February 30 the") == []
    assert mentions("am Montag", language="de") == []


@given(st.text(max_size=300), st.dates().map(lambda d: d.isoformat()))
def test_any_text_gives_spans_that_index_the_text(text: str, published: str) -> None:
    mentions(text, published)


def test_absurd_spans_of_time_give_no_date() -> None:
    assert mentions("It happened 9999999 days ago, or 3000 years ago.") == []
    from storytrace.dates import date_ago

    assert date_ago("Updated 99999999 days ago", "2024-04-08T10:00:00+00:00") is None

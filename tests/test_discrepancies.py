"""Discrepancies on articles written here: what disagrees, and what only looks like it."""

from __future__ import annotations

from storytrace.discrepancies import discrepancies, sentence_at
from storytrace.records import (
    Article,
    DateMention,
    Entity,
    Mention,
    Quotation,
    QuoteFamily,
    Span,
    Story,
    Variant,
)


def article(key: str, text: str) -> Article:
    return Article(id=f"a{key}", source=key, text=text, content_hash=key, published="2025-05-02")


def found(*texts: str, dates: tuple[DateMention, ...] = ()) -> dict[tuple[str, str], set[str]]:
    members = [article(str(n), text) for n, text in enumerate(texts)]
    story = Story("s", "t", tuple(a.id for a in members))
    return {
        (d.aspect, d.key): {v.value for v in d.values}
        for d in discrepancies(members, [story], dates, [])
    }


def test_different_figures_for_one_thing_disagree() -> None:
    assert found("The 14-second clip was posted on Monday.", "The 40-second clip spread fast.") == {
        ("number", "second material"): {"14", "40"}
    }
    assert found(
        "The blast killed 12 people in the market.", "Officials said 15 people were killed."
    ) == {("number", "people killed"): {"12", "15"}}


def test_hedged_figures_units_and_bare_measures_do_not() -> None:
    assert found("At least 10 people were killed.", "12 people were killed.") == {}
    assert found("The border runs 745 miles.", "The border runs 1,200 km.") == {}
    assert found("She deleted it within three hours.", "Within 48 hours it was everywhere.") == {}
    # one article giving two figures (an updated toll) takes no side
    assert (
        found("First 12 people were killed, then 14 people were killed.", "14 people were killed.")
        == {}
    )


def test_media_disagree_only_when_each_article_names_one_kind() -> None:
    assert found(
        "A voice message was posted. The voice message lasts 14 seconds.",
        "A leaked video shows him. The video was filmed at dinner.",
    ) == {("medium", "material"): {"audio", "video"}}
    assert found("A voice message was posted.", "The audio clip and a video of it circulate.") == {}


def test_dates_disagree_by_day_not_by_precision() -> None:
    first, second = "It was recorded on 27 February.", "It was recorded on 1 March."
    dates = (
        DateMention("a0", Span("27 February", 19, 30), "2025-02-27", "day"),
        DateMention("a1", Span("1 March", 19, 26), "2025-03-01", "day"),
    )
    assert found(first, second, dates=dates) == {("date", "recorded"): {"2025-02-27", "2025-03-01"}}
    same_month = "It was recorded in March."
    month = (DateMention("a1", Span("March", 19, 24), "2025-03", "month"),)
    assert found("It was recorded on 1 March.", same_month, dates=(dates[1], *month)) == {}


def test_a_quote_given_to_two_people_is_a_speaker_discrepancy() -> None:
    members = [
        article("1", "“We will rebuild,” said Ada Pell."),
        article("2", "“We will rebuild,” Bo Lind said."),
    ]
    one = Quotation("a1", Span("We will rebuild,", 1, 17), None, "Ada Pell", "e1")
    two = Quotation("a2", Span("We will rebuild,", 1, 17), None, "Bo Lind", "e2")
    family = QuoteFamily(
        "q1",
        "s",
        "We will rebuild,",
        "Ada Pell",
        "e1",
        (Variant("We will rebuild,", (one, two), (), ()),),
        "a1",
        "2025-05-02",
    )
    (speaker,) = discrepancies(members, [Story("s", "t", ("a1", "a2"))], [], [family])
    assert speaker.aspect == "speaker"
    assert {v.value for v in speaker.values} == {"Ada Pell", "Bo Lind"}


def test_how_material_came_out_and_negations() -> None:
    assert found(
        "The voice message was intercepted by the security services.",
        "The file was shared in a parliamentary committee group.",
    ) == {("acquisition", "material"): {"intercepted", "shared in a committee or group chat"}}
    assert (
        found(
            "The voice message was intercepted by the security services.",
            "No recordings had been circulated in the committee, its chairman said.",
        )
        == {}
    )


def test_titles_disagree_only_when_no_office_is_shared() -> None:
    texts = [
        "Spokesman Jim Manley said so.",
        "Jim Manley, a top adviser to Mr. Reid, said so.",
        "Jim Manley, the leader's spokesman and adviser, said so.",
    ]
    members = [article(str(n), text) for n, text in enumerate(texts)]
    roles = [
        ("Spokesman",),
        ("a top adviser to Mr. Reid",),
        ("the leader's spokesman and adviser",),
    ]
    mentions = [
        Mention(
            f"a{n}",
            Span("Jim Manley", t.index("Jim"), t.index("Jim") + 10),
            "PERSON",
            "Jim Manley",
            r,
        )
        for n, (t, r) in enumerate(zip(texts, roles, strict=True))
    ]
    people = [Entity("e1", "Jim Manley", "person", (), ("a0", "a1", "a2"))]
    entity_of = {(f"a{n}", "Jim Manley"): "e1" for n in range(3)}
    story = Story("s", "t", ("a0", "a1", "a2"))
    (title,) = discrepancies(members, [story], [], [], mentions, people, entity_of)
    assert (title.aspect, title.key) == ("title", "Jim Manley")
    assert {v.value: v.article_ids for v in title.values} == {
        "spokesperson": ("a0",),
        "adviser": ("a1",),
    }
    # a former office is not contradicted by a current one
    former = [
        Mention("a0", mentions[0].span, "PERSON", "Jim Manley", ("Spokesman",)),
        Mention("a1", mentions[1].span, "PERSON", "Jim Manley", ("former adviser",)),
    ]
    assert (
        discrepancies(
            members[:2], [Story("s", "t", ("a0", "a1"))], [], [], former, people, entity_of
        )
        == ()
    )


def test_a_sentence_does_not_end_at_an_abbreviation() -> None:
    text = "Black Kite said it was made on Feb. 27 but gave no source. Next one."
    assert sentence_at(text, text.index("27")).text == (
        "Black Kite said it was made on Feb. 27 but gave no source."
    )


def test_large_figures_are_compared_exactly_and_function_words_are_no_acts() -> None:
    assert found(
        "The measure won 1,234,567 votes in the count.", "The measure won 1,234,571 votes."
    ) == {("number", "votes"): {"1234567", "1234571"}}
    dates = (
        DateMention("a0", Span("3 March", 18, 25), "2025-03-03", "day"),
        DateMention("a1", Span("5 March", 18, 25), "2025-03-05", "day"),
    )
    assert (
        found(
            "Talks ran between 3 March and May.", "Talks ran between 5 March and May.", dates=dates
        )
        == {}
    )

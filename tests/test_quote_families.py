"""Quote families on articles written here: what joins, what stays apart, the canonical
text, and the changes each variant makes."""

from __future__ import annotations

import numpy as np

from storytrace.quote_families import (
    changes_of,
    diff_words,
    quotations,
    quote_families,
    story_families,
)
from storytrace.records import Article, Attribution, Entity, Quotation, Span, Story


def article(key: str, text: str, published: str | None = "2025-05-02") -> Article:
    return Article(
        id=f"a{key}", source=key, text=text, content_hash=key, published=published, outlet=key
    )


def kinds(canonical: str, variant: str) -> list[str]:
    return [change.kind for change in changes_of(diff_words(canonical, variant))]


def test_the_changes_of_a_variant_are_named() -> None:
    original = "There is already a decision on the port. It will be closed in 30 days."
    assert kinds(
        original, "There is already a decision on the port. It will probably be closed in 30 days."
    ) == ["hedge_added"]
    assert kinds(
        original, "There is already a decision on the port. It will not be closed in 30 days."
    ) == ["negation_added"]
    assert kinds(
        original, "There is already a decision on the port. It will be closed in 60 days."
    ) == ["number_changed"]
    assert kinds(original, "It will be closed in 30 days.") == ["truncated"]
    assert kinds(original, "Look. " + original + " Nobody can stop it.") == ["expanded"]
    assert kinds(
        original, "There is already a solution on the port. It will be closed in 30 days."
    ) == ["reworded"]
    assert kinds(original, original.upper()) == []  # case is not a change


def test_quotations_keep_three_words_and_their_speaker() -> None:
    text = 'The mayor said: "We will rebuild the pier." Others called it "a mess".'
    found = article("1", text)
    said = Attribution(
        "t1",
        "a1",
        Span("The mayor", 0, 9),
        Span("said", 10, 14),
        Span('"We will rebuild the pier."', 16, 43),
        "direct",
        "Ada Pell",
    )
    (quotation,) = quotations(found, [said], {("a1", "Ada Pell"): "e1"})
    assert quotation.span.text == "We will rebuild the pier."
    assert text[quotation.span.start : quotation.span.end] == quotation.span.text
    assert (quotation.speaker, quotation.speaker_entity_id, quotation.attribution_id) == (
        "Ada Pell",
        "e1",
        "t1",
    )
    # a speaker no entity resolves to a person is no speaker
    (unresolved,) = quotations(found, [said], {})
    assert unresolved.speaker is None


def _encoder(table: dict[str, list[float]]):  # type: ignore[no-untyped-def]
    def encode(texts: list[str]) -> np.ndarray:
        rows = np.array([table[t] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    return encode


def quote(key: str, text: str, speaker: str | None = None) -> Quotation:
    return Quotation(f"a{key}", Span(text, 0, len(text)), None, speaker, speaker)


def test_truncations_join_and_other_utterances_stay_apart() -> None:
    members = [article("1", "x", "2025-05-01"), article("2", "x"), article("3", "x")]
    found = [
        quote("1", "The harbour will be closed until the cranes are inspected."),
        quote("2", "closed until the cranes are inspected"),
        quote("3", "We expect a record number of passengers this summer."),
    ]
    encode = _encoder({q.span.text: [1.0, 0.0, float(n)] for n, q in enumerate(found)})
    (family,) = story_families("s", members, found, encode)
    assert family.canonical == found[0].span.text
    assert [v.text for v in family.variants] == [found[0].span.text, found[1].span.text]
    assert [c.kind for c in family.variants[1].changes] == ["truncated"]
    assert (family.first_article_id, family.first_date) == ("a1", "2025-05-01")


def test_paraphrases_join_by_their_vectors_unless_short_or_from_another_speaker() -> None:
    members = [article("1", "x", "2025-05-01"), article("2", "x"), article("3", "x")]
    long_one = quote("1", "There is already a decision on the harbour and it is final", "e1")
    reworded = quote("2", "A decision on the harbour has been made and nothing will change", "e1")
    short = quote("3", "decided, final")
    near = [1.0, 0.2]  # cosine about 0.98 with [1, 0]
    table = {long_one.span.text: [1.0, 0.0], reworded.span.text: near, short.span.text: near}
    (family,) = story_families("s", members, [long_one, reworded, short], _encoder(table))
    assert {v.text for v in family.variants} == {long_one.span.text, reworded.span.text}
    # the same reworded words from another speaker need a closer match than 0.80
    other = quote("2", reworded.span.text, "e2")
    table[other.span.text] = [1.0, 0.75]  # cosine 0.80
    assert story_families("s", members, [long_one, other], _encoder(table)) == []


def test_on_a_tie_of_dates_the_most_common_rendering_is_canonical() -> None:
    members = [article(k, "x") for k in "123"]
    found = [
        quote("1", "the harbour stays shut this week"),
        quote("2", "the harbour stays shut this week and next"),
        quote("3", "the harbour stays shut this week"),
    ]
    encode = _encoder({q.span.text: [1.0, 0.0] for q in found})
    (family,) = story_families("s", members, found, encode)
    assert family.canonical == "the harbour stays shut this week"


def test_the_stage_reads_quotations_from_the_articles_of_each_story() -> None:
    first = article(
        "1", 'The mayor said: "The pier will reopen on Friday after repairs."', "2025-05-01"
    )
    second = article("2", 'Pell said "the pier will reopen on Friday" in a statement.')
    lone = article("3", '"The pier will reopen on Friday after repairs," she said.')
    stories = [Story("s1", "pier", ("a1", "a2")), Story("s2", "other", ("a3",))]
    people = [Entity("e1", "Ada Pell", "person", ("Pell",), ("a1", "a2"))]
    families = quote_families([first, second, lone], stories, [], people, {}, encode=None)
    (family,) = families
    assert family.story_id == "s1"
    assert {q.article_id for q in family.quotations()} == {"a1", "a2"}


def test_a_quote_carried_by_many_articles_is_still_one_family() -> None:
    members = [article(str(n), "x") for n in range(40)]
    found = [quote(str(n), "We will build the new harbour wall next spring.") for n in range(40)]
    encode = _encoder({found[0].span.text: [1.0, 0.0]})
    (family,) = story_families("s", members, found, encode)
    assert len({q.article_id for q in family.quotations()}) == 40

"""Canonical entities from hand-built mentions (no model needed) and from spaCy."""

from __future__ import annotations

from storytrace.entities import entities
from storytrace.mentions import mentions
from storytrace.places import canonical_place, country_of_demonym, demonym_of
from storytrace.records import Article, Mention, Span
from storytrace.settings import Settings


def mention(article: str, name: str, label: str = "PERSON", local: str | None = None) -> Mention:
    return Mention(article, Span(name, 0, len(name)), label, local or name)


def by_name(found: list[Mention]) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    index = entities(found, Settings(workers=1))
    return {e.name: (e.type, e.aliases, e.article_ids) for e in index.entities}


def test_three_spellings_become_one_person() -> None:
    result = by_name(
        [
            mention("a1", "Andrei Volkhonsky"),
            mention("a1", "Andrei Volkhonsky"),
            mention("a2", "Andrey Volkhonskiy"),
            mention("a3", "Andriy Volkhonskyi"),
            mention("a3", "Volkhonskyi"),
        ]
    )
    assert list(result) == ["Andrei Volkhonsky"]
    kind, aliases, articles = result["Andrei Volkhonsky"]
    assert kind == "person" and articles == ("a1", "a2", "a3")
    assert {"Andrey Volkhonskiy", "Andriy Volkhonskyi", "Volkhonskyi"} <= set(aliases)


def test_people_sharing_a_surname_stay_apart_and_a_bare_surname_joins_neither() -> None:
    result = by_name(
        [
            mention("a1", "Olga Sarkisova"),
            mention("a2", "Irina Sarkisova"),
            mention("a3", "Sarkisova"),
        ]
    )
    assert set(result) == {"Olga Sarkisova", "Irina Sarkisova", "Sarkisova"}


def test_bare_surname_joins_the_one_person_it_fits() -> None:
    result = by_name([mention("a1", "Olga Sarkisova"), mention("a2", "Sarkisova")])
    assert list(result) == ["Olga Sarkisova"]


def test_the_label_most_mentions_agree_on_wins() -> None:
    result = by_name(
        [
            mention("a1", "Vedrin", "GPE"),
            mention("a2", "Vedrin", "GPE"),
            mention("a3", "VEDRIN", "PERSON"),
        ]
    )
    assert result["Vedrin"][0] == "place"


def test_places_and_demonyms() -> None:
    result = by_name(
        [
            mention("a1", "Kiev", "GPE"),
            mention("a2", "Kyiv", "GPE"),
            mention("a3", "Dravnia", "GPE"),
            mention("a4", "Dravnian", "NORP"),
            mention("a5", "Russian", "NORP"),
            mention("a6", "Russia", "GPE"),
        ]
    )
    assert result["Kyiv"][2] == ("a1", "a2")
    assert result["Dravnia"][2] == ("a3", "a4")
    assert result["Russia"][2] == ("a5", "a6")
    assert canonical_place("Nur-Sultan") == "Astana" and canonical_place("Vedrin") == "Vedrin"
    assert country_of_demonym("Kazakh") == "Kazakhstan"
    assert demonym_of("Lessarian", "Lessaria") and not demonym_of("Lessarian", "Dravnia")


def test_organisations_do_not_absorb_their_place() -> None:
    result = by_name(
        [
            mention("a1", "Kalvo", "GPE"),
            mention("a2", "Kalvo Times", "ORG"),
            mention("a3", "Kalvo State University", "ORG"),
        ]
    )
    assert set(result) == {"Kalvo", "Kalvo Times", "Kalvo State University"}


def test_spacy_mentions_link_surnames_and_keep_roles() -> None:
    text = (
        "Lessarian defence ministry spokesman Colonel Kasimir Jorvath said on Tuesday "
        "that Andrey Volkhonskiy, a deputy of the Dravnian State Assembly, had threatened "
        "Lessaria. Volkhonskiy denied it. Mr Volkhonsky called the recording a fake."
    )
    article = Article(id="a1", source="s", text=text, content_hash="h", language="en")
    found = mentions(article, Settings(workers=1))
    for item in found:
        assert text[item.span.start : item.span.end] == item.span.text
    people = {(m.span.text, m.local_name) for m in found if m.label == "PERSON"}
    assert ("Volkhonskiy", "Andrey Volkhonskiy") in people
    assert ("Volkhonsky", "Andrey Volkhonskiy") in people
    roles = {role for m in found for role in m.roles}
    assert "a deputy of the Dravnian State Assembly" in roles
    assert any("spokesman" in role for role in roles)
    assert (
        mentions(
            Article(id="a2", source="s", text=text, content_hash="h", language="de"), Settings()
        )
        == ()
    )


def test_a_name_after_a_persons_title_is_a_person() -> None:
    # the small model takes names it has never seen for organisations; a title or role
    # before the name, or as its apposition, says it is a person's
    texts = {
        "Foreign ministry spokeswoman Irina Tolmach told a briefing the reports were false.": (
            "Irina Tolmach"
        ),
        "Lessaria's foreign minister, Helena Stravik, said the matter would be raised.": (
            "Helena Stravik"
        ),
        "Irina Tolmach, the ministry's spokeswoman, said it was false.": "Irina Tolmach",
    }
    for number, (text, name) in enumerate(texts.items()):
        article = Article(id=f"a{number}", source="s", text=text, content_hash="h", language="en")
        labels = {m.span.text: m.label for m in mentions(article, Settings(workers=1))}
        assert labels[name] == "PERSON", labels
    # an organisation keeps its label
    text = "The ministry and the Continental Security Council will meet on Friday."
    article = Article(id="b", source="s", text=text, content_hash="h", language="en")
    labels = {m.span.text: m.label for m in mentions(article, Settings(workers=1))}
    assert labels.get("Continental Security Council", "ORG") == "ORG"


def test_names_a_text_gives_a_place_join_it() -> None:
    text = (
        "The Lessarian capital changed its name from Kalvograd to Kalvo in 1994. Kalvo "
        "(which officials still call by its pre-1994 name, Kalvograd) protested."
    )
    article = Article(id="a1", source="s", text=text, content_hash="h", language="en")
    found = mentions(article, Settings(workers=1))
    assert ("Kalvograd", "Kalvo") in {(m.span.text, m.local_name) for m in found}
    index = entities(list(found), Settings(workers=1))
    kalvo = next(e for e in index.entities if e.name == "Kalvo")
    assert "Kalvograd" in kalvo.aliases


def test_the_canonical_name_is_not_its_own_alias() -> None:
    index = entities(
        [mention("a1", "Maria Lopez"), mention("a1", "Lopez"), mention("a2", "Maria Lopez")],
        Settings(workers=1),
    )
    (person,) = index.entities
    assert person.name == "Maria Lopez" and person.name not in person.aliases

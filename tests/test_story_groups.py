"""Per-story stages on groups of stories: dealing records to groups, and the fingerprints
that let a second run redo only the stories whose inputs changed."""

from __future__ import annotations

import dataclasses

from storytrace.records import Article, Entity, Mention, Span, Story
from storytrace.story_groups import deal, incremental, story_fingerprints


def _article(key: str) -> Article:
    return Article(key, key, f"Text of {key}.", key)


ARTICLES = [_article(key) for key in ("a1", "a2", "b1")]
STORIES = [Story("s-a", "A", ("a1", "a2")), Story("s-b", "B", ("b1",))]
ENTITIES = [
    Entity("e-vol", "Andrey Volkhonskiy", "person", ("Volkhonsky",), ("a1", "b1")),
    Entity("e-min", "Ministry of Defence", "organisation", (), ("b1",)),
]
NAMES = {
    ("a1", "Volkhonsky"): "e-vol",
    ("b1", "Volkhonskiy"): "e-vol",
    ("b1", "the ministry"): "e-min",
}


def _mention(article: str, name: str) -> Mention:
    return Mention(article, Span(name, 0, len(name)), "PERSON", name)


def test_name_tables_are_dealt_by_article() -> None:
    dealt = deal(NAMES, 2, {"a1": 0, "a2": 0, "b1": 1}, {"s-a": 0, "s-b": 1})
    assert dealt == [
        {("a1", "Volkhonsky"): "e-vol"},
        {("b1", "Volkhonskiy"): "e-vol", ("b1", "the ministry"): "e-min"},
    ]


def test_a_story_keeps_its_fingerprint_unless_what_it_reads_changes() -> None:
    mentions = [_mention("a1", "Volkhonsky"), _mention("b1", "Volkhonskiy")]
    before = story_fingerprints("claims/1", ARTICLES, STORIES, mentions, ENTITIES, NAMES)
    # an entity gains an article and a spelling, the table's order changes and a new entity
    # appears elsewhere: no story reads any of it
    grown = [
        Entity("e-new", "Harbour Authority", "organisation", (), ("c1",)),
        ENTITIES[1],
        dataclasses.replace(
            ENTITIES[0], aliases=("Volkhonsky", "Wolchonski"), article_ids=("a1", "b1", "c1")
        ),
    ]
    same = story_fingerprints("claims/1", ARTICLES, STORIES, mentions, grown, NAMES)
    assert same == before
    # story B's article gets a new mention: only B changes
    more = [*mentions, _mention("b1", "Kalvo")]
    changed = story_fingerprints("claims/1", ARTICLES, STORIES, more, ENTITIES, NAMES)
    assert changed["s-a"] == before["s-a"] and changed["s-b"] != before["s-b"]
    # the canonical name of an entity story A points to changes: A changes
    renamed = [dataclasses.replace(ENTITIES[0], name="Andriy Volkhonskyi"), ENTITIES[1]]
    assert (
        story_fingerprints("claims/1", ARTICLES, STORIES, mentions, renamed, NAMES)["s-a"]
        != before["s-a"]
    )
    # another version of the stage redoes everything
    other = story_fingerprints("claims/2", ARTICLES, STORIES, mentions, ENTITIES, NAMES)
    assert not set(other.values()) & set(before.values())


def test_incremental_keeps_unchanged_stories_and_drops_vanished_ones() -> None:
    calls: list[list[str]] = []

    def stage(
        articles: list[Article], stories: list[Story], mentions: list[Mention]
    ) -> list[Mention]:
        calls.append([s.id for s in stories])
        return [dataclasses.replace(m, label="DONE") for m in mentions]

    mentions = [_mention("a1", "Volkhonsky"), _mention("b1", "Volkhonskiy")]
    found, prints = incremental(stage, "x/1", [], {}, ARTICLES, STORIES, mentions)
    assert calls == [["s-a", "s-b"]] and [m.label for m in found] == ["DONE", "DONE"]
    stored = [dataclasses.replace(m, label="STORED") for m in found]
    more = [*mentions, _mention("b1", "Kalvo")]
    found, _ = incremental(stage, "x/1", stored, prints, ARTICLES, STORIES, more)
    assert calls[-1] == ["s-b"]
    assert [(m.article_id, m.label) for m in found] == [
        ("a1", "STORED"),
        ("b1", "DONE"),
        ("b1", "DONE"),
    ]
    # story B is gone (its article moved into A): its stored records go, A is redone
    merged = [Story("s-a", "A", ("a1", "a2", "b1"))]
    found, _ = incremental(stage, "x/1", stored, prints, ARTICLES, merged, mentions)
    assert calls[-1] == ["s-a"] and {m.label for m in found} == {"DONE"}

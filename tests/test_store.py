from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from storytrace.errors import StoreError
from storytrace.records import Article, Embedding, LedgerEntry, NearCopy, Story
from storytrace.store import MIGRATIONS, Store
from storytrace.stories import StoryIndex


def article(number: int) -> Article:
    text = f"Article number {number} says something."
    return Article(
        id=f"a{number}",
        source=f"{number}.html",
        text=text,
        content_hash=f"h{number}",
        title=f"Title {number}",
        published="2024-01-0" + str(number),
        removed=("Share this",),
    )


def test_new_store_is_at_the_latest_schema_version(store: Store) -> None:
    assert store.schema_version == len(MIGRATIONS)
    assert store.counts()["articles"] == 0


def test_articles_and_ledger_round_trip(store: Store) -> None:
    store.save_ingested(
        [article(1), article(2)],
        [
            LedgerEntry("1.html", "accepted", None, "a1", "f1"),
            LedgerEntry("2.html", "accepted", None, "a2", "f2"),
            LedgerEntry("bad.html", "rejected", "empty: 0 bytes", None, "f3"),
        ],
    )
    assert store.articles() == [article(1), article(2)]
    assert store.articles(["a2"]) == [article(2)]
    assert [e.source for e in store.ledger()] == ["1.html", "2.html", "bad.html"]
    assert store.known_inputs()[("bad.html", "f3")] == "rejected"
    assert store.article_ids_by_hash() == {"h1": "a1", "h2": "a2"}
    assert store.counts()["ledger_rejected"] == 1


def test_a_reopened_store_reads_in_any_order(tmp_path: Path) -> None:
    # opening reads the schema version: a result left half-read would make DuckDB refuse
    # the next query read through Arrow (articles, link features, vectors)
    with Store(tmp_path / "s.duckdb") as store:
        store.save_ingested([article(1)], [])
    for read in ("articles", "link_features", "embeddings", "counts"):
        with Store(tmp_path / "s.duckdb") as store:
            getattr(store, read)()
            assert store.articles() == [article(1)]


def test_a_failed_batch_writes_nothing(store: Store) -> None:
    store.save_ingested([article(1)], [LedgerEntry("1.html", "accepted", None, "a1", "f1")])
    with pytest.raises(duckdb.ConstraintException):
        # The same article id again violates the primary key: the ledger row must not land.
        store.save_ingested(
            [article(2), article(1)], [LedgerEntry("x.html", "accepted", None, "a1", "fx")]
        )
    assert store.counts()["articles"] == 1
    assert [e.source for e in store.ledger()] == ["1.html"]


def test_reopening_keeps_data_and_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as first:
        first.save_ingested([article(1)], [LedgerEntry("1.html", "accepted", None, "a1", "f1")])
    with Store(path) as second:
        assert second.counts()["articles"] == 1
        assert second.schema_version == len(MIGRATIONS)


def test_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path):
        pass
    db = duckdb.connect(str(path))
    db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Store(path)


def test_sentence_vectors_come_back_as_one_matrix(store: Store) -> None:
    """`embeddings()` reads the vectors as a float32 matrix and makes a record only when one
    is asked for: the same values as saved, by article id."""
    saved = {
        "a1": Embedding("a1", (0.6, 0.8, 0.0)),
        "a2": Embedding("a2", (0.0, 0.28, 0.96)),
    }
    store.save_stage_results("embeddings/1", ["embeddings"], {k: (v,) for k, v in saved.items()})
    vectors = store.embeddings()
    assert len(vectors) == 2 and set(vectors) == {"a1", "a2"}
    assert vectors == {
        k: Embedding(k, tuple(float(np.float32(x)) for x in v.vector)) for k, v in saved.items()
    }
    rows = vectors.rows(["a2", "missing", "a1"])
    assert rows.dtype == np.float32 and rows.shape == (3, 3)
    assert rows[1].tolist() == [0.0, 0.0, 0.0]  # an article without a vector
    assert np.allclose(rows[[0, 2]], [saved["a2"].vector, saved["a1"].vector])
    with Store(":memory:") as empty:
        assert len(empty.embeddings()) == 0


def test_saving_stories_again_leaves_exactly_the_new_ones(store: Store) -> None:
    first = StoryIndex(
        (
            Story("s1", "Pier closed", ("a1", "a2", "a3")),
            Story("s2", "Library reopens", ("a4", "a5")),
            Story("s3", "Marathon", ("a6",)),
        ),
        (NearCopy("a2", "a1", 0.9),),
    )
    store.save_stories(first)
    assert set(store.stories()) == set(first.stories)

    def rows_of(story_id: str) -> list[int]:
        query = "SELECT rowid FROM story_articles WHERE story_id = ? ORDER BY rowid"
        return [row[0] for row in store._db.execute(query, [story_id]).fetchall()]

    unchanged = rows_of("s1")
    # a1..a3 as before; a5 moves from s2 to a new story; s3 is retitled; s2 shrinks
    second = StoryIndex(
        (
            Story("s1", "Pier closed", ("a3", "a1", "a2")),  # the same, in another order
            Story("s2", "Library reopens", ("a4",)),
            Story("s3", "Marathon record", ("a6",)),
            Story("s4", "Library wing", ("a5", "a7")),
        ),
        (),
    )
    store.save_stories(second)
    assert set(store.stories()) == set(
        Story(s.id, s.title, tuple(sorted(s.article_ids))) for s in second.stories
    )
    assert store.near_copies() == []
    assert rows_of("s1") == unchanged  # not rewritten
    store.save_stories(StoryIndex((Story("s4", "Library wing", ("a5",)),), ()))
    assert store.stories() == [Story("s4", "Library wing", ("a5",))]

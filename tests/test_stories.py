"""Near-copies and story clustering on hand-built articles, and the clustering metric."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from storytrace import near_copies as near_copies_module
from storytrace.evaluation.stories import clustering_metrics, incremental_labels
from storytrace.link_features import link_features, story_text, term_counts
from storytrace.near_copies import from_stored, near_copies, signature, stored_signature
from storytrace.records import Article, Embedding, Entity
from storytrace.settings import Settings
from storytrace.store import Store
from storytrace.stories import _dot, _row_sum, cluster, figures, stories, story_keys
from tests.conftest import SHARED_DATA

BASE = (
    "The harbour council voted on Tuesday to keep the north pier closed until engineers "
    "finish their inspection, after the storm tore away part of the structure and left the "
    "ferry to Tarn Island without a landing stage for the coming two weeks at least."
)


def article(ident: str, text: str, published: str | None = None) -> Article:
    return Article(id=ident, source=ident, text=text, content_hash=ident, published=published)


def test_a_near_verbatim_copy_points_to_the_earliest_copy() -> None:
    copy = BASE + " Officials said so."  # the reprint adds a line
    other = "A completely different story about the library reopening after its renovation."
    found = near_copies(
        [
            article("late", copy, "2024-10-16"),
            article("early", BASE, "2024-10-15"),
            article("other", other, "2024-10-15"),
        ]
    )
    assert [(c.article_id, c.duplicate_of) for c in found] == [("late", "early")]
    assert 0.8 <= found[0].similarity <= 1.0


def test_copies_are_found_from_stored_signatures_and_colliding_band_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stored signatures are decoded as computed ones; articles whose band numbers collide
    are still told apart by their bands' values: with every band's number the same, the
    copies found are the same."""
    texts = [BASE, BASE + " Officials said so.", "The library reopens after its renovation."]
    texts += [
        f"Story {n} about {n} other things that no other story shares at all." for n in range(6)
    ]
    articles = [article(f"a{n}", text, f"2024-10-{10 + n}") for n, text in enumerate(texts)]
    expected = near_copies(articles)
    assert [(c.article_id, c.duplicate_of) for c in expected] == [("a1", "a0")]
    stored = {a.id: stored_signature(a.text) for a in articles[:5]}
    stored["a5"] = b"another-scheme:" + signature(texts[5]).tobytes()  # computed again
    # two signatures alike in 119 of 128 values, but in no band: LSH never proposes them
    alike = signature(texts[6])
    unlike = alike.copy()
    unlike[:: near_copies_module.ROWS][: near_copies_module.BANDS] += 1
    prefix = stored["a0"][: stored["a0"].index(b":") + 1]
    stored["a6"], stored["a7"] = prefix + alike.tobytes(), prefix + unlike.tobytes()
    assert near_copies(articles, stored) == expected
    monkeypatch.setattr(
        near_copies_module, "_band_hashes", lambda values: np.zeros(len(values), np.uint64)
    )
    assert near_copies(articles, stored) == expected


def test_clusters_follow_the_vectors_and_the_words() -> None:
    texts = [
        "ferry pier storm Tarn island closed",
        "Tarn island ferry pier closed storm damage",
        "library reopens renovation books",
        "library renovation reopens children wing",
    ]
    vectors = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype=np.float32)
    labels = cluster(texts, vectors, [None] * 4)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


def test_far_apart_in_time_needs_more_similarity() -> None:
    texts = ["earthquake strikes coast town magnitude", "earthquake strikes coast town magnitude"]
    vectors = np.array([[1, 0], [0.6, 0.8]], dtype=np.float32)
    together = cluster(texts, vectors, ["2024-01-01", "2024-01-05"])
    assert together[0] == together[1]


FIGHT = (
    "{challenger} was stopped by Wladimir Klitschko in the {round} round in Mannheim as the "
    "champion kept his heavyweight titles before a crowd of {crowd} on Saturday, report {n}"
)


def test_two_events_of_one_kind_stay_apart_by_their_key_entities() -> None:
    # two title fights of one champion, told in the same words: only the challenger differs
    texts = [
        FIGHT.format(challenger="Hasim Rahman", round="seventh", crowd="14,000", n=n)
        for n in range(4)
    ]
    texts += [
        FIGHT.format(challenger="Tony Thompson", round="sixth", crowd="12,000", n=n)
        for n in range(4)
    ]
    vectors = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (8, 1))
    dates = [None] * 8
    assert len(set(cluster(texts, vectors, dates))) == 1  # the words alone join them
    rahman, thompson = ["e-klitschko", "e-rahman", "e-mannheim"], ["e-klitschko", "e-thompson"]
    apart = cluster(texts, vectors, dates, names=[rahman] * 4 + [thompson] * 4)
    assert len(set(apart[:4])) == len(set(apart[4:])) == 1 and apart[0] != apart[4]
    # the same event in two camps shares its key people: one story
    shared = cluster(texts, vectors, dates, names=[rahman] * 4 + [[*rahman, "e-tv"]] * 4)
    assert len(set(shared)) == 1
    # through `stories`, from the canonical entities' article lists (dated, so that the
    # crowds' figures play no part: see the next test)
    articles = [article(f"a{n}", text, "2009-07-11") for n, text in enumerate(texts)]
    embedded = {a.id: Embedding(a.id, (1.0, 0.0)) for a in articles}
    entities = [
        Entity("e-klitschko", "Wladimir Klitschko", "PERSON", (), tuple(a.id for a in articles)),
        Entity("e-rahman", "Hasim Rahman", "PERSON", (), tuple(a.id for a in articles[:4])),
        Entity("e-thompson", "Tony Thompson", "PERSON", (), tuple(a.id for a in articles[4:])),
    ]
    assert len(stories(articles, embedded).stories) == 1
    assert len(stories(articles, embedded, entities=entities).stories) == 2


NAVY = (
    "The Indian navy captured {count} Somali pirates who attacked a merchant vessel in the "
    "Gulf of Aden on {day}, the defence ministry said, report {n}"
)


def test_figures_tell_undated_events_of_one_kind_apart() -> None:
    assert figures("Ten boats, 23 pirates, 1,200 tonnes, a 5.6 quake on Saturday") == [
        "#10",
        "#1200",
        "#23",
        "#5.6",
        "@saturday",
    ]
    texts = [NAVY.format(count=23, day="Saturday", n=n) for n in range(4)]
    texts += [NAVY.format(count=26, day="Thursday", n=n) for n in range(4)]
    embedded = {f"a{n}": Embedding(f"a{n}", (1.0, 0.0)) for n in range(8)}
    undated = [article(f"a{n}", text) for n, text in enumerate(texts)]
    assert story_keys(undated[:1], [])[0] == ["#0", "#23", "@saturday"]
    found = stories(undated, embedded).stories
    assert sorted(s.article_ids for s in found) == [
        ("a0", "a1", "a2", "a3"),
        ("a4", "a5", "a6", "a7"),
    ]
    # dated within days, a count that changes is one story told as it develops
    dated = [article(a.id, a.text, f"2024-03-0{1 + n // 4}") for n, a in enumerate(undated)]
    assert list(story_keys(dated[:1], [])) == [[]]
    assert len(stories(dated, embedded).stories) == 1
    # an undated cluster against a dated one: the dated side's figures are never read, so
    # the undated side's cannot count as its own (only an entity on each side would)
    sukanya = [Entity("e-sukanya", "INS Sukanya", "ORG", (), ("a4", "a5", "a6", "a7"))]
    mixed = undated[:4] + dated[4:]
    assert len(stories(mixed, embedded, entities=sukanya).stories) == 1


PIER = [
    "The harbour council voted on Tuesday to keep the north pier closed until engineers "
    "finish their inspection of the storm damage at Tarn",
    "Engineers will inspect the north pier at Tarn before it reopens, the harbour council "
    "decided on Tuesday after the storm damage",
    "Tarn's north pier stays closed: the harbour council wants engineers to inspect the storm "
    "damage first",
    "After the storm, the north pier at Tarn remains shut while engineers inspect it, the "
    "harbour council said on Tuesday",
]
LIBRARY = [
    "The city library reopens on Monday after a year of renovation with a new children's wing",
    "A new children's wing and longer hours greet readers as the city library reopens",
    "Renovated city library opens its doors again on Monday, children's wing included",
    "After a year of renovation the city library reopens on Monday with longer hours",
]
BRIEF = "Ferry passengers to Tarn face delays while the pier is inspected"


def _with_brief(closeness: float) -> np.ndarray:
    """Vectors: the pier articles spread about one direction, the library ones on another,
    the brief at `closeness` (cosine) to the pier direction."""
    vectors = np.zeros((9, 4), dtype=np.float32)
    for i in range(4):
        vectors[i] = [1, 0, 0.8 if i % 2 else -0.8, 0]
        vectors[4 + i] = [0, 1, 0, 0]
    vectors[8] = [closeness, 0, 0, np.sqrt(1 - closeness**2)]
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_brief_joins_the_story_it_is_close_to_in_time() -> None:
    texts = [*PIER, *LIBRARY, BRIEF]
    # mean similarity to the pier story about 0.28: below the story threshold, above the
    # attachment threshold and above half the pier story's own (about 0.53)
    vectors = _with_brief(0.7)
    labels = cluster(texts, vectors, [None] * 9)
    assert labels[8] == labels[0] and len(set(labels)) == 2
    week = ["2024-03-05"] * 8
    assert cluster(texts, vectors, [*week, "2024-03-09"])[8] == labels[0]
    # a month away, so weak a tie is not enough
    alone = cluster(texts, vectors, [*week, "2024-04-09"])
    assert alone[8] not in {alone[0], alone[4]}
    # about 0.22: above the attachment threshold, below half the story's own similarity
    farther = cluster(texts, _with_brief(0.5), [None] * 9)
    assert farther[8] not in {farther[0], farther[4]}


def test_an_update_leaves_an_old_brief_where_the_first_run_left_it() -> None:
    quake = "quake strikes coastal city of Vedrin killing dozens as rescuers search rubble"
    # a story that only the sentence vectors hold together (no shared words): loosely knit
    other = ["apple orchard harvest", "violin concert hall", "glacier trail", "bakery ovens"]
    texts = [quake] * 4 + other + ["markets open higher on tuesday traders say"]
    axes = np.eye(4, dtype=np.float32)
    # the brief: a little closer to the quake story (too close-knit to take it) than to the
    # other, which would take it
    brief = 0.72 * axes[0] + 0.69 * axes[1] + np.sqrt(1 - 0.72**2 - 0.69**2) * axes[2]
    vectors = np.array([axes[0]] * 4 + [axes[1]] * 4 + [brief], dtype=np.float32)
    first = cluster(texts, vectors, [None] * 9)
    assert first[8] not in first[:8]  # alone: the quake story is its nearest and refuses it
    # a new article joins the other story, beside the brief: the brief stays alone, as a
    # full run over the same articles leaves it
    grown_texts = [*texts, "chess tournament final"]
    grown = np.vstack([vectors, axes[1:2]])
    update = cluster(grown_texts, grown, [None] * 10, [*first, -1])
    assert update[8] not in update[:8] and update[9] == update[4]
    full = cluster(grown_texts, grown, [None] * 10)
    assert full[8] not in full[:8]


def test_cluster_sums_add_and_multiply_as_scipy_does() -> None:
    # the merge loop keeps each cluster's summed term weights as bare arrays (`_SparseRow`):
    # the sums must be the very floats scipy's one-row matrices give, or a pair at the
    # threshold could merge with one and not with the other
    rng = np.random.default_rng(7)
    dense = rng.random((6, 40)) * (rng.random((6, 40)) < 0.3)
    matrix = sparse.csr_matrix(dense)
    left, right = _row_sum(matrix, [0, 2]), _row_sum(matrix, [3]) + _row_sum(matrix, [5])
    expected_left = sparse.csr_matrix(np.ones((1, 2))) @ matrix[[0, 2]]
    expected_right = matrix[3] + matrix[5]
    for got, expected in ((left, expected_left), (right, expected_right)):
        assert got.indices.tolist() == sorted(set(expected.indices.tolist()))
        assert got.data.tolist() == expected.toarray()[0, got.indices].tolist()
    assert _dot(left, right) == pytest.approx(float((expected_left @ expected_right.T)[0, 0]))
    assert _dot(left, _row_sum(matrix, [1])) == pytest.approx(
        float(dense[[0, 2]].sum(0) @ dense[1])
    )
    assert _dot(_row_sum(sparse.csr_matrix((1, 40)), [0]), left) == 0.0


def test_clustering_metrics_on_a_known_case() -> None:
    metrics = {m.name: m.value for m in clustering_metrics([1, 1, 2, 2], ["a", "a", "a", "b"])}
    assert metrics["pairwise_precision"] == 0.5 and round(metrics["pairwise_recall"], 4) == 0.3333
    assert round(metrics["b3_precision"], 4) == 0.75
    perfect = {m.name: m.value for m in clustering_metrics([7, 7, 9], ["x", "x", "y"])}
    assert perfect["b3_f1"] == 1.0 and perfect["pairwise_f1"] == 1.0


def test_new_articles_join_stories_without_reclustering_the_old() -> None:
    texts = [
        "ferry pier storm Tarn island closed",
        "Tarn island ferry pier closed storm damage",
        "library reopens renovation books",
        "library renovation reopens children wing",
        "ferry pier Tarn island storm repairs begin",  # new: joins the ferry story
        "marathon runners cold record field",  # new: a story of its own
    ]
    vectors = np.array(
        [[1, 0, 0], [0.99, 0.14, 0], [0, 1, 0], [0.14, 0.99, 0], [0.98, 0.2, 0], [0, 0, 1]],
        dtype=np.float32,
    )
    # The earlier run kept the two library articles apart: an incremental run keeps its
    # stories as they were and only places the new articles.
    seed = [0, 0, 1, 2, -1, -1]
    labels = cluster(texts, vectors, [None] * 6, seed)
    assert labels[4] == labels[0] == labels[1]
    assert labels[2] != labels[3]
    assert labels[5] not in {labels[0], labels[2], labels[3]}
    assert cluster(texts, vectors, [None] * 6) != labels  # a batch run would join them


def test_incremental_and_batch_runs_agree_on_basil() -> None:
    rows = _shared_rows("basil-dev.jsonl")
    texts = [story_text(r.get("title"), r["text"]) for r in rows]
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(len(rows), 16)).astype(np.float32)  # TF-IDF decides here
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dates = [r.get("date") for r in rows]
    batch = cluster(texts, vectors, dates)
    agreement = clustering_metrics(incremental_labels(texts, vectors, dates), batch)[2].value
    assert agreement >= 0.95


def _shared_rows(name: str) -> list[dict[str, str]]:
    path = SHARED_DATA / "stories" / name
    if not path.exists():
        pytest.skip(f"shared data absent: {path}")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_ten_thousand_copies_of_one_article_link_in_bounded_time() -> None:
    copies = [article(f"c{n:05d}", BASE, f"2024-10-{15 + n % 10}") for n in range(10_000)]
    started = time.process_time()
    found = near_copies(copies)
    assert len(found) == 9_999
    assert {c.duplicate_of for c in found} == {"c00000"}  # the earliest, then input order
    assert time.process_time() - started < 60  # a guard against all-pairs comparison


def test_articles_without_words_or_dates_still_get_stories() -> None:
    texts = ["", "", "ferry pier storm", "ferry pier storm island"]
    vectors = np.array([[1, 0], [1, 0], [0, 1], [0.1, 0.99]], dtype=np.float32)
    labels = cluster(texts, vectors, [None] * 4)
    assert labels[2] == labels[3] and labels[0] != labels[2]
    assert len(cluster(["", ""], vectors[:2], [None, None])) == 2  # no vocabulary at all


def test_identical_titles_over_different_bodies_are_different_stories() -> None:
    title = "Storm hits the coast"
    texts = [
        story_text(title, "The library reopened after a long renovation of its reading rooms."),
        story_text(title, "An earthquake of magnitude six shook the mountain villages at dawn."),
    ]
    vectors = np.array([[1, 0], [0, 1]], dtype=np.float32)
    labels = cluster(texts, vectors, ["2024-01-01", "2024-01-01"])
    assert labels[0] != labels[1]


def test_stored_link_features_give_the_stories_computed_from_the_texts(tmp_path: Path) -> None:
    """Signatures and term counts read from the store link exactly as those computed from
    the texts; an article stored without them has them computed; a signature of another
    MinHash scheme is computed again, never compared."""
    texts = {
        "pier-1": BASE,
        "pier-2": BASE + " Officials said so.",
        "pier-3": "Engineers inspect the storm-damaged north pier; the Tarn Island ferry waits.",
        "library": "The library reopened on Monday after a long renovation of its reading rooms.",
        "quake": "An earthquake of magnitude six shook the mountain villages at dawn.",
    }
    articles = [article(key, text, "2024-10-15") for key, text in texts.items()]
    angle = {"pier-1": 0.0, "pier-2": 0.02, "pier-3": 0.1, "library": 1.4, "quake": 0.8}
    vectors = {
        key: Embedding(key, (float(np.cos(a)), float(np.sin(a)))) for key, a in angle.items()
    }
    with Store(tmp_path / "s.duckdb") as store:
        computed = {a.id: link_features(a, Settings(workers=1)) for a in articles[:-1]}
        store.save_stage_results("link_features/1", ["link_features"], computed)
        table = store.link_features()
    assert sorted(table.ids) == ["library", "pier-1", "pier-2", "pier-3"]  # "quake": computed
    story_texts = [story_text(a.title, a.text) for a in articles]
    assert (table.counts_of(articles) != term_counts(story_texts)).nnz == 0
    stored = from_stored(table.signature_of()["pier-2"])
    assert stored is not None and (stored == signature(texts["pier-2"])).all()
    assert from_stored(b"legacy:" + signature(BASE).tobytes()) is None

    plain = stories(articles, vectors)
    assert stories(articles, vectors, (), table) == plain
    assert [(c.article_id, c.duplicate_of) for c in plain.near_copies] == [("pier-2", "pier-1")]
    assert len(plain.stories) == 3

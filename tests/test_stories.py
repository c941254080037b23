"""Near-copies and story clustering on hand-built articles, and the clustering metric."""

from __future__ import annotations

import numpy as np

from storytrace.evaluation.stories import clustering_metrics
from storytrace.near_copies import near_copies
from storytrace.records import Article
from storytrace.stories import cluster

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


def test_clustering_metrics_on_a_known_case() -> None:
    metrics = {m.name: m.value for m in clustering_metrics([1, 1, 2, 2], ["a", "a", "a", "b"])}
    assert metrics["pairwise_precision"] == 0.5 and round(metrics["pairwise_recall"], 4) == 0.3333
    assert round(metrics["b3_precision"], 4) == 0.75
    perfect = {m.name: m.value for m in clustering_metrics([7, 7, 9], ["x", "x", "y"])}
    assert perfect["b3_f1"] == 1.0 and perfect["pairwise_f1"] == 1.0

"""stories: articles about the same real-world event, grouped; near-copies marked.

Similarity of two articles mixes two views: TF-IDF of headline and text (the rare words,
names and numbers that tell one earthquake from another) and MiniLM sentence vectors of
headline and lead (the same event told in other words). Candidate pairs come from each
view's nearest neighbours (an index, not all pairs). Clusters grow by average link, most
similar pairs first: two clusters merge while the mean similarity between all their
members stays above `STORY_THRESHOLD`; with L2-normalised vectors that mean is exactly
the dot product of the clusters' vector sums divided by their sizes, so a merge costs one
dot product per view. Clusters far apart in time (both dated) need a clearly higher
similarity: a story reposted months later still joins, another event of the same kind
does not.

The story's title is its shortest headline (the most label-like); its id derives from its
earliest article, so it stays stable as the story grows.

Incremental: given the stories of an earlier run, new articles join them or open new ones;
only the new articles' neighbours are candidates, so adding a few articles to a large
store costs a few neighbour queries, not a re-clustering (the TF-IDF weights are refitted).

Cannot yet: use entities; scale past what scikit-learn's exact neighbour search allows
(every query scans all articles).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from storytrace.near_copies import near_copies
from storytrace.records import Article, Embedding, NearCopy, Story

STORY_THRESHOLD = 0.35
TFIDF_WEIGHT = 0.6  # the sentence vectors weigh the rest
NEIGHBOURS = 20
MAX_DAYS_APART = 60  # dated clusters further apart than this ...
FAR_APART_MARGIN = 0.15  # ... must be this much more similar to be one story


@dataclass(frozen=True, slots=True)
class StoryIndex:
    stories: tuple[Story, ...]
    near_copies: tuple[NearCopy, ...]


def stories(
    articles: Sequence[Article],
    vectors: dict[str, Embedding],
    previous: Sequence[Story] = (),
) -> StoryIndex:
    """Group `articles` into stories; `vectors` holds each article's sentence vector.

    With `previous` stories, the update is incremental: their articles stay together,
    and only the articles in no previous story look for neighbours, joining a story or
    opening a new one (two stories merge only when a new article shows they are one).
    """
    if not articles:
        return StoryIndex((), ())
    copies = near_copies(articles)
    story_of = {aid: number for number, story in enumerate(previous) for aid in story.article_ids}
    seed = [story_of.get(a.id, -1) for a in articles] if story_of else None
    labels = cluster(
        [story_text(a.title, a.text) for a in articles],
        np.array(
            [vectors[a.id].vector if a.id in vectors else _zeros(vectors) for a in articles],
            dtype=np.float32,
        ),
        [a.published for a in articles],
        seed,
    )
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(label, []).append(position)
    built = [_story([articles[i] for i in members]) for members in groups.values()]
    built.sort(key=lambda s: (-len(s.article_ids), s.id))
    return StoryIndex(tuple(built), copies)


def story_text(title: str | None, text: str) -> str:
    """The text TF-IDF reads: the headline counts twice, it names the event."""
    return f"{title or ''}\n{title or ''}\n{text}"


def cluster(
    texts: list[str],
    vectors: np.ndarray,
    dates: Sequence[str | None],
    seed: Sequence[int] | None = None,
) -> list[int]:
    """A cluster label per text: average-link over candidate pairs (see module doc).

    `seed` gives texts already clustered their cluster number (-1 for a new text): those
    clusters start formed, and only the new texts' neighbours become candidate pairs."""
    count = len(texts)
    if count == 1:
        return [0]
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    views: list[tuple[float, sparse.csr_matrix | np.ndarray]] = [
        (TFIDF_WEIGHT, sparse.csr_matrix(tfidf)),
        (1 - TFIDF_WEIGHT, vectors),
    ]
    asking = [i for i in range(count) if seed is None or seed[i] < 0]
    edges: dict[tuple[int, int], float] = {}
    for _, matrix in views:
        if not asking:
            break
        neighbours = NearestNeighbors(n_neighbors=min(NEIGHBOURS + 1, count), metric="cosine")
        _, indices = neighbours.fit(matrix).kneighbors(matrix[asking])
        for i, row in zip(asking, indices, strict=True):
            for j in row:
                if i != j:
                    edges.setdefault((min(i, j), max(i, j)), 0.0)
    for pair in edges:
        edges[pair] = sum(weight * _dot(m[pair[0]], m[pair[1]]) for weight, m in views)
    days = [_day(value) for value in dates]
    parent = list(range(count))
    size = [1] * count
    sums = [[m[i] for i in range(count)] for _, m in views]
    span = [(d, d) for d in days]

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(a: int, b: int) -> None:
        parent[b] = a
        size[a] += size[b]
        for k in range(len(views)):
            sums[k][a] = sums[k][a] + sums[k][b]
        span[a] = _join(span[a], span[b])

    first_of: dict[int, int] = {}
    for i, label in enumerate(seed or ()):
        if label >= 0:
            if label in first_of:
                union(find(first_of[label]), i)
            else:
                first_of[label] = i

    merged = True
    while merged:  # a merge can lift the average of a pair passed over before
        merged = False
        for (i, j), _ in sorted(edges.items(), key=lambda item: -item[1]):
            a, b = find(i), find(j)
            if a == b:
                continue
            mean = sum(
                weight * _dot(sums[k][a], sums[k][b]) / (size[a] * size[b])
                for k, (weight, _) in enumerate(views)
            )
            needed = STORY_THRESHOLD + (FAR_APART_MARGIN if _apart(span[a], span[b]) else 0)
            if mean >= needed:
                union(a, b)
                merged = True
    return [find(i) for i in range(count)]


def _dot(left: Any, right: Any) -> float:
    if sparse.issparse(left):
        return float(left.multiply(right).sum())
    return float(np.dot(left, right))


def _day(value: str | None) -> int | None:
    if value and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10]).toordinal()
        except ValueError:
            return None
    return None


def _apart(left: tuple[int | None, int | None], right: tuple[int | None, int | None]) -> bool:
    if None in left or None in right:
        return False
    gap = max(right[0] - left[1], left[0] - right[1])  # type: ignore[operator]
    return gap > MAX_DAYS_APART


def _join(
    left: tuple[int | None, int | None], right: tuple[int | None, int | None]
) -> tuple[int | None, int | None]:
    starts = [d for d in (left[0], right[0]) if d is not None]
    ends = [d for d in (left[1], right[1]) if d is not None]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _story(members: list[Article]) -> Story:
    ordered = sorted(members, key=lambda a: (a.published or "9999", a.id))
    story_id = "s" + hashlib.sha1(ordered[0].id.encode()).hexdigest()[:11]
    titled = [a for a in ordered if a.title] or ordered
    title = min(titled, key=lambda a: len(a.title or a.text[:80])).title or titled[0].text[:80]
    return Story(story_id, title, tuple(a.id for a in ordered))


def _zeros(vectors: dict[str, Embedding]) -> tuple[float, ...]:
    width = len(next(iter(vectors.values())).vector) if vectors else 384
    return (0.0,) * width

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

Two more rules tell stories of one kind apart (ECB+'s two earthquakes, two arrests of
players of one team) without losing their briefs:
- Key entities: two clusters of `KEY_MIN_SIZE` articles or more do not merge when each
  has a canonical entity that at least half of its articles mention and no article of the
  other does (two title fights of one champion, each with its own challenger). Entities
  are the entities stage's, so a name spelt three ways is one entity. Two clusters with
  no date at all also count the figures their texts give as keys (`figures`: numbers and
  weekdays, "23 pirates ... on Saturday" against "26 pirates ... on Thursday"): where no
  date tells two events apart, what the text says of how many and which day stands in.
  Dated clusters leave figures out, since a death toll that rises within days is one story.
- Fragments: what merging leaves as clusters of one or two articles (a one-line brief has
  too few words to reach the story threshold) joins the larger cluster it is most similar
  to, if that is at least `ATTACH_THRESHOLD`, at least half as close as that cluster's
  own articles are to each other, and within `ATTACH_DAYS` of it.

The story's title is its shortest headline (the most label-like); its id derives from its
earliest article, so it stays stable as the story grows.

Incremental: given the stories of an earlier run, new articles join them or open new ones;
only the new articles' neighbours are candidates, so adding a few articles to a large
store costs a few neighbour queries, not a re-clustering. The TF-IDF weights are refitted
over the whole collection from each article's stored term counts, and near copies come
from stored signatures (`link_features`): no stored text is tokenised again. Stories that
another version of this stage linked are not kept: the runner links the store again whole
(`Store.stories_linked_by`), so new rules reach old stories too (a store saved before
storytrace recorded the version is linked again once).

Scale: up to `EXACT_LIMIT` articles the neighbours are exact; beyond, they are searched in
sliding time windows and k-means cells of the sentence vectors, joined by rare-term
blocking, so linking grows about linearly (docs/performance.md).

Cannot yet: tell apart two events of one kind that share their people and places (a coach
fired and, years later, the same coach hired by the same team: undated, as in ECB+). Across
machines, the Dask engine clusters time windows of the collection with this same function
(`dask_engine`).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
from scipy import sparse
from sklearn import config_context
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.neighbors import NearestNeighbors

from storytrace.dates import day_number
from storytrace.embeddings import StoredEmbeddings
from storytrace.link_features import LinkTable, story_counts, term_counts
from storytrace.near_copies import near_copies
from storytrace.records import Article, Embedding, Entity, NearCopy, Story

STORY_THRESHOLD = 0.35
TFIDF_WEIGHT = 0.6  # the sentence vectors weigh the rest
NEIGHBOURS = 20
MAX_DAYS_APART = 60  # dated clusters further apart than this ...
FAR_APART_MARGIN = 0.15  # ... must be this much more similar to be one story
ATTACH_SIZE = 2  # clusters of at most this many articles left after merging ...
ATTACH_THRESHOLD = 0.2  # ... join the larger cluster they are closest to, if this close
ATTACH_SHARE = 0.5  # and at least this share of that cluster's own mean similarity
ATTACH_DAYS = 7  # and within this many days of it
KEY_MIN_SIZE = 4  # clusters of at least this many articles have key entities: ...
KEY_SHARE = 0.5  # ... those mentioned by at least this share of their articles
FIGURE_MARKS = ("#", "@")  # how `figures` keys begin (an entity id never does)
# Beyond this many articles, nearest neighbours are searched within time windows and
# joined by rare-term blocking, so that linking grows about linearly (see `_neighbourhoods`)
EXACT_LIMIT = 5_000
WINDOW_DAYS = 28  # a window, sliding by half its width
RARE_TERMS = 8  # an article's most distinctive words, for blocking
CELL_SIZE = 1_000  # articles per cell of the sentence-vector index
CELL_SAMPLE = 100  # articles per cell the cells are learnt from
MAX_POSTINGS = 200
NEIGHBOUR_MEMORY_MB = 64
PAIR_BLOCK = 20_000  # pairs whose similarities are computed at once (bounds the memory)


@dataclass(frozen=True, slots=True)
class StoryIndex:
    stories: tuple[Story, ...]
    near_copies: tuple[NearCopy, ...]


def stories(
    articles: Sequence[Article],
    vectors: Mapping[str, Embedding],
    previous: Sequence[Story] = (),
    features: LinkTable | None = None,
    entities: Sequence[Entity] = (),
) -> StoryIndex:
    """Group `articles` into stories; `vectors` holds each article's sentence vector.

    With `previous` stories, the update is incremental: their articles stay together,
    and only the articles in no previous story look for neighbours, joining a story or
    opening a new one (two stories merge only when a new article shows they are one).
    `features`, the stored `link_features`, spare computing signatures and term counts
    again (any article without them has them computed here). `entities`, the canonical
    entities, tell two events of one kind apart by who and where (see `cluster_counts`).
    """
    if not articles:
        return StoryIndex((), ())
    matrix, dates, seed = cluster_inputs(articles, vectors, previous)
    signatures = None
    if features is not None:
        counts = features.counts_of(articles)
        signatures = features.signature_of()
    else:
        counts = story_counts(articles)
    labels = cluster_counts(counts, matrix, dates, seed, story_keys(articles, entities))
    return stories_from_labels(articles, labels, near_copies(articles, signatures))


def story_keys(articles: Sequence[Article], entities: Sequence[Entity]) -> Sequence[list[str]]:
    """What tells each article's event from others of its kind, in `articles`' order: the
    ids of the canonical entities it mentions and, for an undated article, the `figures` of
    its headline and text (`cluster_counts`' `names`)."""
    mentioned: dict[str, list[str]] = {}
    for entity in entities:
        for article_id in entity.article_ids:
            mentioned.setdefault(article_id, []).append(entity.id)
    return _StoryKeys(articles, mentioned)


class _StoryKeys(Sequence[list[str]]):
    """`story_keys`, each article's worked out when first asked for: figures cost a pass
    over an undated article's text (2 s for 85,000 short ones), and an update compares
    only the few clusters its new articles reach."""

    def __init__(self, articles: Sequence[Article], mentioned: dict[str, list[str]]) -> None:
        self._articles = articles
        self._mentioned = mentioned
        self._known: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._articles)

    @overload
    def __getitem__(self, index: int) -> list[str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[str]]: ...

    def __getitem__(self, index: int | slice) -> list[str] | list[list[str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        index = range(len(self))[index]  # a negative index too; out of range raises
        if index not in self._known:
            article = self._articles[index]
            keys = self._mentioned.get(article.id, [])
            if not article.published:
                keys = keys + figures(f"{article.title or ''}\n{article.text}")
            self._known[index] = keys
        return self._known[index]


_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_WORD = re.compile(r"[a-z]+")
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def figures(text: str) -> list[str]:
    """The numbers (`#23`, `#5.6`; "ten" as `#10`) and weekdays (`@saturday`) a text gives,
    each once, sorted: the how many and which day of the event it reports."""
    numbers = {"#" + number.replace(",", "") for number in _NUMBER.findall(text)}
    for word in _WORD.findall(text.lower()):
        if word in _NUMBER_WORDS:
            numbers.add("#" + _NUMBER_WORDS[word])
        elif word in _WEEKDAYS:
            numbers.add("@" + word)
    return sorted(numbers)


def cluster_inputs(
    articles: Sequence[Article], vectors: Mapping[str, Embedding], previous: Sequence[Story] = ()
) -> tuple[np.ndarray, list[str | None], list[int] | None]:
    """`cluster`'s arguments for `articles` besides their words: vectors, dates and the seed
    labels that keep `previous` stories together (None when there are none)."""
    story_of = {aid: number for number, story in enumerate(previous) for aid in story.article_ids}
    seed = [story_of.get(a.id, -1) for a in articles] if story_of else None
    if isinstance(vectors, StoredEmbeddings):  # the store's: already a matrix
        matrix = vectors.rows([a.id for a in articles])
    else:
        matrix = np.array(
            [vectors[a.id].vector if a.id in vectors else _zeros(vectors) for a in articles],
            dtype=np.float32,
        )
    return matrix, [a.published for a in articles], seed


def stories_from_labels(
    articles: Sequence[Article], labels: Sequence[int], copies: tuple[NearCopy, ...]
) -> StoryIndex:
    """Stories from a cluster label per article, largest first."""
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(label, []).append(position)
    built = [_story([articles[i] for i in members]) for members in groups.values()]
    built.sort(key=lambda s: (-len(s.article_ids), s.id))
    return StoryIndex(tuple(built), copies)


def cluster(
    texts: list[str],
    vectors: np.ndarray,
    dates: Sequence[str | None],
    seed: Sequence[int] | None = None,
    names: Sequence[Collection[str]] | None = None,
) -> list[int]:
    """A cluster label per text (its story text, `link_features.story_text`): average-link
    over candidate pairs (see module doc and `cluster_counts`)."""
    return cluster_counts(term_counts(texts), vectors, dates, seed, names)


def cluster_counts(
    counts: sparse.csr_matrix,
    vectors: np.ndarray,
    dates: Sequence[str | None],
    seed: Sequence[int] | None = None,
    names: Sequence[Collection[str]] | None = None,
) -> list[int]:
    """A cluster label per article from its term counts (`link_features.term_counts`, one
    row per article), its sentence vector and its date.

    `seed` gives articles already clustered their cluster number (-1 for a new one): those
    clusters start formed, and only the new articles' neighbours become candidate pairs.
    `names`, the entities each article mentions (any ids) and its `figures`, keep apart two
    clusters that each have a key entity the other never mentions (figures count only
    between two clusters with no date)."""
    count = counts.shape[0]
    if count == 1:
        return [0]
    # the weights are fitted over the whole collection on every call; the counts are each
    # article's own (`stories` reads them stored by `link_features`: no text is read again)
    tfidf = sparse.csr_matrix(
        TfidfTransformer(sublinear_tf=True).fit_transform(_used_columns(counts))
    )
    tfidf.sum_duplicates()  # each row's columns sorted and once, as `_SparseRow` reads them
    views: list[tuple[float, sparse.csr_matrix | np.ndarray]] = [
        (TFIDF_WEIGHT, tfidf),
        (1 - TFIDF_WEIGHT, vectors),
    ]
    asking = [i for i in range(count) if seed is None or seed[i] < 0]
    days = [day_number(value) for value in dates]
    pairs: set[tuple[int, int]] = set()
    groups = _neighbourhoods(asking, days, count)
    if count > EXACT_LIMIT:
        groups += _cells(vectors, asking)
    for group in groups:
        for _, matrix in views:
            pairs |= _nearest_pairs(matrix, group, asking)
    if count > EXACT_LIMIT:
        pairs |= _rare_term_pairs(tfidf, asking)
    edges = _similarities(views, sorted(pairs))
    parent = list(range(count))
    size = [1] * count
    members: dict[int, list[int]] = {}  # root -> its members, for clusters of two or more
    # A cluster's vector sums are built when first needed and then kept up to date, so an
    # incremental run pays only for the stories its new articles touch.
    sums: dict[int, list[Any]] = {}
    span = [(d, d) for d in days]

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def total(root: int) -> list[Any]:
        if root not in sums:
            rows = members.get(root, [root])
            sums[root] = [_row_sum(m, rows) for _, m in views]
        return sums[root]

    # Key entities (`_distinct_events`) need how many articles of a cluster mention each
    # entity: counted when first needed, then kept up to date through every merge (the
    # smaller count into the larger), so no cluster is counted twice.
    mentioned: dict[int, Counter[str]] = {}

    def mentions(root: int) -> Counter[str]:
        if root not in mentioned:
            assert names is not None
            rows = members.get(root, [root])
            mentioned[root] = Counter(name for row in rows for name in set(names[row]))
        return mentioned[root]

    def distinct(a: int, b: int) -> bool:
        if names is None or min(size[a], size[b]) < KEY_MIN_SIZE:
            return False
        undated = span[a] == span[b] == (None, None)
        return _distinct_events(mentions(a), size[a], mentions(b), size[b], undated)

    def union(a: int, b: int) -> None:
        if a in mentioned or b in mentioned:  # keep the counts once a cluster has them
            left, right = mentions(a), mentions(b)
            del mentioned[a], mentioned[b]
            if len(left) < len(right):
                left, right = right, left
            left.update(right)
            mentioned[a] = left
        parent[b] = a
        size[a] += size[b]
        into, other = members.pop(a, [a]), members.pop(b, [b])
        if len(into) < len(other):
            into, other = other, into
        into.extend(other)
        members[a] = into
        if a in sums and b in sums:
            sums[a] = [left + right for left, right in zip(sums[a], sums[b], strict=True)]
        else:
            sums.pop(a, None)
        sums.pop(b, None)
        span[a] = _join(span[a], span[b])

    def cohesion(root: int) -> float:
        """The mean similarity of the pairs of distinct members of a cluster of two or more
        (the dot product of its sums, less each member's similarity to itself)."""
        rows = members[root]
        pairs = sum(
            weight * (_dot(summed, summed) - float(_squared_norms(matrix, rows).sum()))
            for (weight, matrix), summed in zip(views, total(root), strict=True)
        )
        return pairs / (len(rows) * (len(rows) - 1))

    def mean_between(a: int, b: int) -> float:
        """The mean similarity of the members of clusters `a` and `b`."""
        return sum(
            weight * _dot(left, right) / (size[a] * size[b])
            for (weight, _), left, right in zip(views, total(a), total(b), strict=True)
        )

    # the seeded clusters, formed at once: what `union` would make of them one by one (an
    # update seeds every stored story again), as long as no sums or entity counts exist yet
    assert not sums and not mentioned
    seeded: dict[int, list[int]] = {}
    for i, label in enumerate(seed or ()):
        if label >= 0:
            seeded.setdefault(label, []).append(i)
    for rows in seeded.values():
        if len(rows) > 1:
            root = rows[0]
            for i in rows[1:]:
                parent[i] = root
            size[root], members[root] = len(rows), rows
            dated = [day for i in rows if (day := days[i]) is not None]
            span[root] = (min(dated), max(dated)) if dated else (None, None)

    # A pair of clusters found too far apart is not measured again until one of them grows
    # (many member pairs link the same two clusters; later passes revisit every edge).
    rejected: dict[tuple[int, int], tuple[int, int]] = {}
    merged = True
    ordered = sorted(edges.items(), key=lambda item: -item[1])
    while merged:  # a merge can lift the average of a pair passed over before
        merged = False
        across = []  # the edges still between two clusters: the next pass reads only these
        for edge in ordered:
            (i, j), similarity = edge
            a, b = find(i), find(j)
            if a == b:
                continue  # and will stay inside one cluster
            across.append(edge)
            key = (a, b) if a < b else (b, a)
            state = (size[key[0]], size[key[1]])
            if rejected.get(key) == state:
                continue
            # two single articles: their own similarity
            mean = similarity if size[a] == size[b] == 1 else mean_between(a, b)
            needed = STORY_THRESHOLD + (FAR_APART_MARGIN if _apart(span[a], span[b]) else 0)
            if mean >= needed and not distinct(a, b):
                union(a, b)
                merged = True
            else:
                rejected[key] = state
        ordered = across

    # Fragments (module doc): a brief has too few words to reach the story threshold with
    # anyone, yet mostly belongs to the story it is closest to; clusters of several
    # articles never merge at so low a level, so two stories of one kind stay apart while
    # their briefs find them. Every choice is made against the clusters as the merging
    # left them, so the order of the fragments does not matter.
    # In an update only fragments holding a new article look: an old one sees only the
    # stories its new neighbours reach, and would pick among those alone.
    placing = {find(i) for i in asking}
    near: dict[int, set[int]] = {}  # fragment -> the larger clusters its members neighbour
    for i, j in edges:
        a, b = find(i), find(j)
        if a != b and min(size[a], size[b]) <= ATTACH_SIZE < max(size[a], size[b]):
            small, large = (a, b) if size[a] < size[b] else (b, a)
            if small in placing:
                near.setdefault(small, set()).add(large)
    joins = []
    cohesions: dict[int, float] = {}
    for fragment, larger in sorted(near.items()):
        # so weak a tie counts only within days of the story (or when either is undated)
        scored = [
            (mean_between(fragment, b), b)
            for b in sorted(larger)
            if not _apart(span[fragment], span[b], ATTACH_DAYS)
        ]
        if not scored:
            continue
        best, into = max(scored)
        if best < ATTACH_THRESHOLD:
            continue
        if into not in cohesions:  # a large story may be the nearest of many briefs
            cohesions[into] = cohesion(into)
        if best >= ATTACH_SHARE * cohesions[into]:
            joins.append((into, fragment))
    for into, fragment in joins:
        union(find(into), fragment)
    return [find(i) for i in range(count)]


def _distinct_events(
    left: Counter[str], left_size: int, right: Counter[str], right_size: int, undated: bool
) -> bool:
    """Whether two clusters are two events of one kind: each has a key entity (one that
    at least `KEY_SHARE` of its articles mention) that no article of the other mentions.
    Two title fights of one champion, each with its own challenger; two arrests of
    players of one team; two leaks, each by its own official. The same event told by
    two camps shares its key people and places, under any spelling the entities joined.
    `figures` are keys too when both clusters are `undated`."""

    def own_key(counts: Counter[str], size: int, other: Counter[str]) -> bool:
        return any(
            n >= KEY_SHARE * size
            and name not in other
            and (undated or not name.startswith(FIGURE_MARKS))
            for name, n in counts.items()
        )

    return own_key(left, left_size, right) and own_key(right, right_size, left)


def _used_columns(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """The counts with only the columns some text uses, in their order: scipy's element-wise
    products allocate per column, and most of the 2^22 hashed columns are empty."""
    used = np.bincount(counts.indices, minlength=counts.shape[1]) > 0
    position = np.cumsum(used) - 1
    return sparse.csr_matrix(
        (counts.data, position[counts.indices], counts.indptr),
        shape=(counts.shape[0], max(1, int(used.sum()))),
    )


def _neighbourhoods(asking: list[int], days: Sequence[int | None], count: int) -> list[list[int]]:
    """Where each asking article looks for nearest neighbours: everywhere in a collection
    of up to `EXACT_LIMIT` articles; beyond that, among the articles dated within a window
    around it (undated articles rely on the rare-term pairs alone)."""
    if count <= EXACT_LIMIT:
        return [list(range(count))]
    dated = sorted((day, i) for i, day in enumerate(days) if day is not None)
    if not dated:
        return []
    # an update asks for a few articles: only the windows holding one of them are built
    asked = sorted(day for i in asking if (day := days[i]) is not None)
    groups = []
    step, first, last = WINDOW_DAYS // 2, dated[0][0], dated[-1][0]
    for start in range(first, last + 1, step):
        if bisect_left(asked, start - step) == bisect_left(asked, start + WINDOW_DAYS):
            continue
        low = bisect_left(dated, (start - step, -1))
        high = bisect_left(dated, (start + WINDOW_DAYS, -1))
        if high - low > 1:
            groups.append([i for _, i in dated[low:high]])
    return groups


def _cells(vectors: np.ndarray, asking: list[int]) -> list[list[int]]:
    """Groups of articles whose sentence vectors lie close: k-means cells of about
    `CELL_SIZE` articles, each article placed in its two nearest cells (an inverted-file
    index, as approximate nearest-neighbour libraries build), so a neighbour across a cell
    border is still found. Only the cells holding an asking article are returned."""
    from sklearn.cluster import MiniBatchKMeans

    if not asking:  # nothing new: every stored story stays as it is
        return []
    cells = max(2, round(len(vectors) / CELL_SIZE))
    kmeans = MiniBatchKMeans(
        n_clusters=cells, random_state=0, n_init=1, batch_size=4096, init_size=10 * cells
    )
    # the cells are learnt from a fixed sample (`CELL_SAMPLE` per cell): placing the articles
    # is then the only cost that grows with the store, which an update pays again
    sample = np.random.default_rng(0).permutation(len(vectors))[: cells * CELL_SAMPLE]
    distances = kmeans.fit(vectors[np.sort(sample)]).transform(vectors)
    nearest = np.argpartition(distances, 1, axis=1)[:, :2].ravel()
    # each cell's members in article order: a stable sort of (article, cell) by cell
    order = np.argsort(nearest, kind="stable")
    bounds = np.searchsorted(nearest[order], np.arange(cells + 1))
    wanted = np.unique(nearest.reshape(-1, 2)[asking])
    return [
        (order[bounds[cell] : bounds[cell + 1]] // 2).tolist()
        for cell in wanted.tolist()
        if bounds[cell + 1] - bounds[cell] > 1
    ]


def _nearest_pairs(
    matrix: sparse.csr_matrix | np.ndarray, group: list[int], asking: list[int]
) -> set[tuple[int, int]]:
    """Pairs of each asking article in `group` with its nearest neighbours in `group`."""
    wanted = set(asking)
    queries = [i for i in group if i in wanted]
    if not queries or len(group) < 2:
        return set()
    neighbours = NearestNeighbors(n_neighbors=min(NEIGHBOURS + 1, len(group)), metric="cosine")
    rows = matrix[group]
    position = {i: n for n, i in enumerate(group)}
    # scikit-learn computes the distances in chunks of up to `working_memory` MB (1 GB by
    # default): most of linking's peak memory at 100k articles; smaller chunks cost no time
    with config_context(working_memory=NEIGHBOUR_MEMORY_MB):
        _, indices = neighbours.fit(rows).kneighbors(rows[[position[i] for i in queries]])
    return {
        (min(i, group[j]), max(i, group[j]))
        for i, row in zip(queries, indices, strict=True)
        for j in row
        if group[j] != i
    }


def _rare_term_pairs(tfidf: sparse.csr_matrix, asking: list[int]) -> set[tuple[int, int]]:
    """Pairs of articles that share at least two of their most distinctive words (names,
    places, numbers): candidates across any time distance (a story reposted months later),
    at most `NEIGHBOURS` per article, those sharing most first. A word shared by more than
    `MAX_POSTINGS` articles is too common to block on."""

    def top_terms(i: int) -> np.ndarray:
        start, end = tfidf.indptr[i], tfidf.indptr[i + 1]
        terms: np.ndarray = tfidf.indices[start:end][np.argsort(-tfidf.data[start:end])]
        return terms[:RARE_TERMS]

    top = {i: top_terms(i) for i in asking}
    # Only articles holding one of the asking articles' distinctive words can share it:
    # an update, which asks for a few articles, ranks the words of those alone.
    wanted = np.unique(np.concatenate(list(top.values()))) if top else np.array([], int)
    holding = np.isin(tfidf.indices, wanted)
    rows = np.unique(np.searchsorted(tfidf.indptr, np.flatnonzero(holding), side="right") - 1)
    postings: dict[int, list[int]] = {}
    for i in rows.tolist():
        if i not in top:
            top[i] = top_terms(i)
        for term in top[i].tolist():
            postings.setdefault(term, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for i in asking:
        shared: dict[int, int] = {}
        for term in top[i].tolist():
            members = postings[term]
            if len(members) <= MAX_POSTINGS:
                for j in members:
                    shared[j] = shared.get(j, 0) + 1
        shared.pop(i, None)
        best = sorted((j for j, hits in shared.items() if hits >= 2), key=shared.__getitem__)
        pairs |= {(min(i, j), max(i, j)) for j in best[-NEIGHBOURS:]}
    return pairs


def _similarities(
    views: list[tuple[float, sparse.csr_matrix | np.ndarray]], pairs: list[tuple[int, int]]
) -> dict[tuple[int, int], float]:
    """The mixed similarity of each pair, computed a block of pairs at a time."""
    total = np.zeros(len(pairs), dtype=np.float64)
    if not pairs:
        return {}
    left, right = (np.array(side) for side in zip(*pairs, strict=True))
    for start in range(0, len(pairs), PAIR_BLOCK):
        block = slice(start, start + PAIR_BLOCK)
        for weight, matrix in views:
            a, b = matrix[left[block]], matrix[right[block]]
            if sparse.issparse(a):
                dots = np.asarray(a.multiply(b).sum(axis=1)).ravel()
            else:
                dots = np.einsum("ij,ij->i", a, b)
            total[block] += weight * dots
    return dict(zip(pairs, total.tolist(), strict=True))


def _row_sum(matrix: sparse.csr_matrix | np.ndarray, rows: list[int]) -> Any:
    """The sum of some rows: of a sparse matrix, as a `_SparseRow`."""
    if isinstance(matrix, np.ndarray):
        return matrix[rows[0]] if len(rows) == 1 else matrix[rows].sum(axis=0)
    if len(rows) == 1:  # read straight from the matrix's arrays: no scipy object is built
        start, end = matrix.indptr[rows[0]], matrix.indptr[rows[0] + 1]
        return _SparseRow(matrix.indices[start:end], matrix.data[start:end])
    summed = sparse.csr_matrix(sparse.csr_matrix(np.ones((1, len(rows)))) @ matrix[rows])
    summed.sum_duplicates()  # sorted columns, each once
    return _SparseRow(summed.indices, summed.data)


@dataclass(frozen=True, slots=True)
class _SparseRow:
    """One sparse row (a cluster's summed term weights) as bare arrays, columns sorted and
    each once: adding and multiplying two of them costs a few numpy calls, where scipy's
    one-row matrices cost a tenth of a millisecond each (merging clusters at 100k articles
    makes hundreds of thousands of them)."""

    indices: np.ndarray
    data: np.ndarray

    def __add__(self, other: _SparseRow) -> _SparseRow:
        indices = np.concatenate([self.indices, other.indices])
        data = np.concatenate([self.data, other.data])
        columns, at = np.unique(indices, return_inverse=True)
        # a column held by both rows gets 0 + left + right: what adding the two gives
        return _SparseRow(columns, np.bincount(at, weights=data, minlength=len(columns)))


def _squared_norms(matrix: sparse.csr_matrix | np.ndarray, rows: list[int]) -> np.ndarray:
    if sparse.issparse(matrix):
        chosen = sparse.csr_matrix(matrix[rows])
        return np.asarray(chosen.multiply(chosen).sum(axis=1)).ravel()
    dense = np.asarray(matrix[rows], dtype=np.float64)
    return np.asarray((dense * dense).sum(axis=1))


def _dot(left: Any, right: Any) -> float:
    if isinstance(left, _SparseRow):
        return _sparse_dot(left, right)
    return float(np.dot(left, right))


def _sparse_dot(left: _SparseRow, right: _SparseRow) -> float:
    """The dot product of two sparse rows: the shorter row's columns looked up in the longer
    row's sorted ones (a sixth to a tenth of the time of scipy's element-wise product at a
    cluster's sizes, where linking spends most of its time at scale)."""
    if len(left.indices) > len(right.indices):
        left, right = right, left
    if not len(left.indices):
        return 0.0
    at = np.searchsorted(right.indices, left.indices)
    at[at == len(right.indices)] = 0
    found = right.indices[at] == left.indices
    return float(np.dot(left.data[found], right.data[at[found]]))


def _apart(
    left: tuple[int | None, int | None],
    right: tuple[int | None, int | None],
    days: int = MAX_DAYS_APART,
) -> bool:
    """Whether two dated time spans lie more than `days` apart."""
    if None in left or None in right:
        return False
    gap = max(right[0] - left[1], left[0] - right[1])  # type: ignore[operator]
    return gap > days


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


def _zeros(vectors: Mapping[str, Embedding]) -> tuple[float, ...]:
    width = len(next(iter(vectors.values())).vector) if vectors else 384
    return (0.0,) * width

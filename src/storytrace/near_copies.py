"""near_copies: syndicated and near-verbatim copies, found by MinHash LSH.

Each article's text becomes a set of word 5-shingles, summarised by a 128-permutation
MinHash (datasketch); an LSH index tuned for Jaccard 0.8 (`BANDS` bands of `ROWS` hash
values, datasketch's choice) proposes candidate pairs, so no pair of articles is compared
unless they share a band. A candidate pair whose estimated Jaccard similarity reaches
`COPY_THRESHOLD` is a copy. Within a group of copies each article is marked `duplicate_of`
the earliest one (by publication date, then input order), with its highest similarity to
another member.

The steps are apart so that the Dask engine can run them on a cluster — signatures per
article, candidate pairs by a shuffle on `band_keys`, then the same `copy_links` — and
find exactly the copies `near_copies` finds on one machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

import numpy as np
from datasketch import MinHash, MinHashLSH

from storytrace.candidates import DisjointSets
from storytrace.records import Article, NearCopy

COPY_THRESHOLD = 0.8
PERMUTATIONS = 128
_SHINGLE = 5
_WORD = re.compile(r"\w+", re.UNICODE)
# datasketch's choice for the threshold (least false positives and negatives): 9 x 13
_PARAMETERS = MinHashLSH(threshold=COPY_THRESHOLD, num_perm=PERMUTATIONS)
BANDS, ROWS = _PARAMETERS.b, _PARAMETERS.r

_SIGNATURE_TYPE = MinHash(num_perm=PERMUTATIONS).hashvalues.dtype  # uint32 or uint64
# datasketch's permutation scheme: signatures of different schemes must never be compared,
# so a stored signature carries the name of its scheme
_SCHEME: str = MinHash(num_perm=PERMUTATIONS).scheme
_STORED_PREFIX = f"{_SCHEME}:".encode()  # what a stored signature starts with
Pair = tuple[str, str, float]  # two article ids and their estimated Jaccard similarity


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < _SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + _SHINGLE]).encode() for i in range(len(words) - _SHINGLE + 1)}


def minhash(text: str) -> MinHash:
    summary = MinHash(num_perm=PERMUTATIONS)
    summary.update_batch(list(shingles(text)))
    return summary


def signature(text: str) -> np.ndarray:
    """The text's MinHash values (uint64, `PERMUTATIONS` of them)."""
    values: np.ndarray = minhash(text).hashvalues
    return values


def signature_from_bytes(raw: bytes) -> np.ndarray:
    """A signature back from `signature(...).tobytes()`."""
    return np.frombuffer(raw, _SIGNATURE_TYPE)


def stored_signature(text: str) -> bytes:
    """The text's signature as the store keeps it: the scheme's name, then the values."""
    return _STORED_PREFIX + signature(text).tobytes()


def from_stored(raw: bytes) -> np.ndarray | None:
    """A stored signature's values; None when it was made by another scheme (another
    datasketch): it must be computed again."""
    scheme, _, values = raw.partition(b":")
    if scheme.decode(errors="replace") != _SCHEME:
        return None
    return signature_from_bytes(values)


def band_keys(values: np.ndarray) -> list[bytes]:
    """One key per LSH band: two signatures are candidates when any of their keys agree."""
    return [
        band.to_bytes(1, "big") + values[band * ROWS : (band + 1) * ROWS].tobytes()
        for band in range(BANDS)
    ]


def similarity(left: np.ndarray, right: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (datasketch's `MinHash.jaccard`)."""
    return float(np.count_nonzero(left == right)) / len(left)


def near_copies(
    articles: Sequence[Article], known: Mapping[str, bytes] | None = None
) -> tuple[NearCopy, ...]:
    """The near copies among `articles`; `known` holds signatures computed earlier
    (`link_features`), by article id: the others are computed here.

    The LSH index is built with numpy, a sort per band: articles whose values agree on a
    band are candidates, the pairs datasketch's `MinHashLSH` would propose, at a fraction of
    its cost in Python (an update of a large store reads every stored signature again)."""
    if not articles:
        return ()
    matrix = _signatures(articles, known or {})
    # Articles with the same signature are copies of the first of them, which alone enters
    # the index: 10,000 copies of one text cost 10,000 signatures, not 10^8 comparisons.
    _, first, which = np.unique(_as_keys(matrix), return_index=True, return_inverse=True)
    representative = first[which.ravel()]
    pairs: list[Pair] = [
        (articles[k].id, articles[int(representative[k])].id, 1.0)
        for k in np.flatnonzero(representative != np.arange(len(articles))).tolist()
    ]
    indexed = np.sort(first)
    candidates: set[tuple[int, int]] = set()
    for band in range(BANDS):
        values = matrix[indexed, band * ROWS : (band + 1) * ROWS]
        # Sorting one 64-bit number per article is many times quicker than sorting the
        # band's bytes; articles whose numbers agree are then told apart by their bytes,
        # so the candidates are exactly those of equal bands.
        hashed = _band_hashes(values)
        order = np.argsort(hashed, kind="stable")
        ordered = hashed[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        ends = np.r_[starts[1:], len(order)]
        shared = ends - starts > 1  # only the numbers two articles or more share (a few)
        for start, end in zip(starts[shared].tolist(), ends[shared].tolist(), strict=True):
            members = order[start:end]
            rows = values[members]
            if (rows == rows[0]).all():  # almost always: distinct bands rarely share a number
                groups = [indexed[members]]
            else:
                _, same = np.unique(_as_keys(rows), return_inverse=True)
                groups = [indexed[members[same.ravel() == key]] for key in np.unique(same)]
            for group in groups:
                if len(group) > 1:
                    candidates.update(combinations(sorted(group.tolist()), 2))
    for earlier, later in sorted(candidates):
        score = similarity(matrix[later], matrix[earlier])
        if score >= COPY_THRESHOLD:
            pairs.append((articles[later].id, articles[earlier].id, score))
    return copy_links(articles, pairs)


def _signatures(articles: Sequence[Article], known: Mapping[str, bytes]) -> np.ndarray:
    """The articles' signatures, one row each: the stored ones of this scheme decoded at
    once (an update decodes every stored signature again), the others computed."""
    prefix = _STORED_PREFIX
    width = len(prefix) + PERMUTATIONS * _SIGNATURE_TYPE.itemsize
    stored = [known.get(article.id) for article in articles]
    usable = [
        k for k, raw in enumerate(stored) if raw and len(raw) == width and raw.startswith(prefix)
    ]
    matrix = np.empty((len(articles), PERMUTATIONS), dtype=_SIGNATURE_TYPE)
    if usable:
        raw = np.frombuffer(b"".join(stored[k] or b"" for k in usable), np.uint8)
        matrix[usable] = (
            raw.reshape(len(usable), width)[:, len(prefix) :].copy().view(_SIGNATURE_TYPE)
        )
    computed = np.ones(len(articles), dtype=bool)
    computed[usable] = False
    for k in np.flatnonzero(computed).tolist():
        matrix[k] = signature(articles[k].text)
    return matrix


def _band_hashes(values: np.ndarray) -> np.ndarray:
    """One 64-bit number per row of `values` (unsigned integers), equal for equal rows."""
    rows = values.astype(np.uint64, copy=False)
    hashed = np.zeros(len(rows), dtype=np.uint64)
    for column in range(rows.shape[1]):  # wrapping multiply-add: a polynomial hash
        hashed = hashed * np.uint64(0x9E3779B97F4A7C15) + rows[:, column]
    return hashed


def _as_keys(values: np.ndarray) -> np.ndarray:
    """Each row of `values` as one opaque item that sorts and compares as its bytes."""
    rows = np.ascontiguousarray(values)
    return rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()


def copy_links(articles: Sequence[Article], pairs: Iterable[Pair]) -> tuple[NearCopy, ...]:
    """Groups of copies from the copy `pairs`; each member but the earliest is a NearCopy."""
    order = {a.id: (a.published or "9999", position) for position, a in enumerate(articles)}
    pairs = list(pairs)
    # only articles in a pair can be or have a copy: the others are left out of the groups
    joined = DisjointSets(dict.fromkeys(member for pair in pairs for member in pair[:2]))
    best: dict[str, float] = {}
    for left, right, score in pairs:
        for member in (left, right):
            best[member] = max(best.get(member, 0.0), score)
        first, second = sorted((joined.find(left), joined.find(right)), key=order.__getitem__)
        joined.union(first, second)  # the earlier representative stays
    # the earliest article of each group is the one the others copy
    earliest: dict[str, str] = {}
    for article_id in sorted(best, key=order.__getitem__):
        earliest.setdefault(joined.find(article_id), article_id)
    return tuple(
        NearCopy(article_id, earliest[joined.find(article_id)], round(best[article_id], 4))
        for article_id in sorted(best, key=order.__getitem__)
        if earliest[joined.find(article_id)] != article_id
    )

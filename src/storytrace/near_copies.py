"""near_copies: syndicated and near-verbatim copies, found by MinHash LSH.

Each article's text becomes a set of word 5-shingles, summarised by a 128-permutation
MinHash (datasketch); an LSH index tuned for Jaccard 0.8 proposes candidate pairs, so no
pair of articles is compared unless they share a band. A candidate pair whose estimated
Jaccard similarity reaches `COPY_THRESHOLD` is a copy. Within a group of copies each
article is marked `duplicate_of` the earliest one (by publication date, then input order).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from storytrace.records import Article, NearCopy

COPY_THRESHOLD = 0.8
_PERMUTATIONS = 128
_SHINGLE = 5
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < _SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + _SHINGLE]).encode() for i in range(len(words) - _SHINGLE + 1)}


def near_copies(articles: Sequence[Article]) -> tuple[NearCopy, ...]:
    hashes: dict[str, MinHash] = {}
    index = MinHashLSH(threshold=COPY_THRESHOLD, num_perm=_PERMUTATIONS)
    order = {a.id: (a.published or "9999", position) for position, a in enumerate(articles)}
    parent = {a.id: a.id for a in articles}
    # Articles with the same signature are copies of one another: only one of them enters
    # the index, so 10,000 copies of one text cost 10,000 signatures, not 10^8 comparisons.
    first_with: dict[bytes, str] = {}
    best: dict[str, float] = {}
    for article in articles:
        signature = MinHash(num_perm=_PERMUTATIONS)
        signature.update_batch(list(shingles(article.text)))
        digest = signature.hashvalues.tobytes()
        if digest in first_with:
            parent[article.id] = first_with[digest]
            best[article.id] = 1.0
            continue
        first_with[digest] = article.id
        hashes[article.id] = signature
        index.insert(article.id, signature)

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for article_id, signature in hashes.items():
        for other in index.query(signature):
            if other == article_id:
                continue
            similarity = signature.jaccard(hashes[other])
            if similarity >= COPY_THRESHOLD:
                best[article_id] = max(best.get(article_id, 0.0), similarity)
                first, second = sorted((find(article_id), find(other)), key=order.__getitem__)
                parent[second] = first
    # the earliest article of each group is the one the others copy
    earliest: dict[str, str] = {}
    for article_id in sorted(parent, key=order.__getitem__):
        earliest.setdefault(find(article_id), article_id)
    copied = {article_id: earliest[find(article_id)] for article_id in parent}
    for article_id, original in copied.items():
        if article_id != original:
            best.setdefault(article_id, best.get(original, 1.0))
    return tuple(
        NearCopy(article_id, copied[article_id], round(best[article_id], 4))
        for article_id in sorted(best, key=order.__getitem__)
        if copied[article_id] != article_id
    )

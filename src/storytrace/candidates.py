"""candidates: which items of a story to compare, from an inverted index of their keys.

Items sharing keys (trigrams, content words) are compared, most shared first. A key held by
many items (a wire story's sentences, a much-quoted phrase) still counts, but only between
each holder and the key's first `POSTING_CAP` holders: callers pass items oldest first, so
the most widely shared text still finds its earliest carriers while the work per key stays
within holders times `POSTING_CAP`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence

POSTING_CAP = 30


def neighbours(keys: Sequence[Iterable[Hashable]], limit: int) -> list[list[int]]:
    """For each item, the `limit` other items sharing the most keys with it, and the earliest
    ones (lowest index) sharing at least half as many."""
    postings: dict[Hashable, list[int]] = defaultdict(list)
    for index, held in enumerate(keys):
        for key in set(held):
            postings[key].append(index)
    shared: list[Counter[int]] = [Counter() for _ in keys]
    for holders in postings.values():
        if len(holders) > 1:
            head = holders[:POSTING_CAP]
            for index in holders:
                shared[index].update(head)
    result = []
    for index, counts in enumerate(shared):
        counts.pop(index, None)
        ranked = counts.most_common()
        chosen = [other for other, _ in ranked[:limit]]
        if ranked:
            # and the earliest items sharing at least half as much: when many reprints
            # share more with one another than with their source, the source still comes
            floor = ranked[0][1] / 2
            earliest = sorted(other for other, count in ranked if count >= floor)
            chosen += [other for other in earliest[: max(1, limit // 2)] if other not in chosen]
        result.append(chosen)
    return result

"""candidates: which items of a story to compare, and the groups their matches make.

`neighbours` proposes pairs from an inverted index of the items' keys; `DisjointSets` joins
matched pairs into groups (quote families, claims, a claim's origins).

Items sharing keys (trigrams, content words) are compared, most shared first. A key held by
many items (a wire story's sentences, a much-quoted phrase) still counts, but only between
each holder and the key's first `POSTING_CAP` holders: callers pass items oldest first, so
the most widely shared text still finds its earliest carriers while the work per key stays
within holders times `POSTING_CAP`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

POSTING_CAP = 30
Item = TypeVar("Item", bound=Hashable)


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


class DisjointSets(Generic[Item]):
    """Groups of items joined pair by pair (union-find with path halving)."""

    def __init__(self, items: Iterable[Item]) -> None:
        self._parent = {item: item for item in items}

    def __contains__(self, item: object) -> bool:
        return item in self._parent

    def find(self, item: Item) -> Item:
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, first: Item, second: Item) -> Item:
        """Join the two groups; the first one's representative stays and is returned."""
        kept, joined = self.find(first), self.find(second)
        self._parent[joined] = kept
        return kept

    def groups(self) -> dict[Item, list[Item]]:
        """Representative -> members, in the order the items were given."""
        found: dict[Item, list[Item]] = defaultdict(list)
        for item in self._parent:
            found[self.find(item)].append(item)
        return found

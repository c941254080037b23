"""entities: one canonical entity per person, organisation or place across articles.

Input: every article's `Mention`s. Each distinct name (an article's `local_name`) is
compared only with names that share a blocking key — a person's folded surname, a place's
or organisation's folded words — never with all names, and merged when the name matcher
says they match (`names.compare_names`: romanisations, initials, titles, order). A name of
one word ("Volkhonsky") joins a full name only when exactly one full name fits, so two
people who share a surname stay apart. Places are first mapped to their current name
(Kiev -> Kyiv), and demonyms join their country (Dravnian -> Dravnia, Russian -> Russia).

Output: an `EntityIndex`: the entities, with aliases, roles and articles, and which
entity each (article, name) belongs to, for speakers and actors in later stages.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storytrace.names import compare_names, name_tokens
from storytrace.places import canonical_place, country_of_demonym, demonym_of
from storytrace.records import Entity, Mention
from storytrace.settings import Settings

_FAMILY = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
_PRIORITY = {"person": 3, "place": 2, "organisation": 1, "group": 0}
_MAX_BLOCK = 500  # a blocking key shared by more names than this says nothing


@dataclass(frozen=True, slots=True)
class EntityIndex:
    entities: tuple[Entity, ...]
    members: tuple[tuple[str, str, str], ...]  # (article_id, local_name, entity_id)


def entities(all_mentions: Sequence[Mention], settings: Settings) -> EntityIndex:
    # The small NER model labels one name differently across articles ("Vedrin" as a
    # place in most, as a person in a dateline): the label most mentions agree on wins.
    votes: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for mention in all_mentions:
        family = _FAMILY.get(mention.label)
        if family is not None:
            votes[name_tokens(mention.local_name)][family] += 1
    _settle_votes(votes)
    names: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in all_mentions:
        tokens = name_tokens(mention.local_name)
        if tokens and mention.label in _FAMILY:
            family = _winner(votes[tokens])
            names[(family, _display(family, mention.local_name))].append(mention)
    groups = _UnionFind(list(names))
    for family in ("person", "organisation", "place"):
        keys = [key for key in names if key[0] == family]
        _merge_by_blocks(keys, groups, person=family == "person")
    _attach_demonyms(names, groups)
    return _build(names, groups)


def _settle_votes(votes: dict[tuple[str, ...], Counter[str]]) -> None:
    """Evidence beyond the label: a surname of a person is a person ("Volkhonskyi" tagged
    as a place); a name with a demonym in the corpus is a country ("Dravnia"/"Dravnian")."""
    surnames = {
        tokens[-1]
        for tokens, counts in votes.items()
        if len(tokens) >= 2 and _winner(counts) == "person"
    }
    groups = [tokens for tokens, counts in votes.items() if _winner(counts) == "group"]
    for tokens, counts in votes.items():
        if len(tokens) == 1 and tokens[0] in surnames:
            counts["person"] = sum(counts.values()) + 1
        elif (
            len(tokens) == 1
            and _winner(counts) != "group"
            and any(demonym_of(" ".join(group), tokens[0]) for group in groups)
        ):
            counts["place"] = sum(counts.values()) + 1


def _winner(counts: Counter[str]) -> str:
    return max(counts, key=lambda family: (counts[family], _PRIORITY[family]))


def _display(family: str, name: str) -> str:
    return canonical_place(name) if family == "place" else name


def _merge_by_blocks(keys: list[tuple[str, str]], groups: _UnionFind, *, person: bool) -> None:
    blocks: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in keys:
        tokens = name_tokens(key[1])
        block_keys = {tokens[-1][:4]} if person else {token[:4] for token in tokens}
        for block in block_keys:
            blocks[block].append(key)
    singles: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for members in blocks.values():
        if len(members) > _MAX_BLOCK:
            continue
        for index, left in enumerate(members):
            for right in members[index + 1 :]:
                if not compare_names(left[1], right[1]).match:
                    continue
                lone = [k for k in (left, right) if len(name_tokens(k[1])) == 1]
                if not person and len(lone) == 1:
                    continue  # "Kalvo" is not "Kalvo Times", "Dravnia" not its ministry
                if person and len(lone) == 1:
                    other = right if lone[0] == left else left
                    singles[lone[0]].add(other)  # decided below, once all pairs are known
                else:
                    groups.union(left, right)
    for single, partners in singles.items():
        roots = {groups.find(partner) for partner in partners}
        if len(roots) == 1:  # "Volkhonsky" fits exactly one full name
            groups.union(single, next(iter(partners)))


def _attach_demonyms(names: dict[tuple[str, str], list[Mention]], groups: _UnionFind) -> None:
    places = [key for key in names if key[0] == "place"]
    for key in [k for k in names if k[0] == "group"]:
        country = country_of_demonym(key[1])
        target = next(
            (p for p in places if country and name_tokens(p[1]) == name_tokens(country)), None
        )
        target = target or next((p for p in places if demonym_of(key[1], p[1])), None)
        if target is not None:
            groups.union(target, key)


def _build(names: dict[tuple[str, str], list[Mention]], groups: _UnionFind) -> EntityIndex:
    clusters: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key in names:
        clusters[groups.find(key)].append(key)
    built: list[Entity] = []
    members: list[tuple[str, str, str]] = []
    for keys in clusters.values():
        family = _entity_type(keys)
        counts = Counter({k[1]: len(names[k]) for k in keys if k[0] == family})
        name = max(counts, key=lambda n: (len(name_tokens(n)) > 1, counts[n], len(n)))
        entity_id = "e" + hashlib.sha1(f"{family}:{name}".encode()).hexdigest()[:15]
        cluster_mentions = [m for k in keys for m in names[k]]
        aliases = sorted(({m.span.text for m in cluster_mentions} | {k[1] for k in keys}) - {name})
        roles = sorted({r for m in cluster_mentions for r in m.roles}) if family == "person" else []
        article_ids = sorted({m.article_id for m in cluster_mentions})
        built.append(
            Entity(entity_id, name, family, tuple(aliases), tuple(article_ids), tuple(roles))
        )
        members += sorted({(m.article_id, m.local_name, entity_id) for m in cluster_mentions})
    built.sort(key=lambda e: (-len(e.article_ids), e.type, e.name))
    return EntityIndex(tuple(built), tuple(members))


def _entity_type(keys: Iterable[tuple[str, str]]) -> str:
    families = {k[0] for k in keys}
    return next(f for f in ("person", "place", "organisation", "group") if f in families)


class _UnionFind:
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._parent = {item: item for item in items}

    def find(self, item: tuple[str, str]) -> tuple[str, str]:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:  # path compression
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, left: tuple[str, str], right: tuple[str, str]) -> None:
        self._parent[self.find(left)] = self.find(right)

"""story_groups: a collection stage that reads one story at a time, run on groups of
stories in parallel — by the local engine's process pool or on Dask workers.

Stories are dealt into groups of about equal numbers of articles; each group's task gets
only its stories' records (an article's records go with its story, a story's with it;
what is not per article or per story, such as the entity table, goes whole to every
group), and the groups' results are joined end to end. A per-story stage gives the same
records whichever way its stories are grouped, in group order rather than story order.

The same dealing makes such a stage incremental (`incremental`): a fingerprint of what it
reads for each story tells which stories changed since its last run; only those are done
again, and the stored records of the others are kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from storytrace.records import Article, Entity, Story


class _Pending(Protocol):
    def result(self) -> Any: ...


# sends `function(*arguments)` to a worker: a process pool's or a Dask client's submit
Submit = Callable[[Callable[..., Any], list[Any]], _Pending]


def per_story(
    function: Callable[..., Any],
    submit: Submit,
    groups: int,
    articles: Sequence[Article],
    stories: Sequence[Story],
    *rest: Any,
) -> Any:
    """`function(articles, stories, *rest)` over at most `groups` groups of stories, each
    task sent with `submit`; the results joined."""
    dealt_stories = story_groups(stories, groups)
    if len(dealt_stories) < 2:
        return function(articles, stories, *rest)
    # one pass over each argument deals its records to the groups
    group_of_story = {story.id: n for n, group in enumerate(dealt_stories) for story in group}
    group_of_article = {
        a: n for n, group in enumerate(dealt_stories) for story in group for a in story.article_ids
    }
    for article in articles:  # in no story: any group will do
        group_of_article.setdefault(article.id, 0)
    dealt = [
        deal(value, len(dealt_stories), group_of_article, group_of_story)
        for value in (articles, *rest)
    ]
    pending = []
    for number, group in enumerate(dealt_stories):
        members, *others = (parts[number] for parts in dealt)
        pending.append(submit(function, [members, group, *others]))
    return joined([task.result() for task in pending])


def story_groups(stories: Sequence[Story], count: int) -> list[list[Story]]:
    """Stories dealt into at most `count` groups of about equal numbers of articles
    (largest first, each to the group with fewest articles so far)."""
    groups: list[list[Story]] = [[] for _ in range(max(1, min(count, len(stories))))]
    smallest = [(0, n) for n in range(len(groups))]
    for story in sorted(stories, key=lambda s: -len(s.article_ids)):
        size, n = heapq.heappop(smallest)
        groups[n].append(story)
        heapq.heappush(smallest, (size + len(story.article_ids), n))
    return [group for group in groups if group]


def deal(
    value: Any, count: int, group_of_article: dict[str, int], group_of_story: dict[str, int]
) -> list[Any]:
    """A stage argument split into `count` parts, one per group of stories: records with a
    story_id go with their story, records with an article_id with their article, an index
    of such records field by field, a table keyed by (article id, ...) entry by entry;
    anything else (entities) goes whole to every group."""
    if isinstance(value, Mapping) and value:
        key = next(iter(value))
        if not (isinstance(key, tuple) and key and key[0] in group_of_article):
            return [value] * count
        tables: list[dict[Any, Any]] = [{} for _ in range(count)]
        for key, entry in value.items():
            number = group_of_article.get(key[0])
            if number is not None:
                tables[number][key] = entry
        return tables
    if isinstance(value, (list, tuple)) and value:
        if hasattr(value[0], "story_id"):
            key, where = "story_id", group_of_story
        elif hasattr(value[0], "article_id"):
            key, where = "article_id", group_of_article
        elif hasattr(value[0], "content_hash"):  # articles
            key, where = "id", group_of_article
        else:
            return [value] * count
        parts: list[list[Any]] = [[] for _ in range(count)]
        for record in value:
            number = where.get(getattr(record, key))
            if number is not None:
                parts[number].append(record)
        return [type(value)(part) for part in parts]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: deal(getattr(value, f.name), count, group_of_article, group_of_story)
            for f in dataclasses.fields(value)
        }
        return [
            dataclasses.replace(value, **{name: parts[n] for name, parts in fields.items()})
            for n in range(count)
        ]
    return [value] * count


def call(function: Callable[..., Any], arguments: list[Any]) -> Any:
    """`function(*arguments)`: what a worker runs for one group (picklable by name)."""
    return function(*arguments)


def joined(parts: list[Any]) -> Any:
    """Results of groups as one: sequences end to end, an index field by field."""
    first = parts[0]
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        return dataclasses.replace(
            first,
            **{
                f.name: joined([getattr(part, f.name) for part in parts])
                for f in dataclasses.fields(first)
            },
        )
    return type(first)(item for part in parts for item in part)


def incremental(
    function: Callable[..., Any],
    label: str,
    previous: Any,
    known: Mapping[str, str],
    articles: Sequence[Article],
    stories: Sequence[Story],
    *rest: Any,
) -> tuple[Any, dict[str, str]]:
    """`function(articles, stories, *rest)` (a per-story stage, versioned `label`) run only
    on the stories whose inputs changed since the fingerprints `known`; `previous` (the
    stage's stored result) gives the records of the others. Returns the whole result and
    every story's fingerprint. A story that no longer exists loses its records."""
    prints = story_fingerprints(label, articles, stories, *rest)
    changed = [story for story in stories if known.get(story.id) != prints[story.id]]
    fresh_ids = {story.id for story in changed}
    group_of_story = {story.id: int(story.id in fresh_ids) for story in stories}
    group_of_article = {a: group_of_story[s.id] for s in stories for a in s.article_ids}
    for article in articles:  # in no story: done again each time
        group_of_article.setdefault(article.id, 1)
    kept = deal(previous, 2, group_of_article, group_of_story)[0]
    if not changed:
        return kept, prints
    arguments = [deal(value, 2, group_of_article, group_of_story)[1] for value in (articles, *rest)]
    members, *others = arguments
    return joined([kept, function(members, changed, *others)]), prints


def story_fingerprints(
    label: str, articles: Sequence[Article], stories: Sequence[Story], *rest: Any
) -> dict[str, str]:
    """A digest per story of everything a per-story stage (versioned `label`) reads for it:
    the story, its articles, their records, their entries in name tables, and the id, name
    and type of the entities those entries point to. Not the whole entity table, nor an
    entity's articles, aliases or roles, which grow with articles of other stories (an
    article elsewhere naming the same person does not touch this story): a per-story stage
    reads no more of an entity than its id, name and type."""
    count = len(stories)
    group_of_story = {story.id: n for n, story in enumerate(stories)}
    group_of_article = {a: n for n, story in enumerate(stories) for a in story.article_ids}
    for article in articles:  # in no story: an extra group, read by no story
        group_of_article.setdefault(article.id, count)
    parts = [
        deal(value, count + 1, group_of_article, group_of_story) for value in (articles, *rest)
    ]
    prints = {}
    for n, story in enumerate(stories):
        digest = hashlib.sha1(f"{label}|{story!r}".encode(), usedforsecurity=False)
        mine = [dealt[n] for dealt in parts]
        used = {entity for part in mine if isinstance(part, Mapping) for entity in part.values()}
        for part in mine:
            if isinstance(part, Mapping):
                part = sorted(part.items())
            elif isinstance(part, (list, tuple)) and part and isinstance(part[0], Entity):
                part = sorted((e.id, e.name, e.type) for e in part if e.id in used)
            digest.update(repr(part).encode())
        prints[story.id] = digest.hexdigest()
    return prints

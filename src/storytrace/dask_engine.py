"""The Dask engine (`--engine dask`): the pipeline's own stage functions on a Dask cluster.

What runs where:

- **Reading and extraction.** Input files are read and extracted on the workers, a
  partition of consecutive files per task. URLs and feeds (a feed may link pages to fetch)
  are read here, where the run's fetcher keeps its politeness, cache and robots rules,
  and their documents go to the workers for extraction. Each task writes its articles to a
  Parquet file and sends back only the ledger facts; partitions are loaded into the store
  in input order, one transaction each, so duplicates, the ledger and resuming after an
  interruption behave as with the local engine. A task that fails (Dask has retried it)
  leaves its inputs unrecorded and stops the run after the rest is stored: the same
  command resumes.
- **Per-article stages.** The articles a stage has not run on are written to Parquet
  shards; a task reads one shard, runs the stage function on each article and writes the
  records to Parquet (models load once per worker process and stay loaded); the shards are
  loaded into the store, one transaction each.
- **Near copies.** Signatures per shard on the workers, then a shuffle of (band key,
  signature) rows on the band key (`dask.bag.groupby`, a task shuffle); the pairs are
  verified where they meet and `near_copies.copy_links` groups them here: the same copies
  as on one machine.
- **Stories.** The dated articles are cut into time windows of `window_days`, each widened
  by `margin_days` on both sides so that a story crossing a boundary is seen whole by one
  window; undated articles go to every window. Each window is clustered by
  `stories.cluster` on a worker, and clusters of different windows that share a dated
  article become one story; an undated article joins the largest cluster it is in, and the
  articles of a story an earlier run found stay together. A collection within one window
  is clustered exactly as by the local engine; across windows two things differ: TF-IDF
  weights are fitted per window, and two articles further apart than a window and its
  margins are compared only if other articles chain them.
- **Quote families, discrepancies, claims** read one story at a time: they run on groups
  of stories on the workers, each task given only its stories' records.
- **Entities, provenance, escalation** read the whole collection (names across stories,
  word weights of all articles, countries of all events) and run here; at archive scale
  they are the slow part (docs/performance.md), as is this process holding the
  collection's records.

The staging folder holds the Parquet files while they are in flight; the workers and this
process must reach it under the same path (a shared file system on a cluster). By default
it is a temporary folder beside the store, removed when the engine closes.
"""

from __future__ import annotations

import shutil
import tempfile
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import dask.bag
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from distributed import Client, Future, LocalCluster

from storytrace.candidates import DisjointSets
from storytrace.dates import day_number
from storytrace.errors import StorytraceError
from storytrace.fetch import Fetcher
from storytrace.link_features import LinkTable, story_text
from storytrace.near_copies import (
    COPY_THRESHOLD,
    band_keys,
    copy_links,
    signature,
    signature_from_bytes,
    similarity,
)
from storytrace.readers import read_input
from storytrace.records import (
    Article,
    Diagnostic,
    Document,
    Embedding,
    Entity,
    LedgerEntry,
    Story,
)
from storytrace.runner import (
    Extracted,
    Failure,
    Progress,
    RunReport,
    admit,
    chunks,
    guarded,
    guarded_batch,
)
from storytrace.settings import Settings
from storytrace.sources import InputFile, input_kind
from storytrace.stages import Stage
from storytrace.store import Store, article_table, articles_from_table, product_tables
from storytrace.stories import (
    StoryIndex,
    cluster,
    cluster_inputs,
    stories_from_labels,
    story_keys,
)
from storytrace.story_groups import call, per_story

WINDOW_DAYS = 365
# Wide enough for a story reposted months later (recirculation) to meet its first reports.
MARGIN_DAYS = 183
FILES_PER_TASK = 16
ARTICLES_PER_TASK = 128
ARTICLES_PER_BATCH = 16  # of a task's articles given to a stage's batch form at once


class DaskEngine:
    """Runs stages on the cluster at `scheduler` (an address), or on a `LocalCluster` of
    `workers` processes started here when there is none. Close it (or use `with`)."""

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        workers: int = 2,
        staging: str | Path | None = None,
        window_days: int = WINDOW_DAYS,
        margin_days: int = MARGIN_DAYS,
    ) -> None:
        self._cluster: LocalCluster | None = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=max(1, workers),
                threads_per_worker=1,  # the stages are CPU-bound Python: one per process
                processes=True,
                dashboard_address=":0",  # a free port: a second cluster never clashes
            )
            self.client = Client(self._cluster)
        self._staging_root = None if staging is None else Path(staging)
        self._staging: Path | None = None
        self.window_days = window_days
        self.margin_days = margin_days

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    @property
    def workers(self) -> int:
        """Workers the scheduler has now (a round trip: ask once per stage)."""
        return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def _folder(self, store: Store | None = None) -> Path:
        """The staging folder, made on first use: under `staging`, else beside the first
        store the engine works on, else in the working directory."""
        if self._staging is None:
            root = self._staging_root or (
                Path(store.path).absolute().parent if store is not None else Path.cwd()
            )
            root.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(prefix="storytrace-dask-", dir=root))
        return self._staging

    def _ahead(self, futures: Iterator[Future[Any]]) -> Iterator[Future[Any]]:
        """`futures` in submission order, with a few tasks per worker submitted ahead of the
        one handed out: work overlaps the loading of results here, and millions of inputs
        never make millions of pending tasks."""
        depth = 2 * self.workers
        window: deque[Future[Any]] = deque()
        for future in futures:
            window.append(future)
            if len(window) > depth:
                yield window.popleft()
        yield from window

    # -- reading and extraction -----------------------------------------------------------

    def ingest(
        self,
        files: Sequence[InputFile],
        store: Store,
        settings: Settings,
        extract: Stage,
        report: RunReport,
        progress: Progress | None,
        fetcher: Fetcher | None,
    ) -> None:
        known = store.known_inputs()
        ids_by_hash = store.article_ids_by_hash()
        # Each task gets the ledger entries of its own inputs (a container's records are
        # PATH#ID), not the whole ledger.
        known_by_input: dict[str, dict[tuple[str, str], str]] = {}
        for key, status in known.items():
            known_by_input.setdefault(_input_of(key[0]), {})[key] = status
        folder = self._folder(store)
        partitions = list(chunks(files, FILES_PER_TASK))

        def submissions() -> Iterator[Future[Any]]:
            for number, partition in enumerate(partitions):
                items = [_read_here(item, settings, fetcher) for item in partition]
                held = {
                    key: status
                    for item in partition
                    for key, status in known_by_input.get(_input_of(item.source), {}).items()
                }
                yield self.client.submit(
                    _extract_partition,
                    items,
                    settings,
                    held,
                    extract.function,
                    str(folder / f"extract-{number}.parquet"),
                    pure=False,
                )

        done = 0
        failed: list[str] = []
        for partition, future in zip(partitions, self._ahead(submissions()), strict=True):
            ledger: list[LedgerEntry] = []
            diagnostics: list[Diagnostic] = []
            try:
                extracted: ExtractedPartition = future.result()
            except Exception as error:  # Dask retried it already: its inputs stay unrecorded
                reason = f"a Dask task failed: {type(error).__name__}: {error}"
                failed += [item.source for item in partition]
                diagnostic = Diagnostic(extract.label, partition[0].source, reason)
                store.save_ingested([], [], [diagnostic])
                report.diagnostics.append(diagnostic)
                continue
            for source, fingerprint, outcome in extracted.outcomes:
                # held by the ledger before the run, or met earlier in it (as `_ingest` does)
                key = (source, fingerprint or "")
                if isinstance(outcome, str) or key in known:
                    held_as = outcome if isinstance(outcome, str) else known[key]
                    report.unchanged += 1
                    report.unchanged_rejected += held_as == "rejected"
                    continue
                if isinstance(outcome, LedgerEntry):
                    entry = outcome
                else:
                    entry, problem = admit(source, fingerprint, outcome, ids_by_hash, extract.label)
                    if problem is not None:
                        diagnostics.append(problem)
                known[key] = entry.status
                ledger.append(entry)
            accepted = pa.array(
                [e.article_id for e in ledger if e.status == "accepted"], pa.string()
            )
            table = article_table([])
            if extracted.path is not None:
                table = pq.read_table(extracted.path).cast(table.schema)
                table = table.filter(pc.is_in(table["id"], accepted))
                Path(extracted.path).unlink()
            store.save_ingested(table, ledger, diagnostics)
            report.ledger.extend(ledger)
            report.diagnostics.extend(diagnostics)
            done += len(partition)
            if progress:
                progress(done, len(files))
        if failed:
            raise StorytraceError(
                f"{len(failed)} inputs were not read: their Dask tasks failed (first: {failed[0]})",
                hint="the diagnostics say why; the inputs stored so far stay, and running the "
                "same command again reads the rest",
            )

    # -- per-article stages -----------------------------------------------------------------

    def analyse(self, stage: Stage, store: Store, settings: Settings, report: RunReport) -> None:
        pending = store.articles_pending(stage.label)
        folder = self._folder(store)

        def submissions() -> Iterator[Future[Any]]:
            for number, first in enumerate(range(0, len(pending), ARTICLES_PER_TASK)):
                shard = folder / f"{stage.name}-{number}"
                pq.write_table(
                    store.article_rows(pending[first : first + ARTICLES_PER_TASK]),
                    f"{shard}-articles.parquet",
                )
                yield self.client.submit(
                    _analyse_partition,
                    stage.function,
                    stage.batch,
                    stage.label,
                    sorted(stage.produces),
                    str(shard),
                    settings,
                    pure=False,
                )

        for number, future in enumerate(self._ahead(submissions())):
            try:
                analysed: AnalysedPartition = future.result()
            except Exception as error:  # Dask retried it already: the articles stay pending
                reason = f"a Dask task failed: {type(error).__name__}: {error}"
                diagnostic = Diagnostic(stage.label, "*", reason)
                store.save_ingested([], [], [diagnostic])
                report.diagnostics.append(diagnostic)
                continue
            finally:
                # the shard stays until its task is done: Dask retries a task whose worker died
                Path(folder / f"{stage.name}-{number}-articles.parquet").unlink(missing_ok=True)
            tables = {
                product: pq.read_table(path) if path else pa.table({})
                for product, path in analysed.paths.items()
            }
            store.save_stage_tables(stage.label, analysed.ids, tables, analysed.diagnostics)
            report.diagnostics.extend(analysed.diagnostics)
            for path in analysed.paths.values():
                if path:
                    Path(path).unlink()

    # -- collection stages ----------------------------------------------------------------

    def background(self, settings: Settings) -> None:
        """Stages run in turn: the linkers spread their own work over the cluster."""
        return None

    def linker(self, stage: Stage, settings: Settings) -> Callable[..., Any]:
        if stage.name == "stories":
            return self.stories
        if stage.per_story:
            return partial(self.per_story, stage.function)
        return stage.function

    def per_story(self, function: Callable[..., Any], *arguments: Any) -> Any:
        """`function` (a stage that reads one story at a time) over groups of stories on the
        workers, each task given only its stories' records; the results joined."""
        return per_story(function, self._submit, 4 * self.workers, *arguments)

    def _submit(self, function: Callable[..., Any], arguments: list[Any]) -> Future[Any]:
        (shipped,) = self.client.scatter([arguments], hash=False)
        return self.client.submit(call, function, shipped, pure=False)

    def stories(
        self,
        articles: Sequence[Article],
        vectors: Mapping[str, Embedding],
        previous: Sequence[Story] = (),
        features: LinkTable | None = None,
        entities: Sequence[Entity] = (),
    ) -> StoryIndex:
        """`stories.stories` on the cluster (see the module docstring). The workers compute
        signatures and term counts from the texts (`features` is not read yet): the same
        values the stored ones hold."""
        if not articles:
            return StoryIndex((), ())
        names = story_keys(articles, entities)
        return stories_from_labels(
            articles,
            self._story_labels(articles, vectors, previous, names),
            copy_links(articles, self._copy_pairs(articles)),
        )

    def _staged(self, name: str, table: pa.Table) -> str:
        path = str(self._folder() / f"{name}.parquet")
        pq.write_table(table, path)
        return path

    def _copy_pairs(self, articles: Sequence[Article]) -> list[tuple[str, str, float]]:
        """Copy pairs by LSH banding as a shuffle on the band keys."""
        paths = [
            self._staged(
                f"signatures-{number}",
                pa.table(
                    {
                        "position": range(
                            number * ARTICLES_PER_TASK, number * ARTICLES_PER_TASK + len(chunk)
                        ),
                        "text": [article.text for article in chunk],
                    }
                ),
            )
            for number, chunk in enumerate(chunks(articles, ARTICLES_PER_TASK))
        ]
        bands = dask.bag.from_sequence(paths, npartitions=len(paths)).map(_band_rows).flatten()
        pairs = (
            bands.groupby(_band_key, shuffle="tasks", npartitions=max(1, len(paths)))
            .map(_copies_in_band)
            .flatten()
        )
        found: list[tuple[int, int, float]] = self.client.compute(pairs).result()
        for path in paths:
            Path(path).unlink()
        return [(articles[a].id, articles[b].id, score) for a, b, score in sorted(set(found))]

    def _story_labels(
        self,
        articles: Sequence[Article],
        vectors: Mapping[str, Embedding],
        previous: Sequence[Story],
        names: Sequence[Sequence[str]] | None,
    ) -> list[int]:
        matrix, dates, seed = cluster_inputs(articles, vectors, previous)
        texts = [story_text(a.title, a.text) for a in articles]
        windows = time_windows(dates, self.window_days, self.margin_days)
        futures, paths = [], []
        for number, members in enumerate(windows):
            table = pa.table(
                {
                    "text": [texts[i] for i in members],
                    "vector": pa.FixedSizeListArray.from_arrays(
                        matrix[members].ravel(), matrix.shape[1]
                    ),
                    "date": [dates[i] for i in members],
                    "seed": [seed[i] if seed else -1 for i in members],
                    "names": [list(names[i]) if names else [] for i in members],
                }
            )
            paths.append(self._staged(f"window-{number}", table))
            futures.append(
                self.client.submit(
                    _cluster_window, paths[-1], bool(seed), names is not None, pure=False
                )
            )
        labels = [future.result() for future in futures]
        for path in paths:
            Path(path).unlink()
        return join_windows(len(articles), windows, labels, dates, seed)


@dataclass(frozen=True, slots=True)
class ExtractedPartition:
    # (source, fingerprint, outcome): outcome is the ledger status of an input already
    # known, a LedgerEntry the reader made, or what extraction gave
    outcomes: list[tuple[str, str | None, str | LedgerEntry | Extracted | Failure]]
    path: str | None  # Parquet file of the partition's articles, None if it has none


@dataclass(frozen=True, slots=True)
class AnalysedPartition:
    ids: list[str]
    diagnostics: list[Diagnostic]
    paths: dict[str, str | None]  # product -> Parquet file, None when it has no rows


def _input_of(source: str) -> str:
    """The input a ledger source belongs to (`PATH#ID` is a record of the file PATH)."""
    return source.split("#", 1)[0]


def _read_here(
    item: InputFile, settings: Settings, fetcher: Fetcher | None
) -> InputFile | list[Document | LedgerEntry]:
    """URLs and feeds are read in this process (with the fetcher); files on the workers."""
    if item.path is None or input_kind(item.path.name) == "feed":
        return list(read_input(item, settings.max_input_bytes, fetcher))
    return item


def _extract_partition(
    items: list[InputFile | list[Document | LedgerEntry]],
    settings: Settings,
    known: dict[tuple[str, str], str],
    extract: Callable[[Document, Settings], Article],
    path: str,
) -> ExtractedPartition:
    """On a worker: read and extract a partition; its articles go to Parquet at `path`."""
    outcomes: list[tuple[str, str | None, str | LedgerEntry | Extracted | Failure]] = []
    articles: dict[str, Article] = {}
    for item in items:
        reads = item if isinstance(item, list) else read_input(item, settings.max_input_bytes)
        for read in reads:
            status = known.get((read.source, read.fingerprint or ""))
            if status is not None:
                outcomes.append((read.source, read.fingerprint, status))
                continue
            if isinstance(read, LedgerEntry):
                outcomes.append((read.source, read.fingerprint, read))
                continue
            outcome = guarded(extract, settings, read)
            if isinstance(outcome, Failure):
                outcomes.append((read.source, read.fingerprint, outcome))
            else:
                articles.setdefault(outcome.id, outcome)  # the first of equal texts is kept
                outcomes.append((read.source, read.fingerprint, Extracted.of(outcome)))
    if not articles:
        return ExtractedPartition(outcomes, None)
    pq.write_table(article_table(list(articles.values())), path)
    return ExtractedPartition(outcomes, path)


def _analyse_partition(
    function: Callable[[Article, Settings], Any],
    batch: Callable[[Sequence[Article], Settings], list[Any]] | None,
    label: str,
    products: list[str],
    shard: str,
    settings: Settings,
) -> AnalysedPartition:
    """On a worker: run a per-article stage over a shard; records go to Parquet."""
    articles_path = f"{shard}-articles.parquet"
    articles = articles_from_table(pq.read_table(articles_path))
    results: dict[str, Any] = {}
    diagnostics: list[Diagnostic] = []
    if batch:
        outcomes = [
            outcome
            for part in chunks(articles, ARTICLES_PER_BATCH)
            for outcome in guarded_batch(function, batch, settings, part)
        ]
    else:
        outcomes = [guarded(function, settings, article) for article in articles]
    for article, outcome in zip(articles, outcomes, strict=True):
        if isinstance(outcome, Failure):
            diagnostics.append(Diagnostic(label, article.id, outcome.reason))
            results[article.id] = ()
        else:
            results[article.id] = outcome
    paths: dict[str, str | None] = {}
    for product, table in product_tables(products, results).items():
        paths[product] = None
        if table.num_rows:
            paths[product] = f"{shard}-{product}.parquet"
            pq.write_table(table, paths[product])
    return AnalysedPartition(list(results), diagnostics, paths)


def _band_rows(path: str) -> list[tuple[bytes, int, bytes]]:
    """On a worker: (band key, position, signature) for each article of a shard."""
    table = pq.read_table(path)
    rows = []
    for position, text in zip(
        table["position"].to_pylist(), table["text"].to_pylist(), strict=True
    ):
        values = signature(text)
        rows += [(key, position, values.tobytes()) for key in band_keys(values)]
    return rows


def _band_key(row: tuple[bytes, int, bytes]) -> bytes:
    return row[0]


def _copies_in_band(
    group: tuple[bytes, list[tuple[bytes, int, bytes]]],
) -> list[tuple[int, int, float]]:
    """On a worker: the copy pairs among the articles sharing one band key. Equal
    signatures point to the first of them, as `near_copies` does; the others are compared."""
    _, rows = group
    first_with: dict[bytes, int] = {}
    pairs: list[tuple[int, int, float]] = []
    for _, position, digest in sorted(rows, key=lambda row: row[1]):
        if digest in first_with:
            pairs.append((position, first_with[digest], 1.0))
        else:
            first_with[digest] = position
    distinct = [(at, signature_from_bytes(digest)) for digest, at in first_with.items()]
    for index, (position, values) in enumerate(distinct):
        for other, other_values in distinct[:index]:
            score = similarity(values, other_values)
            if score >= COPY_THRESHOLD:
                pairs.append((position, other, score))
    return pairs


def _cluster_window(path: str, seeded: bool, named: bool) -> list[int]:
    """On a worker: `stories.cluster` over one time window."""
    table = pq.read_table(path)
    vectors = table["vector"].combine_chunks()
    return cluster(
        table["text"].to_pylist(),
        np.asarray(vectors.values, dtype=np.float32).reshape(len(table), vectors.type.list_size),
        table["date"].to_pylist(),
        table["seed"].to_pylist() if seeded else None,
        names=table["names"].to_pylist() if named else None,
    )


def time_windows(dates: Sequence[str | None], width: int, margin: int) -> list[list[int]]:
    """Positions of the articles in each window: the dated articles of its `width` days and
    of `margin` days either side, and every undated article. Windows of `width` days with no
    article of their own are left out (their neighbours see everything they would)."""
    days = [day_number(value) for value in dates]
    undated = [i for i, day in enumerate(days) if day is None]
    dated = sorted((day, i) for i, day in enumerate(days) if day is not None)
    if not dated:
        return [undated]
    keys = [day for day, _ in dated]
    windows = []
    for start in range(keys[0], keys[-1] + 1, width):
        if bisect_left(keys, start + width) == bisect_left(keys, start):
            continue
        low, high = bisect_left(keys, start - margin), bisect_left(keys, start + width + margin)
        windows.append(sorted([i for _, i in dated[low:high]] + undated))
    return windows


def join_windows(
    count: int,
    windows: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    dates: Sequence[str | None],
    seed: Sequence[int] | None = None,
) -> list[int]:
    """One label per article from the windows' labels. Clusters that share a dated article
    are one; an undated article (it is in every window) belongs to the largest cluster it
    has in any window, with everything in that cluster; articles that `seed` puts in one
    earlier story stay together, however far apart their windows."""
    joined = DisjointSets(range(count))

    def union(group: Sequence[int]) -> None:
        for other in group[1:]:
            joined.union(group[0], other)

    undated = {i for i, value in enumerate(dates) if day_number(value) is None}
    home: dict[int, list[int]] = {}  # undated article -> the largest cluster it is in
    for members, window_labels in zip(windows, labels, strict=True):
        groups: dict[int, list[int]] = {}
        for position, label in zip(members, window_labels, strict=True):
            groups.setdefault(label, []).append(position)
        for group in groups.values():
            union([i for i in group if i not in undated])
            for i in group:
                if i in undated and len(group) > len(home.get(i, ())):
                    home[i] = group
    for group in home.values():
        union(group)
    earlier: dict[int, list[int]] = {}
    for position, label in enumerate(seed or ()):
        if label >= 0:
            earlier.setdefault(label, []).append(position)
    for group in earlier.values():
        union(group)
    return [joined.find(i) for i in range(count)]

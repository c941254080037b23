"""The local runner: read inputs, run the planned stages over a process pool, store results.

Reading happens in this process (it is cheap and bounded); per-article stages run in worker
processes, and so do collection stages that can run aside while later stages go on
(`_Background`). One article failing in one stage becomes a `Diagnostic` (and, for extraction,
a rejected ledger entry) while the rest goes on. Results are written in batches, each batch
one transaction, so an interrupted run resumes where the store left off: inputs already
in the ledger with the same fingerprint are skipped before any work is done on them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, TypeVar

from storytrace.errors import InputRejected
from storytrace.fetch import Fetcher
from storytrace.models import shared_encoder
from storytrace.readers import read_input
from storytrace.records import Article, Diagnostic, Document, LedgerEntry
from storytrace.settings import Settings
from storytrace.sources import InputFile, expand_sources
from storytrace.stages import STAGES, Stage, plan
from storytrace.store import Store
from storytrace.story_groups import call, incremental, per_story

log = logging.getLogger("storytrace")

Item = TypeVar("Item")
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Failure:
    reason: str
    rejected: bool  # the input holds no article (InputRejected), not a bug in a stage


@dataclass
class RunReport:
    """What one run did; the CLI prints it and derives the exit code from it."""

    stages: list[str] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    unchanged: int = 0  # inputs skipped because the ledger already holds them
    unchanged_rejected: int = 0  # of those, inputs the ledger holds as rejected
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage run

    def count(self, status: str) -> int:
        return sum(1 for entry in self.ledger if entry.status == status)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("rejected") or self.unchanged_rejected else 0


class Engine(Protocol):
    """Where the work runs. `LocalEngine` uses this machine's processes; the Dask engine
    (`storytrace.dask_engine`) runs the same stage functions on a Dask cluster."""

    def ingest(
        self,
        files: Sequence[InputFile],
        store: Store,
        settings: Settings,
        extract: Stage,
        report: RunReport,
        progress: Progress | None,
        fetcher: Fetcher | None,
    ) -> None: ...

    def analyse(self, stage: Stage, store: Store, settings: Settings, report: RunReport) -> None:
        """Run a per-article stage over every stored article it has not run on."""

    def linker(self, stage: Stage, settings: Settings) -> Callable[..., Any]:
        """The function that runs collection `stage` (its own, or a parallel equal)."""

    def background(self, settings: Settings) -> Callable[..., Future[Any]] | None:
        """Where a collection stage can run while later stages go on: `submit(function,
        *arguments)`, or None to run every stage in turn."""


class LocalEngine:
    """This machine: per-article stages on one process pool of `Settings.workers`, kept for
    the whole run so that each worker loads its models once. Close it after the run."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def pool(self, settings: Settings) -> ProcessPoolExecutor | None:
        """The run's pool; None when the work runs in this process (workers == 1). A pool
        that a dying worker broke is replaced."""
        if settings.effective_workers() == 1:
            return None
        if self._pool is not None and getattr(self._pool, "_broken", False):
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if self._pool is None:
            self._pool = worker_pool(settings.effective_workers())
        return self._pool

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
        _ingest(files, store, settings, extract, report, progress, fetcher, self.pool(settings))

    def analyse(self, stage: Stage, store: Store, settings: Settings, report: RunReport) -> None:
        _analyse(stage, store, settings, report, self.pool(settings))

    def linker(self, stage: Stage, settings: Settings) -> Callable[..., Any]:
        pool = self.pool(settings)
        if pool is None or not stage.per_story:
            return stage.function
        if stage.encodes:
            return partial(
                stage.function, encode=shared_encoder(pool.submit, settings.effective_workers())
            )

        # the pool's processes have their models loaded by the per-article stages already
        def submit(function: Callable[..., Any], arguments: list[Any]) -> Future[Any]:
            return pool.submit(call, function, arguments)

        return partial(per_story, stage.function, submit, 4 * settings.effective_workers())

    def background(self, settings: Settings) -> Callable[..., Future[Any]] | None:
        if self.pool(settings) is None:
            return None

        def submit(function: Callable[..., Any], *arguments: Any) -> Future[Any]:
            pool = self.pool(settings)  # the run's pool now (a broken one is replaced)
            assert pool is not None
            return pool.submit(function, *arguments)

        return submit


def run(
    sources: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    until: str | None = None,
    progress: Progress | None = None,
    stages: Sequence[Stage] = STAGES,
    fetcher: Fetcher | None = None,
    engine: Engine | None = None,
) -> RunReport:
    """Ingest `sources` into `store` and run the planned stages; see the module docstring.

    URLs are fetched with `fetcher`; without one they are rejected ("fetching is off").
    With no sources, the stages run over what the store already holds (`analyze`).
    """
    planned = plan(until, stages, settings)  # fails before any input is touched
    files = expand_sources(sources)
    if engine is not None:
        return _run_stages(planned, files, store, settings, progress, fetcher, engine)
    local = LocalEngine()
    try:
        return _run_stages(planned, files, store, settings, progress, fetcher, local)
    finally:
        local.close()


def _run_stages(
    planned: list[Stage],
    files: list[InputFile],
    store: Store,
    settings: Settings,
    progress: Progress | None,
    fetcher: Fetcher | None,
    engine: Engine,
) -> RunReport:
    extract, *analyses = planned
    # with no inputs (`analyze`), extraction has nothing to do and is not reported
    report = RunReport(stages=[stage.label for stage in (planned if files else analyses)])
    if files:
        started = time.perf_counter()
        engine.ingest(files, store, settings, extract, report, progress, fetcher)
        report.seconds[extract.label] = time.perf_counter() - started
    waiting = list(analyses)
    aside = _Background(engine.background(settings), store, settings, report)
    try:
        while waiting:
            aside.collect()
            for stage in aside.startable(waiting):
                aside.start(stage)
                waiting.remove(stage)
            if not waiting:
                break
            stage = waiting.pop(0)
            aside.wait_for(stage.requires)
            started = time.perf_counter()
            if stage.scope == "article":
                engine.analyse(stage, store, settings, report)
            else:
                _link(stage, engine.linker(stage, settings), store, settings, report)
            report.seconds[stage.label] = time.perf_counter() - started
        aside.wait_for(None)
    except BaseException:
        aside.abandon()
        raise
    # in the plan's order, whatever order the stages finished in
    timed = report.seconds
    report.seconds = {stage.label: timed[stage.label] for stage in planned if stage.label in timed}
    for label, seconds in report.seconds.items():
        log.info("%s: %.1f s", label, seconds)
    return report


def _link(
    stage: Stage,
    function: Callable[..., Any],
    store: Store,
    settings: Settings,
    report: RunReport,
) -> None:
    """Run a collection stage over everything stored; its output replaces the last one (a
    per-story stage redoes only the stories whose inputs changed, `story_groups.incremental`).

    A failure is recorded as a diagnostic and the stored result of the last good pass
    stays, so one bad pass loses nothing.
    """
    try:
        if stage.per_story:
            arguments, previous, save = _per_story_io(stage.name, store)
            found, prints = incremental(
                function, stage.label, previous, store.story_fingerprints(stage.label), *arguments
            )
            save(found)
            # after the records: fingerprints without their records would hide stale ones
            store.save_story_fingerprints(stage.label, prints)
        else:
            arguments, save = _collection_io(stage, store, settings)
            save(function(*arguments))
    except NotImplementedError:
        raise
    except Exception as error:  # one failed linking pass must not lose the run's data
        _failed(stage, error, store, report)
        return
    log.info("%s: linked", stage.label)


def _failed(stage: Stage, error: BaseException, store: Store, report: RunReport) -> None:
    diagnostic = Diagnostic(stage.label, "*", f"{type(error).__name__}: {error}")
    report.diagnostics.append(diagnostic)
    store.save_ingested([], [], [diagnostic])


def _collection_io(
    stage: Stage, store: Store, settings: Settings
) -> tuple[list[Any], Callable[[Any], None]]:
    """A collection stage's arguments (read from the store now) and its writer."""
    name = stage.name
    if name == "entities":
        return [store.mentions(), settings], store.save_entities
    if name == "stories":
        # incremental: the stored stories stay, new articles join them or open new ones;
        # stories another version of the stage linked are linked again whole, by these rules
        current = store.stories_linked_by() == stage.label
        return (
            [
                store.articles(),
                store.embeddings(),
                store.stories() if current else [],
                store.link_features(),
                store.entities(),
            ],
            partial(store.save_stories, linked_by=stage.label),
        )
    if name == "provenance":
        return (
            [
                store.articles(),
                store.stories(),
                store.near_copies(),
                store.date_mentions(),
                settings,
            ],
            store.save_provenance,
        )
    if name == "escalation":
        return (
            [
                store.articles(),
                store.stories(),
                store.events(),
                store.mentions(),
                store.entities(),
                store.entity_of_local_names(),
                store.date_mentions(),
                store.near_copies(),
            ],
            store.save_event_links,
        )
    raise NotImplementedError(f"no store reader and writer for collection stage {name}")


def _picklable(function: Callable[..., Any]) -> bool:
    try:
        pickle.dumps(function)
    except Exception:  # pickling raises several kinds: any means "not by name"
        return False
    return True


class _Background:
    """Collection stages run aside on the engine's workers while later stages go on.

    A collection stage that is not per story (those spread over the workers themselves)
    starts as soon as every stage producing what it reads is done, unless the very next
    stage to run reads what it produces (then it runs in its turn, nothing to overlap). Its
    arguments are read from the store when it starts, its result written when it is done;
    a stage that reads its products waits for it first. The run's serial stages (entities,
    provenance, escalation) then overlap with the per-article and sentence-model stages.
    One fewer stage than there are workers runs aside at a time (at least one), so the
    others stay free for the stages in turn, and at most one stage's inputs wait, pickled,
    for a worker. A stage whose function cannot be pickled (a closure) runs in its turn.
    """

    def __init__(
        self,
        submit: Callable[..., Future[Any]] | None,
        store: Store,
        settings: Settings,
        report: RunReport,
    ) -> None:
        self.submit = submit
        self.limit = max(1, settings.effective_workers() - 1)
        self.store, self.settings, self.report = store, settings, report
        self.running: dict[str, tuple[Stage, Future[Any], Callable[[Any], None], float]] = {}
        self.done_at: dict[str, float] = {}

    def startable(self, waiting: list[Stage]) -> list[Stage]:
        if self.submit is None:
            return []
        pending = {p for stage in waiting for p in stage.produces}
        pending |= {p for stage, *_ in self.running.values() for p in stage.produces}
        chosen: list[Stage] = []
        for position, stage in enumerate(waiting):
            if len(self.running) + len(chosen) >= self.limit:
                break
            if stage.scope == "article" or stage.per_story or stage.requires & pending:
                continue
            following = waiting[position + 1] if position + 1 < len(waiting) else None
            if position == 0 and following is not None and following.requires & stage.produces:
                continue
            if _picklable(stage.function):
                chosen.append(stage)
        return chosen

    def abandon(self) -> None:
        """Cancel what has not started (the run is stopping on an error)."""
        for _, future, *_ in self.running.values():
            future.cancel()
        self.running.clear()

    def start(self, stage: Stage) -> None:
        assert self.submit is not None
        started = time.perf_counter()
        try:
            arguments, save = _collection_io(stage, self.store, self.settings)
        except NotImplementedError:
            raise
        except Exception as error:
            _failed(stage, error, self.store, self.report)
            self.report.seconds[stage.label] = time.perf_counter() - started
            return
        future = self.submit(call, stage.function, arguments)
        label = stage.label
        future.add_done_callback(lambda _: self.done_at.setdefault(label, time.perf_counter()))
        self.running[stage.label] = (stage, future, save, started)

    def collect(self) -> None:
        """Write the results of the stages that are done."""
        for label in [label for label, (_, future, *_) in self.running.items() if future.done()]:
            self._finish(label)

    def wait_for(self, products: frozenset[str] | None) -> None:
        """Finish the running stages that produce any of `products` (None: all of them)."""
        for label, (stage, *_) in list(self.running.items()):
            if products is None or stage.produces & products:
                self._finish(label)

    def _finish(self, label: str) -> None:
        stage, future, save, started = self.running.pop(label)
        try:
            save(future.result())
        except Exception as error:  # as in `_link`: the last good pass stays
            _failed(stage, error, self.store, self.report)
        else:
            log.info("%s: linked", stage.label)
        finished = self.done_at.get(label, time.perf_counter())
        self.report.seconds[label] = finished - started


def _per_story_io(name: str, store: Store) -> tuple[list[Any], Any, Callable[[Any], None]]:
    """A per-story stage's arguments, its stored result and its writer."""
    if name == "quote_families":
        return (
            [
                store.articles(),
                store.stories(),
                store.attributions(),
                store.entities(),
                store.entity_of_local_names(),
            ],
            store.quote_families(),
            store.save_quote_families,
        )
    if name == "discrepancies":
        return (
            [
                store.articles(),
                store.stories(),
                store.date_mentions(),
                store.quote_families(),
                store.mentions(),
                store.entities(),
                store.entity_of_local_names(),
            ],
            store.discrepancies(),
            store.save_discrepancies,
        )
    if name == "claims":
        return (
            [
                store.articles(),
                store.stories(),
                store.attributions(),
                store.provenance(),
                store.entities(),
                store.entity_of_local_names(),
            ],
            store.claims(),
            store.save_claims,
        )
    raise NotImplementedError(f"no store reader for per-story stage {name}")


def _analyse(
    stage: Stage,
    store: Store,
    settings: Settings,
    report: RunReport,
    pool: ProcessPoolExecutor | None = None,
) -> None:
    """Run a per-article stage over every stored article it has not run on (this version).

    Articles are read from the store in batches; each batch's results and its "done" marks
    are one transaction, so an interrupted analysis resumes with the articles left.
    """
    pending = store.articles_pending(stage.label)
    batch = max(1, settings.batch_size) * settings.effective_workers()

    def articles() -> Iterator[Article]:
        for first in range(0, len(pending), batch):
            yield from store.articles(pending[first : first + batch])

    results: dict[str, Any] = {}
    diagnostics: list[Diagnostic] = []

    def commit() -> None:
        store.save_stage_results(stage.label, stage.produces, results, diagnostics)
        report.diagnostics.extend(diagnostics)
        log.info("%s: committed %d articles", stage.label, len(results))
        results.clear()
        diagnostics.clear()

    # one stream of articles, so that the pool never waits for a batch to be written
    for article, outcome in map_per_article(
        stage.function, articles(), settings, pool, stage.batch
    ):
        if isinstance(outcome, Failure):
            diagnostics.append(Diagnostic(stage.label, article.id, outcome.reason))
            results[article.id] = ()
        else:
            results[article.id] = outcome
        if len(results) >= batch:
            commit()
    if results:
        commit()


def _ingest(
    files: Sequence[InputFile],
    store: Store,
    settings: Settings,
    extract: Stage,
    report: RunReport,
    progress: Progress | None,
    fetcher: Fetcher | None,
    pool: ProcessPoolExecutor | None = None,
) -> None:
    known = store.known_inputs()
    ids_by_hash = store.article_ids_by_hash()
    pending_articles: list[Article] = []
    pending_ledger: list[LedgerEntry] = []
    batches = 0

    pending_diagnostics: list[Diagnostic] = []

    def flush() -> None:
        nonlocal batches
        if pending_ledger:
            # A diagnostic lands with its input's ledger row: a resumed run skips that input.
            store.save_ingested(pending_articles, pending_ledger, pending_diagnostics)
            batches += 1
            log.info("committed batch %d (%d inputs)", batches, len(pending_ledger))
            pending_articles.clear()
            pending_ledger.clear()
            pending_diagnostics.clear()

    def record(entry: LedgerEntry, article: Article | None = None) -> None:
        known[(entry.source, entry.fingerprint or "")] = entry.status
        report.ledger.append(entry)
        pending_ledger.append(entry)
        if article is not None:
            pending_articles.append(article)
        if len(pending_ledger) >= settings.batch_size:
            flush()

    done = 0

    def documents() -> Iterator[Document]:
        nonlocal done
        for reads in _read_all(files, settings, fetcher):
            for read in reads:
                status = known.get((read.source, read.fingerprint or ""))
                if status is not None:
                    report.unchanged += 1
                    report.unchanged_rejected += status == "rejected"
                elif isinstance(read, LedgerEntry):
                    record(read)
                else:
                    yield read
            done += 1
            if progress:
                progress(done, len(files))

    for document, outcome in map_per_article(extract.function, documents(), settings, pool):
        extracted = outcome if isinstance(outcome, Failure) else Extracted.of(outcome)
        entry, diagnostic = admit(
            document.source, document.fingerprint, extracted, ids_by_hash, extract.label
        )
        if diagnostic is not None:
            report.diagnostics.append(diagnostic)
            pending_diagnostics.append(diagnostic)
        record(entry, outcome if entry.status == "accepted" else None)
    flush()


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the ledger needs of an extracted article (the Dask engine's workers send it
    back instead of the article, whose text goes to Parquet)."""

    id: str
    content_hash: str

    @classmethod
    def of(cls, article: Article) -> Extracted:
        return cls(article.id, article.content_hash)


def admit(
    source: str,
    fingerprint: str | None,
    outcome: Extracted | Failure,
    ids_by_hash: dict[str, str],
    label: str,
) -> tuple[LedgerEntry, Diagnostic | None]:
    """The ledger entry of one extracted document: accepted, duplicate of an article with
    the same text (`ids_by_hash`, updated here), or rejected — with a diagnostic when the
    extractor failed rather than found no article."""
    if isinstance(outcome, Failure):
        diagnostic = None if outcome.rejected else Diagnostic(label, source, outcome.reason)
        entry = LedgerEntry(source, "rejected", outcome.reason, None, fingerprint)
        return entry, diagnostic
    existing = ids_by_hash.get(outcome.content_hash)
    if existing is not None:
        reason = "same text as an earlier input"
        return LedgerEntry(source, "duplicate", reason, existing, fingerprint), None
    ids_by_hash[outcome.content_hash] = outcome.id
    return LedgerEntry(source, "accepted", None, outcome.id, fingerprint), None


def _read_all(
    files: Sequence[InputFile], settings: Settings, fetcher: Fetcher | None
) -> Iterator[list[Document | LedgerEntry]]:
    """What each input holds, in input order. Files are read here, one after the other;
    URLs are fetched `fetch_concurrency` at a time (the fetcher spaces requests per host)."""

    def read(item: InputFile) -> list[Document | LedgerEntry]:
        return list(read_input(item, settings.max_input_bytes, fetcher))

    if fetcher is None or not any(item.is_url for item in files):
        yield from map(read, files)
        return
    with ThreadPoolExecutor(max_workers=max(1, settings.fetch_concurrency)) as pool:
        for window in chunks(files, 8 * max(1, settings.fetch_concurrency)):
            yield from pool.map(read, window)


def map_per_article(
    function: Callable[[Item, Settings], Any],
    items: Iterable[Item],
    settings: Settings,
    pool: ProcessPoolExecutor | None = None,
    batch: Callable[[Sequence[Item], Settings], list[Any]] | None = None,
) -> Iterator[tuple[Item, Any]]:
    """(item, result or Failure) for each item, in order; in-process when workers == 1,
    else on `pool` (or a pool of `settings.workers` made for this call). With `batch` (the
    stage's work over a list of items), items go to it a few at a time.

    Items are consumed lazily in chunks so that reading, work and writing overlap and
    memory stays bounded by a few chunks whatever the number of inputs.
    """
    guard = partial(guarded, function, settings)
    many = partial(guarded_batch, function, batch, settings) if batch else None
    workers = settings.effective_workers()
    chunk_size = max(4, settings.batch_size)
    if workers == 1 and many:
        for chunk in chunks(items, chunk_size):
            yield from zip(chunk, many(chunk), strict=True)
        return
    if workers == 1:  # one at a time: reading the next input may record ledger entries
        for item in items:
            yield item, guard(item)
        return
    if pool is None:
        with worker_pool(workers) as own:
            yield from map_per_article(function, items, settings, own, batch)
        return
    per_task = chunk_size // 4 or 1
    # A worker process that dies (out of memory, a crash inside a library) breaks its pool:
    # the rest of the call goes to a new pool, and the items whose tasks were lost are done
    # again one per task, so that only the one that kills its worker fails.
    pools = [pool]

    def submitted(chunk: list[Item]) -> Iterator[Any] | None:
        """The chunk's outcomes in order (its tasks are with the pool when this returns),
        or None if the pool is broken."""
        try:
            if many:
                parts = pools[-1].map(many, chunks(chunk, per_task))
                return (outcome for part in parts for outcome in part)
            return pools[-1].map(guard, chunk, chunksize=per_task)
        except BrokenProcessPool:
            return None

    def renewed() -> None:
        if getattr(pools[-1], "_broken", False):  # the executor's own flag
            pools.append(worker_pool(workers))

    def delivered(chunk: list[Item], outcomes: Iterator[Any] | None) -> Iterator[tuple[Item, Any]]:
        done = 0
        try:
            for outcome in outcomes or ():
                yield chunk[done], outcome
                done += 1
            if outcomes is not None:
                return
        except BrokenProcessPool:
            pass
        for item in chunk[done:]:
            renewed()
            try:
                yield item, pools[-1].submit(guard, item).result()
            except BrokenProcessPool:
                yield item, Failure(_DIED, rejected=False)

    # The next chunk goes to the pool before this one's results are handed on: a worker
    # done with its share of a chunk starts on the next instead of waiting for the slowest
    # task and for the caller's writes.
    ahead: tuple[list[Item], Iterator[Any] | None] | None = None
    try:
        for chunk in chunks(items, chunk_size * workers):
            following = (chunk, submitted(chunk))
            if ahead is not None:
                yield from delivered(*ahead)
                renewed()
            ahead = following
        if ahead is not None:
            yield from delivered(*ahead)
    finally:
        for made in pools[1:]:
            made.shutdown(cancel_futures=True)


_DIED = "the worker process died on this input (out of memory, or a crash inside a library)"


def worker_pool(workers: int) -> ProcessPoolExecutor:
    # Workers come from a fork server, a clean process: forking a parent that already runs
    # torch or BLAS threads (a notebook, the test suite) can deadlock the children.
    context = multiprocessing.get_context("forkserver")
    threads = max(1, (os.cpu_count() or 1) // workers)
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_share_the_cores,
        initargs=(threads,),
    )


def _share_the_cores(threads: int) -> None:
    """The pool's processes share the cores: each runs torch and BLAS on its share of them.
    Two processes of two BLAS threads each on two cores ran no faster than one process. The
    fork server may have loaded numpy already (it imports the main module), so BLAS is
    limited now; torch reads the variables when the first stage imports it, or is told."""
    from threadpoolctl import threadpool_limits

    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    threadpool_limits(limits=threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def guarded(function: Callable[[Item, Settings], Any], settings: Settings, item: Item) -> Any:
    try:
        return function(item, settings)
    except InputRejected as rejection:
        return Failure(rejection.reason, rejected=True)
    except Exception as error:  # one bad article must not stop the run: it becomes data
        return Failure(f"{type(error).__name__}: {error}", rejected=False)


def guarded_batch(
    function: Callable[[Item, Settings], Any],
    batch: Callable[[Sequence[Item], Settings], list[Any]],
    settings: Settings,
    items: list[Item],
) -> list[Any]:
    """`batch` over `items`; if it fails, `function` item by item (`guarded`), so that a bad
    article fails alone and the others keep their results."""
    try:
        return batch(items, settings)
    except Exception:
        return [guarded(function, settings, item) for item in items]


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """`items` in lists of `size` (the last may be shorter), consumed lazily."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

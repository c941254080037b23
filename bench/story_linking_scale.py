"""Story linking time and peak memory at 1k, 10k and 100k articles, and the cost of an update.

The corpus is synthetic, generated from the real dev sets (`stories/basil-dev.jsonl` and
`stories/ecbplus-dev.jsonl`): each article is a real one with a fifth of its words replaced
by words drawn from the whole vocabulary, a few variant-specific names and numbers, and a
date moved by whole months per variant, so every size has many distinct events, near
duplicates and long time spans. Sentence vectors are the real article's MiniLM vector with
small noise (encoding 100k articles would measure MiniLM, not linking). Each size runs in a
fresh process so that its peak memory (max RSS) is its own. What is timed is the stories
stage as the runner runs it: articles, vectors, earlier stories and link features
(signatures, term counts) and canonical entities read from a DuckDB store, near copies and
clustering (`stories.stories`), the stories saved; the per-article link features and the
entities (each synthetic article mentions its real article's, found by the pipeline's parse
and entities stages, and its variant's names) are stored before the clock, as the earlier
stages do. The issue's goals:
100k takes at most 15 times the time of 10k, at most 4 GB; adding 100 articles costs at
most 5 % of a full re-link.

    .venv/bin/python bench/story_linking_scale.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path("../shared/data/stories")
ADDED = 100


def base_corpus() -> tuple[list[dict[str, str]], np.ndarray, list[list[str]]]:
    """The dev sets' rows, their MiniLM vectors and the canonical entities each mentions."""
    from storytrace.embeddings import lead_text
    from storytrace.evaluation.stories import entity_names
    from storytrace.models import sentence_model

    rows = []
    for name in ("basil-dev.jsonl", "ecbplus-dev.jsonl"):
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        rows += [json.loads(line) for line in lines if line.strip()]
    leads = [lead_text(r.get("title"), r["text"]) for r in rows]
    vectors = sentence_model().encode(leads, normalize_embeddings=True, batch_size=32)
    return rows, np.asarray(vectors, dtype=np.float32), entity_names(rows, DATA)


def synthetic(
    rows: list[dict[str, str]], vectors: np.ndarray, size: int
) -> tuple[list[str], np.ndarray, list[str | None]]:
    from storytrace.link_features import story_text

    rng = np.random.default_rng(size)
    vocabulary = sorted({w for r in rows for w in r["text"].split()})
    texts, dates, picked = [], [], []
    for k in range(size):
        base, variant = k % len(rows), k // len(rows)
        row = rows[base]
        words = row["text"].split()
        swaps = rng.integers(0, len(words), size=len(words) // 5)
        for position in swaps.tolist():
            words[position] = vocabulary[int(rng.integers(len(vocabulary)))]
        tags = f"Varo{variant} Kest{variant}ville {variant * 7 + 3} "
        texts.append(story_text(f"{tags}{row.get('title') or ''}", tags + " ".join(words)))
        start = date.fromisoformat((row.get("date") or "2016-01-01")[:10])
        moved = start + timedelta(days=30 * variant + int(rng.integers(0, 4)))
        dates.append(moved.isoformat() if row.get("date") else None)
        picked.append(base)
    noise = rng.normal(scale=0.03, size=(size, vectors.shape[1])).astype(np.float32)
    synthetic_vectors = vectors[picked] + noise
    synthetic_vectors /= np.linalg.norm(synthetic_vectors, axis=1, keepdims=True)
    return texts, synthetic_vectors, dates


def measure(size: int) -> dict[str, float]:
    """One size, in this process: the stories stage over `size` stored articles (a full
    link), then over 100 more (an update), each as the runner runs it: articles, vectors,
    stories and link features read from a DuckDB store, then near copies and clustering
    (`stories`), the result saved."""
    import pyarrow as pa

    from storytrace.entities import EntityIndex
    from storytrace.link_features import link_features
    from storytrace.records import Article, Entity
    from storytrace.settings import Settings
    from storytrace.store import Store
    from storytrace.stories import stories

    rows, vectors, names = base_corpus()
    texts, synthetic_vectors, dates = synthetic(rows, vectors, size + ADDED)
    articles = [
        Article(id=f"a{k:07d}", source=str(k), text=text, content_hash=str(k), published=day)
        for k, (text, day) in enumerate(zip(texts, dates, strict=True))
    ]
    del texts
    settings = Settings(workers=1)

    def save_entities(store: Store, count: int) -> None:
        """What the entities stage stores: each synthetic article mentions its real
        article's entities and its variant's two names (`synthetic`)."""
        mentioned: dict[str, list[str]] = {}
        for k in range(count):
            base, variant = k % len(rows), k // len(rows)
            for name in [*names[base], f"varo{variant}", f"kest{variant}ville"]:
                mentioned.setdefault(name, []).append(f"a{k:07d}")  # `articles`' ids
        found = tuple(
            Entity(name, name, "PERSON", (), tuple(ids)) for name, ids in mentioned.items()
        )
        store.save_entities(EntityIndex(found, ()))

    def store_articles(store: Store, first: int, last: int) -> None:
        """What ingestion and the per-article stages store (before the clock)."""
        for start in range(first, last, 5_000):
            batch = articles[start : min(start + 5_000, last)]
            ids = [a.id for a in batch]
            store.save_ingested(batch, [])
            flat = pa.array(synthetic_vectors[start : start + len(batch)].ravel())
            width = synthetic_vectors.shape[1]
            vector = pa.ListArray.from_arrays(pa.array(range(0, len(flat) + 1, width)), flat)
            table = pa.table({"article_id": ids, "vector": vector})
            store.save_stage_tables("embeddings/1", ids, {"embeddings": table})
            features: dict[str, Sequence[Any]] = {a.id: link_features(a, settings) for a in batch}
            store.save_stage_results("link_features/1", ["link_features"], features)

    def stage(store: Store) -> float:
        start = time.perf_counter()
        store.save_stories(
            stories(
                store.articles(),
                store.embeddings(),
                store.stories(),
                store.link_features(),
                store.entities(),
            )
        )
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "s.duckdb") as store:
        store_articles(store, 0, size)
        save_entities(store, size)
        # the stage holds what it reads from the store, not this process's corpus
        articles[:size] = [articles[0]] * size
        setup_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        full = stage(store)
        store_articles(store, size, size + ADDED)
        save_entities(store, size + ADDED)
        update = stage(store)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "size": size,
        "link_seconds": full,
        "update_seconds": update,
        "peak_mb": peak_mb,
        "setup_mb": setup_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process's size
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one)))
        return
    results = []
    for size in arguments.sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"articles: {size}  link_seconds: {result['link_seconds']:.1f}  "
            f"update_{ADDED}_seconds: {result['update_seconds']:.1f} "
            f"({result['update_seconds'] / result['link_seconds']:.3f} of a full link)  "
            f"peak_mb: {result['peak_mb']:.0f} (before the stage: {result['setup_mb']:.0f})"
        )
    by_size = {r["size"]: r for r in results}
    for small, large in ((1000, 10000), (10000, 100000)):
        if small in by_size and large in by_size:
            ratio = by_size[large]["link_seconds"] / by_size[small]["link_seconds"]
            print(f"growth {small}->{large}: {ratio:.1f}x time for 10x articles (goal <= 15x)")


if __name__ == "__main__":
    main()

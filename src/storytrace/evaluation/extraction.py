"""Extraction and text-cleaning scores on trafilatura's evaluation set.

The set holds ~990 real pages and, per page, snippets the main text must contain ("with")
and page furniture it must not ("without"). Each snippet is one decision, scored as
trafilatura's own evaluation does it: whitespace-normalised substring match, true
positive / false negative for "with", false positive / true negative for "without"; a page
that yields no text misses all its "with" snippets.

- `extraction`: storytrace's HTML extraction (the pipeline's `extract_article`) beside
  `trafilatura.extract` with the options of trafilatura's own benchmark, in the same run.
- `text-cleaning`: each page turned into plain text keeping all visible text (what a
  scraper's text dump holds), then storytrace's text-dump cleaner, beside keeping all.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import trafilatura

from storytrace.errors import InputRejected
from storytrace.evaluation import Metric, Scorecard
from storytrace.extract import extract_article
from storytrace.htmlpage import html_to_text
from storytrace.rawbytes import decode
from storytrace.records import Document
from storytrace.settings import Settings
from storytrace.textclean import clean_text_dump

ANCHOR = "F 0.924 (P 0.906, R 0.943), trafilatura 2.2's own evaluation"
_SPACES = re.compile(r"\s+")


@dataclass
class SnippetCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, other: SnippetCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn

    def metrics(self) -> tuple[Metric, ...]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = self.tp + self.fp + self.fn + self.tn
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (
            Metric("precision", precision),
            Metric("recall", recall),
            Metric("accuracy", (self.tp + self.tn) / total if total else 0.0),
            Metric("f1", f1),
        )


def count_snippets(item: dict[str, Any], text: str | None) -> SnippetCounts:
    found = _SPACES.sub(" ", text).strip() if text else None

    def present(snippet: str) -> bool:
        return found is not None and _SPACES.sub(" ", snippet).strip() in found

    tp = sum(present(s) for s in item["with"])
    fp = sum(present(s) for s in item["without"])
    return SnippetCounts(tp, fp, len(item["with"]) - tp, len(item["without"]) - fp)


def pages(folder: Path, limit: int | None = None) -> Iterator[tuple[dict[str, Any], bytes]]:
    """(annotation, raw HTML) per page of the set, in the annotation file's order."""
    root = folder / "tests" if (folder / "tests" / "evaldata.json").exists() else folder
    annotations: dict[str, dict[str, Any]] = json.loads(
        (root / "evaldata.json").read_text(encoding="utf-8")
    )
    for number, item in enumerate(annotations.values()):
        if limit is not None and number >= limit:
            return
        for candidate in (
            root / sub / name
            for sub in ("cache", "eval")
            for name in (item["file"], item["file"] + ".gz")
        ):
            if candidate.exists():
                raw = candidate.read_bytes()
                yield item, gzip.decompress(raw) if candidate.suffix == ".gz" else raw
                break


def storytrace_html_text(raw: bytes) -> str | None:
    """The article text the pipeline's extraction gives for this page (None: rejected)."""
    try:
        document = Document("page.html", "html", decode(raw, html=True), "")
        return extract_article(document, Settings(workers=1)).text
    except InputRejected:
        return None


def trafilatura_text(raw: bytes) -> str | None:
    """trafilatura with the options of its own benchmark (comments out, tables in)."""
    text: str | None = trafilatura.extract(
        raw, include_comments=False, include_tables=True, include_formatting=False
    )
    return text


def visible_text(raw: bytes) -> str:
    """All text a reader sees on the page, one block per line: a scraper's text dump."""
    try:
        return html_to_text(decode(raw, html=True))
    except InputRejected:
        return ""


def cleaned_dump_text(raw: bytes) -> str | None:
    return clean_text_dump(visible_text(raw)).body or None


def _score_page(
    ours: Callable[[bytes], str | None],
    baseline: Callable[[bytes], str | None] | None,
    page: tuple[dict[str, Any], bytes],
) -> tuple[SnippetCounts, SnippetCounts]:
    item, raw = page
    our_counts = count_snippets(item, _guard(ours, raw))
    base_counts = count_snippets(item, _guard(baseline, raw)) if baseline else SnippetCounts()
    return our_counts, base_counts


def _guard(function: Callable[[bytes], str | None], raw: bytes) -> str | None:
    try:
        return function(raw)
    except Exception:  # a crash on a page scores as a full miss, as in trafilatura's own eval
        return None


def _score(
    task: str,
    path: Path,
    workers: int,
    limit: int | None,
    ours: Callable[[bytes], str | None],
    baseline_name: str,
    baseline: Callable[[bytes], str | None],
    anchor: str,
) -> Scorecard:
    total_ours, total_base, items = SnippetCounts(), SnippetCounts(), 0
    work = partial(_score_page, ours, baseline)
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        for our_counts, base_counts in pool.map(work, pages(path, limit), chunksize=8):
            total_ours.add(our_counts)
            total_base.add(base_counts)
            items += 1
    return Scorecard(
        task, str(path), total_ours.metrics(), baseline_name, total_base.metrics(), anchor, items
    )


def score_extraction(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    return _score(
        "extraction",
        path,
        workers,
        limit,
        storytrace_html_text,
        "trafilatura",
        trafilatura_text,
        ANCHOR,
    )


def score_text_cleaning(path: Path, workers: int, limit: int | None = None) -> Scorecard:
    return _score(
        "text-cleaning",
        path,
        workers,
        limit,
        cleaned_dump_text,
        "keep_all",
        visible_text,
        "none published; the issue's goal is F 0.85",
    )

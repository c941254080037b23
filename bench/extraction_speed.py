"""Pages per second of storytrace's HTML extraction against `trafilatura.extract` alone.

Both run in this process, one after the other, over the same real pages (trafilatura's
evaluation set from ../shared/data), so the ratio does not depend on the machine. The
issue's goal: ratio >= 0.8 (storytrace adds at most 25 % to trafilatura's own time).

    .venv/bin/python bench/extraction_speed.py [--pages 300] [--data PATH]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from storytrace.evaluation.extraction import pages, storytrace_html_text, trafilatura_text


def pages_per_second(function: Callable[[bytes], object], raws: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in raws:
        function(raw)
    return len(raws) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--data", default="../shared/data/extraction/trafilatura-eval")
    arguments = parser.parse_args()
    raws = [raw for _, raw in pages(Path(arguments.data), arguments.pages)]
    pages_per_second(trafilatura_text, raws[:10])  # warm both paths: imports, caches
    pages_per_second(storytrace_html_text, raws[:10])
    # Alternate the two to spread any drift of the machine over both.
    floor = ours = 0.0
    for _ in range(2):
        floor += pages_per_second(trafilatura_text, raws) / 2
        ours += pages_per_second(storytrace_html_text, raws) / 2
    print(f"pages: {len(raws)}")
    print(f"trafilatura_pages_per_second: {floor:.1f}")
    print(f"storytrace_pages_per_second: {ours:.1f}")
    print(f"ratio: {ours / floor:.3f}  (goal >= 0.8)")


if __name__ == "__main__":
    main()

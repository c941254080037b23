"""Turn the SOURCES a user typed into a deterministic list of inputs.

Accepts http(s) URLs (of pages or feeds), files, directories (walked recursively,
symlinked directories not followed, so a loop cannot trap the walk) and glob patterns. A
path that does not exist is a usage error, raised before anything is read. Inside a
directory only files with a known suffix are inputs (a README beside the articles is not
an article); a file named explicitly is always an input, and the reader rejects it with a
reason if its type is unknown.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from storytrace.errors import UsageError

KINDS_BY_SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".jsonl": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".warc": "warc",
    ".arc": "warc",
}
_URL_SCHEMES = ("http://", "https://")
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input: a file (`path`) or a URL (`path` is None). `source` is as the user typed
    it, or as found under a directory they typed."""

    source: str
    path: Path | None

    @property
    def is_url(self) -> bool:
        return self.path is None


def input_kind(name: str) -> str | None:
    """The reader for a file name (`a.html.gz` reads as html), or None if unknown."""
    stem, suffix = os.path.splitext(name.lower())
    if suffix == ".gz":
        suffix = os.path.splitext(stem)[1]
    return KINDS_BY_SUFFIX.get(suffix)


def expand_sources(arguments: Iterable[str]) -> list[InputFile]:
    """Every input file named by `arguments`, each once, in a stable order."""
    found: list[InputFile] = []
    seen: set[Path] = set()
    urls: set[str] = set()

    def add(source: str, path: Path) -> None:
        key = path.absolute()
        if key not in seen:
            seen.add(key)
            found.append(InputFile(source, path))

    for argument in arguments:
        if argument.lower().startswith(_URL_SCHEMES):
            if argument not in urls:
                urls.add(argument)
                found.append(InputFile(argument, None))
            continue
        path = Path(argument)
        if path.is_dir():
            for file in _walk(path):
                add(str(file), file)
        elif path.exists() or path.is_symlink():
            add(argument, path)
        elif _GLOB_CHARS & set(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            if not matches:
                raise UsageError(f"no files match {argument!r}")
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    for file in _walk(match_path):
                        add(str(file), file)
                else:
                    add(match, match_path)
        else:
            raise UsageError(
                f"no such file or directory: {argument}",
                hint="give URLs, files, directories or glob patterns of .html, .txt, .jsonl, "
                "feeds (.xml, .rss, .atom) or WARC files (.warc), optionally .gz",
            )
    return found


def _walk(directory: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(
            Path(root) / name
            for name in sorted(names)
            if not name.startswith(".") and input_kind(name) is not None
        )
    return files

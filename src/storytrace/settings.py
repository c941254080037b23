"""One table of settings: defaults, types and help text live here and nowhere else.

The CLI builds its options from this table and the library takes a `Settings` built from
it, so an option is spelled out exactly once. Unknown keys are errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from storytrace.errors import UsageError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("workers", 0, "Worker processes for per-article stages; 0 means one per CPU core."),
    Setting(
        "max_input_bytes",
        50_000_000,
        "Inputs larger than this (after decompression) are rejected, never read whole.",
    ),
    Setting("min_text_chars", 40, "Articles whose extracted text is shorter are rejected."),
    Setting("batch_size", 32, "Articles written to the store per transaction."),
    Setting("fetch_timeout_seconds", 20.0, "Connect and read timeout for each HTTP request."),
    Setting("fetch_politeness_seconds", 1.0, "Least time between two requests to one host."),
    Setting("fetch_concurrency", 4, "URLs fetched at the same time (each host one at a time)."),
    Setting("fetch_cache_dir", ".storytrace-cache", "Fetched pages are kept here; '' for none."),
    Setting("respect_robots", True, "Obey robots.txt when fetching."),
    Setting(
        "attribution_cues",
        "tagger",
        "How attributions are found: tagger (the rules with their trained cue model, then "
        "a span tagger trained on PolNeAR for the spans' edges), model (the rules with "
        "their trained cue model alone) or lexicon (the rules with a cue-verb list).",
        ("model", "lexicon", "tagger"),
    ),
    Setting(
        "recirculation_days",
        30,
        "An article published this many days or more after its story's first report, "
        "presenting it as new, is flagged as recirculated.",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings for one run; build with `Settings.from_mapping`."""

    workers: int = _BY_NAME["workers"].default
    max_input_bytes: int = _BY_NAME["max_input_bytes"].default
    min_text_chars: int = _BY_NAME["min_text_chars"].default
    batch_size: int = _BY_NAME["batch_size"].default
    fetch_timeout_seconds: float = _BY_NAME["fetch_timeout_seconds"].default
    fetch_politeness_seconds: float = _BY_NAME["fetch_politeness_seconds"].default
    fetch_concurrency: int = _BY_NAME["fetch_concurrency"].default
    fetch_cache_dir: str = _BY_NAME["fetch_cache_dir"].default
    respect_robots: bool = _BY_NAME["respect_robots"].default
    attribution_cues: str = _BY_NAME["attribution_cues"].default
    recirculation_days: int = _BY_NAME["recirculation_days"].default

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        unknown = sorted(set(values) - set(_BY_NAME))
        if unknown:
            raise UsageError(
                f"unknown setting {', '.join(unknown)}",
                hint=f"known settings: {', '.join(_BY_NAME)}",
            )
        resolved: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            kind = type(_BY_NAME[name].default)
            if kind is bool and isinstance(value, str):
                if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise UsageError(f"setting {name}: {value!r} is not true or false")
                value = value.lower() in ("true", "1", "yes")
            try:
                resolved[name] = kind(value)
            except (TypeError, ValueError) as error:
                raise UsageError(f"setting {name}: {value!r} is not a {kind.__name__}") from error
            choices = _BY_NAME[name].choices
            if choices and resolved[name] not in choices:
                raise UsageError(f"setting {name}: {value!r} is not one of {', '.join(choices)}")
        return cls(**resolved)

    def effective_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

"""The stage registry: what each stage needs, what it produces, and the plan check.

A stage is a pure function over records. Per-article stages (`scope="article"`) take one
item and the run's `Settings` and are mapped over a process pool. Collection stages
(`scope="collection"`) link across articles: they take everything stored that they
require (all mentions; all articles and their vectors) and the runner stores their
output whole; those that read one story at a time (`per_story`) may run on groups of
stories in parallel (`story_groups`). Before anything runs, `plan` checks that each
stage's requirements are produced by an earlier stage (or are the run's input,
`documents`) and names the missing producer otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from storytrace.claims import claims
from storytrace.date_mentions import date_mentions
from storytrace.discrepancies import discrepancies
from storytrace.embeddings import embeddings, embeddings_of
from storytrace.entities import entities
from storytrace.errors import PlanError
from storytrace.escalation import escalation
from storytrace.extract import extract_article
from storytrace.link_features import link_features
from storytrace.parse import parse_article, parse_articles
from storytrace.provenance import provenance
from storytrace.quote_families import quote_families
from storytrace.settings import Settings
from storytrace.stories import stories

RUN_INPUTS = frozenset({"documents"})


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    version: int
    scope: Literal["article", "collection"]
    requires: frozenset[str]
    produces: frozenset[str]
    function: Callable[..., Any]
    # a collection stage that reads one story at a time (its records of one story depend
    # only on that story's): engines may run it on groups of stories in parallel
    per_story: bool = False
    # a per-story stage whose heavy part is the sentence model; it takes an `encode`
    # keyword (`models.Encoder`). The local engine runs it in the main process and has the
    # pool's processes share each call's texts (`models.shared_encoder`): the texts of all
    # stories then go to the model at once, in large batches, and no records are shipped
    # (bench/end_to_end.py's stories: claims took 5.3-5.6 s on the pool by story, 4.3-4.5 s so).
    # Dask spreads its stories over the workers like other per-story stages.
    encodes: bool = False
    # a per-article stage's work over a list of items at once (results in order), where
    # models run quicker on batches; `function` stays the reference, and the fallback
    # item by item when a batch fails
    batch: Callable[[Sequence[Any], Any], list[Any]] | None = None
    # the settings the stage's output depends on: a run with any of them away from its
    # default labels the stage apart (`under`), so that changing one runs the stage again
    shaped_by: tuple[str, ...] = ()
    # those settings' values away from their defaults (`under` sets it), e.g.
    # `attribution_cues=model`
    variant: str = ""

    @property
    def label(self) -> str:
        """Versioned name, e.g. `extract/1`: bump the version when the output changes;
        a run with other settings than the defaults it is shaped by adds them
        (`parse/3[attribution_cues=model]`)."""
        label = f"{self.name}/{self.version}"
        return f"{label}[{self.variant}]" if self.variant else label

    def under(self, settings: Settings) -> Stage:
        """The stage as a run with `settings` labels it (`label`): its records are kept
        per article with that label, and an article done under another label (another
        version, or other settings) is done again, its earlier records replaced."""
        defaults = Settings()
        changed = [
            f"{name}={getattr(settings, name)}"
            for name in self.shaped_by
            if getattr(settings, name) != getattr(defaults, name)
        ]
        return replace(self, variant=",".join(changed))


STAGES: tuple[Stage, ...] = (
    Stage(
        "extract", 1, "article", frozenset({"documents"}), frozenset({"articles"}), extract_article
    ),
    Stage(
        "date_mentions",
        1,
        "article",
        frozenset({"articles"}),
        frozenset({"date_mentions"}),
        date_mentions,
    ),
    Stage(
        "parse",
        3,  # 3: attributions by the span tagger's join by default
        "article",
        frozenset({"articles"}),
        frozenset({"mentions", "attributions", "events"}),
        parse_article,
        batch=parse_articles,
        shaped_by=("attribution_cues",),
    ),
    Stage("entities", 1, "collection", frozenset({"mentions"}), frozenset({"entities"}), entities),
    Stage(
        "embeddings",
        1,
        "article",
        frozenset({"articles"}),
        frozenset({"embeddings"}),
        embeddings,
        batch=embeddings_of,
    ),
    Stage(
        "link_features",
        1,
        "article",
        frozenset({"articles"}),
        frozenset({"link_features"}),
        link_features,
    ),
    Stage(
        "stories",
        3,
        "collection",
        frozenset({"articles", "embeddings", "link_features", "entities"}),
        frozenset({"stories", "near_copies"}),
        stories,
    ),
    Stage(
        "provenance",
        1,
        "collection",
        frozenset({"articles", "stories", "near_copies", "date_mentions"}),
        frozenset({"provenance", "named_origins", "recirculations"}),
        provenance,
    ),
    Stage(
        "quote_families",
        1,
        "collection",
        frozenset({"articles", "stories", "attributions", "entities"}),
        frozenset({"quote_families"}),
        quote_families,
        per_story=True,
        encodes=True,
    ),
    Stage(
        "discrepancies",
        1,
        "collection",
        frozenset(
            {"articles", "stories", "date_mentions", "quote_families", "mentions", "entities"}
        ),
        frozenset({"discrepancies"}),
        discrepancies,
        per_story=True,
    ),
    Stage(
        "claims",
        1,
        "collection",
        frozenset({"articles", "stories", "attributions", "provenance", "entities"}),
        frozenset({"claims", "denials"}),
        claims,
        per_story=True,
        encodes=True,
    ),
    Stage(
        "escalation",
        1,
        "collection",
        frozenset(
            {
                "articles",
                "stories",
                "near_copies",
                "events",
                "mentions",
                "entities",
                "date_mentions",
            }
        ),
        frozenset({"event_links"}),
        escalation,
    ),
)


def stage_names(stages: Sequence[Stage] = STAGES) -> list[str]:
    return [stage.name for stage in stages]


def plan(
    until: str | None = None, stages: Sequence[Stage] = STAGES, settings: Settings | None = None
) -> list[Stage]:
    """The stages to run, in order, up to and including `until` (all when None), as a run
    with `settings` labels them (`Stage.under`; the defaults when None)."""
    names = stage_names(stages)
    if until is not None and until not in names:
        raise PlanError(f"unknown stage {until!r}", hint=f"stages: {', '.join(names)}")
    selected = list(stages) if until is None else list(stages)[: names.index(until) + 1]
    available = set(RUN_INPUTS)
    for stage in selected:
        missing = sorted(stage.requires - available)
        if missing:
            producers = [s.name for s in stages if s.produces & set(missing)]
            where = (
                f"produced by {', '.join(producers)}, which must run before it"
                if producers
                else "no registered stage produces it"
            )
            raise PlanError(f"stage {stage.name} needs {', '.join(missing)}: {where}")
        available |= stage.produces
    return [stage.under(settings or Settings()) for stage in selected]

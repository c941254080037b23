"""storytrace: trace a developing news story across outlets, offline.

The library is the product; the `storytrace` command is a thin layer over it. Importing
the package does no work: models, stores and pools are created by the functions that
need them.
"""

__version__ = "0.1.0"  # first: modules below read it while the package initialises

from storytrace.errors import InputRejected, PlanError, StoreError, StorytraceError, UsageError
from storytrace.export import contract_document, render
from storytrace.records import Article, Diagnostic, Document, LedgerEntry, Span, Story
from storytrace.runner import RunReport, run
from storytrace.settings import SETTINGS, Settings
from storytrace.stages import STAGES, Stage, plan
from storytrace.store import Store

__all__ = [
    "SETTINGS",
    "STAGES",
    "Article",
    "Diagnostic",
    "Document",
    "InputRejected",
    "LedgerEntry",
    "PlanError",
    "RunReport",
    "Settings",
    "Span",
    "Stage",
    "Store",
    "StoreError",
    "Story",
    "StorytraceError",
    "UsageError",
    "__version__",
    "contract_document",
    "plan",
    "render",
    "run",
]

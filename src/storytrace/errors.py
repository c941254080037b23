"""The one exception hierarchy of storytrace.

Errors raised to the user carry a one-line message and, where it helps, a hint; the CLI
prints both and maps the class to an exit code. Problems with a single input are not
exceptions at this level: they become rejected ledger entries and the run goes on.
"""

from __future__ import annotations


class StorytraceError(Exception):
    """Base class: something the user can act on."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(StorytraceError):
    """Bad arguments: a missing path, an unknown setting or stage (exit code 2)."""

    exit_code = 2


class PlanError(UsageError):
    """The stages asked for cannot run: a requirement has no producer."""


class StoreError(StorytraceError):
    """The database cannot be opened or is from an incompatible version."""


class InputRejected(Exception):
    """Raised inside readers for one input; becomes a rejected ledger entry with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

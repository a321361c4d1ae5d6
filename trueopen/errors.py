"""Errors a user can act on: each names the input and what is wrong with it."""

from __future__ import annotations

from .report.safe_text import printable


def first_line(exc: BaseException, limit: int = 200) -> str:
    """An exception from a library, cut to one line a user can read next to a file name."""
    text = str(exc).strip().splitlines()
    return printable(text[0] if text else type(exc).__name__)[:limit]


class TrueopenError(Exception):
    """Base class; the CLI prints these as one line and exits 2.

    The text echoes file names and values from the input, so it is escaped (report/safe_text.py):
    a newline cannot split the one line, an escape code cannot hide or rewrite it."""

    def __str__(self) -> str:
        return printable(super().__str__())


class InputError(TrueopenError):
    """A file or argument the user gave is unreadable, malformed or of the wrong shape."""

    def __init__(self, source: str, problem: str, field: str | None = None):
        source, problem = printable(source), printable(problem)
        field = printable(field) if field is not None else None
        self.source = source
        self.problem = problem
        self.field = field
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {problem}")


class NotFound(TrueopenError):
    """A model id that is not in the catalog; carries close matches for 'did you mean'."""

    def __init__(self, query: str, suggestions: list[str], what: str = "model"):
        self.query = query
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        listing = {"model": "trueopen list", "producer": "trueopen producers",
                   "model or license": "trueopen list for models; license ids are Hugging Face tags or SPDX ids"
                   }.get(what, "trueopen list --format json")
        missing = (f"'{query}' is neither a model in the catalog nor a license trueopen knows" if what == "model or license"
                   else f"no {what} '{query}' in the catalog")
        super().__init__(f"{missing}.{hint} (see: {listing})")

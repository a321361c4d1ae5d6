"""The `trueopen` command: a thin shell over trueopen.service, one module per command group.

Exit codes follow linters: 0 clean, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys

import typer

from .. import __version__
from ..errors import TrueopenError
from . import advise, audit, catalog, gate, imports, licenses, scan, serve  # noqa: F401  (each registers its commands)
from .common import ClosedPipe, Verdict, app, err  # noqa: F401


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"trueopen {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="print the version"),
) -> None:
    pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main() -> None:
    code: int | str | None = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except TrueopenError as exc:  # anything a command did not turn into a message itself
        err.print(f"trueopen: error: {exc}", highlight=False, markup=False)
        code = 2
    except (ClosedPipe, BrokenPipeError):  # the reader stopped reading (| head): that is not an error
        _silence_stdout()
        code = 0
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    main()

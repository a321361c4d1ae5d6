"""The `trueopen` command: a thin shell over trueopen.service, one module per command group.

Exit codes follow linters: 0 clean, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import sys

import typer

from .. import __version__
from ..errors import TrueopenError
from . import advise, audit, catalog, imports, licenses  # noqa: F401  (each registers its commands)
from .common import Verdict, app, err  # noqa: F401


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"trueopen {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="print the version"),
) -> None:
    pass


def main() -> None:
    try:
        app()
    except TrueopenError as exc:  # anything a command did not turn into a message itself
        err.print(f"trueopen: error: {exc}", highlight=False, markup=False)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()

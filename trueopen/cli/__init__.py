"""The `trueopen` command: a thin shell over trueopen.service, one module per command group.

A run imports only the module of the command it names (`trueopen show` never loads the web
server's or the bill of materials' options), and `--version` imports nothing but this: a command
line tool should start as fast as the work it does allows.

Exit codes follow linters: 0 clean, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys

from .. import __version__

# Every command module, in the order their commands are listed by `trueopen --help`.
MODULES = ("advise", "audit", "catalog", "gate", "imports", "licenses", "scan", "serve")
# The module that registers each command; a name not here (a typo, --help) loads them all.
COMMAND_MODULES = {
    "compare": "advise", "cost": "advise", "choose": "advise",
    "audit": "audit",
    "show": "catalog", "list": "catalog", "producers": "catalog", "gap": "catalog", "validate": "catalog",
    "bom": "gate", "check": "gate",
    "import": "imports",
    "license": "licenses", "can": "licenses",
    "scan": "scan",
    "serve": "serve",
}


def command_name(argv: list[str]) -> str | None:
    """The command a command line names: its first word, unless that is an option."""
    return argv[0] if argv and not argv[0].startswith("-") else None


def load_commands(argv: list[str] | None = None):
    """The app with the commands `argv` needs registered (all of them when argv is None)."""
    import importlib

    from .common import app

    wanted = COMMAND_MODULES.get(command_name(argv) or "") if argv is not None else None
    for module in (wanted,) if wanted else MODULES:
        importlib.import_module(f".{module}", __name__)
    if app.registered_callback is None:
        _root_callback(app)
    return app


def __getattr__(name: str):
    """`trueopen.cli.app` (every command registered), `Verdict`, `err`, `ClosedPipe` as before."""
    if name == "app":
        return load_commands()
    if name in ("ClosedPipe", "Verdict", "err"):
        from . import common

        return getattr(common, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _root_callback(app) -> None:
    import typer

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
    if sys.argv[1:] == ["--version"]:  # the answer needs no command line parser
        sys.stdout.write(f"trueopen {__version__}\n")
        sys.exit(0)
    from ..errors import TrueopenError
    from .common import ClosedPipe, err

    code: int | str | None = 0
    try:
        load_commands(sys.argv[1:])()
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

"""What every command shares: the app, output consoles, formats, and how errors end a command.

Exit codes follow linters: 0 clean, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import importlib
import os
import sys
from enum import Enum
from typing import Any, Callable

import typer
from typer.core import TyperGroup


class _Lazy:
    """A module imported on first use: `trueopen license` and `--help` start in a fraction of the
    time it takes to load the catalog, the frameworks and pydantic."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name, __package__), attr)


service = _Lazy("..service")
identify = _Lazy("..licenses.identify")  # called directly: naming licenses needs nothing of the catalog
jsonout = _Lazy("..report.jsonout")
license_report = _Lazy("..report.licenses")
markdown = _Lazy("..report.markdown")
terminal = _Lazy("..report.terminal")


class ClosedPipe(Exception):
    """The reader of our output went away (`trueopen list | head -1`). Not an OSError, so that
    click does not turn it into exit code 1, which here means "findings"."""


class _Group(TyperGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise ClosedPipe() from exc


app = typer.Typer(
    cls=_Group,
    help=(
        "How open is an AI model really, and why.\n\n"
        "Examples:\n\n"
        "\b\n"
        "  trueopen list                    every model in the bundled catalog\n"
        "  trueopen show llama-2-7b         the full assessment of one model\n"
        "  trueopen show llama-2            a family: its releases, how open\n"
        "  trueopen list --verdict open-source --format json\n"
        "  trueopen audit ./my-model        the facts from a model's own files\n"
        "  trueopen audit hf:org/name --against llama-3.1-8b\n"
        "  trueopen license ./my-model      every license in a folder, file, tag\n"
        "  trueopen scan '/models/*' -o out.jsonl\n"
        "                                   many sources at once, on Dask\n"
        "  trueopen can llama-2-7b --users 800M --distill\n"
        "                                   may we? each answer cites its clause\n"
        "  trueopen import mof model.yml    a MOF file, scored as MOT does\n"
        "  trueopen list --producer openai  one producer's releases by date\n"
        "  trueopen producers               who went from open to closed\n"
        "  trueopen gap MMLU                the open/closed gap, year by year\n"
        "  trueopen validate                check catalog entries or given files\n"
        "  trueopen compare llama-3.1-8b olmo-2-7b gpt-4o\n"
        "                                   side by side\n"
        "  trueopen choose --on-prem --commercial --users 800M\n"
        "                                   a shortlist for stated needs\n"
        "  trueopen cost llama-3.3-70b gpt-4o --tokens 1B\n"
        "                                   API bill vs self-hosting\n"
        "  trueopen bom llama-3.1-8b        an AI bill of materials (CycloneDX)\n"
        "  trueopen check ./model --policy p.yaml\n"
        "                                   a policy gate for CI, with SARIF\n"
        "\n"
        "Every command takes --format (table, json, md; some more). Tables fit the terminal; piped or\n"
        "redirected, they are $COLUMNS wide, else 80.\n\n"
        "Exit codes: 0 clean; 1 findings (a forbidden answer, audit warnings, validation\n"
        "problems, no license found); 2 usage or input error. A closed pipe (| head) is 0."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
import_app = typer.Typer(help="Read other projects' formats and assess them.", no_args_is_help=True)
app.add_typer(import_app, name="import")


def output_width(is_tty: bool, columns: str | None) -> int | None:
    """Width of table output: a terminal's own width (None: rich asks it); otherwise $COLUMNS when
    it is a number, else 80, so piped and redirected output reads in any terminal and diffs stay
    stable."""
    if is_tty:
        return None
    if columns and columns.strip().isdigit() and int(columns) >= 20:
        return int(columns)
    return 80


class _NoTrailingSpaces:
    """Standard output without the spaces rich pads table lines with: a line is as long as what
    it shows, in a pager, a log or a diff."""

    def __init__(self, stream):
        self._stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            self._stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending)
            self._pending = ""
        self._stream.flush()

    def __getattr__(self, attr: str):
        return getattr(self._stream, attr)


class _LazyConsole:
    """A rich Console made on first use: JSON output never needs one."""

    def __init__(self, **options):
        self._options = options
        self._console = None

    def __getattr__(self, attr: str):
        if self._console is None:
            from rich.console import Console

            class _Console(Console):
                def on_broken_pipe(self) -> None:  # rich's own exits with 1, our "findings" code
                    self.quiet = True
                    raise ClosedPipe()

            options = dict(self._options)
            if options.pop("stdout_width", False):
                options["width"] = output_width(sys.stdout.isatty(), os.environ.get("COLUMNS"))
                options["file"] = _NoTrailingSpaces(sys.stdout)
            self._console = _Console(**options)
        return getattr(self._console, attr)


out = _LazyConsole(soft_wrap=False, stdout_width=True)
err = _LazyConsole(stderr=True, soft_wrap=True)


def colour_wanted(is_tty: bool, environ: "dict[str, str] | os._Environ[str]") -> bool:
    """Whether output may be coloured (then rich draws it): on a terminal, or when FORCE_COLOR
    asks for it. Piped or redirected output is plain text either way."""
    return is_tty or bool(environ.get("FORCE_COLOR"))


class _Screen:
    """Standard output for reports laid out as plain text (report.layout.lines): written as it is
    when not on a terminal, without importing rich; coloured by rich (`out`) on a terminal."""

    @property
    def _colour(self) -> bool:
        return colour_wanted(sys.stdout.isatty(), os.environ)

    @property
    def width(self) -> int:
        if self._colour:
            return out.width
        return output_width(False, os.environ.get("COLUMNS")) or 80

    def show_lines(self, laid: list) -> None:
        if self._colour:
            from ..report.layout import styled_text

            out.print(styled_text(laid), soft_wrap=True, highlight=False, markup=False, emoji=False)
            return
        from ..report.layout import plain

        try:
            sys.stdout.write(plain(laid))
        except BrokenPipeError as exc:
            raise ClosedPipe() from exc


screen = _Screen()


class Format(str, Enum):
    table = "table"
    json = "json"
    md = "md"


class Verdict(str, Enum):
    open_source = "open-source"
    open_weights = "open-weights"
    restricted_weights = "restricted-weights"
    closed = "closed"
    unknown = "unknown"



class Sort(str, Enum):
    name = "name"
    date = "date"
    producer = "producer"
    verdict = "verdict"
    mof = "mof"


FORMAT_OPT = typer.Option(Format.table, "--format", "-f", help="table (terminal), json (stable, see docs/json.md) or md")


def fail(message: str) -> None:
    err.print(f"trueopen: error: {message}", highlight=False, markup=False)
    raise typer.Exit(2)


def write_output(text: str, path: "str | os.PathLike[str] | None", note: bool = False) -> None:
    """Standard output, or the -o file replaced whole through safeio (a regular file only, never a
    device, a FIFO or a folder; a failed write leaves the old file)."""
    from ..errors import TrueopenError
    from ..safeio import write_file

    if path is None:
        sys.stdout.write(text)
        return
    try:
        write_file(path, text.encode("utf-8"))
    except TrueopenError as exc:
        fail(str(exc))
    if note:
        err.print(f"wrote {path}", highlight=False, markup=False)


def print_json(obj: object) -> None:
    from ..report.safe_text import json_dumps  # any value serialised; C1 and bidi escaped

    sys.stdout.write(json_dumps(obj) + "\n")


def render(fmt: "Enum | str", *, table: Callable[[], Any], md: Callable[[], str] | None = None,
           json: Callable[[], Any] | None = None, csv: Callable[[], str] | None = None,
           html: Callable[[], str] | None = None, path: "str | os.PathLike[str] | None" = None) -> Any:
    """One --format dispatch for every command. `json` returns a value (written by `print_json`,
    or to -o in the same form); `md`, `csv` and `html` return text; `table` draws on `out` and its
    result is returned (a command may exit on it). A format with no renderer gets the table; the
    table goes to the terminal only, so -o with it is a usage error. Renderers run only when
    chosen: a command pays for the one format asked."""
    name = getattr(fmt, "value", fmt)
    if name == "json" and json is not None:
        if path is None:
            print_json(json())
        else:
            from ..report.safe_text import json_dumps

            write_output(json_dumps(json()) + "\n", path, note=True)
        return None
    text = {"md": md, "csv": csv, "html": html}.get(name)
    if text is not None:
        write_output(text(), path, note=True)
        return None
    if path is not None:
        files = [n for n, f in (("md", md), ("json", json), ("csv", csv), ("html", html)) if f is not None]
        fail(f"--out needs --format {', '.join(files[:-1])} or {files[-1]}; the table is for the terminal"
             if len(files) > 1 else "--out needs another --format; the table is for the terminal")
    return table()

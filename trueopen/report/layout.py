"""How every terminal table is laid out, so all of them read in an 80-column terminal: long
values wrap (words) or fold (ids, URLs) and are never cut; short columns (ids, dates, status words)
never wrap; URLs that would not fit a cell are numbered footnotes printed whole below.

Only rich is imported here: `trueopen license` and `can` use it without loading the catalog.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .safe_text import printable_cell


# Plain ASCII chrome: a line is as many bytes as columns, so output reads in 80 columns in any
# terminal, log or pager, whatever its encoding.
RULE_UNDER_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
FRAME = box.ASCII
SEP = " | "  # between facts on one line
BULLET = "- "  # before a condition or a duty
ARROW = "->"


def table(*, title: str | None = None, caption: str | None = None, lines: bool = False) -> Table:
    """The one table style: a rule under the header, no side borders (they cost 3 columns each
    in an 80-column terminal), a blank line between rows whose cells wrap."""
    return Table(title=title, caption=caption, box=RULE_UNDER_HEAD, show_edge=False, pad_edge=False,
                 expand=True, show_lines=lines, title_justify="left", caption_justify="left")


def row(t: Table, *cells: str | Text) -> None:
    """A row of plain text: brackets in names and footnote marks are never read as markup, and
    control or bidi characters (from file names, cards, MOF files) are shown escaped."""
    t.add_row(*(c if isinstance(c, Text) else Text(printable_cell(c)) for c in cells))


def col(t: Table, name: str, *, short: bool = False, min_width: int | None = None, **kw) -> None:
    """A column: short ones (status words, dates, ids) never wrap; the others fold long words."""
    t.add_column(name, no_wrap=short, overflow="fold", min_width=min_width, **kw)


class Footnotes:
    """URLs numbered in order of first use, printed whole under what cites them."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def ref(self, url: str | None) -> str:
        if not url:
            return ""
        if url not in self.urls:
            self.urls.append(url)
        return f"[{self.urls.index(url) + 1}]"

    def print(self, console: Console) -> None:
        keyed(console, [(f"[{i}]", u) for i, u in enumerate(self.urls, 1)])


def keyed(console: Console, rows: list[tuple[str, str]]) -> None:
    """`  [key] text` lines; a long text (a URL) folds under itself, never under the key."""
    if not rows:
        return
    g = Table.grid(padding=(0, 1), expand=True)
    g.add_column(no_wrap=True)
    g.add_column(overflow="fold", ratio=1)
    for k, text in rows:
        g.add_row(Text(f"  {k}"), Text(printable_cell(text)))
    console.print(g)

"""How every terminal table is laid out, so all of them read in an 80-column terminal: long
values wrap (words) or fold (ids, URLs) and are never cut; short columns (ids, dates, status words)
never wrap; URLs that would not fit a cell are numbered footnotes printed whole below.

Two ways to draw by the same rules. The hot paths (`show`, `list`) describe their report as plain
data, a list of blocks (`panel`, `text`, `table`, `keyed`; JSON values, so a report can be kept in
the cache) and `lines()` lays it out here with textwrap: rich's Table layout cost `list` about
280 ms and `show` 100-140 ms of CPU per start, more than the rest of the command. rich still
colours those lines on a terminal (`emit`), and draws the other commands' tables (`table`, `col`,
`row`, `keyed`); it is imported only when one of those runs.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from .safe_text import printable_cell

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

SEP = " | "  # between facts on one line
BULLET = "- "  # before a condition or a duty
ARROW = "->"

# A laid-out line: (text, style) pieces; a style is a rich style name, "" for none.
Line = list


def __getattr__(name: str) -> Any:
    """The rich boxes (plain ASCII chrome: a line is as many bytes as columns, so output reads in
    80 columns in any terminal, log or pager, whatever its encoding), made on first use."""
    if name == "RULE_UNDER_HEAD":
        from rich import box

        return box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
    if name == "FRAME":
        from rich import box

        return box.ASCII
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---- reports as data, laid out as plain text ------------------------------------------------------

def cell(text: str, style: str = "") -> list:
    """A table cell or a piece of a line: control and bidi characters shown escaped."""
    return [printable_cell(text), style]


def column(name: str, *, short: bool = False, ratio: int = 0, min_width: int | None = None,
           max_width: int | None = None, justify: str = "left") -> dict:
    """A column: short ones (status words, dates, ids) never wrap; the others wrap words and fold
    long ones; `ratio` columns share the width left over by the others."""
    return {"name": name, "short": short, "ratio": ratio, "min": min_width, "max": max_width, "justify": justify}


def table_block(cols: list[dict], rows: list[list], *, title: str | None = None, caption: str | None = None,
                lines: bool = False, expand: bool = True) -> dict:
    """The one table style: a rule under the header, no side borders (they cost 3 columns each
    in an 80-column terminal), a blank line between rows whose cells wrap when `lines`."""
    return {"kind": "table", "cols": cols, "rows": rows, "title": title, "caption": caption, "lines": lines,
            "expand": expand}


def wrap(text: str, width: int) -> list[str]:
    """Words wrapped to `width`; a word longer than that starts a line and is folded; the first
    line keeps its indent, the spaces between words are kept, explicit newlines too. Every line
    returned is a piece of `text` (so styles can be mapped back onto it)."""
    width = max(width, 1)
    out: list[str] = []
    for para in text.split("\n"):
        if len(para) <= width:
            out.append(para)
            continue
        start = end = None  # the current line: para[start:end]
        for word in re.finditer(r"\S+", para):
            ws, we = word.span()
            if start is not None and we - start <= width:
                end = we
                continue
            if start is not None:
                out.append(para[start:end])
            start = ws if start is not None else 0  # the first line keeps its indent
            while we - start > width:  # a word wider than the column: folded
                out.append(para[start:start + width])
                start += width
            end = we
        out.append(para[start:end] if start is not None else "")
    return out


def _styled(pieces: list, width: int | None) -> list[Line]:
    """A line of (text, style) pieces, wrapped to `width` (None: never), its styles kept."""
    text = "".join(p[0] for p in pieces)
    if width is None or ("\n" not in text and len(text) <= width):
        return [[(p[0], p[1]) for p in pieces]]
    bounds, at = [], 0
    for t, s in pieces:
        bounds.append((at, at + len(t), s))
        at += len(t)
    out, cursor = [], 0
    for piece in wrap(text, width):
        start = text.find(piece, cursor) if piece else cursor
        start = cursor if start < 0 else start
        end = start + len(piece)
        out.append([(text[max(a, start):min(b, end)], s) for a, b, s in bounds if min(b, end) > max(a, start)])
        cursor = end
    return out


def _ratio_distribute(total: int, ratios: list[int], minimums: list[int]) -> list[int]:
    """`total` split by `ratios`, each part at least its minimum (as rich shares a table's width)."""
    left, out, remaining = sum(ratios), [], total
    for ratio, minimum in zip(ratios, minimums):
        part = max(minimum, math.ceil(ratio * remaining / left)) if left > 0 else remaining
        out.append(part)
        left -= ratio
        remaining -= part
    return out


def widths(cols: list[dict], rows: list[list], width: int, *, left: int = 1, right: int = 1,
           divider: int = 1, expand: bool = True) -> list[int]:
    """The content width of each column in `width` columns: every column as wide as its widest
    line, ratio columns sharing what is left, then the widest wrapping columns narrowed until the
    table fits."""
    n = len(cols)
    pads = [(left if i else 0) + (right if i < n - 1 else 0) for i in range(n)]
    room = width - divider * (n - 1)
    natural = []
    for i, c in enumerate(cols):
        w = max([len(line) for r in rows for line in r[i][0].split("\n")] + [len(c["name"]), 1])
        w = max(w, c["min"] or 0)
        natural.append(min(w, c["max"]) if c["max"] else w)
    full = [w + p for w, p in zip(natural, pads)]
    if expand and any(c["ratio"] for c in cols):
        fixed = sum(f for f, c in zip(full, cols) if not c["ratio"])
        flex = [i for i, c in enumerate(cols) if c["ratio"]]
        parts = _ratio_distribute(room - fixed, [cols[i]["ratio"] for i in flex], [1 + pads[i] for i in flex])
        for i, part in zip(flex, parts):
            full[i] = part
    wraps = [not c["short"] for c in cols]
    while sum(full) > room:
        candidates = [i for i in range(n) if wraps[i] and full[i] - pads[i] > 1] or \
                     [i for i in range(n) if full[i] - pads[i] > 1]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: full[i])
        full[widest] -= 1
    if expand and sum(full) < room and not any(c["ratio"] for c in cols):
        full = [f + extra for f, extra in zip(full, _ratio_distribute(room - sum(full), full, [0] * n))]
    return [f - p for f, p in zip(full, pads)]


def grid_lines(cols: list[dict], rows: list[list], width: int, *, left: int = 1, right: int = 1,
               divider: int = 1, expand: bool = True, header: bool = True, lines: bool = False,
               rule: bool = True) -> list[Line]:
    """Rows of cells ([text, style]) laid out in columns: a bold header and a rule under it, each
    cell wrapped in its column; a blank line between rows when `lines`."""
    ws = widths(cols, rows, width, left=left, right=right, divider=divider, expand=expand)
    n = len(cols)
    gap = [" " * ((right if i < n - 1 else 0) + divider + left) for i in range(n)]

    def draw(cells: list, styles: list[str], bottom: bool = False) -> list[Line]:
        wrapped = [wrap(c, w) if not col["short"] or len(max(c.split("\n"), key=len)) > w else c.split("\n")
                   for c, w, col in zip(cells, ws, cols)]
        if bottom:  # a header that wraps sits on the rule under it
            tall = max(len(x) for x in wrapped)
            wrapped = [[""] * (tall - len(x)) + x for x in wrapped]
        out = []
        for k in range(max(len(x) for x in wrapped)):
            line: Line = []
            for i, (parts, w, col) in enumerate(zip(wrapped, ws, cols)):
                text = parts[k] if k < len(parts) else ""
                just = col["justify"]
                if just == "center":
                    text = " " * ((w - len(text)) // 2) + text
                text = text.rjust(w) if just == "right" else text.ljust(w)
                line.append((text, styles[i] if text.strip() else ""))
                if i < n - 1:
                    line.append((gap[i], ""))
            out.append(line)
        return out

    out: list[Line] = []
    if header:
        out += draw([c["name"] for c in cols], ["bold"] * n, bottom=True)
        if rule:
            out.append([("-" * (sum(ws) + sum(len(g) for g in gap[:-1])), "")])
    for k, r in enumerate(rows):
        if lines and k:
            out.append([])
        out += draw([c[0] for c in r], [c[1] for c in r])
    return out


def lines(blocks: list[dict], width: int) -> list[Line]:
    """A report (a list of blocks) laid out in `width` columns."""
    out: list[Line] = []
    for b in blocks:
        kind = b["kind"]
        if kind == "text":
            for pieces in b["lines"]:
                out += _styled(pieces, width)
        elif kind == "panel":  # an ASCII frame around wrapped lines
            inner = width - 4
            out.append([("+" + "-" * (width - 2) + "+", "")])
            for pieces in b["lines"]:
                for line in _styled(pieces, inner):
                    pad = inner - sum(len(t) for t, _ in line)
                    out.append([("| ", ""), *line, (" " * pad + " |", "")])
            out.append([("+" + "-" * (width - 2) + "+", "")])
        elif kind == "table":
            t_width = width
            if b.get("title"):
                out += _styled([(b["title"], "italic")], t_width)
            out += grid_lines(b["cols"], b["rows"], width, lines=b["lines"], expand=b["expand"])
            if b.get("caption"):
                out += _styled([(b["caption"], "dim italic")], t_width)
        elif kind == "keyed":  # "  [key] text": a long text folds under itself, never under the key
            cols = [column("", short=True), column("", ratio=1)]
            rows = [[[f"  {k}", ""], [printable_cell(v), ""]] for k, v in b["rows"]]
            out += grid_lines(cols, rows, width, left=0, right=1, divider=0, header=False)
        else:
            raise ValueError(f"no such block: {kind}")
    return out


def text_block(*lines: list) -> dict:
    """Lines of (text, style) pieces, each wrapped at the width (its first line keeps its indent)."""
    return {"kind": "text", "lines": [list(line) for line in lines]}


def emit(target: Any, laid: list[Line]) -> None:
    """Laid-out lines to the output: a target with `show_lines` (cli.common's screen: plain text
    when not on a terminal) takes them as they are; a rich Console gets them coloured."""
    if hasattr(target, "show_lines"):
        target.show_lines(laid)
        return
    target.print(styled_text(laid), soft_wrap=True, highlight=False, markup=False, emoji=False)


def plain(laid: list[Line]) -> str:
    """The lines as text, trailing spaces dropped."""
    return "".join("".join(t for t, _ in line).rstrip(" ") + "\n" for line in laid)


def styled_text(laid: list[Line]) -> "Text":
    """The lines as one rich Text, styles kept, for a terminal; no trailing newline."""
    from rich.text import Text

    text = Text()
    for k, line in enumerate(laid):
        if k:
            text.append("\n")
        last = len(line)
        while last and not line[last - 1][0].strip():
            last -= 1
        for i, (t, s) in enumerate(line[:last]):
            text.append(t.rstrip(" ") if i == last - 1 else t, style=s or None)
    return text


# ---- rich tables, for the commands not on the hot path --------------------------------------------

def table(*, title: str | None = None, caption: str | None = None, lines: bool = False) -> "Table":
    """The one table style: a rule under the header, no side borders (they cost 3 columns each
    in an 80-column terminal), a blank line between rows whose cells wrap."""
    from rich.table import Table

    return Table(title=title, caption=caption, box=__getattr__("RULE_UNDER_HEAD"), show_edge=False,
                 pad_edge=False, expand=True, show_lines=lines, title_justify="left", caption_justify="left")


def row(t: "Table", *cells: "str | Text") -> None:
    """A row of plain text: brackets in names and footnote marks are never read as markup, and
    control or bidi characters (from file names, cards, MOF files) are shown escaped."""
    from rich.text import Text

    t.add_row(*(c if isinstance(c, Text) else Text(printable_cell(c)) for c in cells))


def col(t: "Table", name: str, *, short: bool = False, min_width: int | None = None, **kw) -> None:
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

    def rows(self) -> list[tuple[str, str]]:
        return [(f"[{i}]", u) for i, u in enumerate(self.urls, 1)]

    def print(self, console: "Console") -> None:
        keyed(console, self.rows())


def keyed(console: "Console", rows: list[tuple[str, str]]) -> None:
    """`  [key] text` lines; a long text (a URL) folds under itself, never under the key."""
    if rows:
        emit(console, lines([{"kind": "keyed", "rows": rows}], console.width))

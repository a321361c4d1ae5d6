"""Reference texts known word for word: the digest of each one's words, looked up before any matching.

Most license files are unedited copies of a known text, so most files are named by one lookup.
The table is a SQLite file inside the cached index folder: a lookup loads neither numpy nor the
index. Texts whose words equal those of references with different licenses are kept out (the
matcher decides those), and so are texts too short for the matcher to see.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import cache
from .words import SHINGLE

FILE = "texts.sqlite"
MIN_WORDS = SHINGLE  # a text shorter than one shingle is not evidence the matcher would accept


@dataclass(frozen=True)
class Known:
    expression: str
    kind: str  # text | notice | reference
    origin: str


def write(path: Path, rows: Iterable[tuple[str, int, str, str, str, bool]]) -> None:
    """Rows of (digest, word count, expression, kind, origin, decisive), one per reference document.

    A decisive row (one of our fingerprints: a specific AI license) keeps its words even when a
    generic ScanCode rule holds the same text; any other clash leaves the text to the matcher.
    """
    chosen: dict[str, tuple[str, str, str] | None] = {}
    decided: set[str] = set()
    for digest, n_words, expression, kind, origin, decisive in rows:
        if n_words < MIN_WORDS or digest in decided:
            continue
        if decisive:
            chosen[digest] = (expression, kind, origin)
            decided.add(digest)
        elif digest not in chosen:
            chosen[digest] = (expression, kind, origin)
        elif chosen[digest] is not None and chosen[digest][0] != expression:
            chosen[digest] = None  # the same words labelled two ways: let the matcher weigh them
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE texts (digest TEXT PRIMARY KEY, expression TEXT, kind TEXT, origin TEXT)"
                    " WITHOUT ROWID")
        con.executemany("INSERT INTO texts VALUES (?, ?, ?, ?)",
                        ((d, *v) for d, v in chosen.items() if v is not None))
        con.commit()
    finally:
        con.close()


class Table:
    """A read-only view of a written table."""

    def __init__(self, path: Path):
        self._con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                    check_same_thread=False)  # opening never fails; queries may

    def get(self, digest: str) -> Known | None:
        """None when unknown, and when the cached file is damaged: the matcher then does the work."""
        try:
            row = self._con.execute("SELECT expression, kind, origin FROM texts WHERE digest = ?",
                                    (digest,)).fetchone()
        except sqlite3.Error:
            return None
        return Known(*row) if row else None


_table: Table | None = None


def table() -> Table:
    """The table of the current index, building the index first when it is not cached yet."""
    global _table
    if _table is None:
        path = cache.index_folder() / FILE
        if not path.is_file():
            from . import index

            path = index.built() / FILE
        _table = Table(path)
    return _table


def forget() -> None:
    """Drop this process's connection (a forked worker opens its own on its first lookup)."""
    global _table
    _table = None

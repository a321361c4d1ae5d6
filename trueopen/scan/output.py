"""Where records go: a JSONL file appended in whole lines, one batch of records per write (so a
killed scan loses at most the batch being written, and a half-written last line is cut on
--resume), standard output, or a Parquet file built from such a JSONL at the end. --resume reads
back which sources a file already holds."""

from __future__ import annotations

import json
import os
import stat
import sys
from typing import Iterator

from ..errors import InputError
from .records import SCAN_FIELDS, read_sources

PARQUET_SUFFIXES = (".parquet", ".pq")
BATCH_ROWS = 1000
JSON_COLUMNS_KEY = b"trueopen.json_columns"


def is_parquet(path: str) -> bool:
    return path.lower().endswith(PARQUET_SUFFIXES)


def _regular_or_missing(path: str) -> bool:
    """True when `path` is a regular file, False when nothing is there; anything else is refused."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputError(path, f"cannot be used as output: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "is not a regular file; give a .jsonl or .parquet file path for -o")
    return True


def _lines(path: str) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="replace") as f:
        yield from f


def _cut_partial_line(path: str) -> None:
    """A scan killed mid-write leaves a last line without its newline: drop it (it is re-audited)."""
    with open(path, "rb+") as f:
        size = f.seek(0, os.SEEK_END)
        if size == 0:
            return
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return
        pos, chunk = size, 1 << 16
        while pos > 0:
            start = max(0, pos - chunk)
            f.seek(start)
            data = f.read(pos - start)
            nl = data.rfind(b"\n")
            if nl >= 0:
                f.truncate(start + nl + 1)
                return
            pos = start
        f.truncate(0)


class LineSink:
    """Whole lines to a file opened for appending (each line one write) or to standard output."""

    def __init__(self, path: str | None):
        self.path = path
        try:
            self._fd = None if path is None else os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        except OSError as exc:
            raise InputError(path, f"cannot be written: {exc.strerror or exc}") from None

    def write(self, line: str) -> None:
        self.write_block(line.encode("utf-8"))

    def write_block(self, data: bytes) -> None:
        """Whole UTF-8 lines at once: one system call for a batch of records."""
        if self._fd is None:
            out = getattr(sys.stdout, "buffer", None)
            if out is None:  # a text-only stream (an embedding program's)
                sys.stdout.write(data.decode("utf-8"))
            else:
                sys.stdout.flush()
                out.write(data)
            sys.stdout.flush()
            return
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Output:
    """The -o target. `done` holds the sources already written (with --resume)."""

    def __init__(self, path: str | None, resume: bool = False, force: bool = False):
        self.path = path
        self.done: set[str] = set()
        self.parquet = path is not None and is_parquet(path)
        if path is None:
            if resume:
                raise InputError("--resume", "needs -o FILE: the sources already done are read from it")
            self.lines_path = None
            return
        if self.parquet:
            _require_pyarrow()
        self.lines_path = path + ".part.jsonl" if self.parquet else path
        # an empty file holds no records (a scan that failed before its first): not worth refusing
        exists = (_regular_or_missing(path) and (self.parquet or os.path.getsize(path) > 0)) \
            | (_regular_or_missing(self.lines_path) and os.path.getsize(self.lines_path) > 0)
        if exists and not (resume or force):
            raise InputError(path, "already exists; add --resume to skip the sources it holds and append, "
                                   "or --force to replace it")
        if exists and force and not resume:
            for p in {path, self.lines_path}:
                if os.path.exists(p):
                    os.remove(p)
        if resume:
            if self.parquet and os.path.exists(path):
                _parquet_to_lines(path, self.lines_path)
            if os.path.exists(self.lines_path):
                _cut_partial_line(self.lines_path)
                self.done = read_sources(_lines(self.lines_path))

    def sink(self) -> LineSink:
        return LineSink(self.lines_path)

    def finish(self) -> None:
        """Parquet: the table written from the lines, then the lines file removed."""
        if self.parquet and self.lines_path and os.path.exists(self.lines_path):
            lines_to_parquet(self.lines_path, self.path)
            os.remove(self.lines_path)


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise InputError("-o", "Parquet output needs pyarrow: pip install 'trueopen[parquet]' "
                               "(or write .jsonl, which DuckDB and pandas read too)") from None


def _column_kinds(path: str) -> dict[str, str]:
    """Each top-level key, in first-seen order, with how it is stored: json (objects and lists as
    JSON text), int, float, bool or string (mixed scalars as text)."""
    seen: dict[str, set[str]] = {}
    for raw in _lines(path):
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        for k, v in rec.items():
            kinds = seen.setdefault(k, set())
            if v is not None:
                kinds.add("json" if isinstance(v, (dict, list)) else "bool" if isinstance(v, bool)
                          else "int" if isinstance(v, int) else "float" if isinstance(v, float) else "string")
    out = {}
    for k, kinds in seen.items():
        if "json" in kinds:
            out[k] = "json"
        elif kinds and kinds <= {"int"}:
            out[k] = "int"
        elif kinds and kinds <= {"int", "float"}:
            out[k] = "float"
        elif kinds == {"bool"}:
            out[k] = "bool"
        else:
            out[k] = "string"
    return out


def lines_to_parquet(lines_path: str, target: str) -> None:
    """A Parquet table, one row per JSON line, written in row groups so memory stays flat; nested
    values are JSON text (the column names are listed in the file's metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = _column_kinds(lines_path)
    types = {"json": pa.string(), "string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([(k, types[t]) for k, t in kinds.items()],
                       metadata={JSON_COLUMNS_KEY: json.dumps([k for k, t in kinds.items() if t == "json"]).encode()})

    def cell(kind: str, v):
        if v is None:
            return None
        if kind == "json":
            return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        if kind == "string" and not isinstance(v, str):
            return json.dumps(v)
        if kind == "float":
            return float(v)
        return v

    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            batch: list[dict] = []
            for raw in _lines(lines_path):
                try:
                    rec = json.loads(raw)
                except ValueError:
                    continue
                batch.append({k: cell(t, rec.get(k)) for k, t in kinds.items()})
                if len(batch) >= BATCH_ROWS:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            if batch or not kinds:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _parquet_to_lines(path: str, lines_path: str) -> None:
    """--resume on a finished Parquet file: its rows back as JSON lines, to be appended to."""
    import pyarrow.parquet as pq

    from .records import line

    f = pq.ParquetFile(path)
    meta = f.schema_arrow.metadata or {}
    json_cols = set(json.loads(meta.get(JSON_COLUMNS_KEY, b"[]")))
    sink = LineSink(lines_path)
    try:
        for batch in f.iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                if row.get("error") is not None:  # an error record has the scan's fields only
                    row = {k: row.get(k) for k in SCAN_FIELDS}
                sink.write(line({k: (json.loads(v) if k in json_cols and v is not None else v) for k, v in row.items()}))
    finally:
        sink.close()
    os.remove(path)

"""The user cache folder: files derived from package data, each named after a hash of what it was
built from, so that a change to the data or to the code that derives it rebuilds it by itself.

Everything here only costs or saves speed: a missing, read-only or full folder, or a file another
process left half-written, means the data is built again in this run. Files are written whole
under a unique temporary name and renamed, so parallel runs (test workers, scripts) never read
each other's half-written files.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def folder() -> Path:
    if os.environ.get("TRUEOPEN_CACHE"):
        return Path(os.environ["TRUEOPEN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "trueopen"


def key(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def module_sources(package: str, *modules: str) -> bytes:
    """The code of some modules of a trueopen package, so that a change to how data is derived
    rebuilds it."""
    base = resources.files(package)
    return b"".join(m.encode() + b"\0" + (base / f"{m}.py").read_bytes() for m in modules)


def dist_version(dist: str) -> str:
    """An installed distribution's version, read from its metadata folder's name: importing
    importlib.metadata would cost more than a start of trueopen should."""
    stem = dist.replace("-", "_").lower() + "-"
    for base in sys.path:
        found = [n for n in _listing(base or ".") if n.lower().startswith(stem) and n.endswith(".dist-info")]
        if len(found) == 1:
            return found[0][len(stem):-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


MAX_BYTES = 256 * 1024 * 1024  # far above any table here; a bigger file is not one of ours


@lru_cache(maxsize=None)
def _listing(base: str) -> tuple[str, ...]:
    """A folder's names, read once per run however many versions are asked for."""
    try:
        return tuple(os.listdir(base))
    except OSError:
        return ()


def read_bytes(path: Path) -> bytes | None:
    """A cache file's bytes; None when it is missing, unreadable, not a regular file (a FIFO put
    there would otherwise block the read) or too big to be ours."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, stale: str | None = None, keep: int = 1) -> bool:
    """Write `path` whole: a unique temporary file in the same folder, then a rename, so a reader
    sees the old file or the new one, never a part. Of the files matching the glob `stale` (other
    builds), the `keep` - 1 most recently written stay: two checkouts, or a catalog being edited,
    do not evict each other's file on every run. False when the folder cannot be written: the
    caller just goes on without."""
    base = path.parent
    tmp = base / f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        if stale:
            _prune([p for p in base.glob(stale) if p != path], keep - 1)
    except OSError:
        return False
    return True


def _prune(others: list[Path], keep: int) -> None:
    """Remove all but the `keep` most recently written of `others`."""
    def written(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(others, key=written, reverse=True)[max(keep, 0):]:
        old.unlink(missing_ok=True)


def json_table(name: str, inputs: tuple[str | bytes, ...], build: Callable[[], Any]) -> Any:
    """`build()`'s result, read from `name-KEY.json` when an earlier run saved it."""
    path = folder() / f"{name}-{key(*inputs)}.json"
    raw = read_bytes(path)
    if raw is not None:
        try:
            return json.loads(raw)
        except ValueError:
            pass
    data = build()
    write_atomic(path, json.dumps(data).encode("utf-8"), stale=f"{name}-*.json")
    return data


def validated(name: str, inputs: tuple[str | bytes, ...], adapter: Any, build: Callable[[], T],
              context: dict | None = None, keep: int = 4) -> T:
    """`build()`'s result, or the same value read back from `name-KEY.json` through a pydantic
    TypeAdapter (JSON parsed and checked in pydantic's Rust core). A file that does not validate
    whole (truncated, another build's) is built again and replaced. The `keep` most recent builds
    stay, so checkouts that share the cache folder do not rebuild on every run."""
    path = folder() / f"{name}-{key(*inputs)}.json"
    raw = read_bytes(path)
    if raw is not None:
        from pydantic import ValidationError

        try:
            return adapter.validate_json(raw, context=context)
        except (ValueError, ValidationError):
            pass
    value = build()
    write_atomic(path, adapter.dump_json(value), stale=f"{name}-*.json", keep=keep)
    return value

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
import types
import typing
from datetime import date
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


def seal(payload: bytes) -> bytes:
    """`payload` behind a line holding its SHA-256, so that a reader can trust it without checking
    every value again: a file cut short, edited or left by another build fails `unseal`."""
    return b"sha256:" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def unseal(raw: bytes) -> bytes | None:
    """The payload of a sealed file when its digest matches, else None."""
    head, sep, payload = raw.partition(b"\n")
    if not sep or head != b"sha256:" + hashlib.sha256(payload).hexdigest().encode():
        return None
    return payload


def sealed_models(name: str, inputs: tuple[str | bytes, ...], model: type, build: Callable[[], list],
                  keep: int = 1) -> tuple:
    """`build()`'s pydantic models (validated as they were made), or the same models read back from
    `name-KEY.json`, a sealed file this code wrote, without running a validator: a command that
    only reads the models then never pays for building pydantic's validators. A file that is not
    whole and ours (digest, JSON or shape wrong) is built again and replaced."""
    path = folder() / f"{name}-{key(*inputs)}.json"
    raw = read_bytes(path)
    if raw is not None:
        found = read_sealed(raw, model)
        if found is not None:
            return found
    from pydantic import TypeAdapter

    built = tuple(build())
    write_atomic(path, seal(TypeAdapter(list[model]).dump_json(list(built))), stale=f"{name}-*.json", keep=keep)
    return built


def read_sealed(raw: bytes, model: type) -> tuple | None:
    """The models a sealed file holds, or None when it is not one (digest, JSON or shape wrong)."""
    payload = unseal(raw)
    if payload is None:
        return None
    try:
        rows = json.loads(payload)
        make = _reader(model)
        return tuple(make(row) for row in rows)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


_READERS: dict[type, Callable[[Any], Any]] = {}


def _reader(model: type) -> Callable[[Any], Any]:
    """A function turning one JSON object, as pydantic's dump_json wrote it from a valid model,
    back into that model: what pydantic's `model_construct` does (fields, fields set, extras),
    field by field from the annotations, with no validator run. Only for files this code wrote
    and sealed."""
    if model in _READERS:
        return _READERS[model]
    fields: list[tuple[str, Callable[[Any], Any] | None]] = []
    allow = model.model_config.get("extra") == "allow"
    known = frozenset(model.model_fields)
    new, put = object.__new__, object.__setattr__

    def make(value: dict) -> Any:
        obj = new(model)
        values = {name: value[name] if f is None else f(value[name]) for name, f in fields}
        put(obj, "__dict__", values)
        put(obj, "__pydantic_fields_set__", set(values))
        put(obj, "__pydantic_extra__", {k: v for k, v in value.items() if k not in known} if allow else None)
        put(obj, "__pydantic_private__", None)
        return obj

    _READERS[model] = make  # before the fields: a model may contain itself
    fields.extend((name, _convert(info.annotation)) for name, info in model.model_fields.items())
    return make


def _convert(tp: Any) -> Callable[[Any], Any] | None:
    """How a JSON value becomes a value of type `tp`; None when it already is one."""
    from pydantic import BaseModel

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        f = _convert(kinds[0]) if len(kinds) == 1 else _mixed(kinds)
        return None if f is None else (lambda v: None if v is None else f(v))
    if origin is list:
        f = _convert(args[0])
        return list if f is None else (lambda v: [f(x) for x in v])
    if origin is dict:
        f = _convert(args[1])
        return dict if f is None else (lambda v: {k: f(x) for k, x in v.items()})
    if origin is typing.Literal or tp in (str, int, bool, typing.Any):
        return None
    if tp is float:
        return float
    if tp is date:
        return date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _reader(tp)
    raise TypeError(f"no reader for {tp!r}")


def _mixed(kinds: list) -> None:
    """A union of several types: only plain JSON values need no conversion."""
    if all(typing.get_origin(k) is typing.Literal or k in (str, int, bool) for k in kinds):
        return None
    raise TypeError(f"no reader for a union of {kinds!r}")


def sealed_table(name: str, inputs: tuple[str | bytes, ...], build: Callable[[], Any],
                 read: Callable[[Any], T]) -> T | None:
    """`read()` of the JSON value saved in the sealed file `name-KEY.json`; None when there is no
    such whole file or `read` cannot make sense of it. Then `build()` gives the JSON value, which
    is saved for the next run, and the caller goes on with what it computed."""
    path = folder() / f"{name}-{key(*inputs)}.json"
    raw = read_bytes(path)
    payload = unseal(raw) if raw is not None else None
    if payload is not None:
        try:
            return read(json.loads(payload))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            pass
    write_atomic(path, seal(json.dumps(build()).encode("utf-8")), stale=f"{name}-*.json")
    return None


def plain(value: Any, refer: Callable[[Any], Any] | None = None) -> Any:
    """A tree of dataclasses, tuples and dicts as JSON values; `refer` may stand a shorter value in
    for an object (a release by its id), returning None to leave it be."""
    import dataclasses

    if refer is not None and (ref := refer(value)) is not None:
        return ref
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), refer) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v, refer) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v, refer) for k, v in value.items()}
    return value


def unplainer(tp: Any, resolve: dict[type, Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """The inverse of `plain` for values of type `tp`, worked out once from the type hints:
    tuples, integer dict keys and dataclasses come back; `resolve` turns a reference back into
    its object."""
    return _plan(tp, resolve, {}) or (lambda v: v)


def _plan(tp: Any, resolve: dict, plans: dict) -> Callable[[Any], Any] | None:
    """How a JSON value becomes a value of type `tp`, worked out once per type: None when it
    already is one (strings, numbers, literals), so the common case costs no call."""
    import dataclasses

    if tp in resolve:
        return resolve[tp]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        f = _plan(kinds[0], resolve, plans) if len(kinds) == 1 else None
        return None if f is None else (lambda v: None if v is None else f(v))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            f = _plan(args[0], resolve, plans)
            return tuple if f is None else (lambda v: tuple([f(x) for x in v]))
        fs = [_plan(a, resolve, plans) or (lambda x: x) for a in args]
        return lambda v: tuple([g(x) for g, x in zip(fs, v, strict=True)])
    if origin is list:
        f = _plan(args[0], resolve, plans)
        return list if f is None else (lambda v: [f(x) for x in v])
    if origin is dict:
        f = _plan(args[1], resolve, plans)
        if args[0] is int:
            return (lambda v: {int(k): x for k, x in v.items()}) if f is None else (
                lambda v: {int(k): f(x) for k, x in v.items()})
        return dict if f is None else (lambda v: {k: f(x) for k, x in v.items()})
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if tp in plans:
            return plans[tp]
        fields: list[tuple[str, Callable[[Any], Any] | None]] = []

        def make(v: dict) -> Any:
            return tp(**{n: v[n] if g is None else g(v[n]) for n, g in fields})

        plans[tp] = make  # before the fields: a type may contain itself
        hints = typing.get_type_hints(tp)
        fields.extend((f.name, _plan(hints[f.name], resolve, plans)) for f in dataclasses.fields(tp))
        return make
    return None

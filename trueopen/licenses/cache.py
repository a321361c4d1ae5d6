"""Where the license data derived from installed packages lives on disk, and how it is keyed.

Everything here is rebuilt from the package data when missing: the index (seconds), the table of
license names (milliseconds to load, much more to derive). Each file name carries a hash of what
it was built from, so an upgrade of trueopen or of its corpus rebuilds it by itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

CORPUS_DIST = "licensedcode-data"


def folder() -> Path:
    if os.environ.get("TRUEOPEN_CACHE"):
        return Path(os.environ["TRUEOPEN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "trueopen"


def package_data(name: str) -> bytes:
    return (resources.files("trueopen.licenses") / "data" / name).read_bytes()


def corpus_version() -> str:
    return dist_version(CORPUS_DIST)


def dist_version(dist: str) -> str:
    """An installed distribution's version, read from its metadata folder's name: every run needs
    two, and importing importlib.metadata would cost more than naming a license file."""
    stem = dist.replace("-", "_") + "-"
    for base in sys.path:
        try:
            found = [n for n in os.listdir(base or ".") if n.startswith(stem) and n.endswith(".dist-info")]
        except OSError:
            continue
        if len(found) == 1:
            return found[0][len(stem):-len(".dist-info")]
    from importlib import metadata

    return metadata.version(dist)


def key(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def sources(*modules: str) -> bytes:
    """The code of trueopen.licenses modules, so that a change to how data is derived rebuilds it."""
    return b"".join((resources.files("trueopen.licenses") / f"{m}.py").read_bytes() for m in modules)


def index_folder() -> Path:
    """The folder of the license index built from the installed corpus and fingerprints."""
    return folder() / f"license-index-{_index_key()}"


@lru_cache(maxsize=1)
def _index_key() -> str:
    """Hashes the fingerprints and code once per process, however often the folder is asked for."""
    return key(corpus_version(), package_data("fingerprints.json"),
               sources("words", "fingerprint", "corpus", "index", "verbatim"))


def index_ready() -> bool:
    return (index_folder() / "docs.json").is_file()


def json_table(name: str, inputs: tuple[str | bytes, ...], build: Callable[[], Any]) -> Any:
    """`build()`'s result, read from `name-KEY.json` when an earlier run saved it.

    A read-only or full cache folder only costs speed: the table is then built each run.
    """
    base = folder()
    path = base / f"{name}-{key(*inputs)}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = build()
    try:
        base.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
        for old in base.glob(f"{name}-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return data

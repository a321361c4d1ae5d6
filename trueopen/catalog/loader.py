"""The bundled catalog: one YAML file per release, named after the release id."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, NotFound
from ..release import Origin, Release, release_from_data
from . import names
from .compiled import data_dir  # noqa: F401  (loader.data_dir, as before)


def read_entry(path: Path) -> Release:
    """One catalog file; its name must be the release id."""
    from .. import safeyaml  # only when the compiled catalog is built, or a file validated

    release = release_from_data(safeyaml.load_file(path), str(path))
    if release.id != path.stem:
        raise InputError(str(path), f"id '{release.id}' differs from the file name '{path.stem}'", field="id")
    return release.model_copy(update={"origin": Origin(kind="catalog", path=str(path))})


def read_dir(folder: Path) -> list[Release]:
    """Every entry of a catalog folder; two entries answering to one name is an error, since a
    lookup could then show the wrong model."""
    releases = [read_entry(p) for p in sorted(folder.glob("*.yaml"))]
    for shown, first, second in names.clashes(releases):
        raise InputError(str(folder / f"{second}.yaml"), f"name '{shown}' is also used by '{first}'")
    return releases


@lru_cache(maxsize=1)
def load() -> tuple[Release, ...]:
    """The bundled catalog, through its compiled cache (see compiled.py)."""
    return load_dir(data_dir())


def load_dir(folder: Path) -> tuple[Release, ...]:
    """A catalog folder's releases: read from the compiled cache when it matches, else from YAML."""
    from . import compiled

    return compiled.load(folder, read_dir)


normalize = names.normalize


def find(query: str, releases: tuple[Release, ...] | None = None) -> Release:
    """The release with this id, else this name or alias; NotFound carries what the user likely meant."""
    releases = load() if releases is None else releases
    found = names.exact(query, releases)
    if found is None:
        raise NotFound(query, names.suggest(query, releases))
    return found


def find_family(query: str, releases: tuple[Release, ...] | None = None) -> names.Family | None:
    return names.family(query, load() if releases is None else releases)


def find_optional(query: str) -> Release | None:
    try:
        return find(query)
    except NotFound:
        return None


def future_dates(release: Release, today: date | None = None) -> list[str]:
    """Facts dated after today: a typo, or a fact that cannot have been checked yet."""
    today = today or date.today()
    out = [f"sources.{k}.as_of {s.as_of}" for k, s in release.sources.items() if s.as_of > today]
    out += [f"documentation[{i}].as_of {d.as_of}" for i, d in enumerate(release.documentation) if d.as_of > today]
    if release.released and release.released.date > today:
        out.append(f"released.date {release.released.date}")
    return out

"""The bundled catalog: one YAML file per release, named after the release id."""

from __future__ import annotations

import difflib
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import safeyaml
from ..errors import InputError, NotFound
from ..release import Origin, Release, release_from_data


def data_dir() -> Path:
    return Path(str(resources.files("trueopen.catalog") / "data"))


def read_entry(path: Path) -> Release:
    """One catalog file; its name must be the release id."""
    release = release_from_data(safeyaml.load_file(path), str(path))
    if release.id != path.stem:
        raise InputError(str(path), f"id '{release.id}' differs from the file name '{path.stem}'", field="id")
    return release.model_copy(update={"origin": Origin(kind="catalog", path=str(path))})


def read_dir(folder: Path) -> list[Release]:
    releases = [read_entry(p) for p in sorted(folder.glob("*.yaml"))]
    seen: dict[str, str] = {}
    for r in releases:
        for key in [r.id, *r.aliases]:
            k = normalize(key)
            if k in seen and seen[k] != r.id:
                raise InputError(str(folder / f"{r.id}.yaml"), f"name '{key}' is also used by '{seen[k]}'")
            seen[k] = r.id
    return releases


@lru_cache(maxsize=1)
def load() -> tuple[Release, ...]:
    return tuple(read_dir(data_dir()))


def normalize(text: str) -> str:
    """Case and punctuation do not matter when looking a model up."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def find(query: str, releases: tuple[Release, ...] | None = None) -> Release:
    releases = load() if releases is None else releases
    wanted = normalize(query)
    names: dict[str, Release] = {}
    for r in releases:
        for key in (r.id, r.name, *r.aliases):
            names.setdefault(normalize(key), r)
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.6)
    ids = list(dict.fromkeys(names[c].id for c in close))
    if not ids:
        ids = [r.id for r in releases if wanted and wanted in normalize(r.id + r.name)][:5]
    raise NotFound(query, ids[:3])


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

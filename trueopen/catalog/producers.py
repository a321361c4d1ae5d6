"""Producers: the organisations behind releases, and the strategy their releases show.

A producer's strategy is read off its catalog releases in date order, so it changes when the
catalog does: nothing here is asserted by hand except who the organisation is.
"""

from __future__ import annotations

import difflib
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import safeyaml
from ..errors import InputError, NotFound
from ..release import Release, Source
from . import loader

RECENT = timedelta(days=365)


class Producer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="names releases use for it")
    kind: Literal["company", "non-profit", "academic", "collaboration", "government"]
    country: str
    url: str
    source: Source

    def names(self) -> list[str]:
        return [self.id, self.name, *self.aliases]


def data_path() -> Path:
    return Path(str(resources.files("trueopen.catalog") / "producers.yaml"))


def read(path: Path) -> tuple[Producer, ...]:
    data = safeyaml.load_file(path)
    if not isinstance(data, list):
        raise InputError(str(path), "expected a list of producers")
    out = []
    for i, item in enumerate(data):
        try:
            out.append(Producer.model_validate(item))
        except ValidationError as exc:
            e = exc.errors()[0]
            raise InputError(str(path), e["msg"], field=f"[{i}]." + ".".join(str(p) for p in e["loc"])) from None
    seen: dict[str, str] = {}
    for p in out:
        for n in p.names():
            k = loader.normalize(n)
            if k in seen and seen[k] != p.id:
                raise InputError(str(path), f"name '{n}' is used by both '{seen[k]}' and '{p.id}'")
            seen[k] = p.id
    return tuple(out)


@lru_cache(maxsize=1)
def load() -> tuple[Producer, ...]:
    return read(data_path())


def of(release: Release, producers: Iterable[Producer] | None = None) -> Producer | None:
    """The producer a release names, by name or alias."""
    want = loader.normalize(release.producer)
    for p in producers if producers is not None else load():
        if want in {loader.normalize(n) for n in p.names()}:
            return p
    return None


def find(query: str, producers: Iterable[Producer] | None = None) -> Producer:
    producers = tuple(producers if producers is not None else load())
    want = loader.normalize(query)
    for p in producers:
        if want in {loader.normalize(n) for n in p.names()}:
            return p
    partial = [p for p in producers if any(want and want in loader.normalize(n) for n in p.names())]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        names = {loader.normalize(n): p.id for p in producers for n in p.names()}
        partial_ids = [names[c] for c in difflib.get_close_matches(want, list(names), n=3, cutoff=0.6)]
    else:
        partial_ids = [p.id for p in partial]
    raise NotFound(query, list(dict.fromkeys(partial_ids))[:3], what="producer")


def releases_of(producer: Producer, releases: Iterable[Release]) -> list[Release]:
    """Its releases, oldest first; undated ones last."""
    mine = [r for r in releases if of(r, (producer,)) is not None]
    return sorted(mine, key=lambda r: (r.released.date if r.released else date.max, r.name))


# The verdict levels as strategies and `gap` count them. `unknown` is never counted as anything.
from ..views import OPENNESS  # noqa: E402  (one table, which `gap` also reads without pydantic)


def openness(level: str) -> str | None:
    """open / restricted / closed for a verdict level; None for `unknown`."""
    return OPENNESS.get(level)


def strategy(history: list[tuple[date, str]]) -> str:
    """From (release date, verdict level) pairs: how the first release compares with the last
    year of releases, in the verdict's own terms (open, restricted, closed); unknown is left out."""
    dated = sorted((d, k) for d, level in history if (k := openness(level)) is not None)
    unknown = len(history) - len(dated)
    if not dated:
        return "unknown"
    more = f" ({unknown} of {len(history)} unknown)" if unknown else ""
    kinds = {k for _, k in dated}
    if len(kinds) == 1:
        return f"always {dated[0][1]}{more}"
    latest = dated[-1][0]
    recent = {k for d, k in dated if latest - d <= RECENT}
    first = dated[0][1]
    if len(recent) > 1:
        return f"{first} to mixed{more}"
    (now,) = recent
    return ("mixed" if now == first else f"{first} to {now}") + more

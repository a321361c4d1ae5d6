"""The catalog page's filters, as pure functions over assessments. verdict, producer, license,
MOF class and sort are `trueopen list`'s own (service.ListFilter); search, task, size and access
narrow the same rows further."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .. import service
from ..assessment import Assessment
from ..catalog import loader
from ..errors import InputError

VERDICTS = service.VERDICT_ORDER
TASKS = ("language", "vision", "image", "audio", "video", "3d", "code", "multimodal", "embedding", "other")
ACCESS = ("download", "gated", "api", "product", "none")
# Total parameters, in billions: (label, lower bound inclusive, upper bound exclusive)
SIZES = (("small", 0, 3), ("medium", 3, 15), ("large", 15, 100), ("huge", 100, float("inf")))
SIZE_LABELS = {"small": "under 3B", "medium": "3B to 15B", "large": "15B to 100B", "huge": "100B and more",
               "unknown": "not published"}


def size_of(a: Assessment) -> str:
    p = a.release.parameters
    if p is None or p.total is None:
        return "unknown"
    b = p.total / 1e9
    return next(name for name, lo, hi in SIZES if lo <= b < hi)


@dataclass(frozen=True)
class CatalogQuery:
    q: str = ""
    verdict: str | None = None
    producer: str | None = None
    license: str | None = None
    mof_class: int | None = None
    task: str | None = None
    size: str | None = None
    access: str | None = None
    sort: str = "name"

    @property
    def list_filter(self) -> service.ListFilter:
        return service.ListFilter(self.verdict, self.producer, self.license, self.mof_class)

    def keeps(self, a: Assessment) -> bool:
        r = a.release
        if self.q:
            hay = loader.normalize(" ".join([r.id, r.name, r.producer, r.family or "", *r.aliases]))
            if not all(loader.normalize(w) in hay for w in self.q.split()):
                return False
        if self.task and (r.type or "other") != self.task:
            return False
        if self.size and size_of(a) != self.size:
            return False
        if self.access and (r.access.level if r.access else "none") != self.access:
            return False
        return True


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise InputError(name, f"'{value}' is not one of: {', '.join(allowed)}")
    return value


def parse(params: Mapping[str, str]) -> CatalogQuery:
    """Query parameters to a CatalogQuery; an empty field means 'any'. Bad values are InputErrors."""
    mof = (params.get("mof_class") or "").strip()
    if mof and mof not in ("0", "1", "2", "3"):
        raise InputError("mof_class", f"'{mof}' is not a MOF class; use 1, 2 or 3, or 0 for unclassified")
    return CatalogQuery(
        q=(params.get("q") or "").strip()[:200],
        verdict=_choice(params, "verdict", VERDICTS),
        producer=(params.get("producer") or "").strip() or None,
        license=(params.get("license") or "").strip() or None,
        mof_class=int(mof) if mof else None,
        task=_choice(params, "task", TASKS),
        size=_choice(params, "size", (*SIZE_LABELS,)),
        access=_choice(params, "access", ACCESS),
        sort=_choice(params, "sort", service.SORT_KEYS) or ("date" if params.get("producer") else "name"),
    )

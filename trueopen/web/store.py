"""The catalog assessed once per process: every page and API answer reads from here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .. import service
from ..assessment import Assessment
from ..catalog import loader


def dumps(obj: Any) -> str:
    """Exactly what the CLI's --format json prints (cli.common.print_json)."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


@dataclass
class Store:
    """Assessments of the bundled catalog, computed at start; the catalog never changes while
    the server runs, so nothing here needs invalidating."""

    by_id: dict[str, Assessment] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # rendered model pages by id, filled on first view

    @classmethod
    def load(cls) -> "Store":
        catalog = loader.load()
        return cls({r.id: service.assess_release(r, catalog) for r in catalog})

    @property
    def all(self) -> list[Assessment]:
        return list(self.by_id.values())

    def lookup(self, query: str) -> "Assessment | service.FamilyView":
        return service.lookup(query, self.by_id)

    def listing(self, flt: service.ListFilter, sort: str = "name") -> list[Assessment]:
        return service.list_assessments(flt, sort, self.all)

    def producers(self, query: str | None = None) -> list[service.ProducerSummary]:
        return service.producer_summaries(query, self.by_id)

    @cached_property
    def show_json(self) -> dict[str, str]:
        """`show ID --format json` of every release, rendered once (the API's hot path)."""
        from ..report import jsonout

        return {rid: dumps(jsonout.assessment(a)) for rid, a in self.by_id.items()}

"""`trueopen audit SOURCE --against CATALOG_ID`: where the artifacts disagree with the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from .. import components as mofc
from ..catalog.loader import normalize
from ..release import Evidence, Release
from .derive import Audit

PARAMETER_TOLERANCE = 0.02  # tied embeddings and buffers make honest counts differ by a little


@dataclass(frozen=True)
class Difference:
    field: str
    audit: object
    catalog: object
    note: str
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"field": self.field, "audit": self.audit, "catalog": self.catalog, "note": self.note,
                "evidence": [e.model_dump(exclude_none=True) for e in self.evidence]}


def compare(audit: Audit, catalog: Release) -> list[Difference]:
    r = audit.release
    out: list[Difference] = []
    facts = audit.facts

    def ev(name: str) -> tuple[Evidence, ...]:
        return tuple(facts[name].evidence[:5]) if name in facts else ()

    a_params = r.parameters.total if r.parameters else None
    c_params = catalog.parameters.total if catalog.parameters else None
    if a_params and c_params and abs(a_params - c_params) > PARAMETER_TOLERANCE * c_params:
        out.append(Difference("parameters", a_params, c_params,
                              f"the weight headers count {a_params / c_params:.2f}x the catalog's figure", ev("parameters")))
    a_ctx = r.context_length.tokens if r.context_length else None
    c_ctx = catalog.context_length.tokens if catalog.context_length else None
    if a_ctx and c_ctx and a_ctx != c_ctx:
        out.append(Difference("context_length", a_ctx, c_ctx, "the configuration sets another context length",
                              ev("context_length")))
    a_lic = r.effective_license(mofc.WEIGHTS)
    c_lic = catalog.effective_license(mofc.WEIGHTS)
    if a_lic and c_lic and normalize(a_lic) != normalize(c_lic):
        out.append(Difference("weights_license", a_lic, c_lic, "the files name another license for the weights",
                              ev("weights_license")))
    a_base = r.base_model.id if r.base_model else None
    c_base = catalog.base_model.id if catalog.base_model else None
    if a_base and c_base and normalize(a_base.split("/")[-1]) != normalize(c_base.split("/")[-1]):
        out.append(Difference("base_model", a_base, c_base, "the card names another base model", ev("base_model")))
    for spec in mofc.COMPONENTS:
        here, there = r.component(spec.name), catalog.component(spec.name)
        if here is not None and there is None:
            out.append(Difference(f"components[{spec.name}]", "released", "not listed",
                                  "the artifacts hold it; the catalog does not list it", tuple(here.evidence[:5])))
        elif there is not None and here is None:
            where = f" (catalog location: {there.location})" if there.location else ""
            out.append(Difference(f"components[{spec.name}]", "not found", "released",
                                  "not in these artifacts; it may live elsewhere" + where))
    return out

"""CycloneDX 1.6 ML-BOM, built with cyclonedx-python-lib. The library has no modelCard yet, so
that one field is added to its JSON output; tests validate the result against the 1.6 schema.

Properties in the `trueopen:` namespace carry the assessment (docs/json.md lists them).
"""

from __future__ import annotations

import json

from .. import __version__
from .facts import BomFacts, LicenseFact

NS = "trueopen"


def _licenses(lic: LicenseFact | None) -> list:
    from cyclonedx.model import XsUri
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression

    if lic is None:
        return []
    if lic.expression:
        return [LicenseExpression(lic.key)]
    if lic.spdx_id:
        return [DisjunctiveLicense(id=lic.spdx_id)]
    return [DisjunctiveLicense(name=lic.title or lic.key, url=XsUri(lic.url) if lic.url else None)]


def _props(pairs: list[tuple[str, object]]) -> list:
    from cyclonedx.model import Property

    return [Property(name=f"{NS}:{k}", value=str(v)) for k, v in pairs if v is not None and v != ""]


def _evidence(locations) -> object | None:
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence

    occ = [Occurrence(location=loc.file, line=loc.line,
                      additional_context=f"field {loc.field}" if loc.field else None) for loc in locations]
    return ComponentEvidence(occurrences=occ) if occ else None


def build(models: list[BomFacts]) -> dict:
    """One BOM for the models given, as a JSON-ready dict."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion

    bom = Bom()
    bom.metadata.tools.components.add(Component(type=ComponentType.APPLICATION, name="trueopen", version=__version__))
    known: dict[str, Component] = {}
    cards: dict[str, dict] = {}
    for f in models:
        if f"model:{f.release.id}" not in known:
            _add_model(bom, f, known, cards)
    doc = json.loads(make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string())
    for comp in doc.get("components", []):
        if comp.get("bom-ref") in cards:
            comp["modelCard"] = cards[comp["bom-ref"]]
    return doc


def _add_model(bom, f: BomFacts, known: dict, cards: dict) -> None:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, XsUri
    from cyclonedx.model.component import Component, ComponentType

    def once(ref: str, make) -> Component:
        if ref not in known:
            known[ref] = make()
            bom.components.add(known[ref])
        return known[ref]

    r = f.release
    model_ref = f"model:{r.id}"
    refs = []
    for kind, url, comment in f.links:
        try:
            refs.append(ExternalReference(type=ExternalReferenceType(kind), url=XsUri(url), comment=comment))
        except Exception:  # a URL the schema would refuse is left out rather than break the BOM
            continue
    props = [("license", f.license.key if f.license else None), ("verdict", f.verdict),
             ("verdict:reasons", " ".join(f.verdict_reasons)), ("mof:class", f.mof_label),
             *((f"mof:progress:class-{c}", f"{p:g}") for c, p in sorted(f.mof_progress.items())),
             ("osaid", f.osaid), ("osaid:unmet", ", ".join(f.osaid_unmet)),
             ("access", r.access.level if r.access else None),
             ("parameters", r.parameters.total if r.parameters else None),
             ("origin", f.origin), ("origin:path", f.origin_path),
             *((f"source:{k}", f"{url} (as of {when})") for k, url, when in f.sources)]
    model = Component(type=ComponentType.MACHINE_LEARNING_MODEL, name=r.name, bom_ref=model_ref,
                      version=r.version, publisher=r.producer, description=r.summary,
                      licenses=_licenses(f.license), external_references=refs, properties=_props(props),
                      evidence=_evidence(f.license_at))
    if model_ref in known:  # listed before as another model's base: the full entry replaces it
        bom.components.remove(known[model_ref])
    known[model_ref] = model
    bom.components.add(model)
    deps = []
    for w in f.weight_files:
        deps.append(once(f"file:{r.id}/{w.rel}", lambda w=w: Component(
            type=ComponentType.FILE, name=w.rel, bom_ref=f"file:{r.id}/{w.rel}",
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=w.sha256)] if w.sha256 else [],
            properties=_props([("bytes", w.bytes), ("format", w.format), ("unsafe", "true" if w.unsafe else None)]),
            evidence=_evidence([w.at]))))
    datasets = [once(f"data:{name}", lambda name=name: Component(
        type=ComponentType.DATA, name=name, bom_ref=f"data:{name}",
        properties=_props([("evidence", f.datasets_source)]))) for name in f.datasets]
    if f.base is not None:
        bid, bname, blic = f.base
        deps.append(once(f"model:{bid}", lambda: Component(
            type=ComponentType.MACHINE_LEARNING_MODEL, name=bname, bom_ref=f"model:{bid}",
            licenses=_licenses(blic), properties=_props([("role", "base model"), ("evidence", f.base_evidence)]))))
    bom.register_dependency(model, deps)
    for c in deps:
        bom.register_dependency(c, [])
    cards[model_ref] = model_card(f, [d.bom_ref.value for d in datasets])


def model_card(f: BomFacts, dataset_refs: list[str]) -> dict:
    """CycloneDX 1.6 `modelCard`: parameters, quantitative analysis, considerations."""
    params: dict = {}
    if f.task:
        params["task"] = f.task
    if f.architecture:
        params["architectureFamily"] = f.architecture
    if dataset_refs:
        params["datasets"] = [{"ref": ref} for ref in dataset_refs]
    card: dict = {}
    if params:
        card["modelParameters"] = params
    if f.benchmarks:
        card["quantitativeAnalysis"] = {"performanceMetrics": [
            {"type": name, "value": value, **({"slice": setting} if setting else {})} for name, value, setting in f.benchmarks]}
    if f.restrictions:
        card["considerations"] = {"ethicalConsiderations": [
            {"name": r.summary, **({"mitigationStrategy": f"license clause {r.clause}"} if r.clause else {})}
            for r in f.restrictions]}
    return card


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

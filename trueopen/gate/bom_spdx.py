"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, built with spdx-python-model (the SPDX
project's generated bindings, which check types and required fields as the document is written).

The model is an `ai_AIPackage`, each weight file a `software_File` it contains (with SHA-256),
each dataset a `dataset_DatasetPackage` it was trained on, the base model an `ai_AIPackage` it
descends from; licenses are declared as SPDX expressions, with LicenseRef- keys mapped to the
license's URL. The assessment rides in the model's `comment` (SPDX 3 has no free properties).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import datetime, timezone

from .. import __version__
from .facts import BomFacts, LicenseFact

SPEC_VERSION = "3.0.1"


def build(models: list[BomFacts], now: datetime | None = None) -> dict:
    """One SPDX document for the models given, as a JSON-ready dict."""
    from spdx_python_model import v3_0_1 as m

    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    base = f"urn:uuid:{uuid.uuid4()}#"
    n = iter(range(1, 1_000_000))

    def ident(kind: str) -> str:
        return f"{base}{kind}-{next(n)}"

    tool = m.SoftwareAgent(_id=ident("tool"), name=f"trueopen {__version__}")
    info = m.CreationInfo(specVersion=SPEC_VERSION, created=now, createdBy=[tool._id])
    tool.creationInfo = info
    objs: list = [tool]

    def add(obj):
        obj.creationInfo = info
        objs.append(obj)
        return obj

    def relate(frm, kind: str, to: list) -> None:
        if to:
            add(m.Relationship(_id=ident("rel"), from_=frm, relationshipType=getattr(m.RelationshipType, kind), to=to))

    roots = [_model(m, f, ident, add, relate) for f in models]
    doc = add(m.SpdxDocument(_id=ident("document"), name="AI BOM of " + ", ".join(f.release.name for f in models),
                             rootElement=roots,
                             profileConformance=[getattr(m.ProfileIdentifierType, p) for p in
                                                 ("core", "software", "ai", "dataset", "simpleLicensing")]))
    doc.element.extend(o for o in objs if o is not doc and o is not tool)
    objset = m.SHACLObjectSet(objs)
    buf = io.BytesIO()
    m.JSONLDSerializer().write(objset, buf)
    return json.loads(buf.getvalue().decode("utf-8"))


def _model(m, f: BomFacts, ident, add, relate):
    """The model's package, its files, datasets, base model and licenses; returns the package."""
    r = f.release
    producer = add(m.Organization(_id=ident("org"), name=r.producer))
    model = add(m.ai_AIPackage(_id=ident("model"), name=r.name, suppliedBy=producer,
                               software_primaryPurpose=m.software_SoftwarePurpose.model))
    if r.summary:
        model.description = r.summary
    if r.version:
        model.software_packageVersion = r.version
    if r.released is not None:
        model.releaseTime = datetime.combine(r.released.date, datetime.min.time(), timezone.utc)
    download = next((url for kind, url, _ in f.links if kind == "distribution"), None)
    if download:
        model.software_downloadLocation = download
    if f.task:
        model.ai_domain.append(f.task)
    if f.architecture:
        model.ai_typeOfModel.append(f.architecture)
    for name, value, setting in f.benchmarks:
        model.ai_metric.append(m.DictionaryEntry(key=name + (f" ({setting})" if setting else ""), value=value))
    if f.restrictions:
        model.ai_limitation = " ".join(x.summary + (f" (clause {x.clause})" if x.clause else "") for x in f.restrictions)
    for kind, url, comment in f.links:
        ref_type = {"vcs": "vcs", "license": "license", "distribution": "altDownloadLocation"}.get(kind, "documentation")
        model.externalRef.append(m.ExternalRef(externalRefType=getattr(m.ExternalRefType, ref_type), locator=[url],
                                               comment=comment))
    model.comment = "trueopen: " + "; ".join([
        f"verdict {f.verdict}", f"MOF {f.mof_label}", f"OSAID {f.osaid}",
        *(f"evidence {loc}" for loc in f.license_at),
        *(f"source {k} {url} as of {when}" for k, url, when in f.sources)])
    relate(model, "hasDeclaredLicense", _license(m, f.license, ident, add))

    files = []
    for w in f.weight_files:
        fo = add(m.software_File(_id=ident("file"), name=w.rel,
                                 software_primaryPurpose=m.software_SoftwarePurpose.model,
                                 comment=f"{w.bytes} bytes, {w.format}" + (", pickle: unsafe to load" if w.unsafe else "")))
        if w.sha256:
            fo.verifiedUsing.append(m.Hash(algorithm=m.HashAlgorithm.sha256, hashValue=w.sha256))
        files.append(fo)
    relate(model, "contains", files)

    datasets = []
    for name in f.datasets:
        d = add(m.dataset_DatasetPackage(_id=ident("dataset"), name=name,
                                         dataset_datasetType=[m.dataset_DatasetType.noAssertion],
                                         software_primaryPurpose=m.software_SoftwarePurpose.data))
        if f.datasets_source:
            d.comment = f"named in {f.datasets_source}"
        datasets.append(d)
    relate(model, "trainedOn", datasets)

    if f.base is not None:
        bid, bname, blic = f.base
        b = add(m.ai_AIPackage(_id=ident("model"), name=bname, comment=f"base model ({bid})",
                               software_primaryPurpose=m.software_SoftwarePurpose.model))
        relate(b, "hasDeclaredLicense", _license(m, blic, ident, add))
        relate(model, "descendantOf", [b])
    return model


def _license(m, lic: LicenseFact | None, ident, add) -> list:
    if lic is None:
        return []
    expr = add(m.simplelicensing_LicenseExpression(_id=ident("license"), simplelicensing_licenseExpression=lic.key))
    if lic.url:
        for ref in re.findall(r"LicenseRef-[\w.-]+", lic.key):
            expr.simplelicensing_customIdToUri.append(m.DictionaryEntry(key=ref, value=lic.url))
    return [expr]


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

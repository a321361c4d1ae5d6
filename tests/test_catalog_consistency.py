"""An entry must not contradict itself, nor misquote the Model Openness Tool's own file for it.

Hand-written entries (written to tmp_path, checked by the real `trueopen validate`) trigger each
consistency check and its near miss; the bundled catalog must pass them all.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import yaml

from trueopen.catalog import consistency, crosscheck, loader, snapshots

ROOT = Path(__file__).resolve().parent.parent
MOT_PREFIX = "https://github.com/lfai/model_openness_tool/blob/"


def _entry(id: str, **changes) -> dict:
    data = {
        "id": id, "name": id, "producer": "LLM360",
        "access": {"weights": "download", "source": "hf"},
        "license": {"distribution": {"name": "Apache-2.0"}, "source": "hf"},
        "components": [{"name": "Model parameters (Final)", "source": "hf"}],
        "sources": {"hf": {"url": "https://huggingface.co/example/model", "as_of": "2026-11-28"},
                    "paper": {"url": "https://arxiv.org/abs/0000.00001", "as_of": "2026-11-28"}},
    }
    data.update(changes)
    return data


def _validate(tmp_path: Path, cli, *entries: dict, notes: bool = False) -> dict[str, dict]:
    paths = []
    for e in entries:
        p = tmp_path / f"{e['id']}.yaml"
        p.write_text(yaml.safe_dump(e, sort_keys=False), encoding="utf-8")
        paths.append(str(p))
    res = cli("validate", *paths, "--format", "json", *(["--notes"] if notes else []))
    assert res.code in (0, 1), res.err
    return {Path(r["path"]).stem: r for r in res.json()}


def _has(result: dict, text: str) -> bool:
    return any(text in f for f in result["findings"])


def test_each_self_contradiction_is_a_finding_and_its_near_miss_is_not(tmp_path, cli):
    report = {"kind": "technical-report", "url": "https://arxiv.org/abs/0000.00001", "as_of": "2026-11-28"}
    got = _validate(
        tmp_path, cli,
        _entry("doc-only", documentation=[report]),
        _entry("doc-and-component", documentation=[report],
               components=[{"name": "Model parameters (Final)", "source": "hf"},
                           {"name": "Technical report", "license": "unlicensed", "source": "paper"}]),
        _entry("claims-license", license={"distribution": {"name": "CC-BY-NC-4.0"}, "source": "hf"},
               summary="First under a non-commercial license; later moved to Apache-2.0."),
        _entry("compares-license", license={"distribution": {"name": "CC-BY-NC-4.0"}, "source": "hf"},
               summary="Under a license based on Apache-2.0 that adds a use policy."),
        _entry("claims-code", summary="Released with its training code and 360 intermediate checkpoints."),
        _entry("denies-code", summary="Weights only; the training code is not released."),
        _entry("claims-open", summary="A fully open model: weights and data."),
        _entry("base-misnamed", base_model={"id": "OLMo-7B-Base", "source": "hf"}),
        _entry("base-named", base_model={"id": "olmo-7b", "source": "hf"}),
    )
    assert _has(got["doc-only"], "documentation lists a technical-report (https://arxiv.org/abs/0000.00001)")
    assert got["doc-only"]["findings"] and got["doc-and-component"]["findings"] == []
    assert _has(got["claims-license"], "summary says 'Apache-2.0' but no component or release-wide license is Apache-2.0")
    assert got["compares-license"]["findings"] == []
    assert _has(got["claims-code"], "says 'training code' is released but no 'Training code' component")
    assert _has(got["claims-code"], "'360 intermediate checkpoints' is released but no 'Model parameters (Intermediate)'")
    assert got["denies-code"]["findings"] == []
    assert _has(got["claims-open"], "summary calls it 'fully open' but these components are not recorded: "
                                    "Training code, Data preprocessing code, Evaluation code, Datasets")
    assert _has(got["base-misnamed"], "base_model 'OLMo-7B-Base' is not a catalog name, but the catalog has 'olmo-7b'")
    assert got["base-named"]["findings"] == []


def test_the_bundled_catalog_does_not_contradict_itself():
    catalog = loader.load()
    found = {r.id: consistency.check(r, catalog) for r in catalog}
    assert {k: v for k, v in found.items() if v} == {}


def test_a_base_model_named_as_people_name_it_is_assessed(cli):
    res = cli("show", "deepseek-r1", "--format", "json")
    assert res.code == 0, res.err
    lineage = [c for c in res.json()["osaid"]["checks"] if c["id"] == "S-LINEAGE"]
    assert lineage and lineage[0]["outcome"] != "unknown", lineage


def test_a_component_citing_mots_file_must_say_what_the_file_says(tmp_path, cli):
    mot = {"url": MOT_PREFIX + "8b5d30e90a7c62d7d6ece48b91e69ff495920a4d/models/OLMo-7B.yml", "as_of": "2026-11-28"}
    faithful = _entry("faithful", listed_in={"mot": "OLMo-7B"}, sources={**_entry("x")["sources"], "mot": mot},
                      components=[{"name": "Model parameters (Final)", "source": "hf"},
                                  {"name": "Research paper", "license": "CC-BY-4.0", "source": "mot"}])
    misquote = _entry("misquote", listed_in={"mot": "OLMo-7B"}, sources={**_entry("x")["sources"], "mot": mot},
                      components=[{"name": "Model parameters (Final)", "source": "hf"},
                                  {"name": "Research paper", "license": "unlicensed", "source": "mot"}])
    unknown = _entry("unknown-key", listed_in={"mot": "No-Such-Model"})
    got = _validate(tmp_path, cli, faithful, misquote, unknown, notes=True)
    assert not any("cites MOT's file" in f for f in got["faithful"]["findings"])
    assert _has(got["misquote"], "Research paper cites MOT's file")
    assert _has(got["misquote"], "is no license here and CC-BY-4.0 there")
    assert _has(got["unknown-key"], "listed_in mot 'No-Such-Model' is not in the imported mot snapshot")
    # what the entry leaves out and MOT lists is a note, never a finding
    assert any(n.startswith("MOT OLMo-7B: Training code: not listed here") and n.endswith("still to check")
               for n in got["faithful"]["notes"])


def test_a_component_the_entry_shows_withheld_is_decided_by_its_own_source(tmp_path, cli):
    """MOT's GPT-4 file lists the architecture, the final weights and a research paper. An entry
    whose source says the weights are not downloadable, whose report says it withholds the
    architecture and which files that report as a technical report settles all three; the same
    entry without those facts leaves them still to check."""
    mot = {"url": snapshots.file_url(snapshots.MOT, snapshots.entries(snapshots.MOT)["GPT-4"]), "as_of": "2026-11-28"}
    report = {"kind": "technical-report", "url": "https://arxiv.org/abs/0000.00001", "as_of": "2026-11-28",
              "withholds": ["architecture"]}
    closed = _entry("closed", listed_in={"mot": "GPT-4"}, sources={**_entry("x")["sources"], "mot": mot},
                    access={"weights": "none", "api": True, "source": "hf"}, documentation=[report],
                    components=[{"name": "Technical report", "license": "unlicensed", "source": "paper"}])
    unsaid = _entry("unsaid", listed_in={"mot": "GPT-4"}, sources={**_entry("x")["sources"], "mot": mot},
                    access={"weights": "gated", "source": "hf"}, documentation=[{**report, "withholds": []}],
                    components=[])
    got = _validate(tmp_path, cli, closed, unsaid, notes=True)

    def note(rid: str, component: str) -> str:
        found = [n for n in got[rid]["notes"] if n.startswith(f"MOT GPT-4: {component}: ")]
        assert len(found) == 1, (rid, component, got[rid]["notes"])
        return found[0]

    assert note("closed", "Model parameters (Final)").endswith("decided by our source (https://huggingface.co/example/model)")
    assert note("closed", "Model architecture").endswith("decided by our source (https://arxiv.org/abs/0000.00001)")
    paper = note("closed", "Research paper")
    assert "recorded as Technical report here" in paper and paper.endswith("(https://arxiv.org/abs/0000.00001)")
    for component in ("Model parameters (Final)", "Model architecture", "Research paper"):
        assert note("unsaid", component).endswith("still to check")


def test_validate_notes_list_where_an_entry_and_its_mot_file_differ(cli):
    res = cli("validate", str(loader.data_dir() / "amber.yaml"), "--notes")
    assert res.code == 0, "differences from MOT are notes, not findings"
    assert ("note: MOT Amber: Datasets: ODC-By-1.0 here, MIT in MOT's file; decided by our source "
            "(https://huggingface.co/datasets/LLM360/AmberDatasets)") in res.out


def test_every_mot_row_names_what_decides_it():
    catalog = [r for r in loader.load() if "mot" in r.listed_in]
    assert len(catalog) >= 25
    prefix = snapshots.load(snapshots.MOT)["source"]["url_prefix"]
    for r in catalog:
        for d in crosscheck.mot_differences(r):
            assert d.decided_by in (crosscheck.ADOPTED, crosscheck.OURS, crosscheck.OPEN_QUESTION)
            if d.decided_by == crosscheck.ADOPTED:
                assert d.evidence.startswith(prefix), d
            elif d.decided_by == crosscheck.OURS:
                assert d.evidence.startswith("http") and not d.evidence.startswith(prefix), d
            else:
                assert d.ours == crosscheck.NOT_LISTED and d.evidence == ""


def test_the_mot_snapshot_is_attributed_and_holds_facts_not_prose():
    data = json.loads(snapshots.path(snapshots.MOT).read_text(encoding="utf-8"))
    src = data["source"]
    assert src["license"] == "MIT" and "Model Openness Tool Authors" in src["attribution"]
    assert len(src["revision"]) == 40 and src["url_prefix"] == f"{src['repository']}/blob/{src['revision']}/"
    assert len(data["models"]) > 200
    for key, rec in data["models"].items():
        assert rec["path"] == f"models/{key}.yml"
        assert all(set(c) <= {"name", "license", "license_path", "component_path"} for c in rec["components"])


def test_the_snapshot_script_keeps_facts_and_drops_descriptions():
    record = runpy.run_path(str(ROOT / "scripts" / "extract_mot_facts.py"))["snapshot_record"]
    doc = {"release": {"name": "X-1", "producer": "Lab", "date": "2024-01-01", "contact": "",
                       "license": {"distribution": {"name": " Apache-2.0 ", "path": ""}, "code": None},
                       "components": [{"name": "Datasets", "description": "Words about data", "license": "MIT"},
                                      {"name": "Model card", "description": "More words", "component_path": "card.md"}]}}
    got = record("X-1", "models/X-1.yml", doc)
    assert got == {"key": "X-1", "path": "models/X-1.yml", "name": "X-1", "date": "2024-01-01", "producer": "Lab",
                   "license": {"distribution": {"name": "Apache-2.0"}},
                   "components": [{"name": "Datasets", "license": "MIT"},
                                  {"name": "Model card", "component_path": "card.md"}]}

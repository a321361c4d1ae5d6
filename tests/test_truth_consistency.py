"""No catalog entry says one thing in one part of its output and the opposite in another.

Every entry of the bundled catalog is assessed as `show` assesses it, and its verdict reasons,
OSAID checks, MOF statuses, Index grades and dimensions are read against each other. Where the
cause is a fact missing from the entry's data (not the frameworks), the entry and the field to
fix are listed in DATA_TO_FIX, so the test names them rather than hiding them; an entry there
that no longer contradicts itself fails the test, so the list cannot go stale.
"""

from __future__ import annotations

import re

import pytest

from trueopen import service
from trueopen.catalog import loader
from trueopen.frameworks.osaid import CODE_PARTS
from trueopen.licenses import terms as T

# (entry, contradiction kind) -> the catalog field whose fact is missing; reported to the
# coordinator for the catalog data owner (frameworks read the facts consistently already).


def _doc(names: list[str]) -> str:
    return (f"components: no {', '.join(repr(n) for n in names)} component (with its license) "
            "for the documentation listed")


DATA_TO_FIX: dict[tuple[str, str], str] = {}

_CODE_CLAUSE = re.compile(r"(?:^|[.;] )([A-Za-z, -]+?) code (?:is|are) ")


def _named_code_parts(reasons: str) -> set[str]:
    """'Training, data-processing and evaluation code are not released' -> {training code, ...}."""
    out = set()
    for m in _CODE_CLAUSE.finditer(reasons):
        for word in re.split(r", | and ", m.group(1)):
            out.add(word.strip().lower() + " code")
    return out


def contradictions(a) -> dict[str, str]:
    """Every pair of statements in one assessment that cannot both be true, by kind."""
    r, checks = a.release, {c.id: c for c in a.osaid.checks}
    reasons = " ".join(a.verdict.reasons)
    found: dict[str, str] = {}

    # 1. a reason names only parts whose own check failed or is unknown
    passing_code = {CODE_PARTS[c.id] for c in a.osaid.checks if c.id in CODE_PARTS and c.outcome == "pass"}
    if named := _named_code_parts(reasons) & passing_code:
        found["reason names passing code"] = f"{sorted(named)} in: {reasons}"
    if checks["D-DESC"].outcome == "pass" and re.search(r"training data (is|not)|about the training data", reasons):
        found["reason names passing data"] = reasons
    if checks["D-TERMS"].outcome == "pass" and re.search(r"no open license recorded|no license for it|no data card",
                                                         reasons):
        found["reason names passing data terms"] = reasons

    # 2. one license, one answer: the weights' terms, the license checks and the legal dimension
    wl = r.effective_license("Model parameters (Final)")
    if checks["P-TERMS"].outcome == "pass":
        for cid in ("L-USE", "L-MOD", "L-SHARE"):
            if checks[cid].outcome == "fail" and wl and wl in checks[cid].reason:
                found["license open and limited"] = f"P-TERMS passes for {wl}; {cid}: {checks[cid].reason}"
    for fact in a.dimensions["legal"].facts:
        lic, _, family = fact.rpartition(": ")
        if family in ("permissive", "open-data", "copyleft") and not T.grants_freedoms(lic):
            found["legal open, terms not"] = fact
        if family in ("permissive", "open-data") and any(
                checks[c].outcome == "fail" and lic in checks[c].reason for c in ("L-USE", "L-MOD", "L-SHARE")):
            found["legal permissive, check fails"] = fact
    for c in a.mof.components:
        if c.license and c.status in ("included", "invalid"):
            ours = T.grants_freedoms(c.license)
            if ours is not None and ours != (c.status == "included") and not any(c.license in n for n in a.mof.notes):
                found["MOF and terms disagree silently"] = f"{c.name}: {c.status} under {c.license}"
    if a.osai_index["license"].grade == "open" and any(
            checks[c].outcome == "fail" for c in ("L-USE", "L-MOD", "L-SHARE")):
        found["Index license open, check fails"] = a.osai_index["license"].reason

    # a model whose weights are never released is not used, modified or shared under its code's license
    if r.weights_unreleased and r.component("Model parameters (Final)") is None:
        granted = [c for c in ("L-USE", "L-MOD", "L-SHARE") if checks[c].outcome == "pass"]
        if granted or a.osai_index["license"].grade != "closed":
            found["weights withheld, freedoms granted"] = f"{granted}; Index license {a.osai_index['license'].grade}"

    # 3. the verdict and the checks it rests on
    if (a.verdict.level == "open-source") != a.osaid.conformant:
        found["verdict and OSAID"] = a.verdict.level
    if a.verdict.level == "open-weights" and checks["P-TERMS"].outcome != "pass":
        found["open weights without open terms"] = checks["P-TERMS"].reason

    # 4. documentation and the checks that read it
    if r.docs("technical-report", "research-paper", "preprint", "datasheet") and "is released" in checks["D-TERMS"].reason \
            and checks["D-TERMS"].reason.startswith("no "):
        found["report listed, none released"] = checks["D-TERMS"].reason
    status = {c.name: c.status for c in a.mof.components}
    doc_part = {"technical-report": "Technical report", "research-paper": "Research paper", "preprint": "Research paper",
                "datasheet": "Data card"}
    unrecorded = sorted({doc_part[d.kind] for d in r.documentation if d.kind in doc_part
                         and status[doc_part[d.kind]] == "missing"})
    if unrecorded:
        found["document listed, MOF missing"] = f"documentation lists {unrecorded}; MOF shows them missing"
    card = next(c for c in a.mof.components if c.name == "Model card")
    if (a.osai_index["modelcard"].grade != "closed") != (card.status != "missing"):
        found["model card"] = f"MOF {card.status}, Index {a.osai_index['modelcard'].grade}"
    # the Index's `architecture` is its `hardware_architecture` (training hardware): a grade above closed,
    # or a training-hardware fact that finds it described, cannot stand beside a document or a summary
    # that says the training hardware or compute is withheld
    summary = (r.summary or "").lower()
    withheld = [d.url for d in r.documentation if "training compute" in d.withholds]
    if "withhold" in summary and "hardware" in summary:
        withheld.append("summary")
    hw = r.training_hardware
    if withheld and (a.osai_index["architecture"].grade != "closed" or (hw and hw.documented != "none")):
        found["training hardware withheld"] = f"{a.osai_index['architecture'].reason}; withheld in {withheld}"
    return found


CATALOG = {r.id: r for r in loader.load()}


@pytest.mark.parametrize("entry", sorted(CATALOG))
def test_no_entry_contradicts_itself(entry):
    a = service.assess_release(CATALOG[entry], loader.load())
    found = contradictions(a)
    unexplained = {k: v for k, v in found.items() if (entry, k) not in DATA_TO_FIX}
    assert not unexplained, f"{entry}: {unexplained}"
    stale = [k for (e, k) in DATA_TO_FIX if e == entry and k not in found]
    assert not stale, f"{entry}: fixed in the data, remove from DATA_TO_FIX: {stale}"


def _release(**extra):
    from trueopen.release import Release

    src = {"s": {"url": "https://example.org", "as_of": "2026-01-01"}}
    comps = [{"name": n, "license": "Apache-2.0", "source": "s"} for n in (
        "Training code", "Inference code", "Model architecture", "Model parameters (Final)")]
    comps.append({"name": "Research paper", "license": "unlicensed", "source": "s"})
    data = {"id": "x", "name": "X", "producer": "p", "components": comps, "sources": src,
            "access": {"weights": "download", "source": "s"},
            "training_data": {"disclosure": "full", "datasets": ["d"], "source": "s"}, **extra}
    return Release.model_validate(data)


def test_reasons_name_the_failing_parts_in_plain_words_and_no_passing_one():
    from trueopen.assessment import assess

    a = assess(_release())
    gap = a.verdict.reasons[1]
    assert gap.startswith("Data-processing and evaluation code are not released; the paper has no open license")
    assert "training code" not in gap.lower() and "training data" not in gap.lower()
    assert contradictions(a) == {}


def test_a_reason_naming_a_passing_part_is_caught():
    from dataclasses import replace

    from trueopen.assessment import assess

    a = assess(_release())
    wrong = replace(a, verdict=replace(a.verdict, reasons=(a.verdict.reasons[0], "Training code is not released.")))
    assert "reason names passing code" in contradictions(wrong)


def test_training_hardware_found_described_beside_a_report_that_withholds_it_is_caught():
    """GPT-4's report withholds the hardware and training compute: its fact says so and the Index's
    `architecture` (training hardware) is closed; a fact claiming the hardware described would contradict it."""
    gpt4 = CATALOG["gpt-4"]
    a = service.assess_release(gpt4, loader.load())
    assert gpt4.training_hardware.documented == "none" and a.osai_index["architecture"].grade == "closed"
    assert "training hardware withheld" not in contradictions(a)
    claimed = gpt4.model_copy(update={"training_hardware": gpt4.training_hardware.model_copy(
        update={"documented": "comprehensive", "summary": "thousands of GPUs"})})
    wrong = service.assess_release(claimed, loader.load())
    assert wrong.osai_index["architecture"].grade == "open"
    assert "training hardware withheld" in contradictions(wrong)


def test_an_open_side_tool_of_a_closed_model_grants_no_freedom_to_the_model():
    """GPT-4 with an MIT-licensed evaluation library (as OpenAI Evals is): the library's license
    covers the library, not a model whose weights are never released."""
    from trueopen.release import Component

    gpt4 = CATALOG["gpt-4"]
    tool = Component(name="Supporting libraries and tools", license="MIT", source=next(iter(gpt4.sources)))
    evals = gpt4.model_copy(update={"components": [*gpt4.components, tool]})
    a = service.assess_release(evals, loader.load())
    checks = {c.id: c for c in a.osaid.checks}
    assert [checks[c].outcome for c in ("L-USE", "L-MOD", "L-SHARE")] == ["fail"] * 3
    assert "weights are not released" in checks["L-USE"].reason and "MIT" in checks["L-USE"].reason
    assert a.osai_index["license"].grade == "closed"
    assert contradictions(a) == {}


def test_a_license_string_spelled_otherwise_reads_the_same_everywhere():
    """ODC-BY-1.0 (as OLMo's data was recorded) is ODC-By-1.0 on load: MOF includes it, as the
    Index, OSAID and the legal dimension do."""
    from trueopen.assessment import assess

    a = assess(_release(license={"data": {"name": "ODC-BY-1.0"}},
                        components=[{"name": "Datasets", "source": "s"},
                                    {"name": "Model parameters (Final)", "license": "Apache-2.0", "source": "s"}]))
    assert a.release.effective_license("Datasets") == "ODC-By-1.0"
    assert [c.status for c in a.mof.components if c.name == "Datasets"] == ["included"]
    assert "ODC-By-1.0: open-data" in a.dimensions["legal"].facts
    assert contradictions(a) == {}


def test_kimi_modified_mit_is_one_answer_and_mots_different_rule_is_said():
    a = service.assess_release(CATALOG["kimi-k2"], loader.load())
    checks = {c.id: c.outcome for c in a.osaid.checks}
    assert checks["P-TERMS"] == checks["L-USE"] == checks["L-MOD"] == checks["L-SHARE"] == "pass"
    assert a.dimensions["legal"].rating == "high"
    weights = next(c for c in a.mof.components if c.name == "Model parameters (Final)")
    assert weights.status == "invalid"  # MOT's rule, kept so MOF scores match MOT's
    assert any("LicenseRef-kimi-modified-mit" in n and "MOT" in n for n in a.mof.notes)


def test_validate_rejects_non_canonical_and_unrecorded_license_strings(tmp_path, cli):
    import yaml

    entry = yaml.safe_load((loader.data_dir() / "olmo-7b.yaml").read_text())
    comps = [dict(c) for c in entry["components"]]
    data_idx = next(i for i, c in enumerate(comps) if c["name"] == "Datasets")
    paper_idx = next(i for i, c in enumerate(comps) if c["name"] != "Datasets")
    comps[data_idx]["license"] = "odc-by-1.0"
    comps[paper_idx]["license"] = "arXiv.org perpetual non-exclusive license 1.0"
    entry["components"] = comps
    entry["license"] = {"distribution": {"name": "Nobody Model License"}}
    p = tmp_path / "olmo-7b.yaml"
    p.write_text(yaml.safe_dump(entry))
    res = cli("validate", str(p), "--format", "json")
    assert res.code == 1
    findings = res.json()[0]["findings"]
    assert f"components[{data_idx}].license: license 'odc-by-1.0' is not the canonical spelling; " \
           "write 'ODC-By-1.0'" in findings
    assert any(f.startswith(f"components[{paper_idx}].license") and "LicenseRef-arxiv-nonexclusive-1.0" in f
               for f in findings)
    assert any(f.startswith("license.distribution.name: license 'Nobody Model License' has no terms record")
               for f in findings), findings
    text = cli("validate", str(p))
    assert str(p) in text.out and "ODC-By-1.0" in text.out


def test_no_terms_record_calls_a_license_open_while_its_own_terms_limit_a_freedom():
    """The category shown in docs/licenses.md and the legal dimension agrees with what OSAID's
    license checks read from the same record."""
    for t in T.custom().values():
        limits = T.limits(t)
        if t.category in T.OPEN_CATEGORIES:
            assert not any(limits.values()), (t.key, limits)
            assert T.grants_freedoms(t.key) is True
        elif t.category != "unknown":
            assert T.grants_freedoms(t.key) is False, t.key

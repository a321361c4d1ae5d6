"""Bad MOF input gives one line naming the file and field, exit 2, never a traceback."""

from __future__ import annotations

import pytest

GOOD = """framework:
  name: Model Openness Framework
  version: '1.0'
  date: '2024-12-15'
release:
  name: Tiny
  producer: Us
  license:
    distribution: {name: Apache-2.0}
  components:
    - name: Model architecture
    - name: Model parameters (Final)
"""


def one_line_error(res, *words):
    assert res.code == 2
    assert "Traceback" not in res.err
    lines = [l for l in res.err.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("trueopen: error:"), res.err
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_good_file_imports(tmp_path, cli):
    p = tmp_path / "good.yml"
    p.write_text(GOOD)
    res = cli("import", "mof", str(p))
    assert res.code == 0, res.err
    assert "Class III 33.33%" in res.out


@pytest.mark.parametrize("text,words", [
    ("framework: [unclosed", ["malformed YAML", "line"]),
    ("- just\n- a list\n", ["expected a mapping"]),
    (GOOD.replace("name: Model Openness Framework", "name: Other"), ["framework.name"]),
    (GOOD.replace("date: '2024-12-15'", "date: 2024-12-15"), ["framework.date", "unquoted date"]),
    (GOOD.replace("date: '2024-12-15'", "date: '2024-13-45'"), ["framework.date", "not a valid date"]),
    (GOOD.replace("  producer: Us\n", ""), ["release.producer", "missing"]),
    (GOOD.replace("    - name: Model architecture\n    - name: Model parameters (Final)\n", "    []\n")
         .replace("components:\n    []", "components: []"), ["release.components", "empty"]),
    (GOOD.replace("- name: Model architecture", "- name: Model architecture\n      license: null"),
     ["release.components[0].license", "null"]),
    (GOOD.replace("  license:\n    distribution: {name: Apache-2.0}\n", "  license: MIT\n"), ["release.license"]),
])
def test_malformed_input_is_one_line_exit_2(tmp_path, cli, text, words):
    p = tmp_path / "bad.yml"
    p.write_text(text)
    res = cli("import", "mof", str(p))
    one_line_error(res, str(p), *words)


def test_more_than_seventeen_components(tmp_path, cli):
    comps = "    - name: Datasets\n" * 18
    p = tmp_path / "many.yml"
    p.write_text(GOOD.split("  components:")[0] + "  components:\n" + comps)
    one_line_error(cli("import", "mof", str(p)), "at most 17")


def test_missing_file_and_binary_file(tmp_path, cli):
    one_line_error(cli("import", "mof", str(tmp_path / "nope.yml")), "no such file")
    p = tmp_path / "bin.yml"
    p.write_bytes(b"\xff\xfe\x00garbage")
    one_line_error(cli("import", "mof", str(p)), "not UTF-8")


def test_one_bad_file_does_not_stop_the_others(tmp_path, cli):
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text(GOOD)
    bad.write_text("framework: [")
    res = cli("import", "mof", str(bad), str(good), "--format", "json")
    assert res.code == 2
    rows = res.json()
    assert rows[0]["error"] and rows[1]["mof"]["progress"]["class_3"] == pytest.approx(100 / 3)


def test_unknown_component_is_filed_under_datasets_as_mot_does(tmp_path, cli):
    p = tmp_path / "typo.yml"
    p.write_text(GOOD.replace("- name: Model architecture", "- name: model architecture"))
    res = cli("import", "mof", str(p), "--format", "json")
    assert res.code == 1
    row = res.json()[0]
    assert any("did you mean 'Model architecture'" in w for w in row["warnings"])
    status = {c["name"]: c["status"] for c in row["mof"]["components"]}
    assert status["Datasets"] == "included" and status["Model architecture"] == "missing"


def test_yaml_alias_bomb_is_refused(tmp_path, cli):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    p = tmp_path / "bomb.yml"
    p.write_text("\n".join(lines) + "\n")
    one_line_error(cli("import", "mof", str(p)), "aliases")


def test_deep_nesting_is_refused(tmp_path, cli):
    p = tmp_path / "deep.yml"
    p.write_text("a: " + "[" * 200 + "]" * 200 + "\n")
    one_line_error(cli("import", "mof", str(p)), "nested")

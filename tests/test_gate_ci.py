"""Where CI meets `check`: the pre-commit hook and the GitHub Action's check step, each run the
way its host runs it (the hook's entry on the files its pattern matches; the step's bash script
with its environment), on a repository laid out in a temporary folder."""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
PICKLE_HEAD = b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s."


def repo(tmp_path: Path) -> Path:
    (tmp_path / "models" / "m").mkdir(parents=True)
    (tmp_path / "models" / "m" / "README.md").write_text("---\nlicense: apache-2.0\n---\n# M\n", encoding="utf-8")
    (tmp_path / "models" / "m" / "pytorch_model.bin").write_bytes(PICKLE_HEAD)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("not a model\n", encoding="utf-8")
    (tmp_path / "trueopen-policy.yaml").write_text("weights: {forbid_formats: [pickle]}\n", encoding="utf-8")
    return tmp_path


def test_pre_commit_hook_checks_the_folders_of_changed_model_files(tmp_path: Path):
    root = repo(tmp_path)
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    changed = ["models/m/README.md", "models/m/pytorch_model.bin", "docs/notes.txt"]
    matched = [f for f in changed if re.search(hook["files"], f)]
    assert matched == changed[:2]
    entry = shlex.split(hook["entry"])
    assert entry[0] == "trueopen"
    r = run_cli(*entry[1:], *matched, cwd=root)
    assert r.code == 1, r.out + r.err
    assert r.out.count("m: FAIL") == 1 and "pytorch_model.bin" in r.out
    (root / "trueopen-policy.yaml").write_text("weights: {forbid_formats: [gguf]}\n", encoding="utf-8")
    assert run_cli(*entry[1:], *matched, cwd=root).code == 0


def test_action_check_step_writes_sarif_and_reports_the_exit_code(tmp_path: Path):
    root = repo(tmp_path)
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "check"]
    shim = tmp_path / "bin" / "trueopen"  # the console script pip would install
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m trueopen \"$@\"\n", encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    out_file = tmp_path / "github_output"
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "TARGETS": "models/*", "POLICY": "trueopen-policy.yaml", "SARIF": "out.sarif", "ARGS": "--offline",
           "GITHUB_OUTPUT": str(out_file)}
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr  # the step itself succeeds; a later step fails the job
    assert out_file.read_text().strip() == "exit-code=1"
    doc = json.loads((root / "out.sarif").read_text(encoding="utf-8"))
    [res] = doc["runs"][0]["results"]
    assert res["ruleId"] == "weights-format"
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "models/m/pytorch_model.bin"
    final = action["runs"]["steps"][-1]
    assert "exit" in final["run"] and "exit-code" in final["env"]["CODE"]

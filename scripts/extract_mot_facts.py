"""Build tests/data/mot_facts.json from a fetched snapshot of lfai/model_openness_tool.

Keeps only the facts that scoring reads (framework version/date, release name, producer, global
license names, component names and license strings) and, for Test_Data, MOT's own expected
class and progress from Test_Data/expected_results.json. Descriptions, paths and prose are left
out. MOT is MIT-licensed; the facts are attributed in the output's "source" block.

Usage: python scripts/extract_mot_facts.py GIT_DIR [COMMIT] > tests/data/mot_facts.json
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import yaml


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=True).stdout


def facts(doc: dict) -> dict:
    fw, rel = doc["framework"], doc["release"]
    lic = {}
    for key, value in (rel.get("license") or {}).items():
        lic[key] = {"name": value.get("name")} if isinstance(value, dict) else value
    comps = []
    for comp in rel.get("components") or []:
        entry = {"name": comp.get("name")}
        if "license" in comp:
            entry["license"] = comp["license"]
        comps.append(entry)
    return {
        "framework": {"name": fw["name"], "version": fw["version"], "date": fw["date"]},
        "release": {"name": rel["name"], "producer": rel["producer"], "license": lic, "components": comps},
    }


def main() -> None:
    repo = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
    sha = git(repo, "rev-parse", commit).strip()
    expected_text = git(repo, "show", f"{sha}:Test_Data/expected_results.json")
    expected_text = re.sub(r",(\s*[}\]])", r"\1", expected_text)  # MOT's file has trailing commas
    expected = {m["release"]["name"]: m["classification"] for m in json.loads(expected_text)["models"]}
    out = {
        "source": {
            "repository": "https://github.com/lfai/model_openness_tool",
            "commit": sha,
            "license": "MIT (Copyright 2024 The Model Openness Tool Authors)",
            "note": "Facts extracted by scripts/extract_mot_facts.py; not MOT's files.",
        },
        "test_data": [],
        "models": [],
    }
    for folder, bucket in (("Test_Data/", "test_data"), ("models/", "models")):
        for path in git(repo, "ls-tree", "--name-only", sha, folder).splitlines():
            if not path.endswith(".yml"):
                continue
            doc = yaml.safe_load(git(repo, "show", f"{sha}:{path}"))
            entry = {"path": path, **facts(doc)}
            if bucket == "test_data":
                cls = expected[doc["release"]["name"]]
                entry["expected"] = {"class": cls["class"], "progress": cls["progress"]}
            out[bucket].append(entry)
    # One entry per line: small, and diffs show which model changed.
    lines = ["{", f' "source": {json.dumps(out["source"])},']
    for bucket in ("test_data", "models"):
        rows = [json.dumps(e, ensure_ascii=False) for e in out[bucket]]
        lines.append(f' "{bucket}": [')
        lines.append(",\n".join("  " + r for r in rows))
        lines.append(" ]," if bucket == "test_data" else " ]")
    lines.append("}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

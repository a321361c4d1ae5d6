"""Build tests/data/mot_facts.json from a fetched snapshot of lfai/model_openness_tool.

Keeps only the facts that scoring reads (framework version/date, release name, producer, global
license names, component names and license strings) and, for Test_Data, MOT's own expected
class and progress from Test_Data/expected_results.json. Descriptions, paths and prose are left
out. MOT is MIT-licensed; the facts are attributed in the output's "source" block.

Usage: python scripts/extract_mot_facts.py GIT_DIR [COMMIT] > tests/data/mot_facts.json

With --snapshot, writes instead the catalog's committed snapshot of MOT's model files
(trueopen/catalog/imported/mot.json): per file stem, the release's name, producer, links, global
licenses and each component's name, license and paths, for the crosscheck against the catalog.

Usage: python scripts/extract_mot_facts.py --snapshot GIT_DIR [COMMIT] > trueopen/catalog/imported/mot.json
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


REPOSITORY = "https://github.com/lfai/model_openness_tool"
RETRIEVED = "2026-11-28"
RELEASE_FIELDS = ("name", "version", "date", "producer", "repository", "huggingface")
COMPONENT_FIELDS = ("name", "license", "license_path", "component_path")


def snapshot_record(stem: str, path: str, doc: dict) -> dict:
    """The facts of one MOT model file the crosscheck compares: no descriptions."""
    rel = doc["release"]
    out: dict = {"key": stem, "path": path}
    out.update({k: str(rel[k]) for k in RELEASE_FIELDS if rel.get(k) not in (None, "")})
    lic = {}
    for key, value in (rel.get("license") or {}).items():
        if isinstance(value, dict) and value.get("name"):
            lic[key] = {k: str(value[k]).strip() for k in ("name", "path") if str(value.get(k) or "").strip()}
    out["license"] = lic
    out["components"] = [{k: str(c[k]).strip() for k in COMPONENT_FIELDS if str(c.get(k) or "").strip()}
                         for c in rel.get("components") or []]
    return out


def snapshot(repo: str, commit: str) -> str:
    sha = git(repo, "rev-parse", commit).strip()
    models = {}
    for path in sorted(git(repo, "ls-tree", "--name-only", sha, "models/").splitlines()):
        if path.endswith(".yml"):
            stem = path.removeprefix("models/").removesuffix(".yml")
            models[stem] = snapshot_record(stem, path, yaml.safe_load(git(repo, "show", f"{sha}:{path}")))
    source = {
        "name": "Model Openness Tool",
        "repository": REPOSITORY,
        "revision": sha,
        "retrieved": RETRIEVED,
        "license": "MIT",
        "attribution": "Copyright 2024 The Model Openness Tool Authors (MIT License); facts extracted "
                       "from its models/ files by scripts/extract_mot_facts.py, not MOT's files.",
        "url_prefix": f"{REPOSITORY}/blob/{sha}/",
    }
    lines = ["{", f' "source": {json.dumps(source, ensure_ascii=False)},', ' "models": {']
    lines.append(",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in models.items()))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    if sys.argv[1] == "--snapshot":
        sys.stdout.write(snapshot(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "HEAD"))
        return
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

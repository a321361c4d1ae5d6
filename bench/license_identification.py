"""Benchmark: license identification accuracy and end-to-end time, trueopen vs ScanCode.

    python bench/license_identification.py [--n 200] [--workdir DIR] [--scancode-venv DIR]

Picks N license texts and N rule files that are full license texts or notices from ScanCode's
license database (the installed licensed-code-data package, the same database both tools index),
labelled by their license expression; writes each to its own file; runs both tools over the
folder on 2 processes and prints both tools' exact-match rate and wall time. ScanCode toolkit
32.5 is installed into its own virtual environment on first run (a few minutes).

Two sets: `verbatim`, the files as they are (the issue's benchmark), and `embedded`, the same texts
between a sentence before and one after, as in a README: no longer a copy of any reference, so
each tool's approximate matcher has to find them.

A file counts as an exact match when the set of licenses a tool reports for it equals the set of
licenses in its label, compared as SPDX ids. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from license_expression import Licensing

from trueopen.licenses import corpus, names

SCANCODE = "scancode-toolkit==32.5.0"
SCANCODE_PINS = ["pluggy<1.6"]  # scancode 32.5 fails to load its plugins with pluggy 1.6+
_LIC = Licensing()


def _symbols(expression: str) -> frozenset[str]:
    try:
        return frozenset(s.key.lower() for s in _LIC.license_symbols(_LIC.parse(expression)))
    except Exception:
        return frozenset({expression.lower()})


def sample(n: int, seed: int = 2026) -> list[tuple[str, str, str]]:
    """(file name, text, SPDX label) for n license texts and n text/notice rules."""
    base = corpus.data_dir()
    rng = random.Random(seed)
    lic_files = sorted((base / "licenses").glob("*.LICENSE"))
    rule_files = sorted((base / "rules").glob("*.RULE"))
    picked = []
    for path in rng.sample(lic_files, len(lic_files)):
        meta, text = corpus._split(path.read_text(encoding="utf-8", errors="replace"))
        if meta.get("is_deprecated") == "yes" or meta.get("is_unknown") == "yes" or len(text.split()) < 20:
            continue
        picked.append((f"LICENSE-t{len(picked):04d}.txt", text, names.from_scancode(meta.get("key", path.stem)).spdx))
        if len(picked) == n:
            break
    rules = []
    for path in rng.sample(rule_files, len(rule_files)):
        meta, text = corpus._split(path.read_text(encoding="utf-8", errors="replace"))
        if not (meta.get("is_license_text") == "yes" or meta.get("is_license_notice") == "yes"):
            continue
        if meta.get("is_false_positive") == "yes" or len(text.split()) < 10 or not meta.get("license_expression"):
            continue
        rules.append((f"LICENSE-r{len(rules):04d}.txt", text, names.from_scancode(meta["license_expression"]).spdx))
        if len(rules) == n:
            break
    return picked + rules


PREFIX = "Notes for the example project follow.\n\n"
SUFFIX = "\n\nQuestions go to the project team.\n"


def run_trueopen(folder: Path) -> tuple[dict[str, frozenset[str]], float]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "trueopen", "license", str(folder), "--format", "json"],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    found: dict[str, set[str]] = {}
    for row in json.loads(proc.stdout or "[]"):
        found.setdefault(Path(row["path"]).name, set()).update(_symbols(row["spdx"]))
    return {k: frozenset(v) for k, v in found.items()}, elapsed


def ensure_scancode(venv: Path) -> Path:
    exe = venv / "bin" / "scancode"
    if not exe.exists():
        print(f"installing {SCANCODE} into {venv} (once; a few minutes)...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", SCANCODE, *SCANCODE_PINS], check=True)
    return exe


def run_scancode(exe: Path, folder: Path, out: Path) -> tuple[dict[str, frozenset[str]], float]:
    t = time.perf_counter()
    subprocess.run([str(exe), "--license", "-n", "2", "--json", str(out), str(folder), "--quiet"], check=True)
    elapsed = time.perf_counter() - t
    found = {}
    for f in json.loads(out.read_text())["files"]:
        if f.get("type") == "file":
            expr = f.get("detected_license_expression_spdx")
            found[Path(f["path"]).name] = _symbols(expr) if expr else frozenset()
    return found, elapsed


def write_set(folder: Path, items: list[tuple[str, str, str]], embedded: bool) -> dict[str, frozenset[str]]:
    folder.mkdir(parents=True, exist_ok=True)
    labels = {}
    for name, text, label in items:
        (folder / name).write_text(PREFIX + text + SUFFIX if embedded else text, encoding="utf-8")
        labels[name] = _symbols(label)
    return labels


def score(found: dict[str, frozenset[str]], labels: dict[str, frozenset[str]]) -> tuple[float, float, float]:
    ok = {n: found.get(n, frozenset()) == lab for n, lab in labels.items()}
    texts = [v for n, v in ok.items() if "-t" in n]
    rules = [v for n, v in ok.items() if "-r" in n]
    return sum(ok.values()) / len(ok), sum(texts) / max(1, len(texts)), sum(rules) / max(1, len(rules))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="license texts and rule files each (default 200)")
    ap.add_argument("--workdir", type=Path, default=None, help="where the sample files go (default: a temp dir)")
    ap.add_argument("--scancode-venv", type=Path, default=Path(os.environ.get("SCANCODE_VENV", ".venv-scancode")))
    ap.add_argument("--skip-scancode", action="store_true", help="measure trueopen only")
    ap.add_argument("--sets", default="verbatim,embedded", help="verbatim, embedded or both (default)")
    args = ap.parse_args()

    base = args.workdir or Path(tempfile.mkdtemp(prefix="trueopen-bench-"))
    items = sample(args.n)
    print(f"{len(items)} files per set in {base}: {sum(1 for n, _, _ in items if '-t' in n)} license texts, "
          f"{sum(1 for n, _, _ in items if '-r' in n)} rules (texts and notices)")

    warm = Path(tempfile.mkdtemp(prefix="license-warmup-"))
    (warm / "LICENSE").write_text("Permission is hereby granted, free of charge, to any person obtaining a copy\n",
                                  encoding="utf-8")
    subprocess.run([sys.executable, "-m", "trueopen", "license", str(warm / "LICENSE")], capture_output=True)
    exe = None
    if not args.skip_scancode:
        exe = ensure_scancode(args.scancode_venv.resolve())
        subprocess.run([str(exe), "--license", "--json", str(warm / "out.json"), str(warm / "LICENSE"), "--quiet"],
                       check=True)  # both tools build their index cache on first use: time a second run

    print(f"{'set':<10} {'tool':<10} {'exact (all)':>12} {'texts':>8} {'rules':>8} {'wall time':>10} {'speed-up':>9}")
    for kind in [k.strip() for k in args.sets.split(",") if k.strip()]:
        folder = base / kind
        labels = write_set(folder, items, embedded=kind == "embedded")
        results = {"trueopen": run_trueopen(folder)}
        if exe is not None:
            results["scancode"] = run_scancode(exe, folder, base / f"{kind}-scancode.json")
        for tool, (found, elapsed) in results.items():
            all_, texts, rules = score(found, labels)
            speed = f"{results['scancode'][1] / elapsed:.0f}x" if "scancode" in results and tool == "trueopen" else ""
            print(f"{kind:<10} {tool:<10} {all_:>11.1%} {texts:>8.1%} {rules:>8.1%} {elapsed:>9.2f}s {speed:>9}")


if __name__ == "__main__":
    main()

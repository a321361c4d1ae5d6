"""Benchmark: license identification accuracy and end-to-end time, trueopen vs ScanCode.

    python bench/license_identification.py [--n 200] [--workdir DIR] [--scancode-venv DIR]

Picks N license texts and N rule files that are full license texts or notices from ScanCode's
license database (the installed licensed-code-data package, the same database both tools index),
labelled by their license expression; writes each to its own file; runs both tools over the
folder on 2 processes and prints both tools' exact-match rate and wall time. ScanCode toolkit
32.5 is installed into its own virtual environment on first run (a few minutes).

Three sets: `verbatim`, the files as they are (the issue's benchmark); `embedded`, the same texts
between a sentence before and one after, as in a README: no longer a copy of any reference, so
each tool's approximate matcher has to find them; and `mixed`, a held-out sample (another seed,
no file of the other two) where half the texts are re-wrapped to 60 or 100 columns under a
foreign first line (a copyright or project line) and half are as they are.

A file counts as an exact match when the set of licenses a tool reports for it equals the set of
licenses in its label, compared as SPDX ids. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
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


def sample(n: int, seed: int = 2026, exclude: frozenset[str] = frozenset()) -> list[tuple[str, str, str, str]]:
    """(file name, text, SPDX label, source file) for n license texts and n text/notice rules,
    none of them from `exclude` (source files of another sample)."""
    base = corpus.data_dir()
    rng = random.Random(seed)
    lic_files = [p for p in sorted((base / "licenses").glob("*.LICENSE")) if p.name not in exclude]
    rule_files = [p for p in sorted((base / "rules").glob("*.RULE")) if p.name not in exclude]
    picked = []
    for path in rng.sample(lic_files, len(lic_files)):
        meta, text = corpus._split(path.read_text(encoding="utf-8", errors="replace"))
        if meta.get("is_deprecated") == "yes" or meta.get("is_unknown") == "yes" or len(text.split()) < 20:
            continue
        label = names.from_scancode(meta.get("key", path.stem)).spdx
        picked.append((f"LICENSE-t{len(picked):04d}.txt", text, label, path.name))
        if len(picked) == n:
            break
    rules = []
    for path in rng.sample(rule_files, len(rule_files)):
        meta, text = corpus._split(path.read_text(encoding="utf-8", errors="replace"))
        if not (meta.get("is_license_text") == "yes" or meta.get("is_license_notice") == "yes"):
            continue
        if meta.get("is_false_positive") == "yes" or len(text.split()) < 10 or not meta.get("license_expression"):
            continue
        rules.append((f"LICENSE-r{len(rules):04d}.txt", text, names.from_scancode(meta["license_expression"]).spdx,
                      path.name))
        if len(rules) == n:
            break
    return picked + rules


MIXED_SEED = 4242  # the held-out sample: another seed, and none of the files of the other sets
FOREIGN_LINES = ["Copyright (c) 2026 Example Corp", "Example Toolkit 4.2, a project of the Example Foundation",
                 "Copyright 2019-2026 The Example Authors. All rights reserved."]


def rewrap(text: str, width: int) -> str:
    """The text's paragraphs re-flowed to `width` columns: lines joined, then split elsewhere.
    Words are never broken, so the words and their order stay those of the text."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join(textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False)
                        for p in paragraphs) + "\n"


def mixed(items: list[tuple[str, str, str, str]], seed: int = MIXED_SEED) -> list[tuple[str, str, str, str]]:
    """Half the texts (chosen at random) re-wrapped to 60 or 100 columns under a foreign first
    line, as a project's LICENSE file often is; the other half as they are."""
    rng = random.Random(seed)
    changed = set(rng.sample(range(len(items)), len(items) // 2))
    out = []
    for i, (name, text, label, source) in enumerate(items):
        if i in changed:
            text = rng.choice(FOREIGN_LINES) + "\n\n" + rewrap(text, rng.choice((60, 100)))
        out.append((name, text, label, source))
    return out


PREFIX = "Notes for the example project follow.\n\n"
SUFFIX = "\n\nQuestions go to the project team.\n"


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: on a shared machine
    wall time also measures the neighbours, CPU time mostly the tool."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_trueopen(folder: Path, jobs: int | None = None, repeat: int = 1) -> tuple[dict[str, frozenset[str]], float, float]:
    """`trueopen license FOLDER`, on all cores as a user runs it, or on `jobs` processes: `repeat`
    runs, the median wall and CPU time (a run of under a second is at the mercy of one busy moment
    of the machine; ScanCode's half minute averages such moments out by itself). Every run must
    give the same answers."""
    runs = [_run_trueopen_once(folder, jobs) for _ in range(max(1, repeat))]
    if any(found != runs[0][0] for found, *_ in runs):
        raise SystemExit("trueopen gave different answers on the same files: nothing to time")
    return runs[0][0], statistics.median(r[1] for r in runs), statistics.median(r[2] for r in runs)


def _run_trueopen_once(folder: Path, jobs: int | None) -> tuple[dict[str, frozenset[str]], float, float]:
    t, c = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "trueopen", "license", str(folder), "--format", "json",
                           *(["--jobs", str(jobs)] if jobs else [])], capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - t, _children_cpu() - c
    found: dict[str, set[str]] = {}
    for row in json.loads(proc.stdout or "[]"):
        found.setdefault(Path(row["path"]).name, set()).update(_symbols(row["spdx"]))
    return {k: frozenset(v) for k, v in found.items()}, elapsed, cpu


def ensure_scancode(venv: Path) -> Path:
    exe = venv / "bin" / "scancode"
    if not exe.exists():
        print(f"installing {SCANCODE} into {venv} (once; a few minutes)...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", SCANCODE, *SCANCODE_PINS], check=True)
    return exe


def run_scancode(exe: Path, folder: Path, out: Path) -> tuple[dict[str, frozenset[str]], float, float]:
    t, c = time.perf_counter(), _children_cpu()
    subprocess.run([str(exe), "--license", "-n", "2", "--json", str(out), str(folder), "--quiet"], check=True)
    elapsed, cpu = time.perf_counter() - t, _children_cpu() - c
    found = {}
    for f in json.loads(out.read_text())["files"]:
        if f.get("type") == "file":
            expr = f.get("detected_license_expression_spdx")
            found[Path(f["path"]).name] = _symbols(expr) if expr else frozenset()
    return found, elapsed, cpu


def write_set(folder: Path, items: list[tuple[str, str, str, str]], embedded: bool) -> dict[str, frozenset[str]]:
    folder.mkdir(parents=True, exist_ok=True)
    labels = {}
    for name, text, label, _ in items:
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
    ap.add_argument("--sets", default="verbatim,embedded,mixed", help="some of verbatim, embedded, mixed (default: all)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="runs of trueopen per set; the median is reported (default 5; ScanCode runs once)")
    ap.add_argument("--run", default="?", help="the run's label in the Markdown rows printed at the end")
    args = ap.parse_args()

    base = args.workdir or Path(tempfile.mkdtemp(prefix="trueopen-bench-"))
    items = sample(args.n)
    held_out = mixed(sample(args.n, MIXED_SEED, exclude=frozenset(src for *_, src in items)))
    print(f"{len(items)} files per set in {base}: {sum(1 for n, *_ in items if '-t' in n)} license texts, "
          f"{sum(1 for n, *_ in items if '-r' in n)} rules (texts and notices); the mixed set: "
          f"{len(held_out)} other files of the database")

    warm = Path(tempfile.mkdtemp(prefix="license-warmup-"))
    (warm / "LICENSE").write_text("Permission is hereby granted, free of charge, to any person obtaining a copy\n",
                                  encoding="utf-8")
    subprocess.run([sys.executable, "-m", "trueopen", "license", str(warm / "LICENSE")], capture_output=True)
    exe = None
    if not args.skip_scancode:
        exe = ensure_scancode(args.scancode_venv.resolve())
        subprocess.run([str(exe), "--license", "--json", str(warm / "out.json"), str(warm / "LICENSE"), "--quiet"],
                       check=True)  # both tools build their index cache on first use: time a second run

    before = os.getloadavg()
    print(f"load average before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'set':<9} {'tool':<12} {'exact':>6} {'texts':>6} {'rules':>6} {'wall':>8} {'CPU':>8} {'x wall':>6} "
          f"{'x CPU':>6}")
    rows = []
    for kind in [k.strip() for k in args.sets.split(",") if k.strip()]:
        folder = base / kind
        labels = write_set(folder, held_out if kind == "mixed" else items, embedded=kind == "embedded")
        results = {"trueopen": run_trueopen(folder, repeat=args.repeat),
                   "trueopen -j1": run_trueopen(folder, jobs=1, repeat=args.repeat)}
        if exe is not None:
            results["ScanCode 32.5"] = run_scancode(exe, folder, base / f"{kind}-scancode.json")
        for tool, (found, elapsed, cpu) in results.items():
            all_, texts, rules = score(found, labels)
            ups = ("", "")
            if "ScanCode 32.5" in results and tool.startswith("trueopen"):
                ups = (f"{results['ScanCode 32.5'][1] / elapsed:.0f}x", f"{results['ScanCode 32.5'][2] / cpu:.0f}x")
            print(f"{kind:<9} {tool:<12} {all_:>6.1%} {texts:>6.1%} {rules:>6.1%} {elapsed:>7.2f}s {cpu:>7.2f}s "
                  f"{ups[0]:>6} {ups[1]:>6}")
            rows.append(f"| {args.run} | {kind} | {tool} | {all_:.1%} | {texts:.1%} | {rules:.1%} | {elapsed:.2f} s "
                        f"| {cpu:.2f} s | {ups[0]} | {ups[1]} |")
    after = os.getloadavg()
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    print(f"\nFor bench/README.md (load average {before[0]:.1f} before, {after[0]:.1f} after):")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

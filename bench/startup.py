"""How fast each command starts, side by side with a bare Python start (issue #16, item 3).

Runs `python -c pass` (the interpreter trueopen runs on), `trueopen --version` and the catalog
commands in turn, N rounds, interleaved so that a busy moment on a shared machine hits every
command alike. Each run is a new process, as a user's would be. Reports the median and minimum
wall time and CPU time (user + system, which other processes on the machine disturb less), and
their ratio to the bare start. A warm cache is the normal case; one cold run per command (an
empty TRUEOPEN_CACHE: the catalog compiled and the license tables built) is reported apart.

    python bench/startup.py              # 15 rounds
    python bench/startup.py --runs 5 --no-cold
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = [
    ("python -c pass", ["-c", "pass"]),
    ("trueopen --version", ["-m", "trueopen", "--version"]),
    ("show llama-2-7b", ["-m", "trueopen", "show", "llama-2-7b"]),
    ("list", ["-m", "trueopen", "list"]),
    ("can llama-2-7b --commercial", ["-m", "trueopen", "can", "llama-2-7b", "--commercial"]),
    ("producers", ["-m", "trueopen", "producers"]),
    ("gap MMLU", ["-m", "trueopen", "gap", "MMLU"]),
]
GOALS = {"python -c pass": None, "trueopen --version": 3.0}  # every other command: 8x


def run(python: str, args: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; a failing command stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([python, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # `can` answers 1 when a question is forbidden
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
            f"load average {load}")


def table(rows: list[tuple[str, list[float], list[float]]]) -> list[str]:
    bare_wall, bare_cpu = rows[0][1], rows[0][2]
    base_med, base_min = statistics.median(bare_wall), min(bare_wall)
    cpu_med = statistics.median(bare_cpu)
    lines = [f"{'command':<28} {'median':>7} {'min':>7} {'x bare':>6} {'x min':>6} {'cpu':>6} {'x cpu':>6}  goal",
             "-" * 79]
    for label, wall, cpu in rows:
        med, lo, c = statistics.median(wall), min(wall), statistics.median(cpu)
        goal = GOALS.get(label, 8.0)
        ok = {"wall": med / base_med <= goal, "cpu": c <= goal * cpu_med} if goal else {}
        verdict = "" if goal is None else (f"{goal:g}x met" if all(ok.values()) else f"{goal:g}x NOT met" if
                                           not any(ok.values()) else f"{goal:g}x by {'cpu' if ok['cpu'] else 'wall'}")
        lines.append(f"{label:<28} {med:7.3f} {lo:7.3f} {med / base_med:6.1f} {lo / base_min:6.1f} "
                     f"{c:6.3f} {c / cpu_med if cpu_med else 0:6.1f}  {verdict}".rstrip())
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="rounds of every command (default 15)")
    ap.add_argument("--python", default=sys.executable, help="the interpreter trueopen is installed in")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold (empty cache) runs")
    opts = ap.parse_args()

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="trueopen-startup-") as tmp:
        env = {**os.environ, "TRUEOPEN_CACHE": os.path.join(tmp, "warm"), "COLUMNS": "80"}
        # an installed package has its bytecode compiled: let the warm-up write it, as pip would
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for _, args in COMMANDS:  # warm up: the cache built, the files in the page cache
            run(opts.python, args, env)
        times: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label, _ in COMMANDS}
        for _ in range(opts.runs):
            for label, args in COMMANDS:
                wall, cpu = run(opts.python, args, env)
                times[label][0].append(wall)
                times[label][1].append(cpu)
        print(f"\nwarm cache, {opts.runs} interleaved runs each (seconds; ratios to the bare start):")
        print("\n".join(table([(label, *times[label]) for label, _ in COMMANDS])))

        if not opts.no_cold:
            print("\ncold: one run each with an empty cache (catalog compiled, license tables built):")
            for i, (label, args) in enumerate(COMMANDS[1:]):
                cold_env = {**env, "TRUEOPEN_CACHE": os.path.join(tmp, f"cold-{i}")}
                wall, cpu = run(opts.python, args, cold_env)
                print(f"  {label:<28} {wall:7.3f} s wall, {cpu:6.3f} s cpu")
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

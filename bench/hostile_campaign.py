"""The long hostile-input campaign: every case of tests/hostile/*.py, then random mutations of each
case's input, run through the CLI in the same fence as tests/test_hostile_cli.py.

    python bench/hostile_campaign.py --rounds 5 --seed 1

Prints one line per input tried and, at the end, every failure with its arguments and stderr, and
the totals. Exit 1 when anything failed. Mutated inputs may turn a bad file into a good one, so
they may exit 0, 1 or 2; every other promise holds for them as for the cases themselves (no
traceback, one line on exit 2, under 1 GiB, within the timeout, no PWNED marker, no raw control
characters in the output, JSON that parses).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_hostile_cli import TIMEOUT, Outcome, all_cases, run_case, warm_up  # noqa: E402

from trueopen.report.safe_text import printable  # noqa: E402  (the inputs' names hold escape codes)

MAX_FILE = 8 << 20  # a mutation never grows a file past this
INSERTS = [
    b"\x1b[8m", b"\x1b]0;title\x07", b"\xe2\x80\xae", b"\xc2\x9b31m", b"\x00", b"\xff" * 8, b"\n", b"\r\n",
    b"9" * 5000, b"-1", b"18446744073709551615", b"[" * 2000, b"{" * 2000, b"!!int x", b"!!set {a}", b"!!binary x",
    b"&a x", b"*a", b"\n---\n", b"2024-13-45", b"2023-02-30", b"\"", b"'", b"nan", b"inf", b"\xef\xbb\xbf",
    b"!!python/object/apply:os.system ['touch PWNED']", b"../../../../etc/passwd", b"/dev/zero",
]


def _files(folder: Path) -> list[Path]:
    out = []
    for dirpath, _, names in os.walk(folder):
        for n in names:
            p = Path(dirpath) / n
            if p.is_file() and not p.is_symlink():
                out.append(p)
    return sorted(out)


def mutate_file(path: Path, rng: random.Random) -> str:
    """Change one file in place; says how."""
    data = bytearray(path.read_bytes())
    kind = rng.choice(["flip", "truncate", "insert", "repeat", "digits"] if data else ["insert"])
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        how = "flipped bits"
    elif kind == "truncate":
        cut = rng.randrange(len(data))
        del data[cut:]
        how = f"truncated at {cut}"
    elif kind == "insert":
        at, blob = rng.randint(0, len(data)), rng.choice(INSERTS)
        data[at:at] = blob
        how = f"inserted {blob[:24]!r} at {at}"
    elif kind == "repeat":
        a = rng.randrange(len(data))
        chunk = bytes(data[a:a + rng.randint(1, 64)])
        times = min(rng.choice([2, 100, 10_000, 100_000]), MAX_FILE // max(len(chunk), 1))
        data[a:a] = chunk * times
        how = f"repeated {len(chunk)} bytes {times} times"
    else:
        digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
        if not digits:
            return mutate_file(path, rng)
        i = rng.choice(digits)
        big = rng.choice([b"9" * 5000, b"18446744073709551616", b"-1", b"0"])
        data[i:i + 1] = big
        how = f"digit at {i} -> {big[:20]!r}"
    path.write_bytes(bytes(data[:MAX_FILE]))
    return f"{path.name}: {how}"


def mutate(folder: Path, args: list[str], rng: random.Random) -> tuple[list[str], str]:
    """Mutate one of the input's files, or, when there are none, the last argument (the one the
    case is about: a mangled command name only tests the argument parser's usage message)."""
    files = _files(folder)
    if files:
        return args, mutate_file(rng.choice(files), rng)
    if not args:
        return args, "nothing to mutate"
    i = len(args) - 1
    blob = rng.choice(INSERTS).decode("utf-8", "replace").replace("\x00", "")
    at = rng.randint(0, len(args[i]))
    new = [*args[:i], args[i][:at] + blob + args[i][at:], *args[i + 1:]]
    return new, f"argument {i}: inserted {blob[:24]!r}"


def campaign(rounds: int, seed: int, only: str | None, workers: int, timeout: float, keep: Path | None) -> int:
    if keep is not None:
        return _campaign(rounds, seed, only, workers, timeout, keep, keep=True)
    with tempfile.TemporaryDirectory(prefix="trueopen-hostile-") as tmp:
        return _campaign(rounds, seed, only, workers, timeout, Path(tmp), keep=False)


def _campaign(rounds: int, seed: int, only: str | None, workers: int, timeout: float, base: Path, keep: bool) -> int:
    cases = [c for c in all_cases() if not only or only in c.name]
    jobs = []  # (label, case, root, rng or None)
    for n, case in enumerate(cases):
        jobs.append((case.name, case, base / f"{n:03d}-0", None))
        for r in range(1, rounds + 1):
            jobs.append((f"{case.name} #{r}", case, base / f"{n:03d}-{r}", random.Random(f"{seed}:{case.name}:{r}")))

    def one(job) -> tuple[str, Outcome, str]:
        label, case, root, rng = job
        if rng is None:
            return label, run_case(case, root, timeout=timeout), "as built"
        folder = root / "input"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            args = list(case.build(folder))
        except Exception as exc:  # reported by the unmutated run too
            return label, Outcome(case, build_error=f"{type(exc).__name__}: {exc}"), "build"
        args, how = mutate(folder, args, rng)
        loose = replace(case, exits=(0, 1, 2))  # a mutation may repair the input
        return label, run_case(loose, root, timeout=timeout, args=args), how

    failures: list[tuple[str, Outcome, str]] = []
    start = time.monotonic()
    warm_up(base / "warm-up")
    with ThreadPoolExecutor(workers) as pool:
        for label, o, how in pool.map(one, jobs):
            bad = o.problems()
            print(f"{'FAIL' if bad else 'ok  '} {label:<48} exit {o.code!s:>3} {o.seconds:5.1f} s "
                  f"{o.peak_rss >> 20:5d} MiB  {printable(how)}", flush=True)
            if bad:
                failures.append((label, o, how))
    print()
    for label, o, how in failures:
        print(printable(f"FAILED {label} ({how})") + f"\n  {o.report()}\n")
    print(f"inputs tried: {len(jobs)}, cases: {len(cases)}, rounds: {rounds}, seed: {seed}, "
          f"failures: {len(failures)}, {time.monotonic() - start:.0f} s"
          + (f"; inputs kept in {base}" if keep else ""))
    return 1 if failures else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="mutated inputs per case (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="the same seed tries the same inputs")
    ap.add_argument("--cases", default=None, help="only cases whose name contains this")
    ap.add_argument("--workers", type=int, default=2, help="cases run at once (default 2)")
    ap.add_argument("--timeout", type=float, default=TIMEOUT, help=f"seconds per input (default {TIMEOUT:.0f})")
    ap.add_argument("--keep", type=Path, default=None, help="build the inputs here and keep them")
    a = ap.parse_args()
    sys.exit(campaign(a.rounds, a.seed, a.cases, a.workers, a.timeout, a.keep))


if __name__ == "__main__":
    main()

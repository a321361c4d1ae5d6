"""Every hostile input in tests/hostile/*.py, run through the real CLI in a fenced subprocess.

Each case writes its input under its own folder and names the arguments. The child runs with that
folder as its working directory, stdin closed, its address space capped (a runaway fails instead of
eating the machine), a wall-clock timeout, and its own peak memory measured with wait4. A case
passes when the exit code is one it allows, stderr holds no traceback and, on exit 2, at most one
line, memory stays under 1 GiB, time under the timeout, and no `PWNED` marker appeared (cases that
try to make trueopen run a command write that file).

Modules added to tests/hostile/ later are picked up without touching this file. The longer
campaign with mutated inputs is bench/hostile_campaign.py.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import hostile
from hostile import Case

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0  # seconds of wall time per case
ADDRESS_SPACE = 3 << 30  # RLIMIT_AS of the child: far above an audit's needs, far below the machine's
MAX_RSS = 1 << 30  # what a case may really use
OUTPUT_CAP = 32 << 20  # bytes a case may print (read back in full up to this, so JSON can be parsed)
FILE_CAP = 256 << 20  # RLIMIT_FSIZE of the child: a runaway writer is stopped before it fills the disk
MARKER = "PWNED"
# What must never reach a terminal raw (item 6 of issue 17): C0 controls but tab and newlines, DEL,
# C1 controls, bidi embeddings, overrides, isolates and marks. Output is a file here, so rich adds
# no styling codes of its own: any match came from the input.
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
WORKERS = 2

# The child sets its own limits, then becomes `python -m trueopen ARGS`: the same process, so the
# limits and wait4's accounting hold for trueopen itself (and for anything it starts).
_FENCE = ("import os, resource, sys; lim = int(sys.argv[1]); "
          "resource.setrlimit(resource.RLIMIT_AS, (lim, lim)); resource.setrlimit(resource.RLIMIT_CORE, (0, 0)); "
          f"resource.setrlimit(resource.RLIMIT_FSIZE, ({FILE_CAP}, {FILE_CAP})); "
          "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])")
TRUEOPEN = ["-m", "trueopen"]


def all_cases() -> list[Case]:
    """CASES of every module in tests/hostile/, in module then list order; names must be unique."""
    cases: list[Case] = []
    for mod in sorted(m.name for m in pkgutil.iter_modules(hostile.__path__)):
        cases += getattr(importlib.import_module(f"hostile.{mod}"), "CASES", [])
    names = [c.name for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"hostile case names used twice: {dupes}"
    return cases


@dataclass
class Outcome:
    case: Case
    args: list[str] = field(default_factory=list)
    code: int | None = None  # negative: killed by that signal
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    peak_rss: int = 0  # bytes
    timed_out: bool = False
    markers: list[str] = field(default_factory=list)
    build_error: str | None = None
    timeout: float = TIMEOUT
    printed: int = 0  # bytes on stdout and stderr together

    def problems(self) -> list[str]:
        """What this run did wrong; empty when the case passed."""
        if self.build_error:
            return [f"could not build the input: {self.build_error}"]
        out = []
        if self.timed_out:
            out.append(f"still running after {self.timeout:.0f} s (killed)")
        elif self.code not in self.case.exits:
            out.append(f"exit {self.code}, expected one of {self.case.exits}")
        if "Traceback" in self.stderr:
            out.append("a traceback on stderr")
        lines = self.stderr.strip().splitlines()
        if self.code == 2 and len(lines) > 1:
            out.append(f"{len(lines)} lines on stderr for exit 2, expected one")
        if self.peak_rss >= MAX_RSS:
            out.append(f"peak memory {self.peak_rss >> 20} MiB")
        if self.markers:
            out.append(f"marker file written: {', '.join(self.markers)}")
        if self.printed > OUTPUT_CAP:
            out.append(f"printed {self.printed:,} bytes (more than {OUTPUT_CAP:,})")
        for name, text in (("stdout", self.stdout), ("stderr", self.stderr)):
            raw = RAW_CONTROL.search(text)
            if raw:
                out.append(f"a raw control or bidi character U+{ord(raw.group(0)):04X} on {name}")
        if self.code in (0, 1) and _asks_json(self.args) and self.printed <= OUTPUT_CAP:
            try:
                json.loads(self.stdout)
            except ValueError as exc:
                out.append(f"--format json printed something that is not JSON ({exc})")
        return out

    def report(self) -> str:
        return (f"{self.case.name}: {'; '.join(self.problems())}\n  args: {self.args!r}\n"
                f"  exit {self.code}, {self.seconds:.1f} s, {self.peak_rss >> 20} MiB\n"
                f"  stderr: {self.stderr[-2000:]!r}")


def _asks_json(args: list[str]) -> bool:
    return any(a in ("--format=json", "-fjson") or (a in ("--format", "-f") and args[i + 1:i + 2] == ["json"])
               for i, a in enumerate(args))


def _markers(folder: Path) -> dict[str, tuple[int, int]]:
    """PWNED files under the case folder, and in /tmp and its direct subfolders, with their identity."""
    found = {}
    places = [p for p, _, files in os.walk(folder) if MARKER in files]
    tmp = Path("/tmp")
    places += [str(tmp)] + [str(d) for d in _subdirs(tmp)]
    for place in places:
        p = Path(place) / MARKER
        try:
            st = p.lstat()
        except OSError:
            continue
        found[str(p)] = (st.st_ino, st.st_mtime_ns)
    return found


def _subdirs(d: Path) -> list[Path]:
    try:
        return [e for e in d.iterdir() if e.is_dir() and not e.is_symlink()]
    except OSError:
        return []


def _read(path: Path) -> str:
    with open(path, "rb") as f:
        return f.read(OUTPUT_CAP).decode("utf-8", "replace")


def run_case(case: Case, root: Path, timeout: float = TIMEOUT, args: list[str] | None = None,
             program: list[str] = TRUEOPEN) -> Outcome:
    """Build the case's input under root/input (unless `args` are given: the input is already
    there) and run the CLI on it, fenced; never raises for anything the child does."""
    folder = root / "input"
    folder.mkdir(parents=True, exist_ok=True)
    out = Outcome(case, timeout=timeout)
    try:
        out.args = list(args) if args is not None else list(case.build(folder))
    except Exception as exc:  # a broken builder is a test failure, reported as such
        out.build_error = f"{type(exc).__name__}: {exc}"
        return out
    before = _markers(folder)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
           "HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "COLUMNS": "80", "PYTHONFAULTHANDLER": ""}
    stdout, stderr = root / "stdout", root / "stderr"
    start = time.monotonic()
    with open(stdout, "wb") as fo, open(stderr, "wb") as fe:
        proc = subprocess.Popen([sys.executable, "-c", _FENCE, str(ADDRESS_SPACE), *program, *out.args], cwd=folder,
                                stdin=subprocess.DEVNULL, stdout=fo, stderr=fe, env=env, start_new_session=True)
    status, usage = 0, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            out.timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    proc.returncode = out.code = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    out.seconds = time.monotonic() - start
    out.peak_rss = usage.ru_maxrss * 1024 if usage else 0  # Linux reports kilobytes
    out.stdout, out.stderr = _read(stdout), _read(stderr)
    out.printed = stdout.stat().st_size + stderr.stat().st_size
    after = _markers(folder)
    out.markers = sorted(p for p, ident in after.items() if before.get(p) != ident)
    return out


def warm_up(folder: Path) -> None:
    """Build the license index once, unfenced, before cases run two at a time: a first run builds
    it (about 10 s, longer on a busy machine), and two cases building it at once could each pass
    the timeout on a cost that is not theirs."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "LICENSE").write_text("Permission is hereby granted, free of charge, to any person\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    subprocess.run([sys.executable, "-m", "trueopen", "license", str(folder / "LICENSE")], cwd=folder, env=env,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=900)


CASES = all_cases()


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    """Run the selected cases two at a time, once; each test then reads its own outcome."""
    wanted = {item.callspec.params["case"].name for item in request.session.items
              if item.module is request.module and hasattr(item, "callspec")}
    todo = [c for c in CASES if c.name in wanted]
    base = tmp_path_factory.mktemp("hostile")
    if todo:
        warm_up(base / "warm-up")
    with ThreadPoolExecutor(WORKERS) as pool:
        runs = pool.map(lambda ic: run_case(ic[1], base / f"{ic[0]:03d}"), enumerate(todo))
        return {o.case.name: o for o in runs}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_fails_cleanly(case: Case, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[case.name]
    assert not outcome.problems(), outcome.report()


def test_the_fence_catches_what_it_promises(tmp_path: Path) -> None:
    """The fence itself, around small Python programs instead of trueopen: a marker file, memory
    past the cap, a traceback, two lines on exit 2 and a hang are each caught, so green means
    something."""

    def run(name: str, code: str, timeout: float = TIMEOUT) -> Outcome:
        return run_case(Case(name, lambda _f: [code], exits=(0,)), tmp_path / name, timeout=timeout, program=["-c"])

    o = run("clean", "print('ok')")
    assert o.code == 0 and o.stdout == "ok\n" and not o.problems()
    o = run("marker", f"open('{MARKER}', 'w').write('x')")
    assert o.markers == [str(tmp_path / "marker" / "input" / MARKER)]
    o = run("memory", "x = bytearray(4 << 30)")  # past RLIMIT_AS: MemoryError, not a dead machine
    assert o.code == 1 and "MemoryError" in o.stderr and o.peak_rss < MAX_RSS
    assert "a traceback on stderr" in o.problems()
    o = run("big", "x = bytearray(300 << 20); x[::4096] = b'x' * len(x[::4096])")  # pages really touched
    assert o.code == 0 and 300 << 20 <= o.peak_rss < MAX_RSS
    o = run("two-lines", "import sys; sys.stderr.write('one\\ntwo\\n'); sys.exit(2)")
    assert o.code == 2 and any("lines on stderr" in p for p in o.problems())
    o = run("loud", "import sys; sys.stdout.write('x' * (40 << 20))")
    assert o.code == 0 and any("printed" in p for p in o.problems())
    o = run("escape", "print('x\\x1b[8my')")
    assert any("raw control" in p for p in o.problems())
    o = run("hang", "import time; time.sleep(30)", timeout=1.0)
    assert o.timed_out and o.seconds < 10 and o.problems()

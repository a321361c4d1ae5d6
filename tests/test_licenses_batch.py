"""A folder of license files read on several processes: the same findings, in the same order, as
on one; unreadable files still named."""

from __future__ import annotations

import textwrap

import pytest

from conftest import license_body
from test_licenses import AI_TEXTS
from trueopen.licenses import batch, corpus, identify, names

# (ScanCode key, trueopen license key): the installed corpus's AI and Creative Commons licenses, as
# test_licenses.py names them one by one.
TEXTS = AI_TEXTS


def rewrapped(text: str, width: int) -> str:
    """Paragraphs joined and wrapped again, between a header and a closing line no reference
    holds: no longer a copy of any reference text (a header alone would still be read as one), so
    only the approximate matcher can name it."""
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return ("Copyright (c) 2026 Example Corp\n\n" + "\n\n".join(textwrap.fill(p, width) for p in paragraphs)
            + "\n\nShipped with the Example Toolkit 4.2 sources.\n")


@pytest.fixture(scope="module")
def edited_folder(tmp_path_factory, scancode_licenses):
    """The AI texts and a spread of other licenses of the corpus, re-wrapped, in LICENSES/; a
    verbatim MIT license beside them and a binary file among them. Returns the folder and the
    license key each file should get, and the names of the AI texts' files."""
    folder = tmp_path_factory.mktemp("many")
    (folder / "LICENSES").mkdir()
    ai = {k for k, _ in TEXTS}
    others = [k for k in sorted(corpus.licenses())[::60] if k not in ai
              and (scancode_licenses / f"{k}.LICENSE").exists()]
    expected = {}
    for i, (key, ours) in enumerate([*TEXTS, *((k, names.from_scancode(k).key) for k in others)]):
        text = license_body(scancode_licenses / f"{key}.LICENSE")
        if len(text.split()) < 20:
            continue
        name = f"{key}.txt"
        (folder / "LICENSES" / name).write_text(rewrapped(text, 60 if i % 2 else 100), encoding="utf-8")
        expected[name] = ours
    (folder / "LICENSES" / "blob.bin").write_bytes(b"\x00\x01" * 64)  # unreadable: named, not fatal
    (folder / "LICENSE").write_text(license_body(scancode_licenses / "mit.LICENSE"), encoding="utf-8")
    expected["LICENSE"] = "MIT"
    return folder, expected, {f"{k}.txt" for k in ai}


def _wrong(found: dict[str, set[str]], expected: dict[str, str], strict: set[str]) -> tuple[list, list]:
    """Files named otherwise than expected: among `strict` (must be none), among the others (a few
    ScanCode texts are word-for-word copies of another license's)."""
    bad = sorted(n for n, k in expected.items() if found.get(n) != {k})
    return [n for n in bad if n in strict], [n for n in bad if n not in strict]


def test_enough_edited_texts_to_use_a_pool(edited_folder):
    _, expected, _ = edited_folder
    # the verbatim LICENSE and the binary file are answered without the matcher, so without workers
    assert len(expected) - 1 >= batch.MIN_FILES  # else the tests below would not reach the workers


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_edited_texts_are_named_on_one_or_two_processes(cli, edited_folder, jobs):
    folder, expected, strict = edited_folder
    r = cli("license", str(folder), "--format", "json", "--jobs", jobs)
    assert r.code == 2  # the binary file is a problem, reported; the others are still read
    assert r.err.count("trueopen: error:") == 1 and "blob.bin" in r.err and "Traceback" not in r.err
    found: dict[str, set[str]] = {}
    for row in r.json():
        found.setdefault(row["path"].rsplit("/", 1)[-1], set()).add(row["key"])
    assert set(found) == set(expected)
    wrong_ai, wrong_other = _wrong(found, expected, strict | {"LICENSE"})
    assert not wrong_ai and len(wrong_other) <= 2, (wrong_ai, wrong_other)


def test_two_processes_give_the_same_findings_in_the_same_order(cli, edited_folder):
    folder, _, _ = edited_folder
    one = cli("license", str(folder), "--format", "json", "-j", "1")
    two = cli("license", str(folder), "--format", "json", "-j", "2")
    assert one.out == two.out and one.json()  # every field, every row, in file order


def _by_file(found: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in found:
        out.setdefault(f.path, []).append(f)
    return out


def test_files_keep_their_order_on_two_processes(edited_folder):
    folder, expected, strict = edited_folder
    paths = sorted((folder / "LICENSES").iterdir())
    problems: dict[int, list[str]] = {1: [], 2: [], 3: []}
    serial = identify.in_files(paths, problems[1], 1)
    assert identify.in_files(paths, problems[2], 2) == serial
    backwards = identify.in_files(paths[::-1], problems[3], 2)
    groups = _by_file(serial)
    assert backwards == [f for p in reversed(list(groups)) for f in groups[p]]
    assert problems[1] == problems[2] == problems[3] == [
        f"{folder / 'LICENSES' / 'blob.bin'}: binary file, not a license text"]
    named = {p.rsplit("/", 1)[-1]: {f.key for f in found} for p, found in groups.items()}
    wrong_ai, wrong_other = _wrong(named, {n: k for n, k in expected.items() if n != "LICENSE"}, strict)
    assert not wrong_ai and len(wrong_other) <= 2, (wrong_ai, wrong_other)


def test_jobs_must_be_positive(cli, edited_folder):
    folder, _, _ = edited_folder
    r = cli("license", str(folder), "--jobs", "0")
    assert r.code == 2 and "--jobs" in r.err and "Traceback" not in r.err


def _in_order_in_a_daemon(paths, out):
    try:
        out.put(("ok", [(f.path, f.key) for f in identify.in_files(paths, [], 2)]))
    except BaseException as exc:  # noqa: BLE001 - the test reports what went wrong in the child
        out.put(("error", repr(exc)))


def test_a_daemonic_worker_reads_in_its_own_process(edited_folder):
    """A Dask or pool worker is daemonic and may not start processes: it reads the files itself."""
    import multiprocessing

    folder, _, _ = edited_folder
    paths = sorted((folder / "LICENSES").glob("*.txt"))
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_in_order_in_a_daemon, args=(paths, out), daemon=True)
    child.start()
    status, keys = out.get(timeout=120)
    child.join(30)
    assert status == "ok", keys
    assert keys == [(f.path, f.key) for f in identify.in_files(paths, [], 1)]
    assert {p for p, _ in keys} == {str(p) for p in paths}


def test_small_runs_stay_in_this_process_and_large_ones_fork():
    import os

    few = batch.in_order(lambda _: os.getpid(), range(batch.MIN_FILES - 1), 2)
    assert set(few) == {os.getpid()}  # a pool would cost more than it saves
    many = batch.in_order(lambda _: os.getpid(), range(batch.MIN_FILES), 2)
    assert os.getpid() not in many and 1 <= len(set(many)) <= 2
    assert set(batch.in_order(lambda _: os.getpid(), range(batch.MIN_FILES), 1)) == {os.getpid()}


@pytest.mark.parametrize("sig,status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_ctrl_c_or_kill_stops_the_workers_with_the_command(tmp_path, edited_folder, sig, status):
    """Ctrl-C (to the whole process group, as a terminal sends it) or a kill of the command: it
    exits without a traceback, and its workers are gone by the time it has."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    folder, _, _ = edited_folder
    big = tmp_path / "big"
    (big / "LICENSES").mkdir(parents=True)
    for i in range(12):  # enough work that the workers are still busy when the signal comes
        for p in (folder / "LICENSES").glob("*.txt"):
            shutil.copy(p, big / "LICENSES" / f"{i}-{p.name}")
    proc = subprocess.Popen([sys.executable, "-m", "trueopen", "license", str(big), "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    workers: list[str] = []
    for _ in range(1200):  # wait (at most a minute on a crowded machine) for the pool to start
        workers = subprocess.run(["ps", "--ppid", str(proc.pid), "-o", "pid="], capture_output=True,
                                 text=True).stdout.split()
        if workers or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert workers, "the command finished before its workers were seen"
    if sig == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status and b"Traceback" not in err, err[-2000:]
    assert [w for w in workers if os.path.exists(f"/proc/{w}")] == []


def test_a_folder_of_unedited_copies_starts_no_worker(tmp_path):
    """Copies are named by one lookup each, here; only texts left for the matcher go to workers,
    so a folder of 40 copies forks nothing and never loads numpy (counted with os.register_at_fork
    in a fresh interpreter)."""
    import subprocess
    import sys

    installed = corpus.data_dir() / "licenses"  # the corpus the index is built from
    keys = [k for k in sorted(corpus.licenses())[::50] if len(license_body(installed / f"{k}.LICENSE").split()) > 30][:40]
    for k in keys:
        (tmp_path / f"{k}.txt").write_text(license_body(installed / f"{k}.LICENSE"), encoding="utf-8")
    assert len(keys) >= batch.MIN_FILES
    probe = (
        "import os, sys, json\n"
        "forks = []\n"
        "os.register_at_fork(before=lambda: forks.append(1))\n"
        "from pathlib import Path\n"
        "from trueopen.licenses import identify\n"
        "problems = []\n"
        "found = identify.in_files(sorted(Path(sys.argv[1]).iterdir()), problems, jobs=2)\n"
        "print(json.dumps({'forks': len(forks), 'numpy': 'numpy' in sys.modules, 'files': len({f.path for f in found}),"
        " 'copies': sum(f.confidence == 1.0 for f in found), 'problems': problems}))\n"
    )
    r = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    import json

    got = json.loads(r.stdout)
    assert got["forks"] == 0 and not got["numpy"] and not got["problems"]
    assert got["files"] == len(keys) and got["copies"] >= len(keys)


def _probe_in_text(text: str) -> dict:
    """identify.in_text in a fresh interpreter: its findings, and whether the matcher (numpy) ran."""
    import json
    import subprocess
    import sys

    probe = ("import sys, json\n"
             "from trueopen.licenses import identify\n"
             "found = identify.in_text(sys.stdin.read())\n"
             "print(json.dumps({'numpy': 'numpy' in sys.modules,"
             " 'found': [[f.key, f.match, f.start_line, f.end_line] for f in found]}))\n")
    r = subprocess.run([sys.executable, "-c", probe], input=text, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_a_copy_under_a_copyright_line_is_named_by_lookup_with_its_own_lines():
    """A re-wrapped Apache-2.0 text (words unchanged) under a copyright line is an unedited copy:
    named by one lookup, from the line its first word is on, without the matcher."""
    body = license_body(corpus.data_dir() / "licenses" / "apache-2.0.LICENSE")
    paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    text = "Copyright 2019-2026 The Example Authors.\n\n" + "\n\n".join(textwrap.fill(p, 60) for p in paragraphs)
    got = _probe_in_text(text)
    assert not got["numpy"]
    assert got["found"] == [["Apache-2.0", "exact", 3, text.rstrip("\n").count("\n") + 1]]


def test_a_header_naming_a_license_is_left_to_the_matcher():
    """A first line that names a license may be a finding of its own: the text goes to the matcher."""
    body = license_body(corpus.data_dir() / "licenses" / "apache-2.0.LICENSE")
    got = _probe_in_text("This project is licensed under the terms below.\n\n" + body)
    assert got["numpy"]
    assert "Apache-2.0" in {key for key, *_ in got["found"]}

"""`trueopen scan` on real folders: safetensors headers written by the safetensors package, configs,
cards, license texts from the installed ScanCode corpus; a real Dask LocalCluster (--workers 2) and a
real `dask scheduler` + `dask worker` pair on localhost (--scheduler), through the real CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import license_body, run_cli

OFFLINE = {"HF_HUB_OFFLINE": "1"}
GOOD = 12
LICENSES = ["apache-2.0", "mit", "llama-2-license-2023"]
TAGS = {"apache-2.0": "apache-2.0", "mit": "mit", "llama-2-license-2023": "llama2"}


def _license_text(key: str) -> str:
    from trueopen.licenses.corpus import data_dir

    return license_body(data_dir() / "licenses" / f"{key}.LICENSE")


def model_folder(folder: Path, i: int, key: str) -> None:
    """A small model folder as a release ships it: weights, config, card with a license tag, LICENSE."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True)
    save_file({"embed.weight": np.zeros((8 + i, 4), dtype=np.float16), "head.weight": np.zeros((4, 4), dtype=np.float16)},
              str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama",
                                                    "max_position_embeddings": 2048 * (1 + i % 2)}))
    (folder / "README.md").write_text(f"---\nlicense: {TAGS[key]}\n---\n# Model {i}\n\nA test model.\n")
    (folder / "LICENSE").write_text(_license_text(key))


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> dict:
    """12 good folders, one with a truncated safetensors header (a warning), one holding only a FIFO
    (nothing to audit: an error record), one broken link (an error record)."""
    root = tmp_path_factory.mktemp("registry")
    good = []
    for i in range(GOOD):
        f = root / f"m{i:02d}"
        model_folder(f, i, LICENSES[i % len(LICENSES)])
        good.append(str(f))
    trunc = root / "truncated"
    model_folder(trunc, 99, "apache-2.0")
    raw = (trunc / "model.safetensors").read_bytes()
    (trunc / "model.safetensors").write_bytes(raw[:20])  # the header claims more bytes than there are
    fifo = root / "fifo-only"
    fifo.mkdir()
    os.mkfifo(fifo / "model.safetensors")
    (root / "dangling").symlink_to(root / "gone")
    return {"root": root, "good": good, "warning": str(trunc), "errors": [str(fifo), str(root / "dangling")],
            "all": sorted(good + [str(trunc), str(fifo), str(root / "dangling")])}


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """100 good folders: enough for a scan to be stopped or have its worker killed midway."""
    root = tmp_path_factory.mktemp("many")
    for i in range(100):
        model_folder(root / f"f{i:03d}", i, LICENSES[i % len(LICENSES)])
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler():
    """A real dask.distributed cluster on localhost: `dask scheduler` and one `dask worker`
    process with one thread, started as a user would, shared by this module's tests."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, **OFFLINE}
    procs = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    procs.append(subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nthreads", "1", "--nworkers", "1",
                                   "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
    try:
        from distributed import Client

        with Client(address, timeout="60s") as c:  # both up before the first test uses them
            c.wait_for_workers(1, timeout="60s")
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def read_jsonl(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def check_records(recs: list[dict], reg: dict) -> None:
    by = {r["source"]: r for r in recs}
    assert len(recs) == len(by) == len(reg["all"]) and sorted(by) == reg["all"]
    for s in reg["good"]:
        r = by[s]
        assert r["error"] is None and r["seconds"] >= 0
        assert r["verdict"]["level"] in {"open-weights", "restricted-weights"}
        assert r["weights"]["format"] == "safetensors" and r["snapshot"]["spec"] == s
        assert not [n for n in r["notices"] if n["level"] == "warning"]
    assert by[reg["warning"]]["error"] is None
    assert any(n["level"] == "warning" and n["path"] == "model.safetensors" for n in by[reg["warning"]]["notices"])
    assert "no files to audit" in by[reg["errors"][0]]["error"]
    assert "broken link" in by[reg["errors"][1]]["error"]
    for s in reg["errors"]:
        assert set(by[s]) == {"source", "seconds", "error"}


def test_local_cluster_scan_writes_one_record_per_source(registry, tmp_path):
    out = tmp_path / "results.jsonl"
    r = run_cli("scan", str(registry["root"] / "*"), "--workers", "2", "-o", str(out), "--format", "table", env=OFFLINE)
    assert r.code == 1, r.err  # a warning and two errors among the sources
    recs = read_jsonl(out)
    check_records(recs, registry)
    # the summary: counts that match the records, the problem sources named, 80 columns
    lines = r.out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert f"Scanned {len(registry['all'])} sources" in lines[0]
    assert f"{GOOD} clean, 1 with warnings, 2 errors" in lines[1]
    licenses = {}
    for rec in recs:
        if rec["error"] is None:
            lic = next((c["license"] for c in rec["components"] if c["name"] == "Model parameters (Final)"), None)
            licenses[lic] = licenses.get(lic, 0) + 1
    for lic, n in licenses.items():
        assert any(line.split() == [lic, str(n)] for line in lines), (lic, n, r.out)
    for s in [registry["warning"], *registry["errors"]]:
        assert any(s in line for line in lines)
    assert "distributed" not in r.err  # Dask's own logging stays quiet


def test_record_is_the_audit_json_plus_scan_fields(registry, scheduler):
    folder = registry["good"][3]
    r = run_cli("scan", folder, "--scheduler", scheduler, "--format", "jsonl", env=OFFLINE)
    assert r.code == 0, r.err
    (rec,) = [json.loads(line) for line in r.out.splitlines()]
    audit = run_cli("audit", folder, "--format", "json", env=OFFLINE)
    assert audit.code == 0
    expected = audit.json()
    expected["snapshot"] = expected.pop("source")
    assert rec.pop("source") == folder and rec.pop("error") is None and isinstance(rec.pop("seconds"), float)
    assert rec == expected


def test_scheduler_scan_jsonl_on_stdout_only(registry, scheduler):
    r = run_cli("scan", str(registry["root"] / "*"), "--scheduler", scheduler, "-f", "jsonl", env=OFFLINE)
    assert r.code == 1
    recs = [json.loads(line) for line in r.out.splitlines()]  # every stdout line is a record
    check_records(recs, registry)
    assert r.err == ""


def test_from_file_and_stdin_lists_deduplicated(registry, scheduler, tmp_path):
    good = registry["good"]
    listing = f"# nightly list\n{good[0]}\n\n{good[1]}/\n{good[0]}\n  \n{good[2]}\n"
    r = run_cli("scan", "-i", "-", good[2], "--scheduler", scheduler, "-f", "jsonl", stdin=listing, env=OFFLINE)
    assert r.code == 0, r.err
    assert sorted(json.loads(line)["source"] for line in r.out.splitlines()) == sorted(good[:3])
    lst = tmp_path / "list.txt"
    lst.write_text(listing)
    r2 = run_cli("scan", "--from-file", str(lst), "--scheduler", scheduler, "-f", "jsonl", env=OFFLINE)
    assert sorted(json.loads(line)["source"] for line in r2.out.splitlines()) == sorted(good[:3])


def test_resume_reaudits_nothing_already_written(registry, scheduler, tmp_path):
    out = tmp_path / "nightly.jsonl"
    full = run_cli("scan", str(registry["root"] / "m*"), "--scheduler", scheduler, "-o", str(out), env=OFFLINE)
    assert full.code == 0, full.err
    lines = out.read_text().splitlines(keepends=True)
    assert len(lines) == GOOD
    # a scan killed midway: five whole records, then half of the sixth
    kept = "".join(lines[:5])
    out.write_text(kept + lines[5][: len(lines[5]) // 2])
    again = run_cli("scan", str(registry["root"] / "m*"), "--scheduler", scheduler, "-o", str(out), env=OFFLINE)
    assert again.code == 2 and "--resume" in again.err
    assert out.read_text().startswith(kept)  # refused: nothing touched
    r = run_cli("scan", str(registry["root"] / "m*"), "--scheduler", scheduler, "-o", str(out), "--resume",
                "-f", "table", env=OFFLINE)
    assert r.code == 0, r.err
    text = out.read_text()
    assert text.startswith(kept)  # the five records written before are untouched, not audited again
    recs = [json.loads(line) for line in text.splitlines()]
    assert len(recs) == GOOD and sorted(x["source"] for x in recs) == registry["good"]
    assert f"Scanned {GOOD - 5} sources" in r.out and "5 already done (--resume)" in r.out
    # nothing left to do: nothing audited, nothing appended
    r = run_cli("scan", str(registry["root"] / "m*"), "--scheduler", scheduler, "-o", str(out), "--resume", env=OFFLINE)
    assert r.code == 0 and out.read_text() == text
    r = run_cli("scan", registry["good"][0], "--scheduler", scheduler, "-o", str(out), "--force", env=OFFLINE)
    assert r.code == 0 and len(out.read_text().splitlines()) == 1


def test_parquet_round_trip(registry, scheduler, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "results.parquet"
    r = run_cli("scan", str(registry["root"] / "*"), "--scheduler", scheduler, "-o", str(out), env=OFFLINE)
    assert r.code == 1, r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.parquet"]  # the lines file is gone
    table = pq.read_table(out)
    assert table.num_rows == len(registry["all"])
    rows = table.to_pylist()
    assert sorted(row["source"] for row in rows) == registry["all"]
    for row in rows:
        if row["source"] in registry["good"]:
            assert row["error"] is None and json.loads(row["verdict"])["level"] in {"open-weights", "restricted-weights"}
            assert json.loads(row["weights"])["format"] == "safetensors" and isinstance(row["seconds"], float)
        if row["source"] in registry["errors"]:
            assert row["error"] and row["verdict"] is None
    # --resume on a finished Parquet file keeps its rows and adds the new ones
    extra = tmp_path / "late"
    model_folder(extra, 50, "mit")
    r = run_cli("scan", str(registry["root"] / "*"), str(extra), "--scheduler", scheduler, "-o", str(out), "--resume",
                env=OFFLINE)
    assert r.code == 0, r.err  # the exit code speaks for the sources audited in this run
    again = pq.read_table(out).to_pylist()
    assert sorted(row["source"] for row in again) == sorted(registry["all"] + [str(extra)])
    assert {row["source"]: row for row in again if row["source"] != str(extra)} == \
           {row["source"]: row for row in rows}  # kept whole (times included), not re-audited


def test_timeout_makes_error_records_and_the_scan_goes_on(registry, scheduler, tmp_path):
    slow = tmp_path / "slow"  # 3,000 code files: far more than 50 ms of reading
    model_folder(slow, 7, "mit")
    for i in range(3000):
        (slow / f"train_{i}.py").write_text(f"import torch\n\ndef step_{i}(model, batch):\n    return model(batch)\n")
    r = run_cli("scan", str(slow), registry["good"][0], "--scheduler", scheduler, "--timeout", "0.05", "-f", "jsonl",
                env=OFFLINE)
    assert r.code == 1
    recs = {x["source"]: x for x in map(json.loads, r.out.splitlines())}
    assert sorted(recs) == sorted([str(slow), registry["good"][0]])  # the scan went on past the late one
    assert recs[str(slow)]["error"] == f"{slow}: timed out after 0.05 s" and recs[str(slow)]["seconds"] >= 0.05


def test_hf_cache_snapshots(tmp_path):
    import hashlib

    from huggingface_hub.file_download import repo_folder_name

    src = tmp_path / "src"
    model_folder(src, 1, "apache-2.0")
    home = tmp_path / "hf"
    for repo, commit in [("org-a/model-one", "1" * 40), ("org-b/model-two", "2" * 40)]:
        storage = home / "hub" / repo_folder_name(repo_id=repo, repo_type="model")
        (storage / "refs").mkdir(parents=True)
        (storage / "blobs").mkdir()
        (storage / "refs" / "main").write_text(commit)
        snap = storage / "snapshots" / commit
        snap.mkdir(parents=True)
        for f in src.iterdir():
            blob = storage / "blobs" / hashlib.sha256(f.read_bytes()).hexdigest()
            blob.write_bytes(f.read_bytes())
            (snap / f.name).symlink_to(os.path.relpath(blob, snap))
    # a local cluster: its workers inherit HF_HOME (remote workers read their own cache)
    r = run_cli("scan", "--hf-cache", "--workers", "1", "-f", "jsonl", env={**OFFLINE, "HF_HOME": str(home)})
    recs = [json.loads(line) for line in r.out.splitlines()]
    assert sorted(x["source"] for x in recs) == [f"hf:org-a/model-one@{'1' * 40}", f"hf:org-b/model-two@{'2' * 40}"]
    for x in recs:
        assert x["error"] is None and x["snapshot"]["kind"] == "hf-cache", x
        assert x["weights"]["format"] == "safetensors" and x["snapshot"]["revision"] == x["source"][-40:]


def test_bad_arguments_exit_2(registry, tmp_path):
    cases = [
        (["scan"], "no sources"),
        (["scan", str(tmp_path / "nothing-*")], "no file or folder matches"),
        (["scan", registry["good"][0], "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
        (["scan", registry["good"][0], "--resume"], "needs -o"),
        (["scan", registry["good"][0], "-o", str(tmp_path)], "not a regular file"),
    ]
    for args, text in cases:
        r = run_cli(*args, env=OFFLINE)
        assert r.code == 2 and text in r.err and "Traceback" not in r.err, (args, r.err)
        assert len(r.err.strip().splitlines()) == 1


def test_sources_expand_and_normalise(tmp_path, monkeypatch):
    from trueopen.scan import sources

    (tmp_path / "a").mkdir()
    (tmp_path / "b.gguf").write_bytes(b"GGUF")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "d").mkdir()
    monkeypatch.chdir(tmp_path)
    assert sources.expand("*") == [str(tmp_path / n) for n in ("a", "b.gguf", "c")]  # files too
    assert sources.expand("**/d") == [str(tmp_path / "c" / "d")]
    assert sources.unique([sources.normalise(s) for s in ("a/", "./a", "c", "a")]) == [str(tmp_path / "a"), str(tmp_path / "c")]
    assert sources.normalise("hf:org/name@main") == "hf:org/name@main"
    assert sources.normalise("org/name") == "org/name"  # not a local path: a Hub id, as typed
    assert list(sources.list_lines("# c\n\n a \n#x\nb\n")) == ["a", "b"]


def test_partial_last_line_is_cut_on_resume(tmp_path):
    from trueopen.scan.output import Output

    out = tmp_path / "r.jsonl"
    out.write_text('{"source": "/x", "seconds": 1, "error": null}\n{"source": "/y", "sec')
    o = Output(str(out), resume=True)
    assert o.done == {"/x"} and out.read_text().endswith("null}\n")


def test_a_worker_killed_mid_scan_loses_nothing(scheduler, many, tmp_path):
    """SIGKILL the Dask worker process while a scan runs: its nanny starts a new one, Dask reruns
    what was lost, and every source still gets exactly one clean record."""
    import signal

    from distributed import Client

    folders = sorted(str(p) for p in many.iterdir())
    n = len(folders)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, **OFFLINE}
    with Client(scheduler, timeout="30s") as c:
        (pid,) = c.run(os.getpid).values()
        proc = subprocess.Popen([sys.executable, "-m", "trueopen", "scan", str(many / "f*"), "--scheduler", scheduler,
                                 "-o", str(out), "-f", "jsonl"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 5):
            time.sleep(0.05)
        at_kill = len(out.read_bytes().splitlines())
        os.kill(pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=500)  # the restarted worker loads the catalog again
        c.wait_for_workers(1, timeout="60s")
        assert list(c.run(os.getpid).values()) != [pid]  # a new worker process took over
    assert at_kill < n, "the worker was killed before the scan ended"
    recs = read_jsonl(out)
    assert proc.returncode == 0, err
    assert sorted(r["source"] for r in recs) == folders  # each exactly once
    assert all(r["error"] is None for r in recs)


def test_resume_after_a_real_interrupt(scheduler, many, tmp_path):
    """SIGTERM (a cron or systemd stop) midway: the scan ends with 130, saying how to go on; the
    lines written stay, and --resume audits only what is missing."""
    import signal

    n = len(list(many.iterdir()))
    out = tmp_path / "out.jsonl"
    args = [sys.executable, "-m", "trueopen", "scan", str(many / "*"), "--scheduler", scheduler, "-o", str(out)]
    proc = subprocess.Popen(args, env={**os.environ, **OFFLINE}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 5):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    written = out.read_text()
    k = len(written.splitlines())
    assert proc.returncode == 130 and 5 <= k < n, (proc.returncode, k, err)
    assert f"interrupted after {k} of {n} sources" in err and "--resume" in err
    r = run_cli("scan", str(many / "*"), "--scheduler", scheduler, "-o", str(out), "--resume", "-f", "table",
                env=OFFLINE)
    assert r.code == 0, r.err
    assert f"Scanned {n - k} sources" in r.out and f"{k} already done (--resume)" in r.out
    text = out.read_text()
    assert text.startswith(written)
    assert sorted(json.loads(line)["source"] for line in text.splitlines()) == \
           sorted(str(p) for p in many.iterdir())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="local workers are forked from a warm process on Linux only")
def test_local_workers_are_forked_and_a_killed_one_loses_nothing(many, tmp_path):
    """--workers 2: both workers are forked from one process that loaded trueopen once (not
    spawned); SIGKILL one mid-scan and its nanny starts another, Dask reruns what was lost, and
    every source still gets exactly one clean record."""
    import signal

    import psutil

    folders = sorted(str(p) for p in many.iterdir())
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "trueopen", "scan", str(many / "f*"), "--workers", "2",
                             "-o", str(out), "-f", "jsonl"], env={**os.environ, **OFFLINE},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 5):
            time.sleep(0.02)
        servers = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if "forkserver" in " ".join(p.cmdline())]
        workers = [w for s in servers for w in s.children()]
        assert len(workers) == 2, [p.cmdline() for p in psutil.Process(proc.pid).children(recursive=True)]
        at_kill = len(out.read_bytes().splitlines())
        workers[0].send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert at_kill < len(folders), "the worker was killed before the scan ended"
    assert proc.returncode == 0, err
    recs = read_jsonl(out)
    assert sorted(r["source"] for r in recs) == folders  # each exactly once
    assert all(r["error"] is None for r in recs)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="local workers are forked from a warm process on Linux only")
def test_workers_import_the_trueopen_the_client_runs_not_the_current_directory(registry, tmp_path):
    """The process workers are forked from imports trueopen once for all of them: it must be the
    installed one the `trueopen` command runs, not a `trueopen` folder in the current directory
    (a checkout of another version, or a planted one)."""
    script = Path(sys.executable).with_name("trueopen")
    if not script.exists():
        pytest.skip("no trueopen console script next to this interpreter")
    planted = tmp_path / "cwd"
    marker = tmp_path / "imported-from-cwd"
    (planted / "trueopen").mkdir(parents=True)
    (planted / "trueopen" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([str(script), "scan", *registry["good"][:4], "--workers", "1", "-o", str(out), "-f", "jsonl"],
                          cwd=planted, env={**os.environ, **OFFLINE}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    recs = read_jsonl(out)
    assert sorted(r["source"] for r in recs) == sorted(registry["good"][:4])
    assert all(r["error"] is None and r["weights"]["format"] == "safetensors" for r in recs)

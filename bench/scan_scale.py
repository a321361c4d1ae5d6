"""Scan scaling: `trueopen scan` over N synthetic model folders on 1 and 2 local Dask workers and on
a `dask scheduler` with two `dask worker` processes on localhost, at N and 4N folders.

Each folder is what a release ships: a safetensors file whose header lists its tensors with dtype,
shape and offsets, the data region left as a hole (a sparse file: a few KB on disk for tens of MB),
config.json, a card with a license tag, and the license text from the installed ScanCode corpus.
Every scan runs end to end as a user runs it (`python -m trueopen scan DIR/* -o out.jsonl`), and its
output is checked: one record per folder, parameter counts as written.

Reported per run: wall time, folders/s, and the marginal rate (3N / (t(4N) - t(N))), which leaves
out the fixed costs (interpreter and Dask start, catalog and license index load in each worker);
scaling efficiency = rate with 2 workers / (2 x rate with 1); the CPU seconds of the client (with
a local cluster's scheduler, which runs inside it), of an external scheduler and of the workers,
and their marginal cost per folder ((CPU(4N) - CPU(N)) / 3N); peak RSS of the client process and
of the largest worker process. Per-process figures are sampled every 0.05 s with psutil.

    python bench/scan_scale.py [--n 2000] [--workdir DIR] [--skip-external]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
LICENSES = [("apache-2.0", "apache-2.0"), ("mit", "mit"), ("llama-2-license-2023", "llama2"), ("bigscience-open-rail-m", "bigscience-openrail-m")]


def _license_texts() -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from trueopen.licenses.corpus import data_dir

    out = {}
    for key, _ in LICENSES:
        raw = (data_dir() / "licenses" / f"{key}.LICENSE").read_text(encoding="utf-8")
        out[key] = raw[raw.find("\n---", 3) + 4:] if raw.startswith("---") else raw
    return out


def write_folder(folder: Path, i: int, texts: dict[str, str]) -> int:
    """One synthetic release; returns its parameter count."""
    folder.mkdir(parents=True, exist_ok=True)
    hidden, layers, vocab = 256 * (1 + i % 4), 2 + i % 3, 32000
    shapes = {"model.embed_tokens.weight": [vocab, hidden]}
    for layer in range(layers):
        shapes[f"model.layers.{layer}.self_attn.q_proj.weight"] = [hidden, hidden]
        shapes[f"model.layers.{layer}.mlp.up_proj.weight"] = [4 * hidden, hidden]
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    params = 0
    for name, shape in shapes.items():
        n = shape[0] * shape[1]
        params += n
        header[name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + 2 * n]}
        offset += 2 * n
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(folder / "model.safetensors", "wb") as fh:
        fh.write(len(raw).to_bytes(8, "little") + raw)
        fh.truncate(8 + len(raw) + offset)  # the data region: a hole, no bytes written
    (folder / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama",
                                                    "hidden_size": hidden, "num_hidden_layers": layers,
                                                    "max_position_embeddings": 4096}))
    key, tag = LICENSES[i % len(LICENSES)]
    (folder / "README.md").write_text(f"---\nlicense: {tag}\npipeline_tag: text-generation\n---\n# Synthetic {i}\n\n"
                                      "## Intended use\nBenchmarks.\n\n## Limitations\nNo real weights.\n")
    (folder / "LICENSE").write_text(texts[key])
    return params


def generate(root: Path, n: int) -> dict[str, int]:
    texts = _license_texts()
    expected = {}
    for i in range(n):
        folder = root / f"model-{i:05d}"
        if (folder / "LICENSE").exists():
            expected[str(folder)] = _params(i)
        else:
            expected[str(folder)] = write_folder(folder, i, texts)
    return expected


def _params(i: int) -> int:
    hidden, layers = 256 * (1 + i % 4), 2 + i % 3
    return 32000 * hidden + layers * 5 * hidden * hidden


class PeakRss:
    """Peak RSS of a process and of each of its descendants (and of extra pids), sampled."""

    def __init__(self, pid: int, extra: list[int] = ()):
        self.pid, self.extra = pid, list(extra)
        self.client = 0
        self.client_cpu = 0.0  # the client's own CPU seconds (its scheduler thread too, on a local cluster)
        self.workers: dict[int, int] = {}
        self.descendant_cpu: dict[int, float] = {}  # CPU seconds last seen, per process under the client
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            self.client = max(self.client, root.memory_info().rss)
            t = root.cpu_times()
            self.client_cpu = t.user + t.system
            procs = root.children(recursive=True)
        except psutil.Error:
            procs = []
        for p in procs:
            try:
                t = p.cpu_times()
                self.descendant_cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        for pid in self.extra:
            try:
                p = psutil.Process(pid)
                procs += [p, *p.children(recursive=True)]
            except psutil.Error:
                pass
        for p in procs:
            try:
                self.workers[p.pid] = max(self.workers.get(p.pid, 0), p.memory_info().rss)
            except psutil.Error:
                pass

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.05)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._t.join()
        return self.client, max(self.workers.values(), default=0)


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by long-lived processes and their descendants."""
    total = 0.0
    for pid in pids:
        try:
            p = psutil.Process(pid)
            for q in [p, *p.children(recursive=True)]:
                t = q.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def scan(folders: list[str], args: list[str], out: Path, expected: dict[str, int], watch: list[int] = (),
         scheduler_pid: int | None = None) -> dict:
    out.unlink(missing_ok=True)
    listing = out.with_suffix(".list")
    listing.write_text("\n".join(folders) + "\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "trueopen", "scan", "-i", str(listing), "-o", str(out), "-f", "jsonl", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ext_before = tree_cpu(list(watch))
    sched_before = tree_cpu([scheduler_pid]) if scheduler_pid else 0.0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    rss = PeakRss(proc.pid, watch)
    _, errors = proc.communicate()
    wall = time.perf_counter() - start
    client, worker = rss.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # every process of the scan: the client, and a local cluster's workers (waited for, so counted
    # here), or the external cluster's scheduler and workers
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) + tree_cpu(list(watch)) - ext_before
    sched = tree_cpu([scheduler_pid]) - sched_before if scheduler_pid else 0.0
    if not watch:
        # a local cluster's workers may be forked from a forkserver the client never waits for, so
        # their CPU is not in the client's rusage: it is what psutil last saw of each process
        # under the client (up to 0.05 s of each one's last moments missed)
        cpu = max(cpu, rss.client_cpu + sum(rss.descendant_cpu.values()))
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    got = {r["source"]: (r.get("weights") or {}).get("parameters") for r in recs}
    wrong = [s for s in folders if got.get(s) != expected[s]]
    if proc.returncode not in (0, 1) or len(recs) != len(folders) or wrong:
        sys.exit(f"scan {args} failed: exit {proc.returncode}, {len(recs)} records, {len(wrong)} wrong; {errors[-2000:]}")
    return {"n": len(folders), "wall": wall, "rate": len(folders) / wall, "client_rss": client, "worker_rss": worker,
            "cpu": cpu, "client_cpu": rss.client_cpu, "sched_cpu": sched,
            "worker_cpu": max(0.0, cpu - rss.client_cpu - sched)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def external_cluster(workers: int) -> tuple[str, list[subprocess.Popen]]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    procs = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **quiet),
             subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nworkers", str(workers),
                               "--nthreads", "1", "--no-dashboard"], **quiet)]
    from distributed import Client

    with Client(address, timeout="60s") as c:
        c.wait_for_workers(workers, timeout="120s")
    return address, procs


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, Python {platform.python_version()}; "
            f"load average before the runs {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "trueopen-bench-scan")
    ap.add_argument("--skip-external", action="store_true", help="only the local clusters")
    args = ap.parse_args()
    import dask
    import distributed

    print(f"machine: {machine()}; dask {dask.__version__}, distributed {distributed.__version__}", flush=True)
    t = time.perf_counter()
    expected = generate(args.workdir / "folders", 4 * args.n)
    folders = sorted(expected)
    disk = sum(os.stat(p).st_blocks * 512 for f in folders[:50] for p in Path(f).iterdir()) / 50
    apparent = sum(os.stat(p).st_size for f in folders[:50] for p in Path(f).iterdir()) / 50
    print(f"{len(folders):,} folders in {args.workdir} ({time.perf_counter() - t:.0f} s): {apparent / 1e6:.1f} MB "
          f"apparent, {disk / 1e3:.0f} KB on disk each", flush=True)
    out = args.workdir / "out.jsonl"
    sizes = [args.n, 4 * args.n]
    results: dict[str, list[dict]] = {}
    configs = [("1 local worker", ["--workers", "1"]), ("2 local workers", ["--workers", "2"])]
    for label, extra in configs:
        results[label] = []
        for n in sizes:
            r = scan(folders[:n], extra, out, expected)
            results[label].append(r)
            print(f"{label:<34}{n:>6,} folders {r['wall']:7.1f} s {r['rate']:7.1f}/s  client {mb(r['client_rss'])}, "
                  f"largest worker {mb(r['worker_rss'])}, CPU {r['cpu']:.0f} s (client {r['client_cpu']:.0f} s)", flush=True)
    if not args.skip_external:
        address, procs = external_cluster(2)
        label = "dask scheduler + 2 dask workers"
        try:
            scan(folders[:20], ["--scheduler", address], out, expected)  # the workers load the catalog once
            results[label] = []
            for n in sizes:
                r = scan(folders[:n], ["--scheduler", address], out, expected, watch=[p.pid for p in procs],
                         scheduler_pid=procs[0].pid)
                results[label].append(r)
                print(f"{label:<34}{n:>6,} folders {r['wall']:7.1f} s {r['rate']:7.1f}/s  client "
                      f"{mb(r['client_rss'])}, largest worker {mb(r['worker_rss'])}, CPU {r['cpu']:.0f} s "
                      f"(client {r['client_cpu']:.0f} s)", flush=True)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
    print()
    print("| cluster | folders | wall s | folders/s | marginal folders/s | CPU ms per folder (client+scheduler) "
          "| client peak RSS | worker peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    marginal = {}
    for label, runs in results.items():
        a, b = runs
        marginal[label] = (b["n"] - a["n"]) / max(1e-9, b["wall"] - a["wall"])
        for r in runs:
            print(f"| {label} | {r['n']:,} | {r['wall']:.1f} | {r['rate']:.1f} | {marginal[label]:.1f} | "
                  f"{1000 * r['cpu'] / r['n']:.1f} ({1000 * (r['client_cpu'] + r['sched_cpu']) / r['n']:.1f}) | "
                  f"{mb(r['client_rss'])} | {mb(r['worker_rss'])} |")
    print()
    print("Marginal CPU per folder, (CPU at 4N - CPU at N) / 3N, in ms:")
    print()
    print("| cluster | client (+ its scheduler) | external scheduler | workers | all |")
    print("|---|---:|---:|---:|---:|")
    for label, (a, b) in results.items():
        per = {k: 1000 * (b[k] - a[k]) / (b["n"] - a["n"]) for k in ("client_cpu", "sched_cpu", "worker_cpu", "cpu")}
        print(f"| {label} | {per['client_cpu']:.2f} | {per['sched_cpu']:.2f} | {per['worker_cpu']:.2f} | {per['cpu']:.2f} |")
    print()
    one = results["1 local worker"]
    for label in results:
        if label == "1 local worker":
            continue
        runs = results[label]
        print(f"{label}: speed-up over 1 worker, end to end: {runs[0]['rate'] / one[0]['rate']:.2f}x at "
              f"{runs[0]['n']:,} folders, {runs[1]['rate'] / one[1]['rate']:.2f}x at {runs[1]['n']:,}; marginal "
              f"{marginal[label] / marginal['1 local worker']:.2f}x (efficiency "
              f"{marginal[label] / marginal['1 local worker'] / 2:.0%})")
    print(f"load average after the runs: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if os.environ.get("KEEP") is None:
        shutil.rmtree(args.workdir / "folders", ignore_errors=True)


if __name__ == "__main__":
    main()

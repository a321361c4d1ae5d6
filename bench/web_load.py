"""Load on `trueopen serve`: concurrent clients against /models/{id} and /api/models/{id}.

Starts the server itself on 127.0.0.1 (a free port, in a child process, so clients and server do
not share one interpreter), waits until it answers, then runs N asyncio clients for D seconds.
Each client requests a model page or its JSON in turn, walking the whole catalog. Loopback only;
every request has a timeout and the run has a hard end.

    python bench/web_load.py [--clients 50] [--seconds 30] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "trueopen", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_ready(url: str, proc: subprocess.Popen | None, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            sys.exit(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(f"{url}/api/models/llama-2-7b", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    sys.exit("server did not answer in time")


async def client(http: httpx.AsyncClient, paths: list[str], offset: int, end: float, out: list, errors: list) -> None:
    i = offset
    while time.monotonic() < end:
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            r = await http.get(path)
            ok = r.status_code == 200
        except httpx.HTTPError as exc:
            ok, r = False, exc
        dt = time.perf_counter() - t0
        timing = r.headers.get("server-timing", "") if ok else ""
        server = float(timing.split("dur=")[1]) / 1000 if "dur=" in timing else 0.0
        (out if ok else errors).append((path, dt, getattr(r, "status_code", type(r).__name__), server))


async def run(url: str, clients: int, seconds: float) -> tuple[list, list, float]:
    """Each user has its own client and connection, opened and warmed before the clock starts
    (making a client costs the client far more than a request costs the server)."""
    https = [httpx.AsyncClient(base_url=url, timeout=10, limits=httpx.Limits(max_connections=1))
             for _ in range(clients)]
    try:
        ids = [m["id"] for m in (await https[0].get("/api/models")).json()]
        paths = [p for rid in ids for p in (f"/models/{rid}", f"/api/models/{rid}")]
        for p in paths:  # every page rendered once: the run measures the steady state
            await https[0].get(p)
        await asyncio.gather(*(h.get(paths[0]) for h in https))
        out: list = []
        errors: list = []
        start = time.monotonic()
        end = start + seconds
        await asyncio.wait_for(asyncio.gather(*(client(h, paths, k * 7, end, out, errors)
                                                for k, h in enumerate(https))), timeout=seconds + 30)
        return out, errors, time.monotonic() - start
    finally:
        await asyncio.gather(*(h.aclose() for h in https))


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--url", help="a server already running on this machine (default: start one)")
    args = ap.parse_args()
    args.clients = max(1, min(args.clients, 500))
    args.seconds = max(1.0, min(args.seconds, 300.0))
    proc = None
    if args.url:
        if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("--url must be a loopback address: this benchmark never loads another host")
        url = args.url.rstrip("/")
    else:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(port)
    try:
        wait_ready(url, proc)
        try:  # the client is the bottleneck on 2 cores: give it the faster event loop when installed
            import uvloop

            out, errors, wall = uvloop.run(run(url, args.clients, args.seconds))
        except ImportError:
            out, errors, wall = asyncio.run(run(url, args.clients, args.seconds))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"{args.clients} clients, {wall:.1f} s, {os.cpu_count()} CPUs, {url}")
    print("round trip as the clients saw it (includes waiting for their own event loop), then the")
    print("server's time per request (its Server-Timing header: request in to response start)")
    print(f"{'requests':<18}{'count':>7}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
          f"{'srv p50':>8}{'srv p99':>8}")
    groups = {"all": out, "/models/{id}": [o for o in out if not o[0].startswith("/api/")],
              "/api/models/{id}": [o for o in out if o[0].startswith("/api/")]}
    for name, rows in groups.items():
        times = [o[1] for o in rows]
        server = [o[3] for o in rows]
        if times:
            print(f"{name:<18}{len(times):>7}{len(times) / wall:>7.0f}{pct(times, 50):>8.1f}{pct(times, 99):>8.1f}"
                  f"{max(times) * 1000:>8.1f}{pct(server, 50):>8.2f}{pct(server, 99):>8.2f}")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0][0]} -> {errors[0][2]})" if errors else ""))


if __name__ == "__main__":
    main()

"""`trueopen audit hub:ORG/NAME` against a local HTTP server that answers the Hugging Face Hub's
API the way the Hub does (model info, tree, refs, resolve with ranges), through huggingface_hub
itself pointed at it with HF_ENDPOINT. The server counts the bytes it sends, to prove that weights
are never downloaded."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli

SHA = "a" * 40
REPO = "acme/tiny-llm"


class FakeHub:
    def __init__(self, files: dict[str, bytes], gated: str | bool = False, branches=("main",)):
        self.files, self.gated, self.branches = files, gated, branches
        self.sent: dict[str, int] = {}
        self.log: list[str] = []

    def info(self) -> dict:
        card = {"license": "apache-2.0", "datasets": ["acme/web-mix"]}
        return {"id": REPO, "modelId": REPO, "sha": SHA, "private": False, "gated": self.gated, "disabled": False,
                "tags": ["safetensors"], "cardData": card, "lastModified": "2026-11-01T00:00:00.000Z",
                "createdAt": "2026-10-01T00:00:00.000Z",
                "siblings": [{"rfilename": k, "size": len(v), "blobId": hashlib.sha1(v).hexdigest(),
                              **({"lfs": {"sha256": hashlib.sha256(v).hexdigest(), "size": len(v), "pointerSize": 130}}
                                 if k.endswith(".safetensors") else {})} for k, v in self.files.items()]}


def _handler(hub: FakeHub):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):  # quiet
            pass

        def _json(self, obj, code=200):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = self.path.split("?")[0]
            hub.log.append(f"{self.command} {self.path}")
            base = f"/api/models/{REPO}"
            if path in (base, f"{base}/revision/main", f"{base}/revision/{SHA}"):
                return self._json(hub.info())
            if path.startswith(f"{base}/tree/"):
                return self._json([{"type": "file", "path": k, "size": len(v), "oid": hashlib.sha1(v).hexdigest()}
                                   for k, v in hub.files.items()])
            if path == f"{base}/refs":
                return self._json({"branches": [{"name": b, "ref": f"refs/heads/{b}", "targetCommit": SHA}
                                                for b in hub.branches], "tags": [], "converts": []})
            m = re.fullmatch(rf"/{REPO}/resolve/([^/]+)/(.+)", path)
            if m and m.group(2) in hub.files:
                if hub.gated:
                    self.send_response(403)
                    self.send_header("X-Error-Code", "GatedRepo")
                    self.send_header("X-Error-Message", "Access to this model is restricted")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = hub.files[m.group(2)]
                rng = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                part = data[int(rng.group(1)): int(rng.group(2)) + 1 if rng.group(2) else None] if rng else data
                self.send_response(206 if rng else 200)
                self.send_header("X-Repo-Commit", SHA)
                etag = hashlib.sha256(data).hexdigest() if m.group(2).endswith(".safetensors") else hashlib.sha1(data).hexdigest()
                self.send_header("ETag", f'"{etag}"')
                self.send_header("Content-Length", str(len(part)))
                if rng:
                    self.send_header("Content-Range", f"bytes {rng.group(1)}-{int(rng.group(1)) + len(part) - 1}/{len(data)}")
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(part)
                    hub.sent[m.group(2)] = hub.sent.get(m.group(2), 0) + len(part)
                return
            # the Hub's answer for a repository that does not exist (or is private, unauthenticated)
            body = b'{"error": "Repository not found"}'
            self.send_response(401)
            self.send_header("X-Error-Code", "RepoNotFound")
            self.send_header("X-Error-Message", "Repository not found")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return H


@pytest.fixture
def serve(tmp_path: Path):
    servers = []

    def start(hub: FakeHub) -> dict[str, str]:
        srv = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return {"HF_ENDPOINT": f"http://127.0.0.1:{srv.server_port}", "HF_HOME": str(tmp_path / "hf"),
                "HF_HUB_OFFLINE": "0", "HF_HUB_DISABLE_TELEMETRY": "1", "HF_TOKEN": "", "HF_HUB_DISABLE_XET": "1"}

    yield start
    for s in servers:
        s.shutdown()


def _weights() -> bytes:
    from safetensors.numpy import save

    # 1 MB of data behind a small header: the audit must read the header and stop there
    return save({"embed.weight": np.zeros((512, 512), dtype=np.float32), "norm.weight": np.ones((512,), dtype=np.float32)})


def test_hub_reads_headers_never_weights(serve):
    weights = _weights()
    hub = FakeHub({"README.md": b"---\nlicense: apache-2.0\ndatasets: [acme/web-mix]\n---\n# Tiny LLM\n## Limitations\nSome.\n",
                   "config.json": json.dumps({"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 4096}).encode(),
                   "model.safetensors": weights, "train.py": b"loss.backward()\noptimizer.step()\n"},
                  branches=("main", "step1000-tokens4B"))
    env = serve(hub)
    r = run_cli("audit", f"hub:{REPO}", "--format", "json", env=env)
    assert r.code == 0, (r.err, hub.log)
    doc = r.json()
    assert doc["source"]["kind"] == "hub" and doc["source"]["revision"] == SHA
    assert doc["weights"]["parameters"] == 512 * 512 + 512 and doc["weights"]["format"] == "safetensors"
    assert doc["weights"]["checkpoints"] == ["step1000-tokens4B"]
    assert doc["facts"].get("context_length", {}).get("value") == 4096, (doc["notices"], hub.log, doc["source"])
    assert doc["release"]["access"]["weights"] == "download"
    assert doc["facts"]["weights_license"]["value"] == "Apache-2.0"
    assert any(c["name"] == "Training code" and c["released"] for c in doc["components"])
    assert hub.sent.get("model.safetensors", 0) < len(weights) // 10, hub.sent  # header only
    assert hub.sent["README.md"] > 0


def test_hub_gated_repo_uses_listing_and_card_metadata(serve):
    hub = FakeHub({"README.md": b"---\nlicense: apache-2.0\n---\n# Gated\n", "model.safetensors": _weights()},
                  gated="manual")
    env = serve(hub)
    r = run_cli("audit", f"hub:{REPO}", "--format", "json", env=env)
    assert r.code in (0, 1), r.err
    doc = r.json()
    assert doc["release"]["access"] == {"weights": "gated", "approval": True, "api": False, "product": False,
                                        "source": "audit"}
    assert any("gated" in n["message"] for n in doc["notices"])
    assert doc["facts"]["weights_license"]["value"] == "Apache-2.0"  # from the Hub's card metadata


def test_hub_unknown_repo_and_offline(serve):
    env = serve(FakeHub({}))
    r = run_cli("audit", "hub:acme/nothing-here", env=env)
    assert r.code == 2 and "no model acme/nothing-here" in r.err
    r = run_cli("audit", f"hub:{REPO}", env={**env, "HF_ENDPOINT": "http://127.0.0.1:9"})  # nothing listens
    assert r.code == 2 and "could not be reached" in r.err and "Traceback" not in r.err
    r = run_cli("audit", f"hub:{REPO}", env={**env, "HF_HUB_OFFLINE": "1"})
    assert r.code == 2 and "offline" in r.err and f"hf:{REPO}" in r.err


def test_hf_prefix_falls_back_to_the_hub_when_not_cached(serve):
    hub = FakeHub({"README.md": b"---\nlicense: mit\n---\n# T\n", "model.safetensors": _weights()})
    env = serve(hub)
    r = run_cli("audit", f"hf:{REPO}", "--format", "json", env=env)
    assert r.code == 0, r.err
    assert r.json()["source"]["kind"] == "hub" and r.json()["facts"]["weights_license"]["value"] == "MIT"
    # what was fetched is now cached: offline, the same id reads the cache
    r = run_cli("audit", f"hf:{REPO}", "--format", "json", env={**env, "HF_HUB_OFFLINE": "1"})
    assert r.code == 0, r.err
    assert r.json()["source"]["kind"] == "hf-cache" and r.json()["facts"]["weights_license"]["value"] == "MIT"

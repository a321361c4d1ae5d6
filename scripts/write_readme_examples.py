"""Regenerate the example outputs in README.md from the real commands, so they cannot drift.

Each example in README.md is a marker line followed by a ```text block:

    <!-- example: trueopen show llama-2-7b -->            the whole output
    <!-- example lines=20: trueopen show llama-2-7b -->   the first 20 lines, then a "..." line

The block becomes "$ COMMAND", the command's standard output at COLUMNS=80 (lines stripped of
trailing spaces), and "(exit N)" when the exit code is not 0. Commands run in a scratch folder
holding ./tiny-model, a small model folder this script writes: a real safetensors file, a
config, a model card and the Apache-2.0 text from ScanCode's installed license data.

    python scripts/write_readme_examples.py            rewrite README.md
    python scripts/write_readme_examples.py --check    exit 1 and show a diff if README.md is stale
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARKER = re.compile(r"^<!-- example(?: lines=(\d+))?: (trueopen .+?) -->$")
FENCE = "```"


def make_demo_model(folder: Path) -> Path:
    """./tiny-model: what a small Apache-2.0 model's folder holds; no code that could run."""
    import numpy as np
    from safetensors.numpy import save_file

    from trueopen.licenses import corpus

    folder.mkdir(parents=True, exist_ok=True)
    save_file({"embed.weight": np.zeros((256, 64), np.float16), "layers.0.mlp.weight": np.zeros((64, 64), np.float16),
               "lm_head.weight": np.zeros((64, 256), np.float16)}, str(folder / "model.safetensors"),
              metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps({"model_type": "llama", "hidden_size": 64,
                                                    "max_position_embeddings": 2048}) + "\n", encoding="utf-8")
    raw = (corpus.data_dir() / "licenses" / "apache-2.0.LICENSE").read_text(encoding="utf-8")
    body = raw[raw.find("\n---", 3) + 4:] if raw.startswith("---") else raw  # without ScanCode's front matter
    (folder / "LICENSE").write_text(body.strip() + "\n", encoding="utf-8")
    (folder / "README.md").write_text(
        "---\nlicense: apache-2.0\ndatasets:\n- allenai/c4\nlanguage:\n- en\n---\n\n# Tiny Model\n\n"
        "A small demonstration model.\n\n## Training data\n\nTrained on allenai/c4.\n\n## Evaluation\n\n"
        "| task | score |\n|---|---|\n| demo | 1.0 |\n\n## Limitations\n\nIt is tiny.\n", encoding="utf-8")
    return folder


def run(command: str, cwd: Path) -> tuple[str, int]:
    """A README command as a user runs it, its output 80 columns wide."""
    args = shlex.split(command)
    assert args[0] == "trueopen", command
    env = {**os.environ, "COLUMNS": "80", "HF_HUB_OFFLINE": "1", "NO_COLOR": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    proc = subprocess.run([sys.executable, "-m", "trueopen", *args[1:]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command}: exit {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout, proc.returncode


def block(command: str, lines: int | None, cwd: Path) -> list[str]:
    out, code = run(command, cwd)
    shown = [line.rstrip() for line in out.rstrip("\n").splitlines()]
    if lines is not None and len(shown) > lines:
        shown = shown[:lines] + ["..."]
    return [f"$ {command}", *shown] + ([f"(exit {code})"] if code else [])


def regenerate(text: str, cwd: Path) -> str:
    """README text with every marked example's block replaced by the command's output."""
    src = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(src):
        out.append(src[i])
        m = MARKER.match(src[i].strip())
        i += 1
        if not m:
            continue
        if i >= len(src) or not src[i].startswith(FENCE):
            raise SystemExit(f"README.md:{i}: an example marker must be followed by a {FENCE}text block")
        out.append(src[i])
        i += 1
        while i < len(src) and src[i] != FENCE:
            i += 1
        if i >= len(src):
            raise SystemExit(f"README.md: the example block of '{m.group(2)}' is not closed")
        out += block(m.group(2), int(m.group(1)) if m.group(1) else None, cwd)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 with a diff when the README is stale")
    ap.add_argument("--readme", type=Path, default=README, help="the file to regenerate (default: README.md)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    text = args.readme.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        make_demo_model(Path(tmp) / "tiny-model")
        new = regenerate(text, Path(tmp))
    if new == text:
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                                   str(args.readme), "regenerated"))
        print(f"\n{args.readme}: examples differ from the commands' output; run python scripts/write_readme_examples.py")
        return 1
    args.readme.write_text(new, encoding="utf-8")
    print(f"{args.readme}: examples regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

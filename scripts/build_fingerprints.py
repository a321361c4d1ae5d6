"""Compute the stored fingerprints of AI license texts that licensedcode-data does not carry.

We store shingle hashes, word counts and a SHA-256 of the normalised words, never the texts.
Each source is a public text: ScanCode toolkit's license database (the scancode-toolkit wheel,
CC-BY-4.0) or a file in a public git repository at a fixed commit.

Usage (maintainers only; the package never runs this):
    python scripts/build_fingerprints.py --scancode DIR --mirror DIR > trueopen/licenses/data/fingerprints.json
    python scripts/build_fingerprints.py --scancode DIR --mirror DIR --check
where DIR for --scancode holds `licensedcode/data/licenses/*.LICENSE` unpacked from the
scancode-toolkit wheel, and --mirror holds bare clones named `owner+name/repo`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trueopen.licenses.fingerprint import text_shingles, tokenize  # noqa: E402

AS_OF = "2026-11-24"
SC_URL = "https://github.com/aboutcode-org/scancode-toolkit/blob/v32.5.0/src/licensedcode/data/licenses/{}.LICENSE"
GH_URL = "https://github.com/{repo}/blob/{commit}/{path}"

# (trueopen key, title, ScanCode key) for texts in scancode-toolkit 32.5's database.
SCANCODE = [
    ("LicenseRef-llama3.1", "Llama 3.1 Community License Agreement", "llama-3.1-license-2024"),
    ("LicenseRef-llama3.2", "Llama 3.2 Community License Agreement", "llama-3.2-license-2024"),
    ("LicenseRef-llama3.3", "Llama 3.3 Community License Agreement", "llama-3.3-license-2024"),
    ("LicenseRef-llama4", "Llama 4 Community License Agreement", "llama-4-cla-2025"),
    ("LicenseRef-llama4-aup", "Llama 4 Acceptable Use Policy", "llama-4-license-2025"),
    ("LicenseRef-gemma", "Gemma Terms of Use (2024-04-01)", "gemma-tou-2024-04-01"),
    ("LicenseRef-gemma", "Gemma Terms of Use (2025-03-24)", "gemma-tou-2025-03-24"),
    ("LicenseRef-gemma-prohibited-use", "Gemma Prohibited Use Policy (2024-02-21)", "gemma-pup-2024-02-21"),
    ("LicenseRef-qwen", "Qwen License Agreement", "qwen-2024"),
    ("LicenseRef-tongyi-qianwen", "Tongyi Qianwen License Agreement", "tongyi-qianwen-2023"),
    ("LicenseRef-deepseek", "DeepSeek License Agreement 1.0", "deepseek-la-1.0"),
    ("LicenseRef-falcon-2-11b", "Falcon 2 11B TII License 1.0", "falcon-2-11b-1.0"),
    ("LicenseRef-flux-1-dev-nc", "FLUX.1 [dev] Non-Commercial License", "flux-1-nc"),
    ("LicenseRef-nvidia-open-model", "NVIDIA Open Model License Agreement", "nvidia-open-model-2025-04-28"),
    ("OpenMDW-1.0", "OpenMDW License 1.0", "openmdw-1.0"),
    ("LicenseRef-bigscience-openrail-m", "BigScience Open RAIL-M (v2)", "bigscience-open-rail-m2"),
    ("LicenseRef-openai-terms", "OpenAI Terms of Use (2024-12-11)", "openai-tou-20241211"),
    ("LicenseRef-stability-ai-community", "Stability AI Community License", "stability-ai-community-2024"),
    ("LicenseRef-kimi-modified-mit", "Modified MIT License (Kimi K2)", "moonshot-ai-modified-mit-2025"),
]


class Pinned(NamedTuple):
    """A license text in a public git repository, at a fixed commit. `start` and `until` cut it to one
    document: a copy may open with a line of the copier's own (a Gentoo overlay notes where the
    original is), or append another document (Llama 3's LICENSE ends with its use policy,
    fingerprinted on its own), so each text is recognised as itself."""

    key: str
    title: str
    repo: str
    commit: str
    path: str
    start: str | None = None  # the line the document starts with
    until: str | None = None  # the line the next document starts with
    lines: str | None = None  # the document's lines in the file ("44-84"), when the file holds two


OVERLAY, OVERLAY_AT = "orsonteodoro/oiledmachine-overlay", "1b888cc52413458b434a0a0e4dd3ca11a12c72f8"

# Texts ScanCode does not carry.
GIT = [
    Pinned("LicenseRef-llama3", "Meta Llama 3 Community License Agreement", "meta-llama/llama-models",
           "a9c89c471f793423afd4cc3ca8671d6e56fe64cb", "models/llama3/LICENSE", until="Meta Llama 3 Acceptable Use Policy"),
    Pinned("LicenseRef-llama2-aup", "Llama 2 Acceptable Use Policy", "meta-llama/llama-models",
           "a9c89c471f793423afd4cc3ca8671d6e56fe64cb", "models/llama2/USE_POLICY.md"),
    Pinned("LicenseRef-llama3-aup", "Meta Llama 3 Acceptable Use Policy", "meta-llama/llama-models",
           "a9c89c471f793423afd4cc3ca8671d6e56fe64cb", "models/llama3/USE_POLICY.md"),
    # The same policy as Llama 3's LICENSE appends it ("Meta Llama 3" where USE_POLICY.md says
    # "Llama 3"): without it, the appended copy came out nearest to the Llama 4 policy.
    Pinned("LicenseRef-llama3-aup", "Meta Llama 3 Acceptable Use Policy (as appended to the license)",
           "meta-llama/llama-models", "a9c89c471f793423afd4cc3ca8671d6e56fe64cb", "models/llama3/LICENSE",
           start="Meta Llama 3 Acceptable Use Policy", lines="44-84"),
    Pinned("LicenseRef-llama3.1-aup", "Llama 3.1 Acceptable Use Policy", "meta-llama/llama-models",
           "a9c89c471f793423afd4cc3ca8671d6e56fe64cb", "models/llama3_1/USE_POLICY.md"),
    Pinned("LicenseRef-llama3.2-aup", "Llama 3.2 Acceptable Use Policy", "meta-llama/llama-models",
           "a9c89c471f793423afd4cc3ca8671d6e56fe64cb", "models/llama3_2/USE_POLICY.md"),
    Pinned("LicenseRef-llama3.3-aup", "Llama 3.3 Acceptable Use Policy", "meta-llama/llama-models",
           "a9c89c471f793423afd4cc3ca8671d6e56fe64cb", "models/llama3_3/USE_POLICY.md"),
    Pinned("LicenseRef-chatglm-6b", "ChatGLM-6B Model License", "THUDM/ChatGLM-6B",
           "401bf3a8a7dd8a26fba189551dccfc61a7079b4e", "MODEL_LICENSE"),
    Pinned("LicenseRef-deepfloyd-if", "DeepFloyd IF License Agreement", "deep-floyd/IF",
           "ffc8163891682beaca0c5eb6b9077860a3bc6509", "LICENSE-MODEL"),
    Pinned("LicenseRef-chatglm2-6b", "ChatGLM2-6B Model License", "THUDM/ChatGLM2-6B",
           "4a85b09f8f64150aa9a05055cf66556096044e61", "MODEL_LICENSE"),
    Pinned("LicenseRef-yi", "Yi Series Models Community License Agreement 2.1", "01-ai/Yi",
           "90fe5676d3ec5f9e5b54601de4aa5f80a13d5f79", "MODEL_LICENSE_AGREEMENT.txt"),
    Pinned("LicenseRef-apple-amlr", "Apple Machine Learning Research Model License Agreement", "apple/ml-mobileclip",
           "e15d36effd4cd9832b25f5c0063a5b8b279826cd", "LICENSE_MODELS"),
    Pinned("LicenseRef-openrail++", "CreativeML Open RAIL++-M (SDXL 1.0)", "Stability-AI/generative-models",
           "f2fa96b7e57d41259bc9162bf7391bdd8d9d9a93", "model_licenses/LICENSE-SDXL1.0"),
    Pinned("LicenseRef-openmdw-1.1", "OpenMDW License Agreement 1.1", "OpenMDW/OpenMDW",
           "b26b32b34ad2edcc29a7707abb68dcfb25a538c1", "1.1/LICENSE.OpenMDW-1.1"),
    # A copy shipped with Qwen2.5-VL-3B support (the file was replaced by Apache-2.0 three days later).
    Pinned("LicenseRef-qwen-research", "Qwen Research License Agreement (2024-09-19)", "roboflow/inference",
           "f22bd024ef9edcc3a51b61a72077b78c10b22220", "inference/models/qwen25vl/LICENSE.txt"),
    # A Gentoo overlay that keeps the license texts of the models it packages, each as published.
    Pinned("LicenseRef-mistral-non-production", "Mistral AI Non-Production License (MNPL 0.1)", OVERLAY, OVERLAY_AT,
           "licenses/MNPL-0.1.md", start="# Mistral AI Non-Production License"),
    Pinned("LicenseRef-grok2-community", "xAI Community License Agreement for Grok 2 (2025-11-04)", OVERLAY, OVERLAY_AT,
           "licenses/Grok-2-Community-License-Agreement-20251104"),
    Pinned("LicenseRef-glm-4", "The glm-4-9b License", OVERLAY, OVERLAY_AT, "licenses/glm-4-9b-LICENSE"),
    Pinned("LicenseRef-tongyi-qianwen-research", "Tongyi Qianwen Research License Agreement (2023-11-30)", OVERLAY,
           OVERLAY_AT, "licenses/Tongyi-Qianwen-RESEARCH-LICENSE-AGREEMENT"),
    Pinned("LicenseRef-tii-falcon", "TII Falcon License (Falcon 3, December 2024)", OVERLAY, OVERLAY_AT,
           "licenses/Falcon-3-TII-Falcon-License-December-2024", start="Falcon 3 TII Falcon License"),
    Pinned("LicenseRef-tii-falcon-aup", "TII Falcon Acceptable Use Policy (December 2024)", OVERLAY, OVERLAY_AT,
           "licenses/TII-Falcon-3-License-December-2024-ACCEPTABLE-USE-POLICY", start="TII Falcon 3 License"),
]

class Gated(NamedTuple):
    """A license text Hugging Face shows as a gating prompt, in a model card's `extra_gated_prompt`
    (the card in a public git repository, at a fixed commit). A prompt may hold two documents (a
    license, then its use policy) or end with the host's privacy note: `first_line` and
    `last_sentence` (kept) pick one; None means the prompt's start or end."""

    key: str
    title: str
    repo: str
    commit: str
    path: str
    first_line: str | None
    last_sentence: str | None


GATED = [
    Gated("LicenseRef-mistral-research", "Mistral AI Research License (MRL 0.1)", "JoseAdrianRodriguezGonzalez/Llm-Component",
          "cc9dae586580ffa28c4ab1e483b4a89a05485a75", "bartowski__Mistral-Large-Instruct-2411-GGUF/README.md",
          None, '"You": means the individual or entity entering into this Agreement with Mistral AI.'),
    # The use policy Meta's Llama 3.1 cards carried from the July 2024 release: closer to the Llama 3
    # policy than the later text in llama-models, so it needs its own fingerprint.
    Gated("LicenseRef-llama3.1-aup", "Llama 3.1 Acceptable Use Policy (July 2024 card)", "YinanWusoymilk/hf-readme",
          "1ab39f24f8f9548593ac6304367f31ae3ff45178",
          "training_and_application/readme_files/NousResearch_Meta-Llama-3.1-8B-Instruct.md",
          "### Llama 3.1 Acceptable Use Policy", None),
]


def record(key: str, title: str, url: str, text: str, scancode_key: str | None = None) -> dict:
    sh, n = text_shingles(text)
    words = " ".join(tokenize(text).words)
    rec = {"key": key, "title": title, "url": url, "as_of": AS_OF}
    if scancode_key:
        rec["scancode_key"] = scancode_key
    rec.update(n_words=n, sha256=hashlib.sha256(words.encode()).hexdigest(),
               shingles=base64.b64encode(sh.astype("<u8").tobytes()).decode())
    return rec


def body(raw: str) -> str:
    """A ScanCode .LICENSE file without its YAML front matter."""
    if raw.startswith("---"):
        return raw[raw.find("\n---", 3) + 4 :]
    return raw


def git_text(mirror: Path, repo: str, commit: str, path: str) -> str:
    git_dir = mirror / repo.replace("/", "+") / "repo"
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout.decode("utf-8")


def gated_prompt(card: str, first_line: str | None, last_sentence: str | None) -> str:
    """One document of a card's `extra_gated_prompt`, from its first line to its last sentence."""
    front = card.split("\n---", 1)[0].removeprefix("---")
    prompt = yaml.safe_load(front)["extra_gated_prompt"]
    start = prompt.index(first_line + "\n") if first_line else 0
    end = prompt.index(last_sentence, start) + len(last_sentence) if last_sentence else len(prompt)
    return prompt[start:end].rstrip("\n") + "\n"


def sources(scancode: Path, mirror: Path) -> list[tuple[dict, str]]:
    """Every record we store, with the public text it was computed from."""
    out = []
    for key, title, sc in SCANCODE:
        raw = (scancode / "licensedcode/data/licenses" / f"{sc}.LICENSE").read_text(encoding="utf-8")
        text = body(raw)
        out.append((record(key, title, SC_URL.format(sc), text, sc), text))
    for pin in GIT:
        text = git_text(mirror, pin.repo, pin.commit, pin.path)
        if pin.start:
            text = text[text.index(pin.start):]
        if pin.until:
            text = text[: text.index("\n" + pin.until + "\n") + 1]
        url = GH_URL.format(repo=pin.repo, commit=pin.commit, path=pin.path)
        if pin.lines:
            first, _, last = pin.lines.partition("-")
            url += f"#L{first}-L{last}"
        out.append((record(pin.key, pin.title, url, text), text))
    for g in GATED:
        text = gated_prompt(git_text(mirror, g.repo, g.commit, g.path), g.first_line, g.last_sentence)
        out.append((record(g.key, g.title, GH_URL.format(repo=g.repo, commit=g.commit, path=g.path), text), text))
    return out


def check(pairs: list[tuple[dict, str]]) -> int:
    """Compare the installed fingerprints with the pinned texts, and identify each text as it is
    and inside a model card. Tests cannot do this: most of these texts are in no package."""
    from trueopen.licenses import corpus, identify

    stored = {fp.url: fp for fp in corpus.fingerprints()}
    failures = 0
    for rec, text in pairs:
        fp = stored.get(rec["url"])
        problems = []
        if fp is None:
            problems.append("not in the installed fingerprints.json")
        elif (fp.sha256, fp.n_words, fp.key) != (rec["sha256"], rec["n_words"], rec["key"]):
            problems.append("stored record differs from the pinned text")
        card = "# Model\n\nLicense terms:\n\n" + text.strip() + "\n\nContact us with questions.\n"
        for label, sample in (("as a file", text), ("inside a card", card)):
            got = [(f.key, f.match) for f in identify.in_text(sample)]
            if got != [(rec["key"], "exact")]:
                problems.append(f"{label}: found {got}")
        failures += bool(problems)
        print(("FAIL " if problems else "ok   ") + rec["key"].ljust(40) + "; ".join(problems))
    print(f"{len(pairs) - failures} of {len(pairs)} texts identified exactly, as files and inside cards")
    return 1 if failures else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scancode", type=Path, required=True)
    ap.add_argument("--mirror", type=Path, required=True)
    ap.add_argument("--check", action="store_true",
                    help="instead of printing records, check the installed ones against the pinned texts")
    args = ap.parse_args()
    pairs = sources(args.scancode, args.mirror)
    if args.check:
        sys.exit(check(pairs))
    json.dump([rec for rec, _ in pairs], sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

"""Which kinds of code a release holds (training, inference, evaluation, data preprocessing, model
architecture), recognised by file layout and by what the code says, with the line that shows it.
Code is read as text and never run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .files import FileEntry, read_text

CODE_SUFFIXES = {".py", ".ipynb", ".sh", ".cu", ".cpp", ".cc", ".c", ".h", ".rs", ".go", ".js", ".ts", ".jl",
                 ".scala", ".java", ".lua", ".swift"}
MAX_CODE_FILES = 5000
READ_LIMIT = 256 * 1024

class _Then:
    """`first`, then later on the same line `second`: the linear form of `first.*second`.

    A pattern like `shard.*token` backtracks over the rest of the line at every `shard`, so a
    long line of them costs quadratic time; two plain searches cost one pass each.
    """

    def __init__(self, first: str, second: str):
        self.first, self.second = re.compile(first), re.compile(second)

    def search(self, line: str) -> bool:
        m = self.first.search(line)
        return m is not None and self.second.search(line, m.end()) is not None


def _signal(p: str | tuple[str, str]) -> re.Pattern[str] | _Then:
    return _Then(*p) if isinstance(p, tuple) else re.compile(p)


# kind -> (path pattern, content patterns). A path hit weighs 2, each distinct content hit 1;
# a file counts for a kind from 2 up, so one stray word never decides.
KINDS: dict[str, tuple[re.Pattern[str], tuple[re.Pattern[str] | _Then, ...]]] = {
    "training": (
        re.compile(r"(^|[/_-])(train|training|pretrain|finetune|fine_tune|sft|dpo|ppo|rlhf|grpo)([/_.-]|$)", re.I),
        tuple(_signal(p) for p in (
            r"\.backward\(", r"optimizer\.step\(", r"\bTrainer\(", r"accelerator\.backward", r"deepspeed\.initialize",
            r"torch\.distributed\.init_process_group", r"\blr_scheduler\b", r"\bzero_grad\(", r"\bSFTTrainer\b",
            r"\bFSDP\(|FullyShardedDataParallel", r"megatron", r"--learning[-_]rate", r"\bgrad_clip|clip_grad_norm"))),
    "inference": (
        re.compile(r"(^|[/_-])(infer|inference|generate|generation|chat|serve|server|serving|demo|predict|sample|"
                   r"run_model|example_text_completion|example_chat_completion)([/_.-]|$)", re.I),
        tuple(_signal(p) for p in (
            r"\.generate\(", r"torch\.inference_mode|torch\.no_grad\(", r"\bpipeline\(", r"\bsampling_params\b|SamplingParams",
            r"\btop_p\b", r"\btemperature\b", r"\bmax_new_tokens\b|\bmax_gen_len\b", r"\bLLM\("))),
    "evaluation": (
        re.compile(r"(^|[/_-])(eval|evals|evaluate|evaluation|benchmark|benchmarks|bench|harness|metrics)([/_.-]|$)", re.I),
        tuple(_signal(p) for p in (
            r"\blm_eval\b|lm-evaluation-harness", r"\bcompute_metrics\b", r"\baccuracy\b", r"\bexact_match\b",
            r"\bpass@k\b|\bpass_at_k\b", r"\bevaluate\.load\(", r"\bMMLU\b|\bGSM8K\b|\bHumanEval\b|\bHellaSwag\b",
            r"\bperplexity\b"))),
    "data_preprocessing": (
        re.compile(r"(^|[/_-])(preprocess|preprocessing|prepare_data|data_prep|dataprep|tokenize|tokenization|dedup|"
                   r"deduplicate|filter|filters|dolma|data_pipeline|build_dataset|make_dataset|datasets?)([/_.-]|$)", re.I),
        tuple(_signal(p) for p in (
            r"\bload_dataset\(", r"\bdedup", r"\bminhash\b|MinHash", (r"\.map\(", r"token"), r"\bfasttext\b",
            r"\bquality_filter|\blanguage_id|\blangdetect\b", r"\.to_parquet\(|\.jsonl(\.gz|\.zst)?\b",
            (r"\bshard(s|ing)?\b", r"\btoken")))),
    "architecture": (
        re.compile(r"(^|/)(modeling_[\w]+|model|models|modeling|architecture|transformer|layers)(\.py|/)", re.I),
        tuple(_signal(p) for p in (
            r"class \w+\((nn\.Module|torch\.nn\.Module|PreTrainedModel|\w*PreTrainedModel|nn\.Layer|eqx\.Module)\)",
            r"\bdef forward\(self", r"\bscaled_dot_product_attention\b|\bclass \w*Attention\b", r"\bRMSNorm\b|\bLayerNorm\b",
            r"\brotary|\bRoPE\b", r"\bclass \w*(MLP|FeedForward|Block|DecoderLayer)\b"))),
}
KIND_COMPONENT = {"training": "Training code", "inference": "Inference code", "evaluation": "Evaluation code",
                  "data_preprocessing": "Data preprocessing code", "architecture": "Model architecture"}

# Dependency names that show which framework a release trains or runs with.
FRAMEWORKS = {
    "training": ("deepspeed", "megatron", "megatron-core", "trl", "peft", "accelerate", "torchtune", "axolotl",
                 "llm-foundry", "composer", "levanter", "olmo-core", "ai2-olmo", "nemo", "nemo_toolkit", "colossalai",
                 "fairscale", "lightning", "pytorch-lightning", "unsloth", "torchtitan", "maxtext", "t5x", "flax"),
    "inference": ("vllm", "sglang", "llama-cpp-python", "text-generation-inference", "tensorrt-llm", "onnxruntime",
                  "transformers", "sentence-transformers", "diffusers", "ctranslate2", "mlx-lm", "exllamav2"),
    "evaluation": ("lm-eval", "lm_eval", "evaluate", "lighteval", "opencompass", "helm", "crfm-helm", "olmes"),
    "data_preprocessing": ("datasets", "dolma", "datatrove", "nemo-curator", "text-dedup", "fasttext", "tokenizers",
                           "sentencepiece", "tiktoken"),
}
DEPENDENCY_FILES = re.compile(r"^(requirements[\w.-]*\.txt|setup\.py|setup\.cfg|pyproject\.toml|environment\.ya?ml|"
                              r"Pipfile|\.gitmodules|Cargo\.toml|package\.json)$", re.I)


@dataclass(frozen=True)
class CodeHit:
    kind: str
    path: str
    line: int | None
    detail: str
    score: int


VENDORED = re.compile(r"(^|/)(third[_-]?party|vendor|vendored|dependencies|external|extern|site-packages|"
                      r"node_modules|submodules)/", re.I)


# Tests check the code; they are not training, evaluation or data code themselves.
TEST_FILE = re.compile(r"(^|/)(tests?|testing|unit_?tests?)/|(^|/)(test_[^/]*|[^/]*_tests?\.\w+|conftest\.py)$", re.I)
# A tokenizer turns text into ids for the model; it ships with the model, it does not prepare data.
TOKENIZER_FILE = re.compile(r"(^|/|_)tokeni[sz](er|ation)[^/]*$", re.I)


def is_code(entry: FileEntry) -> bool:
    """Code the release's authors wrote: copies of other projects (third_party/, vendor/...) are theirs."""
    return entry.suffix in CODE_SUFFIXES and not VENDORED.search(entry.rel)


def strongest_first(hits: list[CodeHit]) -> list[CodeHit]:
    """Evidence order: most signals first, then the shallowest path (scripts/train.py before a helper)."""
    return sorted(hits, key=lambda h: (-h.score, h.path.count("/"), h.path))


def classify(entry: FileEntry) -> list[CodeHit]:
    """Every kind of code this file is, each with the strongest line that shows it."""
    if TEST_FILE.search(entry.rel):
        return []
    text = read_text(entry, READ_LIMIT) if entry.size <= 4 * READ_LIMIT or entry.suffix != ".ipynb" else None
    text = text or ""
    lines = text.splitlines()
    hits = []
    tokenizer = bool(TOKENIZER_FILE.search(entry.rel))
    for kind, (path_rx, content_rxs) in KINDS.items():
        if tokenizer and kind == "data_preprocessing":
            continue
        score = 2 if path_rx.search(entry.rel) else 0
        first: tuple[int, str] | None = None
        for rx in content_rxs:
            for i, line in enumerate(lines, 1):
                if rx.search(line):
                    score += 1
                    if first is None:
                        first = (i, line.strip()[:120])
                    break
        if score >= 2:
            if first is not None:
                detail = f"{'file name, and ' if score >= 3 and path_rx.search(entry.rel) else ''}line: {first[1]}"
                hits.append(CodeHit(kind, entry.rel, first[0], detail, score))
            else:
                hits.append(CodeHit(kind, entry.rel, None, "file name", score))
    return hits


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def dependencies(entry: FileEntry) -> list[CodeHit]:
    """Frameworks named in a dependency or submodule file, each as support for a kind of code."""
    text = read_text(entry, READ_LIMIT) or ""
    hits = []
    seen = set()
    for i, line in enumerate(text.splitlines(), 1):
        low = line.lower()
        if re.match(r"\s*(name|description)\s*[=:]", low):
            continue  # the project's own name, not a dependency
        for kind, names in FRAMEWORKS.items():
            for name in names:
                if (kind, name) in seen:
                    continue
                if re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", low):
                    seen.add((kind, name))
                    hits.append(CodeHit(kind, entry.rel, i, f"depends on {name}", 1))
    return hits


# ---- git submodules: code a repository declares rather than ships --------------------------------

# Which kind of code a submodule is, decided from its project name (the URL's last part, else its
# path; compared whole) and the words of its path and name. A repository such as EleutherAI/pythia pins its
# training framework (gpt-neox) as a submodule: the training code is part of the release, but it
# lives in another repository. The names are projects whose purpose is that kind of code.
SUBMODULE_KINDS: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = (
    ("training", ("gpt-neox", "megatron-lm", "megatron-deepspeed", "nemo", "llm-foundry", "olmo-core", "levanter",
                  "torchtitan", "maxtext", "t5x", "mesh-transformer-jax", "fairseq", "metaseq", "nanotron", "nanogpt", "deepspeed",
                  "colossalai", "torchtune", "axolotl", "trl", "open-instruct", "alignment-handbook"),
     frozenset({"train", "trainer", "training", "pretrain", "pretraining", "finetune", "finetuning"})),
    ("evaluation", ("lm-evaluation-harness", "lm-eval", "olmes", "lighteval", "opencompass", "helm",
                    "bigcode-evaluation-harness", "evalplus", "simple-evals"),
     frozenset({"eval", "evals", "evaluation", "evaluations", "benchmark", "benchmarks"})),
    ("data_preprocessing", ("dolma", "datatrove", "nemo-curator", "text-dedup", "dclm"),
     frozenset({"preprocess", "preprocessing", "dataprep", "dedup", "deduplication"})),
)
GITMODULES_LIMIT = 64 * 1024
MAX_SUBMODULES = 200
_SUBMODULE = re.compile(r'\[submodule\s+"([^"\n]{1,300})"\s*\]')
_KEY = re.compile(r"(path|url)\s*=\s*(\S[^\n]{0,999})")


@dataclass(frozen=True)
class Submodule:
    name: str
    path: str
    url: str
    line: int  # the line that names the code: url =, else the section header
    kind: str | None
    project: str


def submodules(entry: FileEntry) -> list[Submodule]:
    """The submodules a .gitmodules file declares, read as text (git is never run on it)."""
    text = read_text(entry, GITMODULES_LIMIT) or ""
    raw: dict[str, dict[str, object]] = {}  # git reads a repeated section as the same submodule
    current: dict[str, object] | None = None
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if m := _SUBMODULE.fullmatch(s):
            if m.group(1) not in raw and len(raw) >= MAX_SUBMODULES:
                break
            current = raw.setdefault(m.group(1), {"name": m.group(1), "line": i})
        elif current is not None and (m := _KEY.fullmatch(s)) and m.group(1) not in current:
            current[m.group(1)] = m.group(2).strip()
            if m.group(1) == "url":
                current["line"] = i
    out = []
    for r in raw.values():
        name, path = str(r["name"]), str(r.get("path") or r["name"])
        url = _without_credentials(str(r.get("url") or ""))
        project = re.sub(r"\.git$", "", url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]) or path.rsplit("/", 1)[-1]
        line = r["line"] if isinstance(r["line"], int) else 1
        out.append(Submodule(name, path, url, line, submodule_kind(project, path, name), project))
    return out


def submodule_kind(project: str, path: str, name: str) -> str | None:
    """The kind of code a submodule holds, or None when its names do not say."""
    low = project.lower()
    words = set(re.split(r"[/_.\s-]+", f"{path}/{name}/{project}".lower()))
    for kind, projects, path_words in SUBMODULE_KINDS:
        if low in projects or words & path_words:
            return kind
    return None


def _without_credentials(url: str) -> str:
    """A URL as it may be shown: user names and tokens before '@' in https URLs are dropped."""
    return re.sub(r"^([A-Za-z][\w+.-]*://)[^/@\s]*@", r"\1", url)

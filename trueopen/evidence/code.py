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

# kind -> (path pattern, content patterns). A path hit weighs 2, each distinct content hit 1;
# a file counts for a kind from 2 up, so one stray word never decides.
KINDS: dict[str, tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]] = {
    "training": (
        re.compile(r"(^|[/_-])(train|training|pretrain|finetune|fine_tune|sft|dpo|ppo|rlhf|grpo)([/_.-]|$)", re.I),
        tuple(re.compile(p) for p in (
            r"\.backward\(", r"optimizer\.step\(", r"\bTrainer\(", r"accelerator\.backward", r"deepspeed\.initialize",
            r"torch\.distributed\.init_process_group", r"\blr_scheduler\b", r"\bzero_grad\(", r"\bSFTTrainer\b",
            r"\bFSDP\(|FullyShardedDataParallel", r"megatron", r"--learning[-_]rate", r"\bgrad_clip|clip_grad_norm"))),
    "inference": (
        re.compile(r"(^|[/_-])(infer|inference|generate|generation|chat|serve|server|serving|demo|predict|sample|"
                   r"run_model|example_text_completion|example_chat_completion)([/_.-]|$)", re.I),
        tuple(re.compile(p) for p in (
            r"\.generate\(", r"torch\.inference_mode|torch\.no_grad\(", r"\bpipeline\(", r"\bsampling_params\b|SamplingParams",
            r"\btop_p\b", r"\btemperature\b", r"\bmax_new_tokens\b|\bmax_gen_len\b", r"\bLLM\("))),
    "evaluation": (
        re.compile(r"(^|[/_-])(eval|evals|evaluate|evaluation|benchmark|benchmarks|bench|harness|metrics)([/_.-]|$)", re.I),
        tuple(re.compile(p) for p in (
            r"\blm_eval\b|lm-evaluation-harness", r"\bcompute_metrics\b", r"\baccuracy\b", r"\bexact_match\b",
            r"\bpass@k\b|\bpass_at_k\b", r"\bevaluate\.load\(", r"\bMMLU\b|\bGSM8K\b|\bHumanEval\b|\bHellaSwag\b",
            r"\bperplexity\b"))),
    "data_preprocessing": (
        re.compile(r"(^|[/_-])(preprocess|preprocessing|prepare_data|data_prep|dataprep|tokenize|tokenization|dedup|"
                   r"deduplicate|filter|filters|dolma|data_pipeline|build_dataset|make_dataset|datasets?)([/_.-]|$)", re.I),
        tuple(re.compile(p) for p in (
            r"\bload_dataset\(", r"\bdedup", r"\bminhash\b|MinHash", r"\.map\(.*token", r"\bfasttext\b",
            r"\bquality_filter|\blanguage_id|\blangdetect\b", r"\.to_parquet\(|\.jsonl(\.gz|\.zst)?\b",
            r"\bshard(s|ing)?\b.*\btoken"))),
    "architecture": (
        re.compile(r"(^|/)(modeling_[\w]+|model|models|modeling|architecture|transformer|layers)(\.py|/)", re.I),
        tuple(re.compile(p) for p in (
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


def is_code(entry: FileEntry) -> bool:
    """Code the release's authors wrote: copies of other projects (third_party/, vendor/...) are theirs."""
    return entry.suffix in CODE_SUFFIXES and not VENDORED.search(entry.rel)


def strongest_first(hits: list[CodeHit]) -> list[CodeHit]:
    """Evidence order: most signals first, then the shallowest path (scripts/train.py before a helper)."""
    return sorted(hits, key=lambda h: (-h.score, h.path.count("/"), h.path))


def classify(entry: FileEntry) -> list[CodeHit]:
    """Every kind of code this file is, each with the strongest line that shows it."""
    text = read_text(entry, READ_LIMIT) if entry.size <= 4 * READ_LIMIT or entry.suffix != ".ipynb" else None
    text = text or ""
    lines = text.splitlines()
    hits = []
    for kind, (path_rx, content_rxs) in KINDS.items():
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

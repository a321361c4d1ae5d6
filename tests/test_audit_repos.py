"""`trueopen audit` on code repositories shaped like the ones people audit: EleutherAI/pythia (a
training framework as a git submodule, evaluation result files, plot PDFs, weights linked on the
Hub), allenai/OLMo (its paper linked by a README badge, tokenizer and test files) and
meta-llama/llama (a card that opens with "Model Details"). Each is a real git repository made with
`git init` and audited with the real CLI, as a folder and as a clone; plus the hostile text cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import license_body, run_cli
from tests.hostile import audit_text

OFFLINE = {"HF_HUB_OFFLINE": "1"}


def git(*args: str, cwd: Path) -> str:
    cmd = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main",
           "-c", "commit.gpgsign=false", *args]
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def commit_all(repo: Path, gitlinks: dict[str, str] | None = None) -> None:
    """`git init`, add everything, record submodules as gitlinks (as `git submodule add` does), commit."""
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    for path, sha in (gitlinks or {}).items():
        git("update-index", "--add", "--cacheinfo", f"160000,{sha},{path}", cwd=repo)
    git("commit", "-q", "-m", "initial", cwd=repo)


def clone(repo: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", "--", str(repo), str(target)], check=True, capture_output=True)
    return target


def audit_json(source: str) -> dict:
    r = run_cli("audit", source, "--format", "json", env=OFFLINE)
    assert r.code in (0, 1), r.err
    assert "Traceback" not in r.err
    return r.json()


def component(doc: dict, name: str) -> dict:
    return next(c for c in doc["components"] if c["name"] == name)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF: PDF 1.4 objects and their cross-reference table, laid out by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ---- a repository shaped like EleutherAI/pythia ------------------------------------------------

GITMODULES = """[submodule "utils/gpt-neox"]
\tpath = utils/gpt-neox
\turl = https://github.com/EleutherAI/gpt-neox.git
\tbranch = inspect_idxmap
[submodule "third_party/googletest"]
\tpath = third_party/googletest
\turl = https://github.com/google/googletest.git
"""
PAPER = "https://arxiv.org/abs/2304.01373"
OTHER_PAPER = "https://arxiv.org/abs/2402.00838"
LINKED = ["EleutherAI/pythia-70m", "EleutherAI/pythia-70m-deduped", "EleutherAI/pythia-160m"]
PYTHIA_README = f"""# Pythia: Interpreting Transformers Across Time and Scale

This repository gathers EleutherAI's Pythia suite, which joins interpretability work and scaling laws to study how knowledge grows during the training of autoregressive transformers; for the models, their training and their properties, see our paper [Pythia: A Suite for Analyzing Large Language Models]({PAPER}).

Other open suites came later, such as AI2's [OLMo]({OTHER_PAPER}).

## Models

| Params | Models |
| --- | --- |
| 70M | [Standard](https://huggingface.co/{LINKED[0]}), [Deduped](https://huggingface.co/{LINKED[1]}) |
| 160M | [Standard](https://huggingface.co/{LINKED[2]}) |

All of them are on [the Hub](https://huggingface.co/EleutherAI); see https://huggingface.co/docs/hub
for how branches hold checkpoints. The tokenized data is at
https://huggingface.co/datasets/EleutherAI/pythia_deduped_pile_idxmaps

## Reproducing training

Training ran on the gpt-neox library, pinned here as the submodule utils/gpt-neox.
"""


def lm_eval_result(model: str, step: int, task: str) -> str:
    """A result file in the layout lm-evaluation-harness writes (numbers made up for the test)."""
    return json.dumps({"results": {task: {"acc": 0.25 + step / 1e6, "acc_stderr": 0.01}},
                       "versions": {task: 0},
                       "config": {"model": "gpt2", "model_args": f"pretrained=EleutherAI/{model},revision=step{step}",
                                  "num_fewshot": 0, "batch_size": 16}}, indent=2)


@pytest.fixture
def pythia_repo(tmp_path: Path, scancode_licenses: Path) -> tuple[Path, list[str]]:
    repo = tmp_path / "pythia"
    write(repo, "LICENSE", license_body(scancode_licenses / "apache-2.0.LICENSE"))
    write(repo, "README.md", PYTHIA_README)
    write(repo, ".gitmodules", GITMODULES)
    results = []
    for model in ("pythia-70m", "pythia-160m"):
        for step in (1000, 143000):
            rel = f"evals/pythia-v1/{model}/zero-shot/{model}_step{step}.json"
            write(repo, rel, lm_eval_result(model, step, "lambada_openai"))
            results.append(rel)
    write(repo, "evals/pythia-v1/summary.csv", "model,step,lambada_acc\npythia-70m,143000,0.38\n")
    results.append("evals/pythia-v1/summary.csv")
    write(repo, "evals/bias-evals/winobias/winobias_plots/winobias_scale_final.pdf", pdf_bytes("winobias by scale"))
    write(repo, "case-studies/crowspair_plots/crows_pairs_gender.pdf", pdf_bytes("crows pairs"))
    write(repo, "case-studies/figures/lambada_vstack.pdf", pdf_bytes("lambada"))
    commit_all(repo, {"utils/gpt-neox": "1" * 40, "third_party/googletest": "2" * 40})
    return repo, results


def check_pythia(doc: dict, results: list[str]) -> None:
    assert doc["name"] == "pythia"
    # the submodule is the training code, declared here and not shipped
    training = component(doc, "Training code")
    assert training["released"] and training["location"] == "https://github.com/EleutherAI/gpt-neox.git"
    [ev] = [e for e in training["evidence"] if e["path"] == ".gitmodules"]
    assert ev["line"] == line_of(GITMODULES, "gpt-neox.git")
    assert "training code: gpt-neox, a git submodule; declared, not shipped" in ev["detail"]
    assert not any("googletest" in e["detail"] for c in doc["components"] for e in c["evidence"])
    note = next(c for c in doc["release"]["components"] if c["name"] == "Training code")["note"]
    assert note.startswith("declared as a git submodule")
    # the result files are the evaluation results
    ev_results = component(doc, "Evaluation results")
    assert ev_results["released"] and ev_results["location"] == "evals/"
    assert f"{len(results)} result file(s)" in ev_results["evidence"][0]["detail"]
    assert ev_results["evidence"][0]["path"] in results
    # plot PDFs are not a report; the paper is the one the README calls ours
    assert not component(doc, "Technical report")["released"]
    paper = component(doc, "Research paper")
    assert paper["location"] == PAPER and paper["evidence"][0]["line"] == line_of(PYTHIA_README, PAPER)
    assert PYTHIA_README.splitlines()[paper["evidence"][0]["line"] - 1].find("our paper") > 200  # a long line
    docs = {d["url"] for d in doc["release"]["documentation"]}
    assert PAPER in docs and OTHER_PAPER not in docs
    # the weights are linked on the Hub, not shipped
    weights = component(doc, "Model parameters (Final)")
    assert weights["released"] and weights["location"] == f"https://huggingface.co/{LINKED[0]}"
    assert [e["line"] for e in weights["evidence"]] == [line_of(PYTHIA_README, LINKED[0])] * 2 + \
        [line_of(PYTHIA_README, LINKED[2])]
    assert all(e["path"] == "README.md" and e["detail"].endswith("weights linked, not shipped") for e in weights["evidence"])
    assert doc["facts"]["weights_linked"]["value"] == [f"https://huggingface.co/{r}" for r in LINKED]
    assert doc["weight_files"] == [] and doc["weights"]["parameters"] is None
    assert any("linked, not shipped" in n["message"] for n in doc["notices"])
    # the repository's LICENSE covers its own files; the linked weights' license was not read
    assert weights["license"] is None and "weights_license" not in doc["facts"]
    assert training["license"] == component(doc, "Model card")["license"] == "Apache-2.0"
    assert doc["verdict"]["level"] == "unknown"


def test_pythia_repository_folder_and_clone(pythia_repo, tmp_path: Path):
    repo, results = pythia_repo
    doc = audit_json(str(repo))
    assert doc["source"]["kind"] == "git"
    check_pythia(doc, results)
    cloned = clone(repo, tmp_path / "clones" / "pythia")
    assert (cloned / "utils" / "gpt-neox").is_dir() and not any((cloned / "utils" / "gpt-neox").iterdir())
    check_pythia(audit_json(str(cloned)), results)
    check_pythia(audit_json(repo.as_uri()), results)  # the CLI's own shallow clone


def test_linked_weights_take_the_license_the_card_declares(tmp_path: Path):
    repo = write(tmp_path / "tiny", "README.md", "---\nlicense: apache-2.0\n---\n# Tiny\n\n"
                 "Weights: https://huggingface.co/example/tiny-1b (fine-tuned from https://huggingface.co/example/base-7b)\n"
                 "Base model: https://huggingface.co/example/base-7b\n").parent
    doc = audit_json(str(repo))
    weights = component(doc, "Model parameters (Final)")
    assert weights["license"] == "Apache-2.0" and weights["location"] == "https://huggingface.co/example/tiny-1b"
    assert doc["facts"]["weights_linked"]["value"] == ["https://huggingface.co/example/tiny-1b"]


def test_checked_out_submodule_is_shipped_code(tmp_path: Path):
    repo = tmp_path / "suite"
    write(repo, ".gitmodules", '[submodule "neox"]\n\tpath = training/neox\n\turl = git@github.com:EleutherAI/gpt-neox\n')
    write(repo, "training/neox/README.md", "# GPT-NeoX\n")
    doc = audit_json(str(repo))
    [ev] = component(doc, "Training code")["evidence"]
    assert "checked out at training/neox" in ev["detail"] and "declared" not in ev["detail"]


def test_submodule_urls_never_show_credentials(tmp_path: Path):
    repo = tmp_path / "private"
    write(repo, ".gitmodules", '[submodule "t"]\n\tpath = t\n\turl = https://someone:s3cr3t-token@example.org/org/megatron-lm.git\n')
    r = run_cli("audit", str(repo), "--format", "json", env=OFFLINE)
    assert "s3cr3t" not in r.out and "s3cr3t" not in r.err
    assert component(r.json(), "Training code")["location"] == "https://example.org/org/megatron-lm.git"


def test_reports_and_papers_are_told_from_plots_by_name_and_folder(tmp_path: Path):
    repo = tmp_path / "suite"
    for rel in ("DeepSeek_V3.pdf", "docs/2304.01373.pdf", "paper/figures/fig1.pdf", "analysis/loss_plot.pdf",
                "assets/architecture.pdf", "Responsible-Use-Guide.pdf", "notebooks/scratch.pdf"):
        write(repo, rel, pdf_bytes(rel))
    doc = audit_json(str(repo))
    assert [e["path"] for e in component(doc, "Technical report")["evidence"]] == ["DeepSeek_V3.pdf"]
    assert [e["path"] for e in component(doc, "Research paper")["evidence"]] == ["docs/2304.01373.pdf"]


# ---- a repository shaped like allenai/OLMo -----------------------------------------------------

OLMO_PAPER = "2501.00656"
OLMO_README = f"""<div align="center">
  <h1>OLMo: Open Language Model</h1>
</div>
<p align="center">
  <a href="https://github.com/allenai/OLMo/blob/main/LICENSE">
    <img alt="GitHub License" src="https://img.shields.io/github/license/allenai/OLMo">
  </a>
  <a href="https://arxiv.org/pdf/{OLMO_PAPER}.pdf">
    <img alt="Paper URL" src="https://img.shields.io/badge/arxiv-{OLMO_PAPER}-blue">
  </a>
</p>

OLMo is a repository for training and using open language models.

## Pretraining

Stage one trains on [a web mix](https://huggingface.co/datasets/allenai/olmo-mix-1124), as the
method of [a related study](https://arxiv.org/abs/2306.01116) suggests.
"""
TOKENIZER = '''"""Wraps a tokenizers.Tokenizer and reads its settings from .json or .jsonl files."""
from tokenizers import Tokenizer as BaseTokenizer


class Tokenizer:
    def encode_batch(self, texts):
        return list(texts.map(lambda t: self.base.encode(t).ids))  # token ids
'''
TOKENIZATION_HF = '''from transformers import PreTrainedTokenizerFast


class OLMoTokenizerFast(PreTrainedTokenizerFast):
    pass
'''
DATASET_TEST = '''from datasets import load_dataset


def test_memmap_dataset(tmp_path):
    ds = load_dataset("json", data_files=str(tmp_path / "x.jsonl"))
    assert len(ds) == 0
'''
EVAL_TEST = '''def test_downstream_accuracy():
    accuracy = 0.5
    assert accuracy >= 0
'''
PREPARE = '''"""Tokenize a corpus into memory-mapped arrays."""
from datasets import load_dataset


def main(name):
    ds = load_dataset(name, split="train")
    ds.to_parquet("out.parquet")
'''
TRAIN = '''import torch


def train(model, loader, optimizer):
    for batch in loader:
        loss = model(batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
'''


@pytest.fixture
def olmo_repo(tmp_path: Path, scancode_licenses: Path) -> Path:
    repo = tmp_path / "OLMo"
    write(repo, "LICENSE", license_body(scancode_licenses / "apache-2.0.LICENSE"))
    write(repo, "README.md", OLMO_README)
    write(repo, "olmo/tokenizer.py", TOKENIZER)
    write(repo, "hf_olmo/tokenization_olmo_fast.py", TOKENIZATION_HF)
    write(repo, "tests/data/memmap_dataset_test.py", DATASET_TEST)
    write(repo, "tests/eval/downstream_test.py", EVAL_TEST)
    write(repo, "scripts/prepare_memmap_dataset.py", PREPARE)
    write(repo, "olmo/train.py", TRAIN)
    commit_all(repo)
    return repo


def check_olmo(doc: dict) -> None:
    assert doc["name"] == "OLMo"
    prep = component(doc, "Data preprocessing code")
    assert {e["path"] for e in prep["evidence"]} == {"scripts/prepare_memmap_dataset.py"}
    assert "olmo/train.py" in {e["path"] for e in component(doc, "Training code")["evidence"]}
    code_paths = {h["path"] for h in doc["code"]}
    assert not {p for p in code_paths if p.startswith("tests/") or "tokeni" in p}, code_paths
    url = f"https://arxiv.org/abs/{OLMO_PAPER}"
    paper = component(doc, "Research paper")
    assert paper["location"] == url
    assert paper["evidence"][0] == {"path": "README.md", "line": line_of(OLMO_README, OLMO_PAPER), "detail": f"links {url}"}
    assert {"kind": "preprint", "url": url} in [{k: d[k] for k in ("kind", "url")} for d in doc["release"]["documentation"]]
    assert "https://arxiv.org/abs/2306.01116" not in {d["url"] for d in doc["release"]["documentation"]}


def test_olmo_repository_folder_and_clone(olmo_repo: Path, tmp_path: Path):
    check_olmo(audit_json(str(olmo_repo)))
    check_olmo(audit_json(str(clone(olmo_repo, tmp_path / "clones" / "OLMo"))))


# ---- a repository shaped like meta-llama/llama -------------------------------------------------

LLAMA_CARD = """# **Model Details**

Meta made the Llama 2 family of language models, from 7 to 70 billion parameters.

# **Intended Use** #

Research and commercial use in English.

# **Training Data**

Public web data.

# **Evaluation Results**

| Model | MMLU |
| --- | --- |
| Llama 2 7B | 45.3 |

# **Ethical Considerations and Limitations** ##

Testing covered English only.
"""


@pytest.fixture
def llama_repo(tmp_path: Path, scancode_licenses: Path) -> Path:
    repo = tmp_path / "llama"
    write(repo, "LICENSE", license_body(scancode_licenses / "llama-2-license-2023.LICENSE"))
    write(repo, "MODEL_CARD.md", LLAMA_CARD)
    write(repo, "README.md", "# Llama 2\n\nWeights are also on [Hugging Face](https://huggingface.co/meta-llama).\n")
    write(repo, "Responsible-Use-Guide.pdf", pdf_bytes("Responsible use guide"))
    write(repo, "llama/generation.py", "def chat(model, temperature=0.6, top_p=0.9):\n    return model.generate()\n")
    commit_all(repo)
    return repo


def check_llama(doc: dict) -> None:
    assert doc["name"] == "llama" and doc["id"] == "llama"
    sections = doc["card"]["sections"]
    assert sections["intended_use"]["present"] and sections["limitations"]["present"]  # closing hashes stripped
    assert not component(doc, "Technical report")["released"]  # a guide is not a report
    assert "weights_linked" not in doc["facts"]  # an organisation's page is not a model repository
    assert not component(doc, "Model parameters (Final)")["released"]


def test_llama_repository_named_by_folder_not_heading(llama_repo: Path, tmp_path: Path):
    check_llama(audit_json(str(llama_repo)))
    check_llama(audit_json(str(clone(llama_repo, tmp_path / "clones" / "llama"))))


def test_release_name_from_card_fields_then_folder(tmp_path: Path):
    named = write(tmp_path / "a" / "model", "README.md", "---\nmodel_name: Llama 2 7B Chat\n---\n# Model Details\n").parent
    assert audit_json(str(named))["name"] == "Llama 2 7B Chat"
    indexed = write(tmp_path / "b" / "ft", "README.md",
                    "---\nmodel-index:\n- name: my-finetune-7b\n  results: []\n---\n# Model Details\n").parent
    assert audit_json(str(indexed))["name"] == "my-finetune-7b"
    generic = write(tmp_path / "c" / "model", "README.md", "# Model Details\n\nText.\n").parent
    assert audit_json(str(generic))["name"] == "model"
    titled = write(tmp_path / "d" / "model", "README.md", "# Tiny-LM 1B\n\n## Model Details\n").parent
    assert audit_json(str(titled))["name"] == "Tiny-LM 1B"


# ---- code that asks to be run ------------------------------------------------------------------

def test_auto_map_is_a_warning_and_nothing_is_imported(tmp_path: Path):
    model = tmp_path / "remote-code-model"
    marker = tmp_path / "imported"
    write(model, "config.json", json.dumps({"architectures": ["OLMoForCausalLM"], "auto_map": {
        "AutoConfig": "configuration_olmo.OLMoConfig", "AutoModelForCausalLM": "modeling_olmo.OLMoForCausalLM"}}))
    write(model, "tokenizer_config.json", json.dumps({"auto_map": {"AutoTokenizer": [
        "someone/other-repo--tokenization_olmo.OLMoTokenizer", None]}}))
    write(model, "modeling_olmo.py", f"import os\nos.mkdir({str(marker)!r})\n")
    r = run_cli("audit", str(model), "--format", "json", env=OFFLINE)
    assert r.code == 1 and not marker.exists()
    notices = {n["path"]: n for n in r.json()["notices"] if "run its own code" in n["message"]}
    cfg, tok = notices["config.json"], notices["tokenizer_config.json"]
    assert cfg["level"] == tok["level"] == "warning"
    assert "modeling_olmo.OLMoForCausalLM (here)" in cfg["message"]
    assert "configuration_olmo.OLMoConfig (file not here)" in cfg["message"]
    assert "tokenization_olmo.OLMoTokenizer (from another repository)" in tok["message"]
    plain = write(tmp_path / "plain", "config.json", json.dumps({"architectures": ["LlamaForCausalLM"]})).parent
    r = run_cli("audit", str(plain), "--format", "json", env=OFFLINE)
    assert not any("run its own code" in n["message"] for n in r.json()["notices"])


def test_trust_remote_code_flag_alone_is_reported(tmp_path: Path):
    model = write(tmp_path / "m", "config.json", json.dumps({"trust_remote_code": True})).parent
    r = run_cli("audit", str(model), "--format", "json", env=OFFLINE)
    [n] = [n for n in r.json()["notices"] if "run its own code" in n["message"]]
    assert "trust_remote_code is set" in n["message"] and r.code == 1


# ---- huge integers and hostile text ------------------------------------------------------------

def test_huge_integer_in_config_is_a_notice(tmp_path: Path):
    args = audit_text.config_huge_integer(tmp_path)
    r = run_cli(*args, "--format", "json", env=OFFLINE)
    assert r.code == 1 and "Traceback" not in r.err
    [n] = [n for n in r.json()["notices"] if n["path"] == "config.json"]
    assert n["level"] == "warning" and "malformed JSON" in n["message"] and "4,300 digits" in n["message"]


def test_model_index_with_yaml_dates_sets_and_binary_prints_as_json(tmp_path: Path):
    args = audit_text.card_model_index_odd_types(tmp_path)
    r = run_cli(*args, env=OFFLINE)
    assert r.code in (0, 1) and "Traceback" not in r.err
    [result] = r.json()["card"]["eval_results"]
    assert result["value"] == "2024-05-06" and result["task"] == "2024-01-01"
    assert isinstance(result["metric"], str) and isinstance(result["dataset"], str)  # binary and set, as text


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))


@pytest.mark.parametrize("case", audit_text.CASES, ids=lambda c: c.name)
def test_hostile_text_is_audited_in_bounded_time(case, tmp_path: Path):
    """Each input used to take minutes (a 60 KB card 339 s, a 256 KB train.py 47 s) or raise;
    now each ends within a generous bound, with one of the exit codes it is allowed. The bound is
    on the CPU time the audit used (backtracking is CPU), so a busy machine does not fail it; the
    wall-clock timeout only stops a hang."""
    import resource

    args = case.build(tmp_path)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "trueopen", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **OFFLINE}, preexec_fn=_limit_memory)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 20, f"{case.name} used {cpu:.1f} s of CPU"
    assert proc.returncode in case.exits, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 1, proc.stderr

"""The Index profile's readings of its own definitions: code documentation asks for the training
pipeline, data asks to be documented and made available, and a document about a tuned release's
base model alone covers one part of it."""

from __future__ import annotations

import pytest

from trueopen import components as C
from trueopen.catalog import loader
from trueopen.frameworks import osai_index
from trueopen.release import Release

SRC = {"s": {"url": "https://example.org", "as_of": "2026-11-28"}}
REPO = {"kind": "repository", "url": "https://github.com/example/x", "as_of": "2026-11-28"}


def make(code=(), *, docs=(), data=None, tuning=None, datasets=False, tuned=True) -> Release:
    comps = [{"name": n, "license": "Apache-2.0", "source": "s"} for n in code]
    if datasets:
        comps.append({"name": C.DATASETS, "license": "CC-BY-4.0", "source": "s"})
    r = {"id": "x", "name": "X", "producer": "p", "components": comps, "sources": SRC,
         "documentation": list(docs), "access": {"weights": "download", "source": "s"}}
    if tuned:
        r |= {"treatment": "chat fine-tuned", "base_model": {"id": "x-base", "source": "s"}}
    if data:
        r["training_data"] = {"disclosure": data, "source": "s"}
    if tuning:
        r["tuning_data"] = {"disclosure": tuning, "source": "s"}
    return Release.model_validate(r)


def grade(release: Release, param: str) -> str:
    return osai_index.assess(release)[param].grade


def test_code_documentation_counts_the_training_pipeline_not_inference_alone():
    assert grade(make([C.TRAINING_CODE], docs=[REPO]), "code") == "open"
    assert grade(make([C.PREPROCESSING_CODE]), "code") == "partial"
    inference_only = make([C.INFERENCE_CODE], docs=[REPO])
    assert grade(inference_only, "code") == "closed"
    assert "inference" in osai_index.assess(inference_only)["code"].reason
    # opencode keeps its partial for inference code: closing it was measured and agreed less often
    assert grade(inference_only, "opencode") == "partial"


@pytest.mark.parametrize(("disclosure", "released", "expected"), [
    ("full", True, "open"), ("full", False, "partial"), ("partial", True, "partial"),
    ("partial", False, "closed"), ("none", False, "closed")])
def test_data_must_be_documented_and_made_available(disclosure, released, expected):
    r = make(data=disclosure, tuning=disclosure, datasets=released)
    assert grade(r, "llmdata") == expected and grade(r, "rldata") == expected


def doc(kind, url, **extra):
    return {"kind": kind, "url": url, "as_of": "2026-11-28", **extra}


def test_a_document_about_the_base_model_only_is_partial_for_a_tuned_release():
    base_docs = [doc("preprint", "https://arxiv.org/abs/1", covers="base model"),
                 doc("research-paper", "https://example.org/p", peer_reviewed=True, covers="base model"),
                 doc("datasheet", "https://arxiv.org/abs/2", covers="base model")]
    tuned = make(docs=base_docs, data="full", datasets=True)
    assert {p: grade(tuned, p) for p in ("preprint", "paper", "datasheet")} == {
        "preprint": "partial", "paper": "partial", "datasheet": "partial"}
    assert "base model" in osai_index.assess(tuned)["paper"].reason
    # the release's own paper beside the base's is open
    own = make(docs=[*base_docs, doc("preprint", "https://arxiv.org/abs/3")], data="full", datasets=True)
    assert grade(own, "preprint") == "open"
    # for a release that is not tuned, a document marked so is still about the model graded
    assert grade(make(docs=base_docs, data="full", datasets=True, tuned=False), "paper") == "open"


def test_pythia_chat_reads_its_base_models_paper_and_datasheet_as_one_part():
    """Together's chat model records Pythia's ICML paper, its preprint and the Pile's datasheet as
    documents about its base model: each covers pretraining, not the chat tuning."""
    r = loader.find("pythia-chat-base-7b")
    assert {d.kind for d in r.documentation if d.covers == "base model"} >= {"preprint", "research-paper", "datasheet"}
    grades = osai_index.assess(r)
    assert [grades[p].grade for p in ("preprint", "paper", "datasheet")] == ["partial"] * 3


def test_the_index_evidence_matches_our_source_inside_the_same_repository_or_after_a_move():
    """A row is decided by the rules when the Index cites a file, folder or owner of a repository the
    entry cites, or its old address; a sibling repository whose name merely starts the same is not it."""
    from trueopen.catalog.disagreements import _norm, _same_place

    moved = _norm("https://github.com/facebookresearch/llama/tree/main")
    assert _same_place(moved, _norm("https://github.com/meta-llama/llama"))
    hub = "https://huggingface.co/m/Kimi-K2.5"
    assert _same_place(_norm("https://github.com/LLM360"), _norm("https://github.com/LLM360/amber-train"))
    assert _same_place(_norm(hub + "/blob/main/LICENSE"), _norm(hub + "/"))
    assert not _same_place(_norm(hub), _norm(hub + "-Base"))
    recipes = _norm("https://github.com/facebookresearch/llama-recipes")
    assert not _same_place(recipes, _norm("https://github.com/meta-llama/llama"))


def test_a_document_the_index_did_not_find_is_decided_by_our_source():
    """The Index gives no evidence and grades a document lower than the entry that cites one: the
    entry's source decides, not the rules (Baichuan 2's arXiv report, which the Index says it found
    no preprint for)."""
    from trueopen import service
    from trueopen.catalog import disagreements

    a = service.assess_release(loader.find("baichuan2-13b"))
    row = next(r for r in disagreements.rows([a]) if r.difference.parameter == "preprint")
    assert not row.difference.their_evidence and row.our_source
    assert row.decided_by.startswith("our source") and row.our_source in row.decided_by
    # for training code the Index cites the repository the entry cites: the rules decide
    code = [r for r in disagreements.rows([a]) if r.difference.parameter == "opencode"]
    assert code and all(r.decided_by.startswith("the rules") for r in code)

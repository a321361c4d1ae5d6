"""Our Open Source AI Index profile against the Index's own grades, on the real catalog and snapshot.

The Index grades one end model per project (its `end_model`); the comparison only means something
when our catalog entry is that model, so these tests count and check exactly those releases.
"""

from __future__ import annotations

import json

import pytest

from trueopen import service
from trueopen.catalog import disagreements, loader, snapshots
from trueopen.catalog.loader import normalize
from trueopen.frameworks import osai_index

SNAPSHOT = loader.data_dir().parent / "imported" / "osai-index.json"
TARGET = 0.85


@pytest.fixture(scope="module")
def profiles() -> dict:
    """The Index's project files as committed, read straight from the JSON (not through our loader)."""
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))["profiles"]


@pytest.fixture(scope="module")
def listed():
    return [service.assess_release(r) for r in loader.load() if snapshots.OSAI_INDEX in r.listed_in]


def _hub_names(release) -> set[str]:
    urls = [c.location for c in release.components if c.location] + [d.url for d in release.documentation]
    return {normalize(u.split("huggingface.co/", 1)[1].split("/")[1])
            for u in urls if "huggingface.co/" in u and u.split("huggingface.co/", 1)[1].count("/") >= 1
            and not u.split("huggingface.co/", 1)[1].startswith(("datasets/", "spaces/", "collections/", "papers/"))}


def _is_end_model(release, profile) -> bool:
    names = {normalize(n) for n in (release.id, release.name, *release.aliases)} | _hub_names(release)
    return bool(profile.get("end_model")) and normalize(profile["end_model"]) in names


def test_at_least_30_index_projects_are_compared_at_their_own_end_model(listed, profiles):
    same = [a.release.id for a in listed if _is_end_model(a.release, profiles[a.release.listed_in["osai-index"]])]
    assert len(same) >= 30, same
    assert sorted(disagreements.agreement(listed).releases) == sorted(same)


def test_one_catalog_entry_per_index_project(listed):
    keys = [a.release.listed_in["osai-index"] for a in listed]
    assert len(keys) == len(set(keys)), "two entries claim the same Index file"


def test_every_end_model_the_index_names_is_found_by_that_name(listed, profiles):
    for a in listed:
        end = profiles[a.release.listed_in["osai-index"]]["end_model"]
        if _is_end_model(a.release, profiles[a.release.listed_in["osai-index"]]):
            assert loader.find(end).id == a.release.id, end


def test_end_models_keep_their_lineage_apart_from_their_base(listed, profiles):
    """An end model names its base; a base model in the catalog is not listed for the same Index file."""
    linked = 0
    for a in listed:
        r = a.release
        if not (r.base_model and _is_end_model(r, profiles[r.listed_in["osai-index"]])):
            continue
        base = loader.find_optional(r.base_model.id)
        if base is not None:
            linked += 1
            assert base.id != r.id and base.listed_in.get("osai-index") != r.listed_in["osai-index"], r.id
    assert linked >= 6, "end models point at their base entries in the catalog"


def _shared(listed, profiles):
    """(release, parameter, ours, theirs) for every grade both sides give an end model."""
    out = []
    for a in listed:
        prof = profiles[a.release.listed_in["osai-index"]]
        if _is_end_model(a.release, prof):
            out += [(a.release.id, p, a.osai_index[p].grade, g) for p, g in prof["grades"].items() if p in a.osai_index]
    return out


def test_the_agreement_figure_counts_the_shared_grades(listed, profiles):
    shared = _shared(listed, profiles)
    agree = disagreements.agreement(listed)
    assert agree.shared == len(shared) and agree.shared >= 30 * 12
    assert agree.agreeing == sum(ours == theirs for _, _, ours, theirs in shared)
    assert f"({agree.share:.0%})" in (loader.data_dir().parents[2] / "docs" / "disagreements.md").read_text()


def test_our_profile_agrees_with_the_index_on_85_percent_of_shared_grades(listed):
    assert disagreements.agreement(listed).share >= TARGET


def test_every_differing_grade_has_a_row_that_says_what_decides_it(listed, profiles):
    rows = disagreements.rows(listed)
    by_key = {(r.difference.release, r.difference.parameter): r for r in rows}
    differing = [(a.release.id, p) for a in listed
                 for p, g in profiles[a.release.listed_in["osai-index"]]["grades"].items()
                 if p in a.osai_index and a.osai_index[p].grade != g]
    assert sorted(differing) == sorted(by_key)
    kinds = ("the rules:", "our source", "the Index's evidence", "another end model:")
    for (rid, param), row in by_key.items():
        assert row.decided_by.startswith(kinds), (rid, param, row.decided_by)
        assert row.reading == disagreements.READINGS[param] and param in osai_index.PARAMETERS


def test_a_release_graded_at_another_end_model_says_so(profiles):
    """A base model listed under its family's Index file is compared, but every row names the other model."""
    base = next(r for r in loader.load() if r.id == "llama-2-7b")
    moved = base.model_copy(update={"listed_in": {**base.listed_in, "osai-index": "llama-2-chat"}})
    a = service.assess_release(moved)
    rows = disagreements.rows([a])
    assert rows and not disagreements.same_end_model(moved)
    assert all(r.decided_by.startswith("another end model") and "Llama-2-70B-Chat" in r.decided_by for r in rows)
    assert disagreements.agreement([a]).shared == 0


@pytest.mark.parametrize("typed, expected", [
    ("Llama 2 Chat", "llama-2-70b-chat"), ("OLMo 7B Instruct", "olmo-7b-instruct"),
    ("Mixtral 8x7B Instruct", "mixtral-8x7b-instruct"), ("Gemma 7B Instruct", "gemma-7b-it"),
    ("BLOOMZ", "bloomz-p3"), ("Meta-Llama-3-70B-Instruct", "llama-3-70b-instruct"),
])
def test_show_finds_the_chat_and_instruct_models_by_the_names_people_type(cli, typed, expected):
    res = cli("show", typed, "--format", "json")
    assert res.code == 0, res.err
    shown = res.json()
    assert shown["id"] == expected
    base = next(r for r in loader.load() if r.id == expected).base_model
    assert base is not None and base.id != expected


def test_license_is_closed_when_the_weights_are_not_under_an_open_license():
    """Index `licenses`: the project fully under OSI-approved licenses. Open code beside weights under
    other terms does not make the project partly covered."""
    from trueopen.licenses import terms

    checked = 0
    for r in loader.load():
        weights = r.effective_license("Model parameters (Final)")
        if weights and terms.grants_freedoms(weights) is False:
            checked += 1
            assert osai_index.assess(r)["license"].grade == "closed", (r.id, weights)
    assert checked >= 20


def test_base_weights_grade_the_base_model_when_only_the_tuned_model_was_released():
    """Index `weights_basemodel`: a tuned release whose base was never published is closed there,
    while `rlweights` still grades the tuned model's own weights."""
    llama33 = loader.find("llama-3.3-70b")
    assert llama33.base_model is not None and llama33.base_model.weights == "none"
    grades = osai_index.assess(llama33)
    assert grades["llmweights"].grade == "closed"
    assert grades["rlweights"].grade == "partial"  # the Instruct weights themselves: gated
    unknown_base = llama33.model_copy(update={"base_model": llama33.base_model.model_copy(update={"weights": None})})
    assert osai_index.assess(unknown_base)["llmweights"].grade == "partial"  # its own gated weights
    for r in loader.load():  # a base model with no tuned release keeps grading its own weights
        if not osai_index._is_tuned(r):
            g = osai_index.assess(r)
            assert g["llmweights"] == osai_index._weights(r)


def test_a_base_never_published_closes_base_weights_while_the_tuned_weights_keep_their_grade():
    """Every tuned release whose recorded base was never released (Llama 3.3, Grok 2, Qwen3.5, Kimi K2.5...)
    grades `llmweights` closed and names that base, and `rlweights` still grades its own weights."""
    closed = []
    for r in loader.load():
        if osai_index._is_tuned(r) and r.base_model is not None and r.base_model.weights == "none":
            g = osai_index.assess(r)
            assert g["llmweights"].grade == "closed" and r.base_model.id in g["llmweights"].reason, r.id
            assert g["rlweights"] == osai_index._weights(r), r.id
            closed.append(r.id)
    assert {"llama-3.3-70b", "qwen3.5-397b-a17b", "kimi-k2.5"} <= set(closed), closed


def test_the_architecture_grade_follows_the_recorded_training_hardware_across_the_catalog():
    """Index `hardware_architecture` ("Is the hardware architecture used for datasource processing and model
    training comprehensively documented?"): every release's grade is its training-hardware fact, with the
    fact's summary and source in the reason, and closed with "not recorded" when there is none."""
    grade_of = {"comprehensive": "open", "partial": "partial", "none": "closed"}
    seen = {"open": 0, "partial": 0, "closed": 0, "not recorded": 0}
    for r in loader.load():
        g = osai_index.assess(r)["architecture"]
        hw = r.training_hardware
        if hw is None:
            assert (g.grade, g.reason) == ("closed", "training hardware not recorded"), r.id
            seen["not recorded"] += 1
            continue
        assert g.grade == grade_of[hw.documented], r.id
        assert hw.summary in g.reason and r.sources[hw.source].url in g.reason, r.id
        seen[g.grade] += 1
    assert min(seen.values()) >= 3, seen  # each outcome occurs in the real catalog


def test_the_architecture_grade_no_longer_reads_how_the_model_architecture_is_described():
    """Llama 2's paper describes the model architecture and the training hardware; without the hardware
    fact the grade is closed whatever the documents, and a 'partial' fact makes it partial."""
    r = loader.find("llama-2-70b-chat")
    assert r.docs("preprint") and r.training_hardware.documented == "comprehensive"
    assert osai_index.assess(r)["architecture"].grade == "open"
    assert osai_index.assess(r.model_copy(update={"training_hardware": None}))["architecture"].grade == "closed"
    named = r.training_hardware.model_copy(update={"documented": "partial"})
    assert osai_index.assess(r.model_copy(update={"training_hardware": named}))["architecture"].grade == "partial"


def test_most_compared_end_models_carry_a_dated_training_hardware_fact(listed, profiles):
    same = [a.release for a in listed if _is_end_model(a.release, profiles[a.release.listed_in["osai-index"]])]
    recorded = [r.id for r in same if r.training_hardware is not None]
    assert len(recorded) >= 20, recorded


def test_a_training_hardware_fact_with_an_unknown_level_is_a_one_line_error_naming_the_file(tmp_path, cli):
    import yaml

    entry = yaml.safe_load((loader.data_dir() / "bert.yaml").read_text())
    entry["training_hardware"]["documented"] = "lots"
    p = tmp_path / "bert.yaml"
    p.write_text(yaml.safe_dump(entry))
    res = cli("validate", str(p))
    assert res.code == 2 and "Traceback" not in res.err, res.err
    assert str(p) in res.err + res.out and "training_hardware" in res.err + res.out


def test_the_output_names_the_architecture_grade_as_the_training_hardware(cli):
    """Terminal and Markdown say what the Index's `architecture` grades; JSON keeps the stable key."""
    md = cli("show", "llama-2-70b-chat", "--format", "md")
    assert md.code == 0, md.err
    row = next(line for line in md.out.splitlines() if line.startswith("| architecture (training hardware) |"))
    assert "| open |" in row and "Research SuperCluster" in row
    term = cli("show", "gpt-4")
    flat = " ".join(term.out.split())
    assert "architecture (training hardware) closed" in flat and "hardware or training compute" in flat
    shown = cli("show", "gpt-4", "--format", "json").json()
    assert shown["osai_index"]["architecture"]["class"] == "closed"

"""The bundled catalog through the real command line, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import yaml

CATALOG = Path(__file__).parents[1] / "trueopen" / "catalog" / "data"


def test_llama_2_is_restricted_weights_and_says_why(cli):
    res = cli("show", "llama-2-7b", "--format", "json")
    assert res.code == 0, res.err
    a = res.json()
    assert a["verdict"]["level"] == "restricted-weights"
    reasons = " ".join(a["verdict"]["reasons"])
    assert "not OSI-approved" in reasons and "700M monthly users" in reasons
    assert "acceptable-use policy" in reasons and "Training, data-processing and evaluation code are not released" in reasons
    assert "the training data is not disclosed" in reasons
    unmet = {c["id"] for c in a["osaid"]["unmet"]}
    assert {"L-USE", "L-MOD", "P-TERMS", "C-TRAIN", "D-DESC", "L-PERM"} <= unmet
    assert a["osaid"]["conformant"] is False


def test_olmo_2_is_open_source_with_its_mof_class(cli):
    a = cli("show", "olmo-2-7b", "--format", "json").json()
    assert a["verdict"]["level"] == "open-source"
    assert a["osaid"]["conformant"] is True and a["osaid"]["unmet"] == []
    assert set(a["mof"]) >= {"class", "progress"}
    assert set(a["mof"]["progress"]) == {"class_1", "class_2", "class_3"}
    res = cli("show", "olmo-2-7b")
    assert "OPEN-SOURCE" in res.out and "Model Openness Framework:" in res.out


def test_gpt_4o_is_closed(cli):
    a = cli("show", "gpt-4o", "--format", "json").json()
    assert a["verdict"]["level"] == "closed"
    assert a["dimensions"]["cost"]["rating"] == "medium" and "2.5" in a["dimensions"]["cost"]["facts"][0]


def test_stable_json_keys(cli):
    a = cli("show", "mistral-7b", "--format", "json").json()
    assert set(a) >= {"verdict", "mof", "osaid", "osai_index", "dimensions"}
    assert set(a["verdict"]) == {"level", "reasons"}
    assert a["mof"]["class"] in (1, 2, 3, None)
    assert set(a["osaid"]) >= {"conformant", "unmet"}
    assert list(a["osai_index"]) == ["opencode", "llmdata", "llmweights", "rldata", "rlweights", "license",
                                     "code", "architecture", "preprint", "paper", "modelcard", "datasheet",
                                     "package", "api"]
    assert all(set(v) == {"class", "reason"} and v["class"] in ("open", "partial", "closed")
               for v in a["osai_index"].values())
    assert set(a["dimensions"]) == {"openness", "accessibility", "transparency", "customizability",
                                    "innovation", "cost", "legal"}
    assert all(set(v) == {"rating", "facts"} and v["facts"] for v in a["dimensions"].values())


def test_every_verdict_level_is_exercised_by_the_starter_catalog(cli):
    rows = cli("list", "--format", "json").json()
    assert len(rows) >= 14
    assert {r["verdict"] for r in rows} >= {"open-source", "open-weights", "restricted-weights", "closed"}


def test_lookup_ignores_case_and_punctuation_and_suggests(cli):
    assert cli("show", "LLAMA 2 7b", "--format", "json").json()["id"] == "llama-2-7b"
    assert cli("show", "Qwen2_5-7B", "--format", "json").json()["id"] == "qwen2.5-7b"
    res = cli("show", "llama-2-8b")
    assert res.code == 2 and "Traceback" not in res.err
    assert "did you mean" in res.err.lower() and "llama-2-7b" in res.err


def test_list_filters_and_sorting(cli):
    openai = cli("list", "--producer", "openai", "--sort", "date", "--format", "json").json()
    ids = [r["id"] for r in openai]
    assert ids.index("gpt-2") < ids.index("gpt-4o") and {r["producer"] for r in openai} == {"OpenAI"}
    assert [r["released"] for r in openai] == sorted(r["released"] for r in openai)
    closed = cli("list", "--verdict", "closed", "--format", "json").json()
    assert {"gpt-4o", "claude-haiku-4.5", "pangu-3.0"} <= {r["id"] for r in closed}
    assert all(r["access"] not in ("download", "gated") for r in closed)
    class_1 = cli("list", "--mof-class", "1", "--format", "json").json()
    assert all(r["mof_class"] == 1 for r in class_1) and "pythia-6.9b" in {r["id"] for r in class_1}
    apache = cli("list", "--license", "apache-2.0", "--format", "json").json()
    assert "mistral-7b" in {r["id"] for r in apache} and "llama-2-7b" not in {r["id"] for r in apache}
    md = cli("list", "--verdict", "open-source", "--format", "md")
    assert md.out.startswith("| id |") and "olmo-2-7b" in md.out
    assert cli("list", "--verdict", "opensource").code == 2


def test_markdown_and_evidence(cli):
    res = cli("show", "gemma-2-9b", "--format", "md", "--evidence")
    assert res.code == 0
    assert "## Verdict: `restricted-weights`" in res.out and "## Sources" in res.out
    assert "https://ai.google.dev/gemma/docs/core/model_card_2" in res.out


def test_validate_bundled_catalog_is_clean(cli):
    res = cli("validate")
    assert res.code == 0, res.out + res.err


def test_validate_reports_missing_source_and_future_dates(tmp_path, cli):
    entry = yaml.safe_load((CATALOG / "mistral-7b.yaml").read_text())
    broken = dict(entry)
    broken["released"] = {"date": "2023-09-27", "source": "nowhere"}
    p = tmp_path / "mistral-7b.yaml"
    p.write_text(yaml.safe_dump(broken))
    res = cli("validate", str(p))
    assert res.code == 2 and "nowhere" in res.err and str(p) in res.err

    future = dict(entry)
    future["released"] = {"date": "2999-01-01", "source": "blog"}
    p.write_text(yaml.safe_dump(future))
    res = cli("validate", str(p), "--format", "json")
    assert res.code == 1
    assert any("future" in f for f in res.json()[0]["findings"])

    unknown = dict(entry)
    unknown["components"] = [{"name": "Model parameters (Final)", "license": "Made-Up-1.0", "source": "hf"}]
    p.write_text(yaml.safe_dump(unknown))
    res = cli("validate", str(p), "--format", "json")
    assert res.code == 1 and "Made-Up-1.0" in res.json()[0]["findings"][0]


def test_usage_errors_exit_2(cli):
    assert cli("show").code == 2
    assert cli("show", "gpt-2", "--format", "xml").code == 2
    assert cli("frobnicate").code == 2
    assert cli("--version").out.startswith("trueopen ")

"""Names people use: every id and name finds its own release, families show the family, two
entries never answer to one name, and suggestions follow the words the user typed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trueopen.catalog import loader, names
from trueopen.errors import NotFound


def test_every_id_name_and_alias_finds_its_own_release():
    catalog = loader.load()
    for r in catalog:
        assert loader.find(r.id, catalog).id == r.id
        for other in (r.name, *r.aliases):
            assert loader.find(other, catalog).id == r.id, f"'{other}' should find {r.id}"


def test_command_r_and_command_r_plus_are_two_models(cli):
    assert cli("show", "command-r", "-f", "json").json()["id"] == "command-r"
    assert cli("show", "Command R+", "-f", "json").json()["id"] == "command-r-plus"


def _entry(tmp: Path, rid: str, name: str, aliases: list[str]) -> Path:
    src = yaml.safe_load((loader.data_dir() / "bert.yaml").read_text(encoding="utf-8"))
    src.update(id=rid, name=name, aliases=aliases, listed_in={})
    path = tmp / f"{rid}.yaml"
    path.write_text(yaml.safe_dump(src, sort_keys=False), encoding="utf-8")
    return path


def test_a_catalog_with_two_entries_sharing_a_name_does_not_load(tmp_path):
    _entry(tmp_path, "model-a", "Model A", ["Shared Name"])
    _entry(tmp_path, "model-b", "Model B", ["shared-name"])
    with pytest.raises(Exception) as exc:
        loader.read_dir(tmp_path)
    assert "shared-name" in str(exc.value) and "model-a" in str(exc.value)


def test_validate_fails_on_a_name_another_entry_answers_to(cli, tmp_path):
    a = _entry(tmp_path, "model-a", "Model A", ["Shared Name"])
    b = _entry(tmp_path, "model-b", "Model B", ["shared-name"])
    r = cli("validate", str(a), str(b), "--format", "json")
    assert r.code == 1
    findings = {Path(x["path"]).name: x["findings"] for x in r.json()}
    assert any("also used by 'model-a'" in f for f in findings["model-b.yaml"])
    # a new entry whose alias is an existing model's name clashes with the bundled catalog too
    c = _entry(tmp_path, "model-c", "Model C", ["Llama 2 7B"])
    r = cli("validate", str(c), "--format", "json")
    assert r.code == 1 and any("also used by 'llama-2-7b'" in f for f in r.json()[0]["findings"])


@pytest.mark.parametrize("query, family", [("llama-2", "Llama 2"), ("qwen", "Qwen"), ("ernie", "ERNIE"),
                                           ("olmo", "OLMo"), ("llama", "Llama 3.1")])
def test_a_family_name_shows_the_family_with_the_verdicts_list_shows(cli, query, family):
    r = cli("show", query, "-f", "json")
    assert r.code == 0, r.err
    view = r.json()
    assert family in view["families"]
    catalog = {a["id"]: a for a in cli("list", "-f", "json").json()}
    members = [x for x in loader.load() if x.family in view["families"]]
    assert sorted(x["id"] for x in view["releases"]) == sorted(x.id for x in members)
    for row in view["releases"]:
        assert row["verdict"] == catalog[row["id"]]["verdict"]
    levels = [row["verdict"] for row in view["releases"]]
    for level in set(levels):
        assert f"{levels.count(level)} {level}" in view["summary"]


def test_family_view_in_the_terminal_lists_every_release(cli):
    r = cli("show", "ernie", env={"COLUMNS": "200"})
    assert r.code == 0
    for x in loader.load():
        if x.family == "ERNIE":
            assert x.id in r.out


def test_an_id_wins_over_a_family_name():
    catalog = loader.load()
    fam = {r.family for r in catalog if r.family}
    for r in catalog:
        if r.family and names.normalize(r.id) == names.normalize(r.family):
            assert loader.find(r.family, catalog).id == r.id
    assert fam  # the catalog has families at all


@pytest.mark.parametrize("query, word", [("olmo 99b tuned", "olmo"), ("Mixtral 8x7B Turbo", "mixtral"),
                                         ("lama 3", "llama"), ("gemma 1000b it", "gemma")])
def test_suggestions_follow_the_words_typed(query, word):
    with pytest.raises(NotFound) as exc:
        loader.find(query)
    assert exc.value.suggestions, query
    assert all(word in s for s in exc.value.suggestions), exc.value.suggestions

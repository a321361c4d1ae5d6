"""The compiled catalog cache: the same releases as the YAML, rebuilt when the data changes or the
file is damaged, safe for parallel runs, and commands that load only what they need."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trueopen.catalog import compiled, loader
from trueopen.errors import InputError
from trueopen.licenses import terms

from conftest import run_cli


def _never(folder: Path) -> list:
    raise AssertionError(f"{folder} was read from YAML, not from the compiled cache")


def _dumps(releases) -> list[dict]:
    return [r.model_dump() for r in releases]


def _catalog_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("catalog-*.json"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRUEOPEN_CACHE", str(folder))
    return folder


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    copy = tmp_path / "catalog"
    shutil.copytree(loader.data_dir(), copy)
    return copy


def test_the_whole_catalog_reads_back_from_the_cache_as_a_fresh_load_makes_it(cache):
    fresh = loader.read_dir(loader.data_dir())
    built = loader.load_dir(loader.data_dir())  # builds the compiled file
    assert len(_catalog_files(cache)) == 1
    cached = compiled.load(loader.data_dir(), _never)
    assert [r.id for r in cached] == [r.id for r in fresh] and len(fresh) > 100
    assert _dumps(cached) == _dumps(fresh) == _dumps(built)
    assert all(a == b for a, b in zip(cached, fresh))


def test_editing_a_data_file_rebuilds_the_cache(cache, catalog_copy):
    first = {r.id: r for r in loader.load_dir(catalog_copy)}
    assert first["bert"].name == "BERT (Large)"
    entry = catalog_copy / "bert.yaml"
    text = entry.read_text(encoding="utf-8")
    # a new name, and a license spelled as on the Hub: the cache must hold the canonical spelling
    entry.write_text(text.replace("name: BERT (Large)", "name: BERT Large, edited")
                     .replace("distribution: {name: Apache-2.0,", "distribution: {name: apache 2.0,"),
                     encoding="utf-8")
    fresh = loader.read_dir(catalog_copy)
    rebuilt = {r.id: r for r in loader.load_dir(catalog_copy)}
    assert rebuilt["bert"].name == "BERT Large, edited"
    assert rebuilt["bert"].license.distribution.name == "Apache-2.0"
    assert _dumps(compiled.load(catalog_copy, _never)) == _dumps(fresh)
    assert len(_catalog_files(cache)) == 2  # the earlier build stays, for another checkout


def test_checkouts_sharing_a_cache_keep_their_builds_and_old_ones_go(cache, catalog_copy, tmp_path):
    """Two catalog folders (two checkouts, a test copy) alternate without rebuilding each other's
    file; past a few builds the oldest are removed, so the folder does not grow without end."""
    loader.load_dir(loader.data_dir())
    loader.load_dir(catalog_copy)
    compiled.load(loader.data_dir(), _never)
    compiled.load(catalog_copy, _never)
    for i in range(3):  # five builds in all
        more = tmp_path / f"more-{i}"
        shutil.copytree(catalog_copy, more)
        loader.load_dir(more)
    assert len(_catalog_files(cache)) == 4


def test_a_new_data_file_rebuilds_the_cache(cache, catalog_copy):
    before = loader.load_dir(catalog_copy)
    src = (catalog_copy / "bert.yaml").read_text(encoding="utf-8")
    (catalog_copy / "bert-copy.yaml").write_text(
        src.replace("id: bert\n", "id: bert-copy\n").replace("name: BERT (Large)", "name: BERT Copy")
        .replace("aliases: [bert-large, bert-base]\n", ""), encoding="utf-8")
    after = loader.load_dir(catalog_copy)
    assert len(after) == len(before) + 1 and "bert-copy" in {r.id for r in after}


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage", "other-json"])
def test_a_damaged_cache_file_is_rebuilt_silently(cache, catalog_copy, damage):
    fresh = _dumps(loader.read_dir(catalog_copy))
    loader.load_dir(catalog_copy)
    (path,) = _catalog_files(cache)
    raw = path.read_bytes()
    path.write_bytes({"truncate": raw[: len(raw) // 2], "empty": b"", "garbage": b"\x00\xff{[",
                      "other-json": b'[{"id": "x"}]'}[damage])
    assert _dumps(loader.load_dir(catalog_copy)) == fresh
    assert path.read_bytes() == raw  # written whole again
    assert _dumps(compiled.load(catalog_copy, _never)) == fresh


def test_a_cache_path_that_is_not_a_regular_file_is_passed_by(cache, catalog_copy):
    """A folder or a FIFO where the compiled file should be: the catalog is read from YAML, and
    the read never blocks."""
    import os

    fresh = _dumps(loader.load_dir(catalog_copy))
    (path,) = _catalog_files(cache)
    path.unlink()
    os.mkfifo(path)
    assert _dumps(loader.load_dir(catalog_copy)) == fresh
    path.unlink(missing_ok=True)
    path.mkdir()
    assert _dumps(loader.load_dir(catalog_copy)) == fresh


def test_the_cli_rebuilds_a_truncated_cache_without_a_traceback(tmp_path):
    env = {"TRUEOPEN_CACHE": str(tmp_path)}
    first = run_cli("show", "llama-2-7b", "-f", "json", env=env)
    assert first.code == 0, first.err
    (path,) = _catalog_files(tmp_path)
    path.write_bytes(path.read_bytes()[:1000])
    again = run_cli("show", "llama-2-7b", "-f", "json", env=env)
    assert again.code == 0 and again.err == "" and again.json() == first.json()


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    r = run_cli("show", "llama-2-7b", "-f", "json", env={"TRUEOPEN_CACHE": str(blocker / "cache")})
    assert r.code == 0 and r.err == "" and r.json()["id"] == "llama-2-7b"


def test_a_broken_catalog_is_an_error_and_is_not_cached(cache, catalog_copy):
    (catalog_copy / "bert.yaml").write_text("id: bert\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="bert.yaml"):
        loader.load_dir(catalog_copy)
    assert _catalog_files(cache) == []


def test_parallel_first_runs_build_one_cache_and_agree(tmp_path):
    """Test workers and scripts start at once on an empty cache: each run succeeds, the outputs
    agree, and one whole file is left with no temporary files."""
    env = {**__import__("os").environ, "TRUEOPEN_CACHE": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-m", "trueopen", "list", "-f", "json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert all(code == 0 and err == "" for _, err, code in results), results
    assert len({out for out, _, _ in results}) == 1
    assert len(_catalog_files(tmp_path)) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_license_terms_read_back_from_the_cache_as_parsed(cache):
    from importlib import resources

    data = resources.files("trueopen.licenses") / "data" / "terms.yaml"
    fresh = terms._read_records(data.read_text(encoding="utf-8"), str(data))
    terms.custom.cache_clear()
    try:
        built = terms.custom()  # parses and saves
        assert len(list(cache.glob("license-terms-*.json"))) == 1
        terms.custom.cache_clear()
        cached = terms.custom()  # reads back
    finally:
        terms.custom.cache_clear()
    assert list(cached) == list(built) == [t.key for t in fresh]
    assert [t.model_dump() for t in cached.values()] == [t.model_dump() for t in fresh]


HEAVY = ("fastapi", "uvicorn", "jinja2", "matplotlib", "cyclonedx", "huggingface_hub", "numpy", "onnx",
         "onnxruntime", "gguf", "safetensors", "dask", "pyarrow", "license_expression")


@pytest.mark.parametrize("args", [("show", "llama-2-7b"), ("list",), ("can", "llama-2-7b", "--commercial"),
                                  ("producers",), ("gap", "MMLU"), ("--version",)])
def test_catalog_commands_import_only_what_they_need(args):
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "trueopen", *args],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
              if line.startswith("import time:")}
    assert len(loaded) > 10  # the report was read
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_every_command_is_mapped_to_the_module_that_registers_it():
    """A run imports only the module COMMAND_MODULES names for its command: a command missing
    from the map would still run (everything is loaded then), a wrong entry would not."""
    import typer.main

    import trueopen.cli as cli

    group = typer.main.get_command(cli.app)
    found = {}
    for name, command in group.commands.items():
        callbacks = [c.callback for c in getattr(command, "commands", {}).values()] or [command.callback]
        found[name] = {cb.__module__.rsplit(".", 1)[-1] for cb in callbacks}
    assert found == {name: {module} for name, module in cli.COMMAND_MODULES.items()}
    assert set(cli.COMMAND_MODULES.values()) == set(cli.MODULES)


def test_version_and_a_mistyped_command(tmp_path):
    assert run_cli("--version").out.startswith("trueopen ")
    typo = run_cli("sho", "llama-2-7b")
    assert typo.code == 2 and "show" in typo.err  # every command loaded to suggest the right one


def test_every_release_shown_and_listed_from_the_cache_as_from_the_yaml(cache):
    """The fast path (a sealed compiled file turned back into releases without validation) gives
    every `show --format json` document and the `list --format json` rows exactly as the YAML
    read and validated does, fine-tunes' base models included."""
    from pydantic import TypeAdapter

    from trueopen import service
    from trueopen.release import Release
    from trueopen.report import jsonout
    from trueopen.report.safe_text import json_dumps

    folder = loader.data_dir()
    slow = tuple(loader.read_dir(folder))
    loader.load_dir(folder)  # builds the compiled file
    fast = compiled.load(folder, _never)
    assert len(fast) == len(slow) > 100 and all(type(r) is Release for r in fast)
    (path,) = _catalog_files(cache)
    checked = TypeAdapter(list[Release]).validate_json(path.read_bytes().partition(b"\n")[2],
                                                        context={"exact_licenses": True})
    for a, b, c in zip(fast, slow, checked):
        assert a == b == c and a.model_dump_json() == b.model_dump_json(), a.id
        assert a.model_fields_set == c.model_fields_set  # as pydantic reads the same file
    assert sum(1 for r in slow if r.base_model and service._by_name(r.base_model.id, slow)) > 5

    def shown(catalog):
        return [json_dumps(jsonout.assessment(service.assess_release(r, catalog))) for r in catalog]

    def listed(catalog):
        return json_dumps([jsonout.summary(service.assess_release(r, catalog)) for r in catalog])

    assert shown(fast) == shown(slow)
    assert listed(fast) == listed(slow)

    # The assessments `list`, `producers` and `gap` read: computed and saved, then read back.
    service.forget_assessments()
    loader.load.cache_clear()
    try:
        computed = service.all_assessments()
        assert len(list(cache.glob("assessments-*.json"))) == 1
        service.forget_assessments()
        read_back = service.all_assessments()
        assert read_back == computed == [service.assess_release(r, slow) for r in slow]
        assert [a.release for a in read_back] == list(loader.load())
        assert json_dumps([jsonout.summary(a) for a in read_back]) == listed(slow)
    finally:
        service.forget_assessments()
        loader.load.cache_clear()


def test_a_reloaded_catalog_is_assessed_anew():
    """The assessments kept for the process belong to the catalog they were made from: after
    loader.load() gives another catalog, none of the old release objects is served."""
    from trueopen import service

    first = service.all_assessments()
    assert all(a.release is r for a, r in zip(first, loader.load()))
    loader.load.cache_clear()
    try:
        again = service.all_assessments()
        assert [a.release.id for a in again] == [a.release.id for a in first]
        assert all(a.release is r for a, r in zip(again, loader.load()))
        assert not any(a.release is b.release for a, b in zip(again, first))
    finally:
        loader.load.cache_clear()
        service.forget_assessments()


def test_a_sealed_file_edited_in_place_is_rebuilt(cache, catalog_copy):
    """A value changed without the digest being updated (same length, still valid JSON) is not
    trusted: the catalog is read from the YAML again and the file rewritten."""
    fresh = _dumps(loader.read_dir(catalog_copy))
    loader.load_dir(catalog_copy)
    (path,) = _catalog_files(cache)
    raw = path.read_bytes()
    assert raw.startswith(b"sha256:") and b'"BERT (Large)"' in raw
    path.write_bytes(raw.replace(b'"BERT (Large)"', b'"BERT (Small)"'))
    assert _dumps(loader.load_dir(catalog_copy)) == fresh
    assert path.read_bytes() == raw


def test_base_models_are_found_as_loader_find_finds_them():
    """The index assess_release looks base models up in answers every id, name and alias (and
    every base model named in the catalog) as loader.find does, misses included."""
    from trueopen import service
    from trueopen.errors import NotFound

    catalog = loader.load()
    queries = {q for r in catalog for q in (r.id, r.name, *r.aliases, r.base_model.id if r.base_model else "x")}
    queries |= {"no-such-model", "LLAMA 2 7B", "llama_2_7b"}
    for q in sorted(queries):
        try:
            want = loader.find(q, catalog)
        except NotFound:
            want = None
        assert service._by_name(q, catalog) is want, q


@pytest.mark.parametrize("args", [("show", "llama-2-7b"), ("show", "llama-2-7b", "-f", "json"), ("list",),
                                  ("list", "-f", "json"), ("producers",), ("gap", "MMLU")])
def test_the_cli_prints_the_same_from_a_warm_cache_as_from_an_empty_one(tmp_path, args):
    env = {"TRUEOPEN_CACHE": str(tmp_path)}
    cold = run_cli(*args, env=env)
    assert cold.code == 0, cold.err
    assert _catalog_files(tmp_path)
    warm = run_cli(*args, env=env)
    assert (warm.code, warm.out, warm.err) == (cold.code, cold.out, cold.err)
    assert len(cold.out.splitlines()) > 5


@pytest.mark.parametrize("content", [b"", b"sha256:0\n[]", "sealed-other"])
def test_a_damaged_or_foreign_assessments_file_is_assessed_again(cache, content):
    """A sealed file of another shape (or none that is whole) is never trusted: the releases are
    assessed again, as without a cache."""
    from trueopen import cache as cachemod, service

    service.forget_assessments()
    try:
        computed = service.all_assessments()
        (path,) = cache.glob("assessments-*.json")
        path.write_bytes(cachemod.seal(b'[{"release": "bert"}]') if content == "sealed-other" else content)
        service.forget_assessments()
        assert service.all_assessments() == computed
        service.forget_assessments()
        assert service.all_assessments() == computed  # and the file was written whole again
        assert cachemod.unseal(path.read_bytes()) is not None
    finally:
        service.forget_assessments()

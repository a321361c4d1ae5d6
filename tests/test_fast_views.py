"""The fast path of `list` and `show` (rows and reports kept in the cache, trueopen/views.py) says
exactly what the full path says: every release's report and listing row, every filter and order,
read back from the cache file, against what the bundled YAML gives when read, validated and
assessed afresh. And the commands start without pydantic or the frameworks."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from conftest import run_cli

from trueopen import cache as cachemod
from trueopen import service, views
from trueopen.catalog import loader
from trueopen.errors import NotFound
from trueopen.report import layout, markdown, terminal


class Screen:
    """What cli.common's screen is when output is not a terminal: plain lines, `width` wide."""

    def __init__(self, width: int):
        self.width = width
        self.text = ""

    def show_lines(self, laid: list) -> None:
        self.text += layout.plain(laid)


@pytest.fixture(scope="module")
def fresh():
    """Every release read from its YAML and assessed now, no cache involved, in catalog order."""
    slow = tuple(loader.read_dir(loader.data_dir()))
    return [service.assess_release(r, slow) for r in slow]


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """The views as a later run reads them: built into an empty cache folder, then read back."""
    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("views-cache")
    mp.setenv("TRUEOPEN_CACHE", str(folder))
    service.forget_assessments()
    views.load.cache_clear()
    try:
        views.load()
        (path,) = folder.glob("views-*.json")
        views.load.cache_clear()
        payload = cachemod.unseal(path.read_bytes())
        assert payload is not None
        yield views.Views(payload)
    finally:
        views.load.cache_clear()
        service.forget_assessments()
        mp.undo()


def test_every_report_read_from_the_cache_is_the_one_its_assessment_gives(fresh, cached):
    assert [r["id"] for r in cached.rows] == [a.release.id for a in fresh] and len(fresh) > 100
    for a in fresh:
        rid = a.release.id
        assert cached.report(rid) == terminal.assessment_blocks(a), rid
        for width in (80, 100):  # drawn: as `show ID` draws it from the full assessment
            screen = Screen(width)
            terminal.assessment(a, screen)
            assert layout.plain(layout.lines(cached.report(rid), width)) == screen.text, (rid, width)


def test_every_listing_row_read_from_the_cache_is_the_one_its_assessment_gives(fresh, cached):
    from trueopen.report import jsonout

    assert cached.rows == [views.row(a) for a in fresh]
    assert [views.summary(r) for r in cached.rows] == [jsonout.summary(a) for a in fresh]


FILTERS = ([{}] + [{"verdict": v} for v in views.VERDICT_ORDER]
           + [{"license": q} for q in ("apache", "llama", "mit", "cc-by", "Apache-2.0", "gpl", "nothing")]
           + [{"mof_class": k} for k in (0, 1, 2, 3)]
           + [{"producer": q} for q in ("meta", "openai", "mistral", "ai", "zhipu")]
           + [{"verdict": "open-weights", "license": "apache", "mof_class": 0}])


@pytest.mark.parametrize("keep", FILTERS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "all")
def test_every_filter_and_order_picks_from_the_rows_what_it_picks_from_the_assessments(fresh, cached, keep):
    for sort in service.SORT_KEYS:
        flt = views.ListFilter(**keep)
        shown = views.select(cached.rows, flt, sort)
        full = service.list_assessments(views.ListFilter(**keep), sort, assessed=fresh)
        assert [r["id"] for r in shown] == [a.release.id for a in full], sort
        # drawn and written from the kept rows as from rows of the fresh assessments
        rows = [views.row(a) for a in full]
        assert markdown.listing(shown) == markdown.listing(rows)
        for width in (80, 132):
            assert (layout.plain(terminal.listing_lines(shown, width))
                    == layout.plain(terminal.listing_lines(rows, width)))


def test_a_filter_by_a_producer_reads_the_producers_list():
    """A producer id picks exactly its releases (Meta, not every name holding "meta"); an
    unknown producer is an error with close names, as before."""
    rows = views.load().rows
    meta = views.select(rows, views.ListFilter(producer="meta"), "date")
    assert meta and {r["producer"] for r in meta} == {"Meta"}
    with pytest.raises(NotFound):
        views.select(rows, views.ListFilter(producer="no-such-maker"), "name")


def test_show_finds_every_id_name_and_alias_as_loader_find_does(cached):
    catalog = loader.load()
    queries = {q for r in catalog for q in (r.id, r.name, *r.aliases)}
    queries |= {"no-such-model", "LLAMA 2 7B", "llama_2_7b", "llama-2", "qwen", ""}
    for q in sorted(queries):
        try:
            want = loader.find(q, catalog).id
        except NotFound:
            want = None
        assert cached.find(q) == want, q


@pytest.mark.parametrize("args", [("show", "llama-2-7b"), ("show", "OLMo 2 7B"), ("list",), ("list", "-f", "md"),
                                  ("list", "--license", "apache", "--sort", "mof"), ("list", "-f", "json")],
                         ids=" ".join)
def test_the_cli_prints_from_the_cache_what_the_full_path_prints(fresh, args):
    res = run_cli(*args, env={"COLUMNS": "80"})
    assert res.code == 0, res.err
    if args[0] == "show":
        screen = Screen(80)
        terminal.assessment(next(a for a in fresh if a.release.id == loader.find(args[1]).id), screen)
        assert res.out == screen.text
        return
    keep = dict(itertools.zip_longest(args[1::2], args[2::2]))
    sort = keep.pop("--sort", "name")
    full = service.list_assessments(views.ListFilter(license=keep.pop("--license", None)), sort, assessed=fresh)
    if keep.get("-f") == "md":
        assert res.out == markdown.listing([views.row(a) for a in full])
    elif keep.get("-f") == "json":
        from trueopen.report import jsonout

        assert res.json() == [jsonout.summary(a) for a in full]
    else:
        assert res.out == layout.plain(terminal.listing_lines([views.row(a) for a in full], 80))


@pytest.mark.parametrize("args", [("show", "llama-2-7b"), ("list",), ("list", "--format", "md"), ("producers",),
                                  ("gap", "MMLU"), ("gap", "MMLU", "-f", "md"),
                                  ("can", "llama-2-7b", "--commercial")], ids=" ".join)
def test_the_catalog_commands_start_without_pydantic_or_rich(args, tmp_path):
    env = {"TRUEOPEN_CACHE": str(tmp_path), "COLUMNS": "80"}
    assert run_cli(*args, env=env).code == 0  # the cache built
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "trueopen", *args], capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ, **env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "trueopen.views" in loaded
    heavy = {m for m in loaded if m.split(".")[0] in ("pydantic", "rich", "yaml")
             or m in ("trueopen.release", "trueopen.assessment", "trueopen.service")}
    assert heavy == set()


@pytest.mark.parametrize("content", [b"", b"sha256:0\n{}", "sealed-other", "sealed-no-reports"])
def test_a_damaged_or_foreign_views_file_is_built_again(tmp_path, content):
    env = {"TRUEOPEN_CACHE": str(tmp_path), "COLUMNS": "80"}
    first = run_cli("show", "llama-2-7b", env=env)
    (path,) = tmp_path.glob("views-*.json")
    if content == "sealed-other":
        content = cachemod.seal(b'{"rows": [{"id": "bert"}], "ids": {}, "names": {}, "reports": {}}\n')
    elif content == "sealed-no-reports":
        content = cachemod.seal(path.read_bytes().partition(b"\n")[2].partition(b"\n")[0])
    path.write_bytes(content)
    again = run_cli("show", "llama-2-7b", env=env)
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err) and first.code == 0
    assert cachemod.unseal(path.read_bytes()) is not None, "written whole again"
    listed = run_cli("list", env=env)
    assert listed.code == 0 and listed.out.count("\n") > 200


def test_the_producers_table_kept_in_the_cache_is_the_one_the_assessments_give(fresh, cached):
    summaries = service.producer_summaries(assessed={a.release.id: a for a in fresh})
    assert len(summaries) > 20
    assert cached.producers == terminal.producers_blocks(summaries)


def _gap_from_the_catalog(fresh, benchmark: str) -> list[tuple]:
    """The open/closed gap worked out here, straight from the releases and their verdicts."""
    kinds = {"open-source": "open", "open-weights": "open", "restricted-weights": "restricted", "closed": "closed"}
    best: dict = {}
    for a in fresh:
        r, kind = a.release, kinds.get(a.verdict.level)
        for b in r.benchmarks:
            if loader.normalize(b.name) != loader.normalize(benchmark) or r.released is None or kind is None:
                continue
            key = (r.released.date.year, kind)
            if key not in best or b.score > best[key][0]:
                best[key] = (b.score, r.id, b.setting)
    return [(y, best.get((y, "open")), best.get((y, "closed")), best.get((y, "restricted")))
            for y in sorted({y for y, _ in best})]


def test_every_benchmark_gap_from_the_kept_scores_is_the_one_the_catalog_gives(fresh, cached):
    names = {b.name for a in fresh for b in a.release.benchmarks}
    assert len(names) > 5
    for name in sorted(names) + ["mmlu", "SWE bench verified"]:
        rows = views.gap_rows(cached.scores, name)
        assert [(r.year, r.best_open, r.best_closed, r.best_restricted) for r in rows] == \
            [tuple(tuple(c) if isinstance(c, tuple) else c for c in row) for row in _gap_from_the_catalog(fresh, name)]
        assert rows == service.benchmark_gap(name), name
    with pytest.raises(NotFound) as missing:
        views.gap_rows(cached.scores, "MMLUx")
    assert "MMLU" in missing.value.suggestions


@pytest.mark.parametrize("args", [("producers",), ("gap", "MMLU"), ("gap", "HumanEval", "-f", "md")], ids=" ".join)
def test_producers_and_gap_print_from_the_cache_what_the_full_path_prints(fresh, args):
    res = run_cli(*args, env={"COLUMNS": "80"})
    assert res.code == 0, res.err
    if args[0] == "producers":
        screen = Screen(80)
        terminal.producers(service.producer_summaries(assessed={a.release.id: a for a in fresh}), screen)
        assert res.out == screen.text
        return
    from trueopen.report import gap as gap_report

    rows = [views.GapRow(*row) for row in _gap_from_the_catalog(fresh, args[1])]
    if "md" in args:
        assert res.out == markdown.gap(rows, args[1]) + "\n" + gap_report.SIGN + "\n"
    else:
        screen = Screen(80)
        gap_report.table(rows, args[1], screen)
        assert res.out == screen.text and "best open" in res.out


def test_every_answer_of_can_kept_in_the_cache_is_the_one_the_license_terms_give(fresh, cached):
    from trueopen.licenses import rights

    questions = [q for q in rights.QUESTIONS if q != "users"]
    for a in fresh:
        rid = a.release.id
        assert cached.rights(rid) == rights.for_release(a.release, questions).to_json(), rid
        for asked in ([q] for q in questions):
            assert cached.rights(rid, asked) == rights.for_release(a.release, asked).to_json(), (rid, asked)


@pytest.mark.parametrize("args", [("can", "llama-2-7b", "--commercial"), ("can", "OLMo 2 7B", "--distill", "--military"),
                                  ("can", "gpt-4o")], ids=" ".join)
def test_can_prints_from_the_cache_what_the_full_path_prints(fresh, args):
    from trueopen.licenses import rights
    from trueopen.report import licenses as license_report

    res = run_cli(*args, env={"COLUMNS": "80"})
    release = loader.find(args[1])
    asked = [f[2:].replace("-", "_") for f in args[2:]] or [q for q in rights.QUESTIONS if q != "users"]
    full = rights.for_release(release, asked)
    screen = Screen(80)
    license_report.rights(full, screen)
    assert (res.code, res.out) == (1 if full.forbidden else 0, screen.text) and res.err == ""

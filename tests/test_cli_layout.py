"""The CLI as people read it: every command and format at 80 columns, ids and URLs whole, one
MOF label and one license filter for the listing, --format everywhere, a closed pipe is not an
error, and --help that teaches. Every run is the real CLI in a subprocess on the bundled catalog
or on files these tests write."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run_cli, write_mof

ROOT = Path(__file__).parents[1]
W80 = {"COLUMNS": "80", "HF_HUB_OFFLINE": "1"}
sys.path.insert(0, str(ROOT / "scripts"))
from write_readme_examples import make_demo_model  # noqa: E402


def cli80(*args: str, cwd: Path | None = None) -> object:
    return run_cli(*args, cwd=cwd, env=W80)


def squash(text: str) -> str:
    """Text with all whitespace removed: a value folded over several lines reads whole again."""
    return re.sub(r"\s+", "", text)


def too_long(text: str, width: int = 80) -> list[str]:
    return [line for line in text.splitlines() if len(line) > width]


def urls_in(obj) -> set[str]:
    """Every http(s) URL a JSON document holds, anywhere in it."""
    found: set[str] = set()
    if isinstance(obj, dict):
        for v in obj.values():
            found |= urls_in(v)
    elif isinstance(obj, list):
        for v in obj:
            found |= urls_in(v)
    elif isinstance(obj, str):
        found |= set(re.findall(r"https?://\S+", obj))
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A folder holding ./tiny-model (safetensors, config, card, Apache-2.0 text) and inputs for
    the importers: a MOF file, a models.dev checkout, an Index checkout."""
    root = tmp_path_factory.mktemp("layout")
    make_demo_model(root / "tiny-model")
    facts = json.loads((ROOT / "tests" / "data" / "mot_facts.json").read_text(encoding="utf-8"))
    write_mof(root, facts["models"][0], "a-model-openness-framework-release-file-with-a-long-name.yml")
    md = root / "models.dev" / "models" / "acme"
    md.mkdir(parents=True)
    (md / "rocket-1.toml").write_text('name = "Rocket 1"\nrelease_date = "2025-03-04"\nopen_weights = true\n',
                                      encoding="utf-8")
    (md / "rocket-pro.toml").write_text('name = "Rocket Pro"\nrelease_date = "2025-06-01"\nopen_weights = false\n',
                                        encoding="utf-8")
    (root / "models.dev" / "providers").mkdir()
    idx = root / "index"
    idx.mkdir()
    (idx / "Rocket.yaml").write_text(yaml.safe_dump({
        "system": {"name": "Rocket", "basemodelname": "Rocket-Base", "endmodelname": "Rocket-Chat",
                   "link": "https://example.org/rocket"}, "org": {"name": "Acme"},
        "weights_endmodel": {"class": "open", "link": "https://example.org/w"}}), encoding="utf-8")
    return root


COMMANDS = [
    ("show", "llama-2-7b"), ("show", "llama-2-7b", "--evidence"), ("show", "olmo-2-7b", "--evidence"),
    ("show", "granite-4.0-h-small", "--evidence"), ("list",), ("list", "--producer", "meta"),
    ("list", "--license", "apache"), ("producers",), ("producers", "mistral"), ("gap",),
    ("gap", "SWE-Bench Verified"), ("can", "llama-2-7b"), ("can", "Apache-2.0"),
    ("license", "llama3.1"), ("license", "./tiny-model"), ("audit", "./tiny-model", "--offline", "--evidence"),
    ("import", "mof", "a-model-openness-framework-release-file-with-a-long-name.yml"),
    ("import", "models.dev", "models.dev", "--revision", "abc123", "--format", "table"),
    ("import", "osai-index", "index", "--revision", "def456", "-o", "osai.json", "--format", "table"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_reads_in_80_columns(args, demo):
    res = cli80(*args, cwd=demo)
    assert res.code in (0, 1), res.err
    assert res.out.strip(), "nothing printed"
    assert too_long(res.out) == [], "lines wider than 80 columns"
    assert "…" not in res.out, "a value was cut with an ellipsis"
    assert "Traceback" not in res.err


@pytest.mark.parametrize("model", ["llama-2-7b", "olmo-2-7b", "granite-4.0-h-small", "gpt-4o"])
def test_show_evidence_prints_every_id_and_url_whole(model):
    doc = run_cli("show", model, "--format", "json").json()
    res = cli80("show", model, "--evidence")
    assert res.code == 0, res.err
    text = squash(res.out)
    rel = doc["release"]
    urls = urls_in(rel)
    assert urls, "a catalog entry cites its sources"
    missing = [u for u in sorted(urls) if squash(u) not in text]
    assert missing == [], "URLs the JSON holds but the table and footnotes do not show whole"
    assert any(model in line.split() or f"({model})" in line for line in res.out.splitlines()), "the id, unfolded"
    for comp in rel.get("components", []):  # every component the release lists, and its source key
        assert squash(comp["name"]) in text
        if comp.get("source"):
            assert re.search(rf"\[{re.escape(comp['source'])}\]", res.out), comp["source"]


def _columns(header: str, names: list[str]) -> list[int]:
    return [header.index(n) for n in names]


def _list_rows(out: str) -> dict[str, dict[str, str]]:
    """The compact listing parsed by its header's columns: id -> cells, the license unfolded."""
    lines = out.splitlines()
    cut = _columns(lines[0], ["verdict", "MOF", "weights license"])
    rows: dict[str, dict[str, str]] = {}
    last = None
    for line in lines[3:]:
        if not line.strip() or line.endswith("release(s)"):
            continue
        if not line.startswith(" "):
            last = line[:cut[0]].strip()
            rows[last] = {"verdict": line[cut[0]:cut[1]].strip(), "MOF": line[cut[1]:cut[2]].strip(),
                          "license": line[cut[2]:].strip(), "detail": ""}
        elif line.startswith(" " * cut[2]) and last:  # a folded license continues
            rows[last]["license"] += line.strip()
        elif last:
            rows[last]["detail"] += " " + line.strip()
    return rows


def _md_rows(md: str) -> dict[str, dict[str, str]]:
    lines = [line for line in md.splitlines() if line.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    return {cells[0]: dict(zip(head, cells)) for cells in
            ([c.strip() for c in line.strip("|").split("|")] for line in lines[2:])}


def test_list_table_shows_every_release_whole_and_the_same_mof_label_as_markdown():
    rows = run_cli("list", "--format", "json").json()
    table = cli80("list")
    assert table.code == 0 and too_long(table.out) == []
    shown = _list_rows(table.out)
    assert list(shown) == [r["id"] for r in rows], "every id, in order, whole on its own line"
    md = _md_rows(run_cli("list", "--format", "md").out)
    assert list(md) == [r["id"] for r in rows]
    for r in rows:
        cell = shown[r["id"]]
        assert cell["verdict"] == r["verdict"] == md[r["id"]]["verdict"]
        assert cell["license"] == (r["weights_license"] or "") == md[r["id"]]["weights license"]
        assert squash(f"{r['name']} | {r['producer']}") in squash(cell["detail"])
        assert cell["MOF"] == md[r["id"]]["MOF"], r["id"]
        if r["mof_class"]:  # the label agrees with the JSON's class, and with its Class III progress if none
            assert cell["MOF"] == "Class " + {1: "I", 2: "II", 3: "III"}[r["mof_class"]]
        else:
            assert cell["MOF"] == f"{math.floor(r['mof_progress']['class_3'])}% of III"
    assert {c["MOF"] for c in shown.values()} & {"Class I", "Class II", "Class III"}, "some release has a class"


def test_wide_terminal_gets_one_line_per_release_and_piped_output_defaults_to_80():
    rows = run_cli("list", "--format", "json").json()
    wide = run_cli("list", env={"COLUMNS": "160"})
    assert too_long(wide.out, 160) == [] and too_long(wide.out, 80) != []
    first_cells = [line.split()[0] for line in wide.out.splitlines()[2:] if line and not line.startswith(" ")]
    assert [r["id"] for r in rows] == first_cells[:len(rows)]
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.run([sys.executable, "-m", "trueopen", "show", "llama-2-7b"], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0 and too_long(proc.stdout) == []
    assert max(len(line) for line in proc.stdout.splitlines()) == 80, "the panel spans the 80 columns"


def test_list_license_filters_on_the_weights_license_the_column_shows():
    from trueopen.catalog import loader

    everything = run_cli("list", "--format", "json").json()
    by_id = {r["id"]: r for r in everything}
    apache = run_cli("list", "--license", "Apache-2.0", "--format", "json").json()
    assert apache and {r["weights_license"] for r in apache} == {"Apache-2.0"}
    assert {r["id"] for r in apache} == {r["id"] for r in everything if r["weights_license"] == "Apache-2.0"}
    # a release with Apache-2.0 code but other weights is not picked: the column would not show it
    code_only = [r.id for r in loader.load()
                 if any(c.license == "Apache-2.0" for c in r.components) and by_id[r.id]["weights_license"] != "Apache-2.0"]
    assert code_only and not set(code_only) & {r["id"] for r in apache}
    llama = run_cli("list", "--license", "llama", "--format", "json").json()
    assert llama and all(r["weights_license"].startswith("LicenseRef-llama") for r in llama)
    assert {r["id"] for r in llama} == {r["id"] for r in everything
                                        if (r["weights_license"] or "").startswith("LicenseRef-llama")}
    table = _list_rows(cli80("list", "--license", "llama").out)
    assert set(table) == {r["id"] for r in llama} and all("llama" in c["license"] for c in table.values())


def test_license_matching_is_by_id_not_substring():
    from trueopen.columns import license_matches

    assert license_matches("apache", "Apache-2.0") and license_matches("APACHE 2.0", "Apache-2.0")
    assert license_matches("MIT", "Apache-2.0 OR MIT") and license_matches("llama3.1", "LicenseRef-llama3.1")
    assert not license_matches("gpl", "AGPL-3.0-only") and license_matches("gpl", "GPL-3.0-only")
    assert not license_matches("cc-by", "CC-BY-NC-4.0") and license_matches("cc-by", "CC-BY-4.0")
    assert not license_matches("llama3", "LicenseRef-llama2") and not license_matches("mit", None)


def _closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI with its stdout a pipe whose reader is already gone, as `| head -0` does."""
    proc = subprocess.Popen([sys.executable, "-m", "trueopen", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    return subprocess.CompletedProcess(args, proc.returncode, "", err)


@pytest.mark.parametrize("args", [("list",), ("list", "--format", "json"), ("show", "llama-2-7b", "--format", "md"),
                                  ("can", "llama-2-7b", "--distill")], ids=" ".join)
def test_a_closed_pipe_exits_quietly_with_0(args):
    res = _closed_pipe(*args)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""


def test_head_reads_the_first_line_and_the_shell_sees_0():
    res = subprocess.run(["bash", "-c", f"{sys.executable} -m trueopen list | head -1; exit ${{PIPESTATUS[0]}}"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and res.stderr == ""
    assert res.stdout.split()[:2] == ["id", "verdict"]


def test_validate_markdown_prints_the_count_and_each_finding(tmp_path):
    n = len(list((ROOT / "trueopen" / "catalog" / "data").glob("*.yaml")))
    md = run_cli("validate", "--format", "md")
    assert md.code == 0, md.out
    assert md.out.startswith(f"## Validation: {n} file(s) checked, {n} clean")
    entry = yaml.safe_load((ROOT / "trueopen" / "catalog" / "data" / "llama-2-7b.yaml").read_text(encoding="utf-8"))
    entry["producer"] = "Nobody Anyone Knows"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(entry), encoding="utf-8")
    res = run_cli("validate", str(bad), "--format", "md")
    assert res.code == 1
    assert f"### `{bad}`" in res.out and "Nobody Anyone Knows" in res.out
    assert res.out.startswith("## Validation: 1 file(s) checked, 0 clean")
    # the table format is a linter's: one line per finding, never wrapped, so it can be grepped
    table = cli80("validate", str(bad))
    assert table.code == 1 and table.out.splitlines()
    assert all(line.startswith(f"{bad}: ") for line in table.out.splitlines())
    assert any("Nobody Anyone Knows" in line for line in table.out.splitlines())


def test_imports_print_a_summary_in_every_format(demo, tmp_path):
    args = ("import", "models.dev", str(demo / "models.dev"), "--revision", "abc123")
    snap = run_cli(*args).json()
    assert set(snap["models"]) == {"acme/rocket-1", "acme/rocket-pro"}
    assert run_cli(*args, "--format", "json").json() == snap, "json without -o is the snapshot itself"
    table = cli80(*args, "--format", "table")
    assert table.code == 0 and "dry run" in table.out and too_long(table.out) == []
    assert re.search(r"^models\s+2\s*$", table.out, re.M) and re.search(r"^with open weights\s+1\s*$", table.out, re.M)
    out = tmp_path / "md.json"
    summary = run_cli(*args, "-o", str(out), "--format", "json").json()
    assert json.loads(out.read_text())["models"] == snap["models"]
    assert summary["models"] == 2 and summary["with_open_weights"] == 1 and summary["written_to"] == str(out)
    assert summary["revision"] == "abc123" and summary["license"] == snap["source"]["license"]
    md = run_cli("import", "osai-index", str(demo / "index"), "--revision", "def456", "--format", "md")
    assert md.code == 0, md.err
    assert "| project files | 1 |" in md.out and "| revision | def456 |" in md.out
    mof = run_cli("import", "mof", str(next(demo.glob("*.yml"))), "--format", "md")
    assert mof.code in (0, 1) and mof.out.startswith("# ")


HELP = [("show",), ("list",), ("producers",), ("gap",), ("validate",), ("license",), ("can",), ("audit",),
        ("import", "mof"), ("import", "models.dev"), ("import", "osai-index")]


@pytest.mark.parametrize("args", HELP, ids=" ".join)
def test_help_has_an_example_and_the_exit_codes(args):
    res = cli80(*args, "--help")
    assert res.code == 0 and too_long(res.out) == []
    assert re.search(r"Examples?", res.out) and "trueopen " + " ".join(args) in res.out
    assert re.search(r"Exit 0", res.out), "the exit codes"
    assert "--format" in res.out


def test_output_width_rule():
    from trueopen.cli.common import output_width

    assert output_width(True, "100") is None, "a terminal: rich asks it"
    assert output_width(False, None) == 80 and output_width(False, "132") == 132
    assert output_width(False, "wide") == 80 and output_width(False, "3") == 80


def test_one_format_dispatch_for_every_command(tmp_path, capsys):
    """`common.render`: only the chosen renderer runs; JSON to -o is the same text as on standard
    output (escaped the same way); a format a command has no renderer for gets its table; the
    table with -o is a usage error naming the formats that can be written."""
    import typer

    from trueopen.cli import common

    ran: list[str] = []

    def renderer(name, value):
        return lambda: ran.append(name) or value

    value = {"name": "a\u202eb\x85", "n": 1}
    common.render("json", table=renderer("table", None), md=renderer("md", "# md\n"), json=renderer("json", value))
    shown = capsys.readouterr().out
    common.render("json", table=renderer("table", None), json=renderer("json", value), path=tmp_path / "o.json")
    written = (tmp_path / "o.json").read_text(encoding="utf-8")
    assert written == shown and json.loads(written) == value and "\\u202e" in written and "\u202e" not in written
    assert ran == ["json", "json"]

    ran.clear()
    common.render(common.Format.md, table=renderer("table", None), md=renderer("md", "# md\n"), json=renderer("json", 1))
    assert capsys.readouterr().out == "# md\n" and ran == ["md"]
    assert common.render("md", table=renderer("table", "drawn"), json=renderer("json", 1)) == "drawn"

    with pytest.raises(typer.Exit) as stop:
        common.render("table", table=renderer("table", None), md=renderer("md", ""), json=renderer("json", 1),
                      csv=renderer("csv", ""), path=tmp_path / "t.txt")
    assert stop.value.exit_code == 2 and not (tmp_path / "t.txt").exists()
    assert "--out needs --format md, json or csv" in capsys.readouterr().err


def test_snapshot_importers_share_one_declaration_of_their_options():
    """--revision, --out/-o and --format/-f are declared once (Annotated aliases in cli/imports.py)
    and both snapshot importers take exactly those, with the same names and help."""
    import typing

    import typer.main

    from trueopen.cli import app, imports

    group = typer.main.get_command(app).commands["import"]
    helps = {typing.get_args(alias)[1].help for alias in (imports.Revision, imports.OutPath, imports.SummaryFormat)}
    taken = [{(tuple(sorted(p.opts)), p.help) for p in group.commands[name].params if p.opts[0].startswith("-")}
             for name in ("models.dev", "osai-index")]
    assert taken[0] == taken[1]
    options = dict(taken[0])
    assert set(options) == {("--revision",), ("--out", "-o"), ("--format", "-f")}
    assert set(options.values()) == helps and len(helps) == 3


def test_root_help_lists_each_example_on_lines_of_its_own():
    """The examples are a table to scan: a description wrapped under the next command reads as
    another example, so every example line is one of ours, unwrapped, within 80 columns."""
    res = cli80("--help")
    assert res.code == 0 and too_long(res.out) == []
    block = res.out.split("Examples:", 1)[1].split("Every command takes", 1)[0]
    lines = [ln for ln in block.splitlines() if ln.strip()]
    commands = [ln for ln in lines if ln.strip().startswith("trueopen ")]
    assert len(commands) >= 15
    # a line is a command, or a description under one, indented to the description column
    assert all(ln.startswith("    trueopen ") or ln.startswith(" " * 20) for ln in lines), lines
    for name in ("show", "list", "audit", "scan", "can", "compare", "choose", "cost", "bom", "check"):
        assert any(ln.strip().startswith(f"trueopen {name} ") for ln in commands), name

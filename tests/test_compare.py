"""`trueopen compare`: side by side, and never saying something `show` or `can` would not."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from trueopen.catalog import loader

TRIO = ("llama-3.1-8b", "olmo-2-7b", "gpt-4o")


def test_every_catalog_model_compared_says_what_show_and_can_say(cli):
    ids = [r.id for r in loader.load()]
    r = cli("compare", *ids, "--format", "json")
    assert r.code == 0, r.err
    data = r.json()
    assert [m["id"] for m in data["models"]] == ids
    listing = {row["id"]: row for row in cli("list", "--format", "json").json()}
    for i, m in enumerate(data["models"]):
        assert m["verdict"]["level"] == listing[m["id"]]["verdict"]
        assert m["mof"]["class"] == listing[m["id"]]["mof_class"]
        for row in data["rows"]:
            if row["label"] == "verdict":
                assert row["values"][i] == m["verdict"]["level"]
    for rid in TRIO:  # the same verdict and rights, to the word, as show and can give
        shown = cli("show", rid, "--format", "json").json()
        can = cli("can", rid, "--format", "json").json()
        mine = next(m for m in data["models"] if m["id"] == rid)
        assert mine["verdict"] == shown["verdict"]
        assert mine["osaid"] == shown["osaid"]
        assert mine["rights"]["answers"] == can["answers"]


def test_rows_mark_exactly_the_facts_that_differ(cli):
    data = cli("compare", *TRIO, "--format", "json").json()
    labels = {row["label"] for row in data["rows"]}
    assert {"verdict", "MOF", "OSAID 1.0", "license", "commercial use", "distill / train others",
            "parameters", "context", "API price"} <= labels
    for row in data["rows"]:
        assert len(row["values"]) == 3
        assert row["differs"] == (len(set(row["values"])) > 1)
    verdict = next(row for row in data["rows"] if row["label"] == "verdict")
    assert verdict["differs"]  # restricted-weights, open-source, closed
    same = cli("compare", "llama-3.1-8b", "llama-3.1-405b", "--format", "json").json()
    lic = next(row for row in same["rows"] if row["label"] == "license")
    assert not lic["differs"]


def test_csv_md_and_html_carry_every_row(cli, tmp_path):
    data = cli("compare", *TRIO, "--format", "json").json()
    rows = list(csv.reader(io.StringIO(cli("compare", *TRIO, "--format", "csv").out)))
    assert rows[0] == ["section", "fact", "differs", *TRIO]
    assert len(rows) - 1 == len(data["rows"])
    for got, want in zip(rows[1:], data["rows"]):
        assert got[1] == want["label"] and got[3:] == want["values"]
        assert got[2] == ("yes" if want["differs"] else "no")

    md = cli("compare", *TRIO, "--format", "md").out
    assert md.splitlines()[0].startswith("| fact | llama-3.1-8b | olmo-2-7b | gpt-4o |")

    page = tmp_path / "compare.html"
    r = cli("compare", *TRIO, "--format", "html", "-o", str(page))
    assert r.code == 0, r.err

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells, self.scripts, self._in = [], 0, False

        def handle_starttag(self, tag, attrs):
            self._in = tag in ("td", "th")
            self.scripts += tag in ("script", "link", "img")
            if self._in:
                self.cells.append("")

        def handle_endtag(self, tag):
            self._in = False

        def handle_data(self, text):
            if self._in:
                self.cells[-1] += text

    parser = Cells()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.scripts == 0  # self-contained: nothing loaded from elsewhere
    for row in data["rows"]:
        for value in row["values"]:
            assert value in parser.cells


def test_terminal_table_keeps_every_id_whole(cli):
    r = cli("compare", *TRIO, env={"COLUMNS": "80"})
    assert r.code == 0, r.err
    assert max(len(line.rstrip()) for line in r.out.splitlines()) <= 80
    for rid in TRIO:
        assert rid in r.out
    data = cli("compare", *TRIO, "--format", "json").json()
    for row in data["rows"]:  # short values are never cut or folded
        for value in row["values"]:
            if len(value) <= 12:
                assert value in r.out, value


def test_bad_input_is_one_line_and_exit_2(cli, tmp_path):
    r = cli("compare", "llama-3.1-8b")
    assert r.code == 2 and "at least two" in r.err and len(r.err.strip().splitlines()) == 1
    r = cli("compare", "llama-3.1-8b", "olmo 99b tuned")
    assert r.code == 2 and "olmo" in r.err and "Traceback" not in r.err
    r = cli("compare", "llama-3.1-8b", "Llama 3.1 8B")
    assert r.code == 2 and "more than once" in r.err
    r = cli("compare", *TRIO, "--format", "html", "-o", str(tmp_path))
    assert r.code == 2 and "regular files only" in r.err

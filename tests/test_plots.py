"""`gap --plot` and `producers --plot`: the pictures' content, read back from the SVG as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET


from trueopen.catalog import loader

SVG = "{http://www.w3.org/2000/svg}"
OPEN = {"open-source": "open", "open-weights": "open", "restricted-weights": "restricted", "closed": "closed"}


def _svg(path):
    root = ET.parse(path).getroot()
    groups = {g.get("id"): g for g in root.iter(SVG + "g") if g.get("id")}
    texts = [t.text for t in root.iter(SVG + "text") if t.text]
    return groups, texts


def _markers(group) -> int:
    return len(list(group.iter(SVG + "use")))


def _verdicts(cli) -> dict[str, str]:
    return {row["id"]: row["verdict"] for row in cli("list", "--format", "json").json()}


def _expected_quarters(cli, benchmark: str) -> dict[str, set]:
    """Quarters with a score, per kind, by the verdicts `list` shows; unknown left out."""
    verdicts = _verdicts(cli)
    want = benchmark.lower()
    out: dict[str, set] = {"open": set(), "restricted": set(), "closed": set()}
    for r in loader.load():
        kind = OPEN.get(verdicts[r.id])
        if kind and r.released and any(b.name.lower() == want for b in r.benchmarks):
            d = r.released.date
            out[kind].add((d.year, (d.month - 1) // 3 + 1))
    return out


def test_gap_plot_has_one_marker_per_quarter_and_kind(cli, tmp_path):
    path = tmp_path / "gap.svg"
    r = cli("gap", "MMLU", "--plot", str(path))
    assert r.code == 0, r.err
    groups, texts = _svg(path)
    expected = _expected_quarters(cli, "MMLU")
    assert expected["open"] and expected["closed"]
    for kind, quarters in expected.items():
        if quarters:
            assert _markers(groups[f"series-{kind}"]) == len(quarters), kind
        else:
            assert f"series-{kind}" not in groups
    for label in ("best open (open-source, open-weights)", "best closed", "release quarter", "MMLU score (%)"):
        assert label in texts, label
    ticks = {f"{y} Q{q}" for qs in expected.values() for (y, q) in qs}
    assert ticks <= set(texts)


def test_gap_plot_never_counts_unknown_as_open(cli, tmp_path):
    verdicts = _verdicts(cli)
    unknown = [r for r in loader.load() if verdicts[r.id] == "unknown" and r.benchmarks and r.released]
    assert unknown, "the catalog has scored releases with an unknown verdict"
    bench = unknown[0].benchmarks[0].name
    path = tmp_path / "gap.svg"
    assert cli("gap", bench, "--plot", str(path)).code == 0
    groups, _ = _svg(path)
    expected = _expected_quarters(cli, bench)
    drawn = _markers(groups["series-open"]) if "series-open" in groups else 0
    assert drawn == len(expected["open"])


def test_producers_timeline_colours_every_dated_release_by_verdict(cli, tmp_path):
    path = tmp_path / "timeline.svg"
    r = cli("producers", "--plot", str(path), "--format", "json")
    assert r.code == 0, r.err
    producers = r.json()
    groups, texts = _svg(path)
    counts: dict[str, int] = {}
    for p in producers:
        for rel in p["releases"]:
            if rel["released"]:
                counts[rel["verdict"]] = counts.get(rel["verdict"], 0) + 1
    assert len(counts) >= 3
    for level, n in counts.items():
        assert _markers(groups[f"verdict-{level}"]) == n, level
    named = [p["name"] for p in producers if any(rel["released"] for rel in p["releases"])]
    assert set(named) <= set(texts)
    for label in ("release date", "producer", "verdict", *counts):
        assert label in texts, label


def test_one_producer_timeline_and_png_by_suffix(cli, tmp_path):
    png = tmp_path / "meta.png"
    r = cli("producers", "meta", "--plot", str(png))
    assert r.code == 0, r.err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "meta.svg"
    cli("producers", "meta", "--plot", str(svg))
    groups, texts = _svg(svg)
    meta = [x for x in cli("producers", "meta", "--format", "json").json()[0]["releases"] if x["released"]]
    assert sum(_markers(g) for gid, g in groups.items() if gid.startswith("verdict-")) == len(meta)


def test_bad_plot_file_is_one_line_exit_2(cli, tmp_path):
    r = cli("gap", "MMLU", "--plot", str(tmp_path / "gap.txt"))
    assert r.code == 2 and ".svg or .png" in r.err and "Traceback" not in r.err
    r = cli("producers", "--plot", str(tmp_path))
    assert r.code == 2 and "Traceback" not in r.err


def test_gap_lists_its_benchmarks_and_says_what_the_sign_means(cli):
    listed = cli("gap", "--list", "--format", "json").json()
    counts: dict[str, int] = {}
    for r in loader.load():
        for key in {loader.normalize(b.name) for b in r.benchmarks}:
            counts[key] = counts.get(key, 0) + 1
    assert {loader.normalize(x["benchmark"]): x["releases"] for x in listed} == counts
    table = cli("gap", "MMLU", env={"COLUMNS": "120"})
    assert table.code == 0
    for heading in ("year", "best open", "best closed", "gap"):
        assert heading in table.out
    assert "closed minus best open" in table.out and "positive" in table.out

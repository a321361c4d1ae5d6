"""`producers`, `gap` and `list --verdict` read the same verdicts: open-source and open-weights
are open, restricted-weights is its own kind, unknown is never counted as open."""

from __future__ import annotations

from datetime import date

from trueopen.catalog import producers

KIND = {"open-source": "open", "open-weights": "open", "restricted-weights": "restricted", "closed": "closed"}


def test_every_producers_strategy_agrees_with_the_verdicts_list_shows(cli):
    res = cli("producers", "--format", "json")
    assert res.code == 0, res.err
    rows = res.json()
    assert len(rows) >= 20
    listed = cli("list", "--sort", "date", "--format", "json")
    assert listed.code == 0, listed.err
    by_producer: dict[str, list[dict]] = {}
    for r in listed.json():
        by_producer.setdefault(producers.find(r["producer"]).id, []).append(r)
    for p in rows:
        dated = [r for r in by_producer.get(p["id"], []) if r["released"]]
        kinds = [KIND[r["verdict"]] for r in dated if r["verdict"] in KIND]
        unknown = sum(r["verdict"] == "unknown" for r in dated)
        words = p["strategy"]
        if not dated:  # no release with a date: nothing to read a strategy from
            assert words.startswith("unknown"), (p["id"], words)
            continue
        if unknown:
            assert words.endswith(f"({unknown} of {len(dated)} unknown)"), (p["id"], words)
        else:
            assert "unknown" not in words, (p["id"], words)
        if not kinds:
            assert words.startswith("unknown")
            continue
        if words.startswith("always "):
            assert set(kinds) == {words.split()[1]}, (p["id"], words, kinds)
        else:
            assert len(set(kinds)) > 1, (p["id"], words, kinds)
            if " to " in words:
                assert words.split()[0] == kinds[0], (p["id"], words, kinds)
        for kind in ("open", "restricted", "closed"):
            if kind in words.split():
                assert kind in kinds, (p["id"], kind, "named but no release of that kind")


def test_the_verdict_filter_and_producers_agree_release_by_release(cli):
    """A release shown as open in `producers` is one that `list --verdict open-weights` or
    `open-source` lists, never one whose verdict is restricted-weights or unknown."""
    open_ids = set()
    for level in ("open-source", "open-weights"):
        res = cli("list", "--verdict", level, "--format", "json")
        assert res.code == 0
        open_ids |= {r["id"] for r in res.json()}
    rows = cli("producers", "--format", "json").json()
    shown = {r["id"]: r["verdict"] for p in rows for r in p["releases"]}
    assert {i for i, v in shown.items() if v in ("open-source", "open-weights")} == open_ids
    table = cli("producers", "deepseek", env={"COLUMNS": "200"}).out
    row = next(line for line in table.splitlines() if "deepseek-v4-pro" in line)
    assert row.count("unknown") == 2 and "open" not in row.replace("deepseek", "")


def test_strategy_words_on_hand_built_histories():
    d = date.fromisoformat
    assert producers.strategy([(d("2020-01-01"), "open-weights"), (d("2024-01-01"), "closed")]) == "open to closed"
    assert producers.strategy([(d("2020-01-01"), "closed"), (d("2024-01-01"), "open-source"),
                               (d("2024-03-01"), "closed")]) == "closed to mixed"
    assert producers.strategy([(d("2023-01-01"), "restricted-weights")] * 2) == "always restricted"
    assert producers.strategy([(d("2023-01-01"), "unknown"), (d("2024-01-01"), "open-weights")]) == \
        "always open (1 of 2 unknown)"
    assert producers.strategy([(d("2024-01-01"), "unknown")]) == "unknown"
    assert producers.strategy([]) == "unknown"


def test_gap_counts_only_open_verdicts_as_open_and_shows_restricted_apart(cli):
    res = cli("gap", "MMLU", "--format", "json")
    assert res.code == 0, res.err
    verdicts = {r["id"]: r["verdict"] for r in cli("list", "--format", "json").json()}
    seen_restricted = False
    for row in res.json():
        for cell, levels in ((row["open"], {"open-source", "open-weights"}), (row["closed"], {"closed"}),
                             (row["restricted_weights"], {"restricted-weights"})):
            if cell is not None:
                assert verdicts[cell["release"]] in levels, (row["year"], cell)
        seen_restricted |= row["restricted_weights"] is not None
    assert seen_restricted, "Llama and Gemma report MMLU: restricted-weights rows are shown apart"


def test_together_has_a_dated_release_so_its_strategy_is_read(cli):
    """Pythia-Chat-Base-7B was Together's only catalog release and had no date, so `producers`
    could say nothing of Together; its date is OpenChatKit's README commit of 2023-03-30."""
    listed = cli("list", "--producer", "together", "--format", "json")
    assert listed.code == 0, listed.err
    assert {r["id"]: r["released"] for r in listed.json()}["pythia-chat-base-7b"] == "2023-03-30"
    res = cli("producers", "together", "--format", "json")
    assert res.code == 0, res.err
    [row] = res.json()
    assert not row["strategy"].startswith("unknown"), row["strategy"]

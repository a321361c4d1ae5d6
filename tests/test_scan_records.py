"""The pieces of a scan a worker runs, in-process on real folders: a batch's records come back as
one block of JSON lines (what the client appends to the output unread), and the JSON rules every
audit record goes through (report/safe_text.jsonable, which has a fast path for plain values)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from enum import Enum

from test_scan import OFFLINE, model_folder

from trueopen import safeyaml
from trueopen.report.safe_text import MAX_DEPTH, jsonable
from trueopen.scan import runner
from trueopen.scan.worker import audit_batch


def test_a_batch_is_one_block_of_lines_in_source_order(tmp_path, monkeypatch):
    for k, v in OFFLINE.items():
        monkeypatch.setenv(k, v)
    good = [tmp_path / f"m{i}" for i in range(3)]
    for i, f in enumerate(good):
        model_folder(f, i, ["apache-2.0", "mit", "llama-2-license-2023"][i])
    sources = [str(good[0]), str(tmp_path / "missing"), str(good[1]), str(good[2])]
    batch = audit_batch(sources, 60.0, offline=True)
    text = batch.data.decode("utf-8")
    assert text.endswith("\n") and len(text.splitlines()) == len(sources) == len(batch)
    recs = [json.loads(line) for line in text.splitlines()]
    assert [r["source"] for r in recs] == [s for s, _ in batch.briefs] == sources
    for rec, (_, brief) in zip(recs, batch.briefs):
        assert brief.error == (rec["error"] is not None)
        if rec["error"] is None:
            assert rec["weights"]["format"] == brief.format == "safetensors"
            assert rec["verdict"]["level"] == brief.verdict
    assert "missing" in recs[1]["error"] and set(recs[1]) == {"source", "seconds", "error"}
    assert [b.license for _, b in batch.briefs if not b.error] == ["Apache-2.0", "MIT", "LicenseRef-llama2"]


def test_batches_cover_the_sources_in_order_large_then_shrinking():
    for n, w in ((1, 2), (10, 2), (100, 1), (2000, 2), (2000, 8), (100_000, 2)):
        sources = [f"/m/{i}" for i in range(n)]
        cut = list(runner.batches(sources, w))
        assert [s for b in cut for s in b] == sources
        sizes = [len(b) for b in cut]
        assert sizes == sorted(sizes, reverse=True) and max(sizes) <= runner.MAX_BATCH and min(sizes) >= 1
        if n >= 2 * w * runner.TASKS_PER_WORKER:  # many sources: many full batches, not one task each
            assert sizes[0] > 1 and len(cut) < n / 4
            assert len(cut) >= w * runner.TASKS_PER_WORKER  # every worker gets many
        # the last batches are small: no worker is left with a long one while the others wait
        assert sum(sizes[-w:]) <= max(w, 2)
    assert len(list(runner.batches([str(i) for i in range(100_000)], 2))) < 100_000 / runner.MAX_BATCH + 64


class Kind(str, Enum):
    base = "base"


def test_jsonable_rules_on_values_readers_return():
    """Dates from card front matter (safeyaml keeps valid ones as dates); bytes, sets, huge
    integers and NaN as a weights header's metadata can hold them."""
    data = safeyaml.loads("released: 2024-01-02\nseen: 2024-01-02 03:04:05\n"
                          "nested: {list: [1, 2.5, true, null, text]}\n", "README.md")
    data.update({"blob": b"hello", "tags": {"b", "a"}, "big": 10**5000, "odd": float("nan"), "far": -math.inf})
    out = jsonable(data)
    assert out["released"] == date(2024, 1, 2).isoformat()
    assert out["seen"] == datetime(2024, 1, 2, 3, 4, 5).isoformat()
    assert out["nested"] == {"list": [1, 2.5, True, None, "text"]}
    assert out["blob"] == "aGVsbG8="  # base64 of the bytes
    assert out["tags"] == ["a", "b"]
    assert out["big"] == f"an integer of {(10**5000).bit_length()} bits"
    assert out["odd"] == "nan" and out["far"] == "-inf"
    json.loads(json.dumps(out, allow_nan=False))  # strict JSON


def test_jsonable_keys_subclasses_and_depth():
    out = jsonable({7: "a", None: "b", True: "c", (1, 2): "d", Kind.base: Kind.base, "t": (1, (2,)),
                    "d": type("D", (dict,), {})(x=[1])})
    assert out == {"7": "a", "null": "b", "true": "c", "[1, 2]": "d", "base": "base", "t": [1, [2]], "d": {"x": [1]}}
    assert type(out["d"]) is dict and type(out["base"]) is Kind  # a str subclass is kept as it is
    deep: object = "leaf"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    cut = jsonable({"d": deep})["d"]
    depth = 1
    while isinstance(cut, list):
        (cut,) = cut
        depth += 1
    assert cut == "..." and depth == MAX_DEPTH + 1  # containers past MAX_DEPTH become "..."

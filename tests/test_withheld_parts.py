"""A release's `withheld` parts: components the producer has and does not release, each with the
source that shows it. They settle the MOT crosscheck rows for those components, `validate` rejects
a malformed one, and MOF never counts them (a part that is not released is missing).

Entries are written to tmp_path and checked by the real `trueopen validate`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from trueopen.catalog import crosscheck, loader, snapshots
from trueopen.frameworks import mof as mof_framework

REPORT = "https://arxiv.org/abs/0000.00002"


def _entry(id: str, **changes) -> dict:
    mot = {"url": snapshots.file_url(snapshots.MOT, snapshots.entries(snapshots.MOT)["GPT-4"]), "as_of": "2026-11-28"}
    data = {
        "id": id, "name": id, "producer": "OpenAI",
        "access": {"weights": "none", "api": True, "source": "api"},
        "license": {"distribution": {"name": "Apache-2.0"}, "source": "api"},
        "components": [{"name": "Technical report", "license": "unlicensed", "location": REPORT, "source": "report"}],
        "listed_in": {"mot": "GPT-4"},
        "sources": {"api": {"url": "https://example.com/api", "as_of": "2026-11-28"},
                    "report": {"url": REPORT, "as_of": "2026-11-28"}, "mot": mot},
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, *entries: dict) -> list[str]:
    paths = []
    for e in entries:
        p = tmp_path / f"{e['id']}.yaml"
        p.write_text(yaml.safe_dump(e, sort_keys=False), encoding="utf-8")
        paths.append(str(p))
    return paths


WITHHELD = [{"component": "Model metadata", "source": "report", "as_of": "2026-11-28",
             "note": "No configuration or hyperparameters are given."},
            {"component": "Evaluation data", "source": "report", "as_of": "2026-11-28"}]


def test_a_withheld_part_decides_its_mot_row_by_the_entrys_source(tmp_path, cli):
    kept, silent = _write(tmp_path, _entry("kept", withheld=WITHHELD), _entry("silent"))
    res = cli("validate", kept, silent, "--format", "json", "--notes")
    assert res.code in (0, 1), res.err
    notes = {Path(r["path"]).stem: r["notes"] for r in res.json()}
    for component in ("Model metadata", "Evaluation data"):
        kept_note = [n for n in notes["kept"] if n.startswith(f"MOT GPT-4: {component}: ")]
        assert kept_note and kept_note[0].startswith(f"MOT GPT-4: {component}: withheld here")
        assert kept_note[0].endswith(f"decided by our source ({REPORT})")
        silent_note = [n for n in notes["silent"] if n.startswith(f"MOT GPT-4: {component}: ")]
        assert silent_note and silent_note[0].endswith("still to check")
    # a component MOT lists that the entry does not call withheld stays open
    assert any(n.startswith("MOT GPT-4: Sample model outputs: not listed here") and n.endswith("still to check")
               for n in notes["kept"])


def test_mof_never_counts_a_withheld_part(tmp_path):
    """The same open release scores the same class with and without parts listed as withheld."""
    base = _entry("open-one", access={"weights": "download", "source": "api"},
                  components=[{"name": n, "source": "api"} for n in (
                      "Model architecture", "Model parameters (Final)", "Model card", "Data card",
                      "Technical report", "Evaluation results", "Sample model outputs")])
    plain, kept = _write(tmp_path, base, {**base, "id": "open-two", "withheld": WITHHELD})
    a, b = loader.read_entry(Path(plain)), loader.read_entry(Path(kept))
    ra, rb = mof_framework.assess(a), mof_framework.assess(b)
    assert ra.mof_class == rb.mof_class == 3
    assert ra.missing == rb.missing
    assert "Evaluation data" in set().union(*rb.missing.values())


def test_validate_rejects_a_malformed_withheld_part(tmp_path, cli):
    cases = {
        "not-a-component": ([{"component": "Model weights", "source": "report", "as_of": "2026-11-28"}],
                            "'Model weights' is not a MOF component name"),
        "no-such-source": ([{"component": "Model metadata", "source": "nowhere", "as_of": "2026-11-28"}],
                           "withheld[Model metadata] -> 'nowhere'"),
        "both-ways": ([{"component": "Technical report", "source": "report", "as_of": "2026-11-28"}],
                      "listed as a component and as withheld: Technical report"),
    }
    for rid, (withheld, message) in cases.items():
        [path] = _write(tmp_path, _entry(rid, withheld=withheld))
        res = cli("validate", path)
        assert res.code == 2, (rid, res.out, res.err)
        assert message in res.err and f"{rid}.yaml" in res.err, (rid, res.err)
        assert "Traceback" not in res.err


def test_every_withheld_part_in_the_catalog_cites_a_dated_web_source():
    found = 0
    for r in loader.load():
        for w in r.withheld:
            found += 1
            assert r.component(w.component) is None, (r.id, w.component)
            assert r.sources[w.source].url.startswith("https://"), (r.id, w.component)
            assert w.note, (r.id, w.component)
            d = [x for x in crosscheck.mot_differences(r) if x.component == w.component]
            assert all(x.decided_by == crosscheck.OURS for x in d), (r.id, d)
    assert found >= 10

"""MOT's scoring rules on hand-built releases: one rule per test."""

from __future__ import annotations

import pytest

from trueopen import components as C
from trueopen.frameworks import mof
from trueopen.release import Release

CLASS_III = [C.ARCHITECTURE, C.WEIGHTS, C.EVALUATION_RESULTS, C.MODEL_CARD, C.DATA_CARD, C.TECHNICAL_REPORT]


def release(components: dict[str, str | None], **licenses) -> Release:
    comps = []
    for name, lic in components.items():
        entry = {"name": name, "source": "s"}
        if lic is not None:
            entry["license"] = lic
        comps.append(entry)
    return Release.model_validate({
        "id": "t", "name": "t", "producer": "p", "components": comps,
        "license": {k: {"name": v} for k, v in licenses.items()},
        "sources": {"s": {"url": "https://example.org", "as_of": "2026-01-01"}},
    })


def test_class_three_parts_alone_give_class_three_and_gated_progress():
    r = mof.assess(release({n: "Apache-2.0" for n in CLASS_III}))
    assert r.mof_class == 3
    assert (r.progress[3], r.progress[2], r.progress[1]) == (100.0, 60.0, 0.0)


def test_all_seventeen_parts_open_reach_class_one_with_type_warnings():
    r = mof.assess(release({n: "Apache-2.0" for n in C.NAMES}))
    assert r.mof_class == 1 and r.progress[1] == 100.0
    # Apache-2.0 is typed code+document in MOT, so the five data parts are flagged.
    assert sorted(r.not_type_appropriate) == sorted(
        [C.DATASETS, C.WEIGHTS, C.EVALUATION_DATA, C.CHECKPOINTS, C.MODEL_METADATA])


def test_open_paper_stands_in_for_a_closed_report():
    comps = {n: "Apache-2.0" for n in CLASS_III}
    comps[C.TECHNICAL_REPORT] = "Proprietary"
    comps[C.RESEARCH_PAPER] = "CC-BY-4.0"
    r = mof.assess(release(comps))
    assert r.paper_stands_in and r.progress[3] == 100.0 and r.mof_class == 3


def test_without_open_paper_class_one_stops_at_thirteen_of_fourteen():
    comps = {n: "Apache-2.0" for n in C.NAMES}
    comps[C.RESEARCH_PAPER] = "unlicensed"
    r = mof.assess(release(comps))
    assert r.mof_class == 2
    assert r.progress[1] == pytest.approx(13 / 14 * 100)


def test_type_license_beats_distribution_license():
    r = mof.assess(release({n: None for n in CLASS_III}, document="Proprietary", distribution="Apache-2.0"))
    assert r.progress[3] == pytest.approx(100 / 3)  # only the code and data parts inherit Apache-2.0


def test_explicit_no_license_does_not_fall_back_to_global():
    for empty in ("", "unlicensed"):
        r = mof.assess(release({**{n: "MIT" for n in CLASS_III}, C.MODEL_CARD: empty}, distribution="MIT"))
        status = {c.name: c.status for c in r.components}
        assert status[C.MODEL_CARD] == "unlicensed" and r.mof_class is None


@pytest.mark.parametrize("lic,is_open", [
    ("Apache-2.0", True), ("apache-2.0", False), ("Apache 2.0", False), ("GPL-2.0", True),
    ("PDDL-1.0", False), ("ODC-PDDL-1.0", True), ("OpenMDW-1.0", True), ("CC-BY-NC-4.0", False),
    ("CDLA-Permissive-2.0", True), ("LicenseRef-llama2", False), ("CDDL-1.1", False),
])
def test_license_openness_is_exact_string_match_as_in_mot(lic, is_open):
    assert mof.is_open(lic) is is_open


def test_badges_round_half_away_from_zero():
    r = mof.assess(release({n: "MIT" for n in CLASS_III[:5]}))
    assert r.badge(3) == "In progress (83%)" and r.badge(2) == "Not met"

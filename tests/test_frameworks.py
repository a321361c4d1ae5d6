"""OSAID, the Index profile and the verdict on hand-built releases."""

from __future__ import annotations

from trueopen import components as C
from trueopen.assessment import assess
from trueopen.release import Release

SRC = {"s": {"url": "https://example.org", "as_of": "2026-01-01"}}
FULL_CODE = [C.ARCHITECTURE, C.TRAINING_CODE, C.INFERENCE_CODE, C.PREPROCESSING_CODE, C.EVALUATION_CODE]


def make(weights_license: str | None, *, code=FULL_CODE, data="full", access="download", base=None,
         approval=False, extra=()) -> Release:
    comps = [{"name": n, "license": "Apache-2.0", "source": "s"} for n in code]
    if weights_license is not None:
        comps.append({"name": C.WEIGHTS, "license": weights_license, "source": "s"})
    comps.append({"name": C.DATA_CARD, "license": "CC-BY-4.0", "source": "s"})
    comps += [{"name": n, "license": "Apache-2.0", "source": "s"} for n in extra]
    data_ = {"id": "x", "name": "X", "producer": "p", "components": comps, "sources": SRC,
             "access": {"weights": access, "approval": approval, "source": "s"}}
    if data:
        data_["training_data"] = {"disclosure": data, "datasets": ["d"], "source": "s"}
    if base:
        data_["base_model"] = {"id": base, "source": "s"}
    return Release.model_validate(data_)


def test_fully_open_release_is_open_source():
    a = assess(make("Apache-2.0"))
    assert a.osaid.conformant and a.verdict.level == "open-source"


def test_open_weights_without_training_code_is_open_weights():
    a = assess(make("MIT", code=[C.ARCHITECTURE, C.INFERENCE_CODE], data="none"))
    assert a.verdict.level == "open-weights"
    assert {c.id for c in a.osaid.unmet} >= {"C-TRAIN", "C-DATA", "D-DESC"}
    assert a.osai_index["opencode"].grade == "partial"


def test_restrictive_weights_license_is_restricted_weights():
    a = assess(make("LicenseRef-llama3.1"))
    assert a.verdict.level == "restricted-weights"
    assert "700M" in a.verdict.reasons[0]
    # the Index asks for the whole project under OSI licenses: weights under other terms close it
    assert a.osai_index["license"].grade == "closed"


def test_approval_gate_fails_permission_even_with_open_license():
    a = assess(make("Apache-2.0", access="gated", approval=True))
    assert not a.osaid.conformant and a.verdict.level == "restricted-weights"
    assert [c.outcome for c in a.osaid.checks if c.id == "L-PERM"] == ["fail"]
    assert assess(make("Apache-2.0", access="gated")).verdict.level == "open-source"


def test_unknown_weights_license_gives_unknown_not_a_guess():
    a = assess(make("Some-Custom-License"))
    assert a.verdict.level == "unknown" and not a.osaid.conformant and not a.osaid.determined


def test_weights_license_not_recorded_is_unknown_but_unlicensed_is_restricted():
    r = make("Apache-2.0", code=[C.INFERENCE_CODE], data="none")
    comps = [c if c.name != C.WEIGHTS else c.model_copy(update={"license": None}) for c in r.components]
    a = assess(r.model_copy(update={"components": comps}))
    assert a.verdict.level == "unknown" and "no license for them is recorded" in a.verdict.reasons[0]
    b = assess(make("unlicensed", code=[C.INFERENCE_CODE], data="none"))
    assert b.verdict.level == "restricted-weights" and "no license" in b.verdict.reasons[0]


def test_fine_tune_of_a_non_conformant_base_is_not_open_source():
    base = assess(make("LicenseRef-llama2"))
    tuned = make("Apache-2.0", base="llama")
    assert not assess(tuned, base).osaid.conformant
    assert assess(tuned, assess(make("Apache-2.0"))).osaid.conformant
    assert not assess(tuned).osaid.determined  # base not assessed: undetermined, never a pass


def test_closed_model_profile():
    r = Release.model_validate({"id": "c", "name": "C", "producer": "p", "sources": SRC,
                                "access": {"weights": "none", "api": True, "source": "s"}})
    a = assess(r)
    assert a.verdict.level == "closed"
    assert a.osai_index["llmweights"].grade == "closed" and a.osai_index["api"].grade == "partial"
    assert a.dimensions["accessibility"].rating == "low"


def test_no_facts_is_unknown():
    r = Release.model_validate({"id": "u", "name": "U", "producer": "p"})
    assert assess(r).verdict.level == "unknown"


def test_cli_verdict_choices_are_the_verdict_levels():
    from trueopen.cli import Verdict
    from trueopen.frameworks.verdict import LEVELS

    assert tuple(v.value for v in Verdict) == LEVELS

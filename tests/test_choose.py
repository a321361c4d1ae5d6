"""`trueopen choose`: properties checked over the whole catalog, through the real CLI."""

from __future__ import annotations

from trueopen.advise import choose, cost
from trueopen.catalog import loader


def _ids(data: dict) -> set[str]:
    return {c["id"] for c in data["candidates"]}


def test_on_prem_commercial_800m_users_offers_no_closed_model_nor_llama_2(cli):
    r = cli("choose", "--on-prem", "--commercial", "--users", "800M", "--format", "json")
    assert r.code == 0, r.err
    data = r.json()
    listing = {row["id"]: row for row in cli("list", "--format", "json").json()}
    offered = _ids(data)
    assert offered, "something open should fit"
    for rid in offered:
        release = loader.find(rid)
        assert listing[rid]["verdict"] != "closed", rid
        assert release.access is not None and release.access.weights != "none", rid
        assert not (release.access.approval), f"{rid} needs approval but --gated-ok was not given"
        assert not (release.family or "").lower().startswith("llama 2"), rid
    assert "llama-2-7b" not in offered
    # every model is either offered or ruled out, once
    out = {o["id"] for o in data["ruled_out"]}
    assert offered | out == {r.id for r in loader.load()} and not offered & out
    # a closed model is ruled out for on-prem; Llama 2 for its user cap, citing the clause
    llama2 = next(o for o in data["ruled_out"] if o["id"] == "llama-2-7b")
    can = cli("can", "llama-2-7b", "--users", "800M", "--format", "json").json()
    assert llama2["check"] == "users" and llama2["clause"] == can["answers"]["users"]["clause"]
    # a conditional `can` answer comes with its conditions (one round trip; the rest in-process below)
    conditioned = next(c for c in data["candidates"] if c["conditions"])
    answers = cli("can", conditioned["id"], "--commercial", "--users", "800M", "--on-prem",
                  "--format", "json").json()["answers"]
    assert all(a["outcome"] != "forbidden" for a in answers.values())
    for a in answers.values():
        for cond in a["conditions"] if a["outcome"] == "conditional" else []:
            assert any(cond in c for c in conditioned["conditions"]), cond


def test_rights_answers_decide_exactly_as_can_does():
    from trueopen.licenses import rights

    needs = choose.Needs(questions=("commercial", "distill"), users=800_000_000)
    from trueopen import service

    res = service.choose(needs)
    for v in res.candidates + res.ruled_out:
        answers = rights.for_release(v.release, ["commercial", "users", "distill"], 800_000_000).answers
        forbidden = [q for q, a in answers.items() if a.outcome == "forbidden"]
        rights_failures = [f for f in v.failures if f["check"] in ("commercial", "users", "distill")]
        assert bool(forbidden) == bool(rights_failures), v.release.id
        conditional = [q for q, a in answers.items() if a.outcome == "conditional"]
        if v.fits and conditional:
            assert v.conditions, v.release.id


def test_gpu_memory_24_bf16_offers_nothing_whose_weights_exceed_it(cli):
    data = cli("choose", "--gpu-memory", "24", "--precision", "bf16", "--format", "json").json()
    offered = _ids(data)
    assert offered
    for rid in offered:
        p = loader.find(rid).parameters
        assert p is not None and p.total is not None, rid
        assert p.total * 2 <= 24e9, rid
    # and everything small enough that can be self-hosted is offered (nothing wrongly ruled out)
    for r in loader.load():
        if r.parameters and r.parameters.total and r.access and r.access.weights != "none":
            kv, _ = cost.kv_per_token(r, cost.Assumptions())
            if r.parameters.total * 2 + kv * 4096 <= 24e9:
                assert r.id in offered, r.id


def test_int4_fits_more_than_bf16(cli):
    bf16 = _ids(cli("choose", "--gpu-memory", "24", "--precision", "bf16", "--format", "json").json())
    int4 = _ids(cli("choose", "--gpu-memory", "24", "--precision", "int4", "--format", "json").json())
    assert bf16 < int4


def test_open_source_offers_only_osaid_conformant_models(cli):
    data = cli("choose", "--open-source", "--format", "json").json()
    shown = {rid: cli("show", rid, "--format", "json").json() for rid in _ids(data)}
    assert shown
    for rid, s in shown.items():
        assert s["osaid"]["conformant"] is True, rid
    for o in data["ruled_out"]:
        assert o["check"] == "open-source"


def test_min_verdict_and_mof_class(cli):
    data = cli("choose", "--min-verdict", "open-weights", "--mof-class", "2", "--format", "json").json()
    for c in data["candidates"]:
        assert c["verdict"]["level"] in ("open-source", "open-weights")
        assert c["mof_class"] in (1, 2)


def test_why_not_llama_2_cites_the_clause(cli):
    r = cli("choose", "--users", "800M", "--why-not", "llama-2-7b")
    assert r.code == 1
    can = cli("can", "llama-2-7b", "--users", "800M", "--format", "json").json()["answers"]["users"]
    assert can["outcome"] == "forbidden" and can["clause"]
    assert can["clause"] in r.out and "700,000,000" in r.out
    ok = cli("choose", "--users", "800M", "--why-not", "olmo-2-7b")
    assert ok.code == 0 and "rank" in ok.out


def test_task_is_recorded_or_derived_exactly(cli):
    data = cli("choose", "--task", "code", "--format", "json").json()
    offered = _ids(data)
    for rid in offered:
        tasks, _ = choose.tasks_of(loader.find(rid))
        assert "code" in tasks
    recorded = [r.id for r in loader.load() if r.tasks and "code" in r.tasks.tasks]
    assert set(recorded) <= offered
    chat = _ids(cli("choose", "--task", "chat", "--format", "json").json())
    for rid in chat:
        r = loader.find(rid)
        assert r.treatment != "pre-trained" or (r.tasks and "chat" in r.tasks.tasks), rid


def test_budget_rules_out_what_costs_more_and_says_how_much(cli):
    data = cli("choose", "--tokens", "1B", "--budget", "3000", "--format", "json").json()
    for c in data["candidates"]:
        assert c["cost"] is not None and c["cost"]["monthly_usd"] <= 3000, c["id"]
        est = cli("cost", c["id"], "--tokens", "1B", "--format", "json").json()["models"][0]
        options = [x for x in (est["api"] and est["api"]["monthly_usd"],
                               est["self_host"] and est["self_host"]["monthly_usd"]) if x is not None]
        assert abs(min(options) - c["cost"]["monthly_usd"]) < 0.01
        break
    over = [o for o in data["ruled_out"] if o["check"] == "budget"]
    assert over and all("USD" in o["reason"] or o["reason"].startswith("no API price") for o in over)
    priced = [o for o in over if "USD" in o["reason"]]
    assert priced and all("over the USD 3,000 budget" in o["reason"] for o in priced)


def test_rank_by_benchmark_orders_by_score(cli):
    data = cli("choose", "--rank-by", "MMLU", "--format", "json", "--limit", "500").json()
    scores = [c["benchmark"]["score"] for c in data["candidates"] if c["benchmark"]]
    assert scores and scores == sorted(scores, reverse=True)
    seen_none = False
    for c in data["candidates"]:
        seen_none = seen_none or c["benchmark"] is None
        assert not (seen_none and c["benchmark"]), "scored models come first"
    assert "MMLU" in data["ranking"]


def test_profile_has_the_six_criteria_and_table_reads_in_80_columns(cli):
    data = cli("choose", "--commercial", "--format", "json").json()
    for c in data["candidates"]:
        assert set(c["profile"]) == set(choose.CRITERIA)
    r = cli("choose", "--commercial", "--on-prem", env={"COLUMNS": "80"})
    assert r.code == 0
    for line in r.out.splitlines():
        assert len(line) <= 80, line


def test_bad_input_exit_2(cli):
    for args in (("choose", "--budget", "100"), ("choose", "--why-not", "no-such-model-zz"),
                 ("choose", "--gpu", "TPU9", "--tokens", "1B")):
        r = cli(*args)
        assert r.code == 2, (args, r.out, r.err)
        assert "Traceback" not in r.err


def test_gated_ok_lets_in_weights_that_need_approval_with_that_condition(cli):
    approval = [r.id for r in loader.load() if r.access and r.access.weights == "gated" and r.access.approval]
    assert approval
    strict = cli("choose", "--on-prem", "--format", "json").json()
    loose = cli("choose", "--on-prem", "--gated-ok", "--format", "json").json()
    out = {o["id"]: o for o in strict["ruled_out"]}
    offered = {c["id"]: c for c in loose["candidates"]}
    for rid in approval:
        assert out[rid]["check"] in ("on-prem", "on_prem") and "approval" in out[rid]["reason"]
        assert rid in offered and any("approval" in c for c in offered[rid]["conditions"]), rid

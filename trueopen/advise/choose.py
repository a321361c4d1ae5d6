"""`trueopen choose`: a ranked shortlist for stated needs, and what was ruled out and why.

Every check reads what other commands already say: rights are `can`'s answers (a forbidden one
rules a model out, a conditional one comes with its conditions), openness is `show`'s verdict,
OSAID result and MOF class, and the bill is `cost`'s estimate. Pure: the caller passes the
assessments, rights and estimates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from ..assessment import Assessment
from ..licenses.rights import Answer, Rights
from ..release import Release
from . import cost as cost_mod

TASKS = ("chat", "code", "reasoning", "embedding", "speech", "vision", "image")
VERDICT_RANK = {"open-source": 0, "open-weights": 1, "restricted-weights": 2, "closed": 3}
CRITERIA = ("customisation", "business fit", "security/privacy", "community", "budget", "trust")
DEFAULT_RANKING = ("fewest conditions on the rights asked, then the most open verdict, then the best "
                   "MOF class, then the lowest monthly cost (with --tokens), then the newest release")
_BY_TYPE = {"embedding": {"embedding"}, "audio": {"speech"}, "vision": {"vision"}, "image": {"image"},
            "code": {"code"}}
_BY_TREATMENT = {"chat fine-tuned": {"chat"}, "instruct fine-tuned": {"chat"},
                 "reasoning fine-tuned": {"chat", "reasoning"}}


@dataclass(frozen=True)
class Needs:
    questions: tuple[str, ...] = ()  # `can` questions asked (commercial, fine_tune, ...)
    users: int | None = None
    on_prem: bool = False
    gated_ok: bool = False
    gpu_memory_gb: float | None = None
    precision: str = "bf16"
    context: int = 4096
    min_context: int | None = None
    open_source: bool = False
    min_verdict: str | None = None
    mof_class: int | None = None
    task: str | None = None
    tokens: int | None = None
    budget: float | None = None
    rank_by: str | None = None
    gpu: str = "H100"

    @property
    def rights_questions(self) -> list[str]:
        asked = list(self.questions) + (["users"] if self.users is not None else [])
        return asked + (["on_prem"] if self.on_prem and "on_prem" not in asked else [])

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"questions": list(self.questions)}


def tasks_of(release: Release) -> tuple[set[str], str]:
    """The tasks a release is made for, and how we know: 'recorded' (a catalog fact with its
    source) or 'derived' from type and treatment where they say it exactly; a pre-trained
    language model is a base model, made for no task on this list until it is tuned."""
    if release.tasks is not None:
        return set(release.tasks.tasks), "recorded"
    found = set(_BY_TYPE.get(release.type or "", set()))
    if release.type in ("language", "multimodal"):
        found |= _BY_TREATMENT.get(release.treatment or "", set())
        if release.type == "multimodal" and found:
            found.add("vision")
    return found, "derived"


@dataclass
class Verdict:
    """One model's fit: the checks it fails (first one is the reason shown), why it fits, and the
    conditions that come with it."""

    assessment: Assessment
    rights: Rights
    estimate: cost_mod.Estimate | None
    failures: list[dict[str, Any]] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    benchmark: tuple[float, str, str | None] | None = None  # score, unit, setting
    cost: tuple[str, float] | None = None  # the cheaper way to run it, USD a month (with --tokens)

    @property
    def release(self) -> Release:
        return self.assessment.release

    @property
    def fits(self) -> bool:
        return not self.failures


def _fail(v: Verdict, check: str, reason: str, **extra: Any) -> None:
    v.failures.append({"check": check, "reason": reason, **extra})


def _cite(a: Answer) -> str:
    return f" ({a.clause})" if a.clause else ""


def _cheapest(e: cost_mod.Estimate, release: Release, on_prem: bool) -> tuple[str, float] | None:
    """API or self-hosted, whichever is cheaper; only self-hosting when the data may not leave."""
    options = []
    if e.api is not None and not on_prem:
        options.append(("API", float(e.api.monthly)))
    if e.self_host is not None and e.self_host.monthly is not None:
        options.append((f"self-hosted on {e.self_host.gpus * e.self_host.replicas} x {e.self_host.gpu.key}",
                        e.self_host.monthly))
    return min(options, key=lambda o: o[1]) if options else None


def _check_task(v: Verdict, n: Needs) -> None:
    if n.task is None:
        return
    tasks, basis = tasks_of(v.release)
    if n.task not in tasks:
        what = ", ".join(sorted(tasks)) if tasks else (
            "a pre-trained base model, not tuned for a task" if v.release.treatment == "pre-trained" else "not recorded")
        _fail(v, "task", f"made for {what}, not {n.task}")
    else:
        v.why.append(f"made for {n.task} ({basis} from the catalog)")


def _check_openness(v: Verdict, n: Needs) -> None:
    a = v.assessment
    if n.open_source:
        if a.osaid.conformant:
            v.why.append("OSAID 1.0 conformant")
        else:
            unmet = ", ".join(c.id for c in a.osaid.unmet) or "undetermined checks"
            _fail(v, "open-source", f"not OSAID-conformant (fails {unmet})")
    if n.min_verdict is not None:
        level = a.verdict.level
        if level not in VERDICT_RANK or VERDICT_RANK[level] > VERDICT_RANK[n.min_verdict]:
            _fail(v, "min-verdict", f"verdict {level}, below {n.min_verdict}")
        else:
            v.why.append(f"verdict {level}")
    if n.mof_class is not None:
        cls = a.mof.mof_class
        if cls is None or cls > n.mof_class:
            _fail(v, "mof-class", f"MOF {a.mof.label}, not class {n.mof_class} or better")
        else:
            v.why.append(f"MOF class {cls}")


def _check_rights(v: Verdict, n: Needs) -> None:
    for q in n.rights_questions:
        ans = v.rights.answers.get(q)
        if ans is None:
            continue
        if ans.outcome == "forbidden":
            _fail(v, q.replace("_", "-"), f"{q.replace('_', ' ')} forbidden{_cite(ans)}: {ans.summary}",
                  clause=ans.clause, url=ans.url)
        elif ans.outcome == "conditional":
            v.conditions += [f"{q.replace('_', ' ')}: {c}{_cite(ans)}" for c in ans.conditions] or [
                f"{q.replace('_', ' ')}: {ans.summary}"]
        elif ans.outcome == "unclear":
            v.cautions.append(f"{q.replace('_', ' ')} unclear: {ans.summary}")
        elif q != "on_prem":
            v.why.append(f"{q.replace('_', ' ')} allowed{_cite(ans)}")


def _check_on_prem(v: Verdict, n: Needs) -> None:
    if not n.on_prem:
        return
    acc = v.release.access
    if acc is None:
        _fail(v, "on-prem", "how the weights are published is not recorded")
    elif acc.weights == "none":
        _fail(v, "on-prem", "the weights are not released: it runs only on the producer's service")
    elif acc.weights == "gated" and acc.approval and not n.gated_ok:
        _fail(v, "on-prem", "the weights need the producer's approval to download (--gated-ok accepts that)")
    else:
        v.why.append("weights download" + (" after approval" if acc.approval else
                                           " after accepting the terms" if acc.weights == "gated" else
                                           " without sign-up") + ": runs on your own hardware")


def _check_context(v: Verdict, n: Needs) -> None:
    if n.min_context is None:
        return
    ctx = v.release.context_length
    if ctx is None:
        _fail(v, "min-context", "context length not recorded")
    elif ctx.tokens < n.min_context:
        _fail(v, "min-context", f"context {ctx.tokens:,} tokens, less than {n.min_context:,}")
    else:
        v.why.append(f"context {ctx.tokens:,} tokens")


def fit_bytes(release: Release, n: Needs) -> tuple[float, float, str] | None:
    """(weights, KV cache for one sequence of --context tokens, KV basis) at the precision."""
    w = cost_mod.weights_bytes(release, n.precision)
    if w is None:
        return None
    kv_tok, basis = cost_mod.kv_per_token(release, cost_mod.Assumptions(precision=n.precision))
    return w, kv_tok * n.context, basis


def _check_gpu_memory(v: Verdict, n: Needs) -> None:
    if n.gpu_memory_gb is None:
        return
    if cost_mod.self_host_blocker(v.release):
        _fail(v, "gpu-memory", cost_mod.self_host_blocker(v.release) or "")
        return
    sizes = fit_bytes(v.release, n)
    assert sizes is not None
    w, kv, basis = sizes
    limit = n.gpu_memory_gb * 1e9
    if w + kv > limit:
        _fail(v, "gpu-memory", f"{(w + kv) / 1e9:,.1f} GB at {n.precision} (weights {w / 1e9:,.1f} GB + KV "
                               f"{kv / 1e9:,.1f} GB for {n.context:,} tokens) exceeds {n.gpu_memory_gb:g} GB")
    else:
        v.why.append(f"fits {n.gpu_memory_gb:g} GB at {n.precision}: weights {w / 1e9:,.1f} GB + KV "
                     f"{kv / 1e9:,.2f} GB ({'config.json' if basis == 'architecture' else 'rule of thumb'})")


def _check_budget(v: Verdict, n: Needs) -> None:
    if n.tokens is None or v.estimate is None:
        return
    best = _cheapest(v.estimate, v.release, n.on_prem)
    if best is None:
        if n.budget is not None:
            _fail(v, "budget", "no API price and no self-host estimate to compare with the budget")
        return
    how, usd = best
    v.cost = best
    if n.budget is not None and usd > n.budget:
        _fail(v, "budget", f"USD {usd:,.0f} a month at best ({how}), over the USD {n.budget:,.0f} budget")
    else:
        v.why.append(f"USD {usd:,.0f} a month ({how})")


CHECKS: tuple[Callable[[Verdict, Needs], None], ...] = (
    _check_task, _check_openness, _check_rights, _check_on_prem, _check_context, _check_gpu_memory, _check_budget)


def _benchmark(release: Release, name: str) -> tuple[float, str, str | None] | None:
    want = "".join(ch for ch in name.lower() if ch.isalnum())
    found = [b for b in release.benchmarks if "".join(ch for ch in b.name.lower() if ch.isalnum()) == want]
    if not found:
        return None
    b = max(found, key=lambda b: b.score)
    return b.score, b.unit, b.setting


def evaluate(a: Assessment, rights: Rights, estimate: cost_mod.Estimate | None, n: Needs) -> Verdict:
    v = Verdict(a, rights, estimate)
    for check in CHECKS:
        check(v, n)
    if n.rank_by:
        v.benchmark = _benchmark(a.release, n.rank_by)
    return v


def _rating(answer: Answer | None) -> str:
    if answer is None:
        return "unknown"
    return {"allowed": "high", "conditional": "medium", "forbidden": "low"}.get(answer.outcome, "unknown")


def profile(v: Verdict) -> dict[str, str]:
    """The articles' six criteria, read from the assessment's dimensions and the rights:
    customisation = customizability; business fit = the commercial-use answer; security/privacy =
    the on-premises answer; community = innovation (others can build on it); budget = cost;
    trust = transparency and legal together (the lower of the two)."""
    d = v.assessment.dimensions
    order = ["low", "medium", "high"]
    t, lg = d["transparency"].rating, d["legal"].rating
    known = [r for r in (t, lg) if r in order]
    trust = min(known, key=order.index) if known else "unknown"
    return {"customisation": d["customizability"].rating,
            "business fit": _rating(v.rights.answers.get("commercial")),
            "security/privacy": _rating(v.rights.answers.get("on_prem")),
            "community": d["innovation"].rating, "budget": d["cost"].rating, "trust": trust}


def rank(fitting: list[Verdict], n: Needs) -> list[Verdict]:
    def default_key(v: Verdict):
        cost = v.cost
        date = v.release.released.date.toordinal() if v.release.released else 0
        return (len(v.conditions) + len(v.cautions), VERDICT_RANK.get(v.assessment.verdict.level, 9),
                v.assessment.mof.mof_class or 9,
                cost[1] if cost else (float("inf") if n.tokens else 0), -date, v.release.id)

    ordered = sorted(fitting, key=default_key)
    if n.rank_by:  # by the score, best first; models without it keep the default order after them
        ordered.sort(key=lambda v: (v.benchmark is None, -(v.benchmark[0] if v.benchmark else 0)))
    return ordered


def ranking_text(n: Needs) -> str:
    if n.rank_by:
        return (f"by the best recorded {n.rank_by} score (as published; settings differ), highest first; "
                f"models without one follow, in the default order ({DEFAULT_RANKING})")
    return f"default: {DEFAULT_RANKING}"

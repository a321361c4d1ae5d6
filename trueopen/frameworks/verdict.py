"""The verdict: one word a non-expert can act on, with one or two lines of reasons.

open-source        OSAID-conformant
open-weights       weights downloadable under terms that grant the four freedoms, but data
                   information or code is missing
restricted-weights weights downloadable, under a license with use restrictions or behind approval
closed             reachable only through an API or a product
unknown            not enough evidence
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import components as C
from ..licenses import terms as T
from ..release import Release
from .osaid import CODE_PARTS, FAIL, UNKNOWN, Check, OsaidResult

LEVELS = ("open-source", "open-weights", "restricted-weights", "closed", "unknown")


@dataclass(frozen=True)
class Verdict:
    level: str
    reasons: tuple[str, ...]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _code_clause(parts: list[str], problem: str) -> str:
    """'training and evaluation code are not released'."""
    if all(p.endswith(" code") for p in parts):
        noun = _join([p.removesuffix(" code") for p in parts]) + " code"
    else:
        noun = _join(parts)
    verb = "are" if len(parts) > 1 or noun.endswith("libraries") else "is"
    return f"{noun} {verb} {problem}"


def _code_problem(check: Check) -> str:
    if check.outcome == UNKNOWN:
        return "under a license we cannot identify"
    if check.reason.endswith("without a license"):
        return "released without a license"
    if check.reason.endswith("not released"):
        return "not released"
    return "not under an OSI-approved license"


def gaps(osaid: OsaidResult) -> str | None:
    """What keeps a release from open source AI, in plain words, made only from the checks that
    failed or are unknown, so a reason never names a part whose own check passes."""
    bad = {c.id: c for c in osaid.checks if c.required and c.outcome in (FAIL, UNKNOWN)}
    clauses = []
    by_problem: dict[str, list[str]] = {}
    for cid in CODE_PARTS:
        if cid in bad:
            by_problem.setdefault(_code_problem(bad[cid]), []).append(CODE_PARTS[cid])
    clauses += [_code_clause(parts, problem) for problem, parts in by_problem.items()]
    desc, pub = bad.get("D-DESC"), bad.get("D-PUB")
    if desc is not None:
        clauses.append("nothing is recorded about the training data" if desc.outcome == UNKNOWN
                       else "the " + desc.reason.replace("training data ", "training data is ", 1))
    elif pub is not None:
        clauses.append("the training datasets are not all listed")
    if "D-TERMS" in bad:
        clauses.append(bad["D-TERMS"].reason)
    limited = [w for cid, w in (("L-USE", "use"), ("L-MOD", "modification"), ("L-SHARE", "sharing"))
               if cid in bad and bad[cid].outcome == FAIL]
    if limited:
        clauses.append(f"the license limits {_join(limited)}")
    elif any(cid in bad for cid in ("L-USE", "L-MOD", "L-SHARE")):
        clauses.append("the license's terms are not known")
    lineage = bad.get("S-LINEAGE")
    if lineage is not None:
        clauses.append(f"the {lineage.part} " + ("is not assessed" if lineage.outcome == UNKNOWN
                                                 else "is not open source"))
    if not clauses:
        return None
    text = "; ".join(clauses)
    return text[0].upper() + text[1:] + "."


def _restrictions(lic: str) -> str:
    t = T.lookup(lic)
    if t is None:
        return f"{lic}, a license we cannot identify"
    bits = []
    if t.user_cap:
        bits.append(f"a cap of {t.user_cap.count / 1e6:,.0f}M {t.user_cap.per} users")
    if t.use_policy or t.use_restrictions:
        bits.append("an acceptable-use policy" if t.use_policy else "use restrictions")
    if t.train_other_models and t.train_other_models.outcome == "forbidden":
        bits.append("a ban on using it to improve other models")
    elif t.train_other_models and t.train_other_models.outcome == "conditional":
        bits.append("conditions on models trained from it")
    if t.category in ("non-commercial", "research-only"):
        bits.append(f"{t.category} terms")
    if t.commercial == "conditional" and not t.user_cap:
        bits.append("commercial use only under conditions")
    osi = "" if t.osi_approved else "not OSI-approved; "
    return f"the {t.title} ({osi}{', '.join(bits) or 'terms that limit use'})"


def decide(release: Release, osaid: OsaidResult) -> Verdict:
    access = release.access
    weights = release.component(C.WEIGHTS)
    if access is not None and access.weights == "none":
        how = ("the model is reachable only through an API" if access.api else
               "the model is reachable only through a product" if access.product else
               "no public way to use the model is recorded")
        return Verdict("closed", (f"Weights are not released; {how}.",
                                  "You cannot inspect, self-host or modify it."))
    if access is None and weights is None:
        return Verdict("unknown", ("No facts about whether or how the weights are released.",))
    if weights is None:
        return Verdict("unknown", ("Access is recorded but no weights component is listed as released.",))
    if osaid.conformant:
        return Verdict("open-source", (
            "Weights, training code and training data information are released under open terms "
            "(conforms to OSI's Open Source AI Definition 1.0).",))
    lic = release.effective_license(C.WEIGHTS)
    if lic is None and weights.license is None and not osaid.conformant:
        # a license left out is not known, which is not the same as "released with no license"
        return Verdict("unknown", ("Weights are released, but no license for them is recorded.",))
    free = T.grants_freedoms(lic)
    missing = gaps(osaid)
    if free is None:
        return Verdict("unknown", (f"Weights are released under '{lic}', a license we cannot identify.",))
    gated_approval = access is not None and access.weights == "gated" and access.approval
    if free and not gated_approval:
        first = f"Weights are released under {lic}, an open license."
        if missing:
            return Verdict("open-weights", (first, missing + " So it is not open source AI."))
        unmet = ", ".join(c.id for c in osaid.unmet) or ", ".join(c.id for c in osaid.unknown)
        return Verdict("open-weights", (first, f"Open source AI needs more: unmet or unknown checks {unmet}."))
    if not lic:
        reason = "Weights are released with no license, so no right to use them is granted."
    elif free:
        reason = f"Weights are under {lic}, but downloads need the producer's approval."
    else:
        reason = f"Weights can be downloaded, but under {_restrictions(lic)}."
    if gated_approval and not free:
        reason += " Downloads need the producer's approval."
    return Verdict("restricted-weights", (reason, missing or "Not all parts needed for open source AI are released."))

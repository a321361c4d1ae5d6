"""Seven dimensions on which open and closed models differ, each rated with the facts behind it.

Ratings: high / medium / low / unknown. For cost, "high" means cheap to run at will
(weights free to self-host); for legal, "high" means few and clear obligations.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import components as C
from ..licenses import terms as T
from ..release import Release
from .osaid import PASS, OsaidResult
from .verdict import Verdict

DIMENSIONS = (
    "openness", "accessibility", "transparency", "customizability", "innovation", "cost", "legal",
)


@dataclass(frozen=True)
class Rating:
    rating: str
    facts: tuple[str, ...]


def _check(osaid: OsaidResult, cid: str) -> str | None:
    for c in osaid.checks:
        if c.id == cid:
            return c.outcome
    return None


def _legal_class(license_id: str) -> str:
    """The license's family, read through the same terms record as OSAID: a license in an open
    family whose record limits a freedom is restricted, not permissive."""
    t = T.lookup(license_id)
    if t is None:
        return "unknown"
    if t.category in T.OPEN_CATEGORIES and not T.grants_freedoms(license_id):
        return "restricted-open"
    return t.category


def assess(release: Release, osaid: OsaidResult, verdict: Verdict) -> dict[str, Rating]:
    out: dict[str, Rating] = {}
    wl = release.effective_license(C.WEIGHTS)
    released = [c.name for c in release.components]

    out["openness"] = Rating(
        {"open-source": "high", "open-weights": "medium", "restricted-weights": "low",
         "closed": "low", "unknown": "unknown"}[verdict.level],
        (f"verdict: {verdict.level}", f"{len(released)} of 17 MOF components released"),
    )

    a = release.access
    if a is None:
        out["accessibility"] = Rating("unknown", ("no facts on access",))
    elif a.weights == "download":
        out["accessibility"] = Rating("high", ("weights download without sign-up",))
    elif a.weights == "gated":
        out["accessibility"] = Rating("medium" if a.approval else "high",
                                      ("weights gated; the producer approves each request" if a.approval
                                       else "weights gated behind a click-through of the terms",))
    else:
        out["accessibility"] = Rating("low", ("only through the producer's API" if a.api else "only inside the producer's product",))

    facts = []
    td = release.training_data
    facts.append(f"training data: {td.disclosure if td else 'unknown'} disclosure")
    papers = release.docs("research-paper", "preprint", "technical-report")
    facts.append(f"{len(papers)} paper(s) or technical report(s)")
    code = [n for n in (C.TRAINING_CODE, C.PREPROCESSING_CODE) if n in released]
    facts.append("training code released" if code else "no training code")
    score = (td is not None and td.disclosure == "full") + bool(papers) + bool(code)
    if td is None and not papers and not release.components:
        out["transparency"] = Rating("unknown", tuple(facts))
    else:
        out["transparency"] = Rating({3: "high", 2: "medium", 1: "low", 0: "low"}[score], tuple(facts))

    mod = _check(osaid, "L-MOD")
    if a is not None and a.weights == "none":
        out["customizability"] = Rating("low", ("no weights: only what the producer's API offers (prompting, hosted fine-tuning if any)",))
    elif C.WEIGHTS in released and mod == PASS:
        out["customizability"] = Rating("high", (f"weights under {wl}: fine-tune, quantize and modify freely",))
    elif C.WEIGHTS in released:
        out["customizability"] = Rating("medium", (f"weights can be fine-tuned, but {wl or 'the missing license'} limits modified versions",))
    else:
        out["customizability"] = Rating("unknown", ("no facts on the weights",))

    share = _check(osaid, "L-SHARE")
    if a is not None and a.weights == "none":
        out["innovation"] = Rating("low", ("nothing to build on but the API",))
    elif C.WEIGHTS in released and share == PASS and code:
        out["innovation"] = Rating("high", ("weights and training code can be shared and built on by anyone",))
    elif C.WEIGHTS in released:
        out["innovation"] = Rating("medium", ("others can build on the weights" + ("" if share == PASS else ", within the license's limits"),))
    else:
        out["innovation"] = Rating("unknown", ("no facts on what is released",))

    p = release.pricing
    if a is not None and a.weights in ("download", "gated") and C.WEIGHTS in released:
        params = release.parameters.total if release.parameters and release.parameters.total else None
        size = f"; {params / 1e9:.1f}B parameters to host" if params else ""
        out["cost"] = Rating("high", (f"no license fee; self-hosting costs hardware only{size}",))
    elif p is not None:
        out["cost"] = Rating("medium", (f"API: {p.input_per_mtok} / {p.output_per_mtok} {p.currency} per million input / output tokens",))
    elif a is not None:
        out["cost"] = Rating("unknown", ("no price recorded",))
    else:
        out["cost"] = Rating("unknown", ("no facts on access or price",))

    ids = sorted({release.effective_license(n) for n in released} - {None})
    cats = {i: _legal_class(i) for i in ids}
    if a is not None and a.weights == "none":
        out["legal"] = Rating("low", ("governed by the producer's service terms; prompts and data go to the producer",))
    elif not ids:
        out["legal"] = Rating("unknown", ("no license recorded",))
    elif all(c in ("permissive", "open-data") for c in cats.values()):
        out["legal"] = Rating("high", tuple(f"{i}: {c}" for i, c in cats.items()))
    elif "unknown" in cats.values():
        out["legal"] = Rating("unknown", tuple(f"{i}: {c}" for i, c in cats.items()))
    elif all(c in ("permissive", "open-data", "copyleft") for c in cats.values()):
        out["legal"] = Rating("medium", tuple(f"{i}: {c}" for i, c in cats.items()))
    else:
        out["legal"] = Rating("low", tuple(f"{i}: {c}" for i, c in cats.items()))
    return out

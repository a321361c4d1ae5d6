"""Answer "may I ...?" for a license or a release, citing the clause. Pure functions over terms.

Outcomes: allowed, conditional (with conditions), forbidden, unclear. `unclear` is an honest
answer: we never turn a gap in our records or an ambiguous text into a yes or a no.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..components import WEIGHTS
from ..errors import InputError
from ..release import Release
from . import terms as T

# Every question, in the order answers are shown; the CLI flag is the name with dashes.
QUESTIONS = ("commercial", "users", "fine_tune", "redistribute_weights", "distill", "use_outputs_commercially",
             "on_prem", "military")
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


@dataclass(frozen=True)
class Answer:
    outcome: str
    summary: str
    conditions: list[str] = field(default_factory=list)
    clause: str | None = None
    url: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Rights:
    subject: str  # the model id or the license asked about
    license: str | None  # the license key the answers come from
    title: str | None
    answers: dict[str, Answer]

    @property
    def forbidden(self) -> list[str]:
        return [q for q, a in self.answers.items() if a.outcome == "forbidden"]

    def to_json(self) -> dict:
        return {"subject": self.subject, "license": self.license, "title": self.title,
                "answers": {q: a.to_json() for q, a in self.answers.items()}}


def parse_users(text: str) -> int:
    """'800M', '1.5B', '50k' or '700000000' -> a count of monthly active users."""
    m = re.fullmatch(r"\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([kKmMbB]?)\s*", text)
    if not m:
        raise InputError("--users", f"'{text}' is not a user count; write e.g. 800M, 1.5B, 50k or 700000000")
    return int(float(m.group(1).replace(",", "").replace("_", "")) * _SCALE[m.group(2).lower()])


def _from_right(right: T.Right | None, terms: T.LicenseTerms) -> Answer:
    if right is None:
        return Answer("unclear", f"We have no record of what {terms.title} says about this.", url=terms.url)
    return Answer(right.outcome, right.summary, list(right.conditions), right.clause, terms.url)


def _users(terms: T.LicenseTerms, users: int) -> Answer:
    cap = terms.user_cap
    if cap is not None and cap.daily_active_users is not None:
        limit = cap.daily_active_users
        if users < limit:  # daily users never outnumber monthly ones
            return Answer("allowed", f"{users:,} monthly active users means fewer daily ones than the license's cap of "
                          f"{limit:,} daily active users.", [], cap.clause, terms.url)
        return Answer("conditional", f"The license caps daily, not monthly, active users at {limit:,}. " + cap.summary,
                      [f"fewer than {limit:,} daily active users"], cap.clause, terms.url)
    if cap is not None and cap.monthly_active_users is not None:
        limit = cap.monthly_active_users
        if users > limit:
            return Answer("forbidden", f"{users:,} monthly active users is above the license's cap of {limit:,}. "
                          + cap.summary, ["a separate license from the licensor, at its discretion"], cap.clause, terms.url)
        return Answer("allowed", f"{users:,} monthly active users is within the cap of {limit:,}.", [], cap.clause,
                      terms.url)
    if terms.commercial == "forbidden":
        return Answer("forbidden", "The license allows no commercial use at any scale.", [],
                      terms.rights["commercial"].clause, terms.url)
    if terms.category == "unknown":
        return Answer("unclear", "We do not know whether this license caps users.", url=terms.url)
    return Answer("allowed", "The license sets no cap on users.", url=terms.url)


def _on_prem(terms: T.LicenseTerms, release: Release | None) -> Answer:
    if release is not None:
        level = release.access.weights
        if level == "none":
            return Answer("forbidden", "The weights are not released; the model runs only on the provider's service.")
        if level == "gated" or release.access.approval:
            return Answer("conditional", "The weights can be run on your own hardware once the provider grants access.",
                          ["accept the provider's access gate" + (" and wait for manual approval" if release.access.approval else "")])
    if terms.category == "proprietary":
        return Answer("forbidden", "A service agreement: no copy of the model is licensed to run yourself.", url=terms.url)
    return Answer("allowed", "The license grants the right to run copies yourself.", url=terms.url)


def answer(terms: T.LicenseTerms, questions: list[str], users: int | None = None,
           release: Release | None = None) -> dict[str, Answer]:
    out = {}
    for q in QUESTIONS:
        if q not in questions:
            continue
        if q == "users":
            out[q] = _users(terms, users or 0)
        elif q == "on_prem":
            out[q] = _on_prem(terms, release)
        else:
            out[q] = _from_right(terms.rights.get(q), terms)
    return out


def weights_license(release: Release) -> str | None:
    """The license that decides what may be done with the model: its weights' license, else the release's."""
    lic = release.effective_license(WEIGHTS)
    if lic:
        return lic
    return release.license.distribution.name if release.license and release.license.distribution else None


def for_license(license_id: str, questions: list[str], users: int | None = None) -> Rights:
    terms = T.lookup(license_id)
    if terms is None:
        raise InputError(license_id, "not a license trueopen knows (try: trueopen license ID to identify it)")
    return Rights(license_id, terms.key, terms.title, answer(terms, questions, users))


def for_release(release: Release, questions: list[str], users: int | None = None) -> Rights:
    lic = weights_license(release)
    terms = T.lookup(lic) if lic else None
    if terms is None:
        unknown = Answer("unclear", f"The license of {release.name}'s weights is not known to trueopen"
                         + (f" ({lic})." if lic else "."))
        answers = {q: (_on_prem(T.LicenseTerms(key="unknown", title="unknown", category="unknown"), release)
                       if q == "on_prem" else unknown) for q in QUESTIONS if q in questions}
        return Rights(release.id, lic, None, answers)
    return Rights(release.id, terms.key, terms.title, answer(terms, questions, users, release))

"""Answer "may I ...?" for a license or a release, citing the clause. Pure functions over terms.

Outcomes: allowed, conditional (with conditions), forbidden, unclear. `unclear` is an honest
answer: we never turn a gap in our records or an ambiguous text into a yes or a no.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace

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
    obligations: list[str] = field(default_factory=list)  # duties that come with an allowed use

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
    if release is not None and release.access is not None:
        level = release.access.weights
        if level == "none":
            return Answer("forbidden", "The weights are not released; the model runs only on the provider's service.")
        if level == "gated" or release.access.approval:
            return Answer("conditional", "The weights can be run on your own hardware once the provider grants access.",
                          ["accept the provider's access gate" + (" and wait for manual approval" if release.access.approval else "")])
    if terms.category == "proprietary":
        return Answer("forbidden", "A service agreement: no copy of the model is licensed to run yourself.", url=terms.url)
    return Answer("allowed", "The license grants the right to run copies yourself.", url=terms.url)


# Which duties a question brings with it: attribution where copies or products reach others,
# share-alike where modified versions are shared, network source offers where it is served.
_ATTRIBUTION_ON = ("commercial", "redistribute_weights", "fine_tune")
_SHARE_ALIKE_ON = ("fine_tune", "redistribute_weights")
_NETWORK_ON = ("commercial", "on_prem", "fine_tune", "users")


def obligations(terms: T.LicenseTerms, question: str) -> list[str]:
    """Duties that come with using the license this way, even when the answer is allowed."""
    out = []
    if question in _ATTRIBUTION_ON:
        out += [a.summary + (f" ({a.clause})" if a.clause else "") for a in terms.attribution]
        if not terms.attribution and terms.category in T.OPEN_CATEGORIES and question == "redistribute_weights":
            out.append("attribution: keep the license text and the copyright notices with every copy")
    if question in _SHARE_ALIKE_ON and terms.category == "copyleft":
        out.append("share-alike: modified versions you share must carry the same license")
    if question in _NETWORK_ON and (terms.spdx or terms.key).startswith("AGPL-"):
        out.append("network use: people who use a modified version over a network must be offered its "
                   "source code (AGPL section 13)")
    return list(dict.fromkeys(out))


def answer(terms: T.LicenseTerms, questions: list[str], users: int | None = None,
           release: Release | None = None) -> dict[str, Answer]:
    out = {}
    for q in QUESTIONS:
        if q not in questions:
            continue
        if q == "users":
            a = _users(terms, users or 0)
        elif q == "on_prem":
            a = _on_prem(terms, release)
        else:
            a = _from_right(terms.rights.get(q), terms)
        duties = obligations(terms, q) if a.outcome in ("allowed", "conditional") else []
        out[q] = replace(a, obligations=[d for d in duties if d not in a.conditions])
    return out


_RANK = {"allowed": 0, "conditional": 1, "unclear": 2, "forbidden": 3}


def _combine(op: str, parts: list[tuple[str, Answer]]) -> Answer:
    """OR: the licensee picks, so the most permissive answer holds, with its own conditions.
    AND: every license applies, so the most restrictive outcome holds and all conditions add up."""
    if op == "OR":
        key, best = min(parts, key=lambda p: _RANK[p[1].outcome])
        return replace(best, summary=f"Choosing {key}: {best.summary}")
    worst = max(_RANK[a.outcome] for _, a in parts)
    outcome = next(o for o, r in _RANK.items() if r == worst)
    lead = next(a for _, a in parts if a.outcome == outcome)
    return Answer(outcome, " ".join(f"{k}: {a.summary}" for k, a in parts),
                  list(dict.fromkeys(c for _, a in parts for c in a.conditions)), lead.clause, lead.url,
                  list(dict.fromkeys(o for _, a in parts for o in a.obligations)))


def _evaluate(node, questions: list[str], users: int | None, release: Release | None) -> dict[str, Answer]:
    from license_expression import AND, OR, LicenseWithExceptionSymbol

    if isinstance(node, (AND, OR)):
        kids = [(str(arg), _evaluate(arg, questions, users, release)) for arg in node.args]
        op = "AND" if isinstance(node, AND) else "OR"
        return {q: _combine(op, [(k, ans[q]) for k, ans in kids]) for q in kids[0][1]}
    key = node.license_symbol.key if isinstance(node, LicenseWithExceptionSymbol) else node.key
    terms = T.lookup(T.canonical(key) or key)
    if terms is None:
        raise InputError(key, "trueopen has no terms on record for this license")
    return answer(terms, questions, users, release)


def for_expression(expression: str, questions: list[str], users: int | None = None,
                   release: Release | None = None) -> Rights:
    """An SPDX expression such as `Apache-2.0 OR MIT`: OR gives the most permissive choice,
    AND applies every license's terms; an exception (WITH) is read as its license."""
    from license_expression import ExpressionError, get_spdx_licensing

    canonical = T.canonical(expression) or expression
    try:
        parsed = get_spdx_licensing().parse(canonical, validate=False, strict=False)
    except ExpressionError as exc:
        raise InputError(expression, f"not a license expression trueopen can read: {exc}") from None
    if parsed is None:
        raise InputError(expression, "empty license expression")
    return Rights(release.id if release else expression, canonical, None,
                  _evaluate(parsed, questions, users, release))


def weights_license(release: Release) -> str | None:
    """The license that decides what may be done with the model: its weights' license, else the release's."""
    lic = release.effective_license(WEIGHTS)
    if lic:
        return lic
    return release.license.distribution.name if release.license and release.license.distribution else None


def for_license(license_id: str, questions: list[str], users: int | None = None) -> Rights:
    terms = T.lookup(license_id)
    if terms is None and T.canonical(license_id) is not None:  # an expression of known licenses
        return for_expression(license_id, questions, users)
    if terms is None:
        raise InputError(license_id, "not a license trueopen knows (try: trueopen license ID to identify it)")
    return Rights(license_id, terms.key, terms.title, answer(terms, questions, users))


def for_release(release: Release, questions: list[str], users: int | None = None) -> Rights:
    lic = weights_license(release)
    terms = T.lookup(lic) if lic else None
    if terms is None and lic and T.canonical(lic) is not None:  # an expression of known licenses
        return for_expression(lic, questions, users, release)
    if terms is None:
        # no license known, so no right is known: never "allowed", only what access rules out
        unknown = Answer("unclear", f"The license of {release.name}'s weights is not known to trueopen"
                         + (f" ({lic})." if lic else ".") + " No right can be read from it.")
        answers = {q: (_on_prem_unknown(release, unknown) if q == "on_prem" else unknown)
                   for q in QUESTIONS if q in questions}
        return Rights(release.id, lic, None, answers)
    return Rights(release.id, terms.key, terms.title, answer(terms, questions, users, release))


def _on_prem_unknown(release: Release, unknown: Answer) -> Answer:
    if release.weights_unreleased:
        return Answer("forbidden", "The weights are not released; the model runs only on the provider's service.")
    return unknown

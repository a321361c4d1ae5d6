"""`check`: a policy against one subject. Pure: the subject already holds the assessment, the
audit and where each fact was read; rights come from the same functions `can` uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from ..licenses import rights as rights_mod
from ..licenses import terms
from .policy import Policy
from .subject import Location, Subject


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    help: str


RULES: dict[str, Rule] = {r.id: r for r in [
    Rule("verdict", "Verdict level allowed", "The model's verdict must be one of the policy's `verdicts`."),
    Rule("osaid", "OSAID conformance required", "The policy requires conformance to the Open Source AI Definition."),
    Rule("mof-class", "Model Openness Framework class", "The model must reach the policy's `mof_class` or better."),
    Rule("license-deny", "License denied", "The weights' license is on the policy's `licenses.deny` list."),
    Rule("license-allow", "License not allowed", "The weights' license is not on the policy's `licenses.allow` list."),
    Rule("license-expression", "License expression not accepted",
         "The policy does not accept compound SPDX expressions (`licenses.expressions: false`)."),
    *(Rule(f"right-{q.replace('_', '-')}", f"Right needed: {q.replace('_', ' ')}",
           f"The policy needs `{q.replace('_', '-')}`; the license must allow it, as `trueopen can` answers.")
      for q in rights_mod.QUESTIONS),
    Rule("weights-format", "Weight format forbidden", "A weight file is in a format the policy forbids."),
    Rule("exception-expired", "Exception expired", "A policy exception for this model has passed its expiry date."),
]}


@dataclass
class Result:
    rule: str
    level: str  # error (fails the check) | note
    message: str
    location: Location | None
    suppressed: str | None = None  # the exception's reason, when one excuses it

    @property
    def fails(self) -> bool:
        return self.level == "error" and self.suppressed is None


@dataclass
class Report:
    subject: Subject
    results: list[Result] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(r.fails for r in self.results)


def _matches(entry: str, key: str) -> bool:
    if entry.lower() == key.lower():
        return True
    t = terms.lookup(entry)
    return t is not None and t.key.lower() == key.lower()


def license_ok(key: str, ok: Callable[[str], bool]) -> bool:
    """Whether an SPDX expression is acceptable when each license in it is judged by `ok`:
    AND needs every part, OR any one alternative."""
    from license_expression import AND, OR, Licensing

    try:
        expr = Licensing().parse(key)
    except Exception:
        return ok(key)

    def walk(node) -> bool:
        if isinstance(node, AND):
            return all(walk(a) for a in node.args)
        if isinstance(node, OR):
            return any(walk(a) for a in node.args)
        return ok(getattr(node, "key", str(node)))

    return walk(expr) if expr is not None else ok(key)


def _license(policy: Policy, subject: Subject, where: Location | None) -> list[Result]:
    rules = policy.licenses
    key = subject.license
    out = []
    if key is None:
        if rules.allow is not None:
            out.append(Result("license-allow", "error", "the weights' license is not known, so it cannot be on the "
                              "allow list", where))
        return out
    denied = lambda k: any(_matches(d, k) for d in rules.deny)  # noqa: E731
    if rules.deny and not license_ok(key, lambda k: not denied(k)):
        out.append(Result("license-deny", "error", f"{key} is denied by the policy", where))
    if rules.allow is not None and not license_ok(key, lambda k: any(_matches(a, k) for a in rules.allow or [])):
        out.append(Result("license-allow", "error", f"{key} is not on the allow list "
                          f"({', '.join(rules.allow) or 'empty'})", where))
    if not rules.expressions and any(op in key for op in (" AND ", " OR ", " WITH ")):
        out.append(Result("license-expression", "error", f"'{key}' is a compound expression", where))
    return out


def _rights(policy: Policy, subject: Subject, where: Location | None) -> list[Result]:
    rules = policy.rights
    asked = rules.asked()
    if not asked:
        return []
    answers = rights_mod.for_release(subject.assessment.release, asked, rules.users)
    out = []
    for q, a in answers.answers.items():
        bad = (a.outcome == "forbidden" or (a.outcome == "conditional" and rules.conditional == "reject")
               or (a.outcome == "unclear" and rules.unclear == "reject"))
        if not bad:
            continue
        clause = f" ({answers.title or answers.license} {a.clause})" if a.clause else ""
        cond = f" Conditions: {'; '.join(a.conditions)}." if a.conditions and a.outcome == "conditional" else ""
        out.append(Result(f"right-{q.replace('_', '-')}", "error", f"{q.replace('_', '-')}: {a.outcome}{clause}. "
                          f"{a.summary}{cond}", subject.clause_at(where, a.clause)))
    return out


def _weights(policy: Policy, subject: Subject) -> list[Result]:
    forbid = set(policy.weights.forbid_formats)
    if not forbid:
        return []
    if subject.audit is None:
        return [Result("weights-format", "note", "weight formats are not checked for catalog models; audit the "
                       "files (trueopen check ./folder) to check them", subject.entry_at)]
    return [Result("weights-format", "error", f"{w.rel} is {w.format}" + (" (loading it can run code)" if w.unsafe else "")
                   + ", a format the policy forbids", subject.where(w.rel))
            for w in subject.audit.weight_files if w.format in forbid]


def evaluate(policy: Policy, subject: Subject, today: date | None = None) -> Report:
    today = today or date.today()
    a = subject.assessment
    at_license = subject.license_at[0] if subject.license_at else subject.entry_at
    results: list[Result] = []
    if policy.verdicts is not None and a.verdict.level not in policy.verdicts:
        results.append(Result("verdict", "error", f"verdict {a.verdict.level} is not one of "
                              f"{', '.join(policy.verdicts)}", subject.entry_at))
    if policy.osaid == "required" and not a.osaid.conformant:
        unmet = ", ".join(c.id for c in a.osaid.unmet + a.osaid.unknown)
        results.append(Result("osaid", "error", f"not OSAID-conformant (unmet or unknown: {unmet})", subject.entry_at))
    if policy.mof_class is not None and (a.mof.mof_class is None or a.mof.mof_class > policy.mof_class):
        results.append(Result("mof-class", "error", f"MOF {a.mof.label}; the policy needs class {policy.mof_class} "
                              "or better", subject.entry_at))
    results += _license(policy, subject, at_license)
    results += _rights(policy, subject, at_license)
    results += _weights(policy, subject)
    names = {subject.id.lower(), subject.query.lower()}
    for exc in policy.exceptions:
        if exc.model.lower() not in names:
            continue
        if exc.expires >= today:
            for r in results:
                if r.level == "error":
                    r.suppressed = f"{exc.reason} (exception until {exc.expires})"
        else:
            results.append(Result("exception-expired", "note", f"the exception for {exc.model} expired on "
                                  f"{exc.expires} ({exc.reason}); its findings count again", subject.entry_at))
    return Report(subject, results)

"""SARIF 2.1.0 for code-scanning UIs: one rule per policy rule, each result at the file and line
of its evidence (the LICENSE line, the card's `license:` field, the pickle file).

Two kinds of evidence are not files a code-scanning UI can open, so they are placed differently:

- A member of an archive (`model.zip!/model/LICENSE:12`): the result is located at the archive
  itself, the file the repository holds, with no line (its lines are the member's). The member is
  described the way SARIF describes nested files: `run.artifacts` lists the archive and the member
  with `parentIndex` pointing at the archive, a related location gives the member's path and line,
  and the location's properties hold `archiveMember` and `memberLine`.
- A catalog fact (a model named by id): the catalog file is inside the installed trueopen, a path
  on one machine that no repository holds. The result is located at the policy rule that failed
  (the line of `licenses:`, `rights: commercial`...), its message names the catalog entry and the
  fact's source, and a related location and the properties carry the source URL and its date.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import __version__
from .check import RULES, Report
from .subject import Location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "note": "note"}
_POLICY_KEYS = {"verdict": ("verdicts",), "osaid": ("osaid",), "mof-class": ("mof_class",),
                "license-deny": ("licenses", "deny"), "license-allow": ("licenses", "allow"),
                "license-expression": ("licenses", "expressions"), "weights-format": ("weights", "forbid_formats"),
                "exception-expired": ("exceptions",)}


def _uri(path: str, base: Path) -> str:
    """A path under the working folder as a relative URI (how code scanning matches files);
    other local paths as file URIs; URLs as they are."""
    if "://" in path:
        return path
    p = Path(path).resolve()
    try:
        return p.relative_to(base.resolve()).as_posix()
    except ValueError:
        return p.as_uri()


def policy_key(rule: str) -> tuple[str, ...]:
    """Where a rule lives in the policy file: `right-fine-tune` is `rights: fine-tune`."""
    if rule.startswith("right-"):
        return ("rights", rule.removeprefix("right-").replace("-", "_"))
    return _POLICY_KEYS.get(rule, ())


def _catalog_file(path: str) -> str:
    """The catalog file as the package names it (trueopen/catalog/data/x.yaml), no machine path."""
    parts = Path(path).parts
    return "/".join(parts[parts.index("catalog") - 1:]) if "catalog" in parts[1:] else Path(path).name


class _Artifacts:
    """run.artifacts: archives and their members, each listed once."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self.index: dict[tuple, int] = {}

    def add(self, uri: str, parent: int | None = None) -> int:
        key = (uri, parent)
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append({"location": {"uri": uri}, **({"parentIndex": parent} if parent is not None else {})})
        return self.index[key]


def _physical(uri: str, line: int | None, index: int | None = None) -> dict:
    art: dict = {"uri": uri, **({"index": index} if index is not None else {})}
    return {"artifactLocation": art, **({"region": {"startLine": line}} if line else {})}


def _place(res: dict, loc: Location, rule: str, base: Path, policy: Path | None, policy_lines: dict,
           artifacts: _Artifacts) -> None:
    """Fill the result's locations (and message, related locations) for one evidence location."""
    out: dict = {}
    if loc.source is not None or (loc.member is None and "catalog" in Path(loc.path).parts[1:]
                                  and not Path(loc.path).resolve().is_relative_to(base.resolve())):
        entry = _catalog_file(loc.path) + (f":{loc.line}" if loc.line else "")
        src = f"; source {loc.source} as of {loc.as_of}" if loc.source else ""
        res["message"]["text"] += f" (catalog entry {entry}{src})"
        res["properties"].update({"catalogEntry": entry, **({"source": loc.source, "asOf": loc.as_of}
                                                            if loc.source else {})})
        if loc.source:
            res["relatedLocations"] = [{"id": 1, "physicalLocation": _physical(loc.source, None),
                                        "message": {"text": f"the catalog's source for this fact, as of {loc.as_of}"}}]
        if policy is None:
            return
        from .policy import _line_of

        line = _line_of(policy_key(rule), policy_lines)
        out["physicalLocation"] = _physical(_uri(str(policy), base), line)
        out["message"] = {"text": "the policy rule this model fails"}
    elif loc.member is not None:
        archive_uri = _uri(loc.path, base)
        parent = artifacts.add(archive_uri)
        member = artifacts.add(loc.member, parent)
        shown = f"{Path(loc.path).name}!/{loc.member}" + (f":{loc.line}" if loc.line else "")
        out["physicalLocation"] = _physical(archive_uri, None, parent)
        out["message"] = {"text": f"in the archive, at {shown}" + (f" [{loc.field}]" if loc.field else "")}
        out["properties"] = {"archiveMember": loc.member, **({"memberLine": loc.line} if loc.line else {})}
        res["relatedLocations"] = [{"id": 1, "physicalLocation": _physical(loc.member, loc.line, member),
                                    "message": {"text": shown}}]
    else:
        out["physicalLocation"] = _physical(_uri(loc.path, base), loc.line)
        if loc.field:
            out["message"] = {"text": f"field {loc.field}"}
    res["locations"] = [out]


def build(reports: list[Report], base: Path | None = None, policy: Path | None = None) -> dict:
    base = base or Path(os.getcwd())
    policy_lines: dict = {}
    if policy is not None:
        from .policy import _key_lines, _read

        policy_lines = _key_lines(_read(policy))  # already read and validated once; bounded there
    used = [rid for rid in RULES if any(r.rule == rid for rep in reports for r in rep.results)]
    index = {rid: i for i, rid in enumerate(used)}
    rules = [{"id": rid, "name": "".join(w.capitalize() for w in RULES[rid].name.replace(":", "").split()),
              "shortDescription": {"text": RULES[rid].name}, "fullDescription": {"text": RULES[rid].help},
              "help": {"text": RULES[rid].help + " The policy file format is in trueopen's docs/policy.md."},
              "defaultConfiguration": {"level": "error"}} for rid in used]
    results = []
    artifacts = _Artifacts()
    for rep in reports:
        for r in rep.results:
            res: dict = {"ruleId": r.rule, "ruleIndex": index[r.rule], "level": LEVELS[r.level],
                         "message": {"text": f"{rep.subject.id}: {r.message}"},
                         "properties": {"model": rep.subject.id, "license": rep.subject.license,
                                        "verdict": rep.subject.assessment.verdict.level}}
            if r.location is not None:
                _place(res, r.location, r.rule, base, policy, policy_lines, artifacts)
            if r.suppressed:
                res["suppressions"] = [{"kind": "external", "justification": r.suppressed}]
            results.append(res)
    run: dict = {"tool": {"driver": {"name": "trueopen", "version": __version__, "semanticVersion": __version__,
                                     "rules": rules}},
                 "results": results}
    if artifacts.items:
        run["artifacts"] = artifacts.items
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}

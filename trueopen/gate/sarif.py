"""SARIF 2.1.0 for code-scanning UIs: one rule per policy rule, each result at the file and line
of its evidence (the LICENSE line, the card's `license:` field, the pickle file, the catalog entry)."""

from __future__ import annotations

import os
from pathlib import Path

from .. import __version__
from .check import RULES, Report
from .subject import Location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "note": "note"}


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


def _location(loc: Location, base: Path) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(loc.path, base)}}
    if loc.line:
        physical["region"] = {"startLine": loc.line}
    out: dict = {"physicalLocation": physical}
    if loc.field:
        out["message"] = {"text": f"field {loc.field}"}
    return out


def build(reports: list[Report], base: Path | None = None) -> dict:
    base = base or Path(os.getcwd())
    used = [rid for rid in RULES if any(r.rule == rid for rep in reports for r in rep.results)]
    index = {rid: i for i, rid in enumerate(used)}
    rules = [{"id": rid, "name": "".join(w.capitalize() for w in RULES[rid].name.replace(":", "").split()),
              "shortDescription": {"text": RULES[rid].name}, "fullDescription": {"text": RULES[rid].help},
              "help": {"text": RULES[rid].help + " The policy file format is in trueopen's docs/policy.md."},
              "defaultConfiguration": {"level": "error"}} for rid in used]
    results = []
    for rep in reports:
        for r in rep.results:
            res: dict = {"ruleId": r.rule, "ruleIndex": index[r.rule], "level": LEVELS[r.level],
                         "message": {"text": f"{rep.subject.id}: {r.message}"},
                         "properties": {"model": rep.subject.id, "license": rep.subject.license,
                                        "verdict": rep.subject.assessment.verdict.level}}
            if r.location is not None:
                res["locations"] = [_location(r.location, base)]
            if r.suppressed:
                res["suppressions"] = [{"kind": "external", "justification": r.suppressed}]
            results.append(res)
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "trueopen", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "results": results}]}

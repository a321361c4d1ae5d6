"""Read the Open Source AI Index's project files (osai-index.eu; the YAML files of
github.com/Language-Technology-Assessment/main-database, CC BY 4.0).

Each file grades one model family, at its newest end model, on 12 parameters (2026 schema) as
open / partial / closed with evidence links. We keep the grades, the links and the basic facts;
the Index's notes are its own prose and stay out of our snapshot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ... import safeyaml
from ... import safeio
from ...errors import InputError
from ...report.safe_text import printable

NAME = "Open Source AI Index"
REPOSITORY = "https://github.com/Language-Technology-Assessment/main-database"
LICENSE = "CC-BY-4.0"
ATTRIBUTION = (
    "Open Source AI Index, https://osai-index.eu/ (CC BY 4.0). Liesenfeld, A. and Dingemanse, M., 2024. "
    "Rethinking open source generative AI: open-washing and the EU AI Act. FAccT '24, pp. 1774-1787."
)
# 2026 parameter -> the index's original 2024 key, which trueopen's framework module uses
PARAMETERS = {
    "trainingcode": "opencode",
    "datasources_basemodel": "llmdata",
    "weights_basemodel": "llmweights",
    "datasources_endmodel": "rldata",
    "weights_endmodel": "rlweights",
    "licenses": "license",
    "code": "code",
    "hardware_architecture": "architecture",
    "preprint": "preprint",
    "paper": "paper",
    "modelcard": "modelcard",
    "datasheet": "datasheet",
}
GRADES = {"open", "partial", "closed"}


@dataclass(frozen=True)
class Profile:
    key: str  # file stem, the id used in a catalog entry's listed_in
    path: str
    name: str
    organisation: str | None
    type: str | None
    base_model: str | None
    end_model: str | None
    end_model_license: str | None
    released: str | None
    link: str | None
    grades: dict[str, str] = field(default_factory=dict)  # original 2024 keys; absent = not graded
    evidence: dict[str, list[str]] = field(default_factory=dict)


def _links(value: object) -> list[str]:
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _text(value: object, rel: str = "", field: str = "") -> str | None:
    """A text field; a date or number is read as it is written, a list or mapping is an error."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise InputError(rel, f"must be text, found a {'mapping' if isinstance(value, dict) else 'list'}", field=field)
    s = (value.isoformat() if isinstance(value, date) else str(value)).strip()
    return s or None


def read_file(path: Path, rel: str | None = None) -> Profile:
    rel = rel or path.name
    data = safeyaml.load_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("system"), dict):
        raise InputError(rel, "no 'system' mapping: not an Open Source AI Index project file", field="system")
    system, org = data["system"], data.get("org") if isinstance(data.get("org"), dict) else {}
    if not _text(system.get("name"), rel, "system.name"):
        raise InputError(rel, "system has no name", field="system.name")
    grades, evidence = {}, {}
    for param, key in PARAMETERS.items():
        entry = data.get(param)
        if not isinstance(entry, dict):
            continue
        grade = _text(entry.get("class"), rel, f"{param}.class")
        if grade is None:
            continue  # the Index leaves a class empty for "not applicable"
        if grade not in GRADES:
            raise InputError(rel, f"class '{grade}' is not open, partial or closed", field=f"{param}.class")
        grades[key] = grade
        evidence[key] = _links(entry.get("link"))
    sys_text = {k: _text(system.get(k), rel, f"system.{k}")
                for k in ("name", "type", "basemodelname", "endmodelname", "endmodellicense", "releasedate", "link")}
    return Profile(
        key=path.stem, path=rel, name=sys_text["name"] or path.stem, organisation=_text(org.get("name"), rel, "org.name"),
        type=sys_text["type"], base_model=sys_text["basemodelname"], end_model=sys_text["endmodelname"],
        end_model_license=sys_text["endmodellicense"], released=sys_text["releasedate"], link=sys_text["link"],
        grades=grades, evidence=evidence,
    )


def read_dir(root: Path) -> tuple[list[Profile], list[str]]:
    """Every project file; files that are not project files (templates, parameter lists) are
    skipped, and bad ones reported without stopping the rest."""
    if not root.is_dir():
        raise InputError(str(root), "not a folder: pass a checkout of the Index's main-database repository")
    profiles, problems = [], []
    for f in sorted(root.glob("*.yaml")):
        if f.name.startswith(("_", "a_submission")):
            continue
        if not safeio.inside(f, root):  # a link out of the checkout is not the Index's file
            problems.append(f"{printable(f.name)}: leads outside {printable(root)}; not read")
            continue
        try:
            profiles.append(read_file(f))
        except InputError as exc:
            problems.append(str(exc))
    if not profiles:
        raise InputError(str(root), "no project files (*.yaml with a 'system' mapping) found")
    return profiles, problems


def snapshot(profiles: list[Profile], revision: str, retrieved: date) -> dict:
    return {
        "source": {"name": NAME, "repository": REPOSITORY, "revision": revision, "retrieved": retrieved.isoformat(),
                   "license": LICENSE, "attribution": ATTRIBUTION,
                   "url_prefix": f"{REPOSITORY}/blob/{revision}/"},
        "profiles": {p.key: {k: v for k, v in asdict(p).items() if v not in (None, [], {})} for p in profiles},
    }

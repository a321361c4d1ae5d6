"""Read Model Openness Framework release files in the Model Openness Tool's YAML schema.

The checks follow what MOT's importer accepts, so a file we accept MOT accepts too, and its
scores match MOT's. Quirks of MOT's import are kept and reported: an unknown component name is
filed under "Datasets", a later duplicate replaces an earlier one, `license: unlicensed` means
no license.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ... import components as mofc
from ... import safeyaml
from ...errors import InputError
from ...report.safe_text import printable
from ...release import Release, release_from_data

FRAMEWORK_NAME = "Model Openness Framework"
TYPES = {"", "language", "vision", "image", "audio", "video", "3d", "code", "multimodal", "other"}
ARCHITECTURES = {
    "", "transformer", "transformer decoder", "transformer encoder-decoder", "decoder", "encoder",
    "diffusion", "RNN", "CNN", "LSTM", "NeRF", "hybrid", "undisclosed", "other",
}
TREATMENTS = {"pre-trained", "instruct fine-tuned", "chat fine-tuned"}
GLOBAL_TYPES = ("distribution", "code", "document", "data")
COMPONENT_KEYS = ("name", "description", "license", "license_path", "component_path")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class MofFile:
    release: Release
    framework_version: str
    framework_date: str
    warnings: list[str] = field(default_factory=list)


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return s or "release"


def _need(cond: bool, src: str, fld: str, problem: str) -> None:
    if not cond:
        raise InputError(src, problem, field=fld)


def _check_date(value: object, src: str, fld: str) -> str:
    if isinstance(value, date):
        raise InputError(
            src, f"unquoted date {value.isoformat()}; MOT's importer rejects it, write '{value.isoformat()}'",
            field=fld,
        )
    _need(isinstance(value, str), src, fld, "must be a string YYYY-MM-DD")
    assert isinstance(value, str)
    try:
        _need(bool(DATE_RE.match(value)), src, fld, f"'{value}' is not a date YYYY-MM-DD")
        date.fromisoformat(value)
    except ValueError:
        raise InputError(src, f"'{value}' is not a valid date", field=fld) from None
    return value


def _opt_str(obj: dict, key: str, src: str, prefix: str) -> str | None:
    if key not in obj:
        return None
    value = obj[key]
    _need(isinstance(value, str), src, f"{prefix}.{key}", f"must be a string, found {type(value).__name__}")
    return value


def parse(data: object, src: str) -> MofFile:
    """Validate a parsed MOF release file and turn it into a Release."""
    _need(isinstance(data, dict), src, "(top)", "expected a mapping with 'framework' and 'release'")
    assert isinstance(data, dict)
    for key in ("framework", "release"):
        _need(key in data, src, key, "required field is missing")
        _need(isinstance(data[key], dict), src, key, "must be a mapping")
    fw, rel = data["framework"], data["release"]

    for key in ("name", "version", "date"):
        _need(key in fw, src, f"framework.{key}", "required field is missing")
    _need(fw["name"] == FRAMEWORK_NAME, src, "framework.name", f"must be '{FRAMEWORK_NAME}'")
    _need(isinstance(fw["version"], str), src, "framework.version", "must be a string (quote it: '1.0')")
    fw_date = _check_date(fw["date"], src, "framework.date")

    for key in ("name", "license", "producer", "components"):
        _need(key in rel, src, f"release.{key}", "required field is missing")
    name = rel["name"]
    _need(isinstance(name, str) and name != "", src, "release.name", "must be a non-empty string")
    _need(isinstance(rel["producer"], str), src, "release.producer", "must be a string")
    for key in ("version", "origin", "contact", "repository", "huggingface"):
        _opt_str(rel, key, src, "release")
    rel_date = _check_date(rel["date"], src, "release.date") if "date" in rel else None
    rtype = _opt_str(rel, "type", src, "release")
    _need(rtype is None or rtype in TYPES, src, "release.type", f"'{rtype}' is not one of {sorted(TYPES - {''})}")
    arch = _opt_str(rel, "architecture", src, "release")
    _need(arch is None or arch in ARCHITECTURES, src, "release.architecture", f"'{arch}' is not a known architecture")
    treatment = _opt_str(rel, "treatment", src, "release")
    _need(treatment is None or treatment in TREATMENTS, src, "release.treatment",
          f"'{treatment}' is not one of {sorted(TREATMENTS)}")

    lic = rel["license"]
    _need(isinstance(lic, dict), src, "release.license", "must be a mapping of license types ({} for none)")
    licenses: dict[str, object] = {}
    for key, value in lic.items():
        if key in GLOBAL_TYPES:
            if value is None:
                continue
            _need(isinstance(value, dict), src, f"release.license.{key}", "must be a mapping with name and path")
            for sub in ("name", "path"):
                v = value.get(sub)
                _need(v is None or isinstance(v, str), src, f"release.license.{key}.{sub}", "must be a string or null")
            licenses[key] = {"name": value.get("name"), "path": value.get("path")}
        else:
            licenses[str(key)] = value  # kept, ignored for scoring (as in MOT)

    comps = rel["components"]
    _need(isinstance(comps, list), src, "release.components", "must be a list")
    _need(len(comps) > 0, src, "release.components",
          "is empty; MOT's importer rejects an empty list (leave out the file, or list a component)")
    _need(len(comps) <= 17, src, "release.components", f"has {len(comps)} entries; at most 17")

    warnings: list[str] = []
    by_name: dict[str, dict] = {}
    for i, comp in enumerate(comps):
        where = f"release.components[{i}]"
        _need(isinstance(comp, dict), src, where, "must be a mapping")
        for key in COMPONENT_KEYS:
            if key in comp:
                _need(isinstance(comp[key], str), src, f"{where}.{key}",
                      f"must be a string, found {'null' if comp[key] is None else type(comp[key]).__name__}")
        cname = comp.get("name")
        if cname not in mofc.BY_NAME:
            hint = mofc.suggest(cname) if isinstance(cname, str) else None
            hint_text = f" (did you mean '{hint}'?)" if hint else ""
            warnings.append(
                f"{where}.name: '{printable(cname)}' is not a MOF component{hint_text}; MOT files it under "
                f"'{mofc.COMPONENTS[0].name}'"
            )
            cname = mofc.COMPONENTS[0].name
        if cname in by_name:
            warnings.append(f"{where}.name: '{cname}' is listed twice; the later entry wins, as in MOT")
        entry: dict[str, object] = {"name": cname, "source": "file"}
        if "license" in comp:
            entry["license"] = "" if comp["license"] == "unlicensed" else comp["license"]
        if comp.get("component_path"):
            entry["location"] = comp["component_path"]
        if comp.get("license_path"):
            entry["license_path"] = comp["license_path"]
        if comp.get("description"):
            entry["note"] = comp["description"]
        by_name[cname] = entry

    docs = []
    as_of = rel_date or fw_date
    for key in ("repository", "huggingface"):
        url = rel.get(key)
        if url:
            docs.append({"kind": "repository", "url": url, "as_of": as_of})
    release_data = {
        "id": _slug(name),
        "name": name,
        "producer": rel["producer"] or "unknown",
        "version": rel.get("version") or None,
        "type": rtype or None,
        "treatment": treatment,
        "license": {**licenses, "source": "file"},
        "components": list(by_name.values()),
        "documentation": docs,
        "sources": {"file": {"url": src, "as_of": as_of, "title": "MOF release file"}},
        "origin": {"kind": "mof-file", "path": src},
    }
    release = release_from_data(release_data, src, exact_licenses=True)
    return MofFile(release=release, framework_version=fw["version"], framework_date=fw_date, warnings=warnings)


def read(path: Path) -> MofFile:
    return parse(safeyaml.load_file(path), str(path))

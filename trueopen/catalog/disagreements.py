"""Where trueopen's Open Source AI Index profile differs from the Index's own grades, and where
our entries differ from the Model Openness Tool's own files.

`docs/disagreements.md` is generated from this module (scripts/write_disagreements.py) and a test
keeps it current: a catalog change that creates or removes a difference shows up in review.
Each row names the source that settles it: our fact's source, or the Index's evidence link.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import components as C
from ..assessment import Assessment
from ..release import Release
from . import snapshots
from ..frameworks import mof as mof_framework
from .crosscheck import ADOPTED, OPEN_QUESTION, OURS, IndexDifference, MotDifference, index_differences, \
    mot_differences, mot_release
from .loader import normalize

# How the two rule sets read each parameter differently: the usual cause of a difference when both
# sides look at the same facts. (Index criteria: osai-index.eu and _parameters-descriptions.yml.)
READINGS = {
    "opencode": "We grade inference code alone as partial; the Index asks for data-processing, training and tuning code and often grades inference-only releases closed.",
    "llmdata": "Both read \"documented and made available\": a corpus listed in full but not released, or released in part, is partial, and one described only in part and never released is closed, as in the Index.",
    "rldata": "For a base model we copy the pretraining-data grade; for an end model we grade its own tuning data as for pretraining data (open only when every set is named and the released data is openly licensed; described in part and never released is closed), while the Index may grade open when the main tuning set is public.",
    "llmweights": "Both grade the base model's weights, but we know the base's access only when the catalog records it (a base never released is closed); otherwise we grade the release's own weights, so an end model tuned from a gated or unreleased base that the catalog does not record differs.",
    "rlweights": "For a base model we copy the base-weights grade; for an end model both grade its weights, but we grade access alone while the Index also lowers the grade for a license it does not count as open or a tuning procedure left undescribed.",
    "license": "We grade the licenses of the components we list, as their terms records read them; the Index asks whether the whole project, data and pipeline included, is under OSI-approved licenses, so it lowers the grade for parts never released, and grades a modified permissive license or open code beside restricted weights as partial.",
    "code": "Both ask for documentation of the data-processing, training and tuning code, so documented inference or usage code alone is closed; we call training code documented when a repository is listed, while the Index reads the documentation itself, grades its depth, and sometimes credits thorough inference documentation.",
    "architecture": "The Index's parameter is `hardware_architecture`, the hardware used for training. We grade the recorded fact (training hardware described in detail: open; named only in part: partial; nothing said or not recorded: closed); the Index's own files often grade the model's architecture here instead, or a base model's report.",
    "preprint": "We count a preprint or an arXiv technical report, and one about the base model only as partial for a tuned release; the Index may count other archived reports, or discount a report that leaves out a part of the system (such as its data).",
    "paper": "We count peer-reviewed publications about the release itself as open and one about its base model only as partial; the Index also counts workshop papers, or a paper on an earlier model of the family.",
    "modelcard": "We grade a card as open when the catalog lists evaluation results and training facts; the Index judges the card's contents directly.",
    "datasheet": "We need a datasheet document or data card (partial when it covers only the base model's pretraining data); the Index accepts dataset cards on the Hub and grades their depth.",
}

# where our side of each parameter is recorded in a Release
def _our_source(release: Release, param: str) -> str | None:
    def src(key: str | None) -> str | None:
        return release.sources[key].url if key and key in release.sources else None

    comps = {c.name: c for c in release.components}
    if param in ("opencode", "code"):
        c = comps.get("Training code") or comps.get("Inference code")
        docs = release.docs("repository", "code-docs")
        return (c.location if c and c.location else src(c.source) if c else None) or (docs[0].url if docs else None)
    if param == "llmdata":
        return src(release.training_data.source) if release.training_data else None
    if param == "rldata":
        td = release.tuning_data or release.training_data
        return src(td.source) if td else None
    if param in ("llmweights", "rlweights"):
        return src(release.access.source) if release.access else None
    if param == "license":
        return src(release.license.source)
    if param == "architecture":
        return src(release.training_hardware.source) if release.training_hardware else None
    kinds = {"preprint": ("preprint", "technical-report"), "paper": ("research-paper",),
             "modelcard": ("model-card",), "datasheet": ("datasheet",)}[param]
    docs = release.docs(*kinds)
    return docs[0].url if docs else None


RANK = {"closed": 0, "partial": 1, "open": 2}
DOCUMENTS = ("preprint", "paper", "modelcard", "datasheet")  # parameters that ask whether a document exists
OTHER_END_MODEL = "another end model: the Index grades {end}, not this release, so the grades need not match"


def _hub_name(url: str) -> str | None:
    """The repository name of a Hugging Face model URL (huggingface.co/org/NAME/...)."""
    parts = url.split("huggingface.co/", 1)[-1].split("/") if "huggingface.co/" in url else []
    return parts[1] if len(parts) >= 2 and parts[0] not in ("datasets", "spaces", "collections", "papers") else None


def names(release: Release) -> set[str]:
    """Every normalised name the release goes by: id, name, aliases, and the Hub repositories of
    its weights and model card (the Index names end models by their Hub names)."""
    urls = [d.url for d in release.docs("model-card")]
    urls += [c.location for c in release.components
             if c.location and c.name in (C.WEIGHTS, C.MODEL_CARD)]
    hub = [h for h in map(_hub_name, urls) if h]
    return {normalize(n) for n in (release.id, release.name, *release.aliases, *hub)} - {""}


def index_profile(release: Release) -> dict | None:
    key = release.listed_in.get(snapshots.OSAI_INDEX)
    return snapshots.entries(snapshots.OSAI_INDEX).get(key) if key else None


def same_end_model(release: Release) -> bool:
    """Whether the Index's file for this release grades this very release (its `end_model`)."""
    profile = index_profile(release)
    return bool(profile and profile.get("end_model")) and normalize(profile["end_model"]) in names(release)


@dataclass(frozen=True)
class Agreement:
    """How far our Index profile agrees with the Index, over releases it grades at the same end model."""
    releases: tuple[str, ...]
    shared: int
    agreeing: int

    @property
    def share(self) -> float:
        return self.agreeing / self.shared if self.shared else 0.0


def agreement(assessments: list[Assessment]) -> Agreement:
    same = [a for a in assessments if same_end_model(a.release)]
    shared = agreeing = 0
    for a in same:
        for param, theirs in index_profile(a.release)["grades"].items():
            if param in a.osai_index:
                shared += 1
                agreeing += a.osai_index[param].grade == theirs
    return Agreement(tuple(a.release.id for a in same), shared, agreeing)


@dataclass(frozen=True)
class Row:
    difference: IndexDifference
    our_source: str | None
    reading: str
    decided_by: str


def _norm(url: str) -> str:
    """One spelling per document: no fragment or trailing slash, arXiv PDFs as their abstract page, a
    moved repository at its new address."""
    url = url.split("#")[0].rstrip("/").replace("arxiv.org/pdf/", "arxiv.org/abs/")
    url = url.removesuffix(".pdf") if "arxiv.org/abs/" in url else url
    for old, new in MOVED.items():
        if url == old or url.startswith(old + "/"):
            url = new + url[len(old):]
    return url


# GitHub repositories that moved, as the old address redirects to the new one
MOVED = {"https://github.com/facebookresearch/llama": "https://github.com/meta-llama/llama"}


def _same_place(a: str, b: str) -> bool:
    """Two normalised URLs name the same place: equal, or one is a file, folder or branch inside the
    other (a repository's LICENSE, an organisation page and one of its repositories)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _urls(release: Release) -> set[str]:
    """Every URL an entry cites."""
    urls = {s.url for s in release.sources.values()} | {d.url for d in release.documentation}
    urls |= {c.location for c in release.components if c.location}
    return {_norm(u) for u in urls}


def _decide(release: Release, d: IndexDifference, our_source: str | None) -> str:
    if not same_end_model(release):
        return OTHER_END_MODEL.format(end=index_profile(release)["end_model"])
    if d.parameter == "architecture" and release.training_hardware is None:
        return ("our source: none yet; what the release's documents say about its training hardware is not "
                "recorded (to be read and added)")
    theirs = {_norm(u) for u in d.their_evidence}
    ours = _urls(release)
    if not theirs and d.parameter in DOCUMENTS and RANK[d.ours] > RANK[d.theirs] and our_source:
        # the Index found no such document; the entry cites one
        return f"our source ({our_source}), which the Index does not weigh"
    if not theirs or any(_same_place(t, o) for t in theirs for o in ours):
        return "the rules: both sides weigh the same sources (see the reading for this parameter)"
    if RANK[d.theirs] > RANK[d.ours]:
        return "the Index's evidence, which the entry does not cite: to be read and added, or refuted"
    return "our source" + (f" ({our_source})" if our_source else "") + ", which the Index does not weigh"


def rows(assessments: list[Assessment]) -> list[Row]:
    out = []
    for a in assessments:
        for d in index_differences(a.release, a.osai_index):
            ours = _our_source(a.release, d.parameter)
            out.append(Row(d, ours, READINGS[d.parameter], _decide(a.release, d, ours)))
    return sorted(out, key=lambda r: (r.difference.release, r.difference.parameter))


def markdown(all_rows: list[Row], assessments: list[Assessment]) -> str:
    snap = snapshots.load(snapshots.OSAI_INDEX)["source"]
    agree = agreement(assessments)
    other = sorted((a.release.id, index_profile(a.release)["end_model"]) for a in assessments
                   if not same_end_model(a.release))
    out = [
        "# Where trueopen and the Open Source AI Index disagree",
        "",
        "Generated by `python scripts/write_disagreements.py`; `tests/test_catalog_data.py` fails when it is stale.",
        "",
        f"The Index's grades come from its project files at [{snap['revision'][:12]}]({snap['repository']}/tree/{snap['revision']}) "
        f"(imported {snap['retrieved']}; {snap['license']}; {snap['attribution']}).",
        f"{len(assessments)} catalog releases are listed in the Index (`listed_in: osai-index`). "
        f"For {len({r.difference.release for r in all_rows})} of them some of the 12 shared parameters differ, "
        f"{len(all_rows)} grades in all.",
        "",
        "## Agreement at the same end model",
        "",
        "The Index grades one end model per project (the `end_model` of its file: usually the chat, instruct "
        "or reasoning release). Our profile is compared at that same model when the catalog entry is it "
        "(its id, name, an alias or its Hub repository matches the Index's name for it).",
        "",
        f"- releases compared at the Index's own end model: {len(agree.releases)}",
        f"- grades they share with the Index: {agree.shared}; the same grade: {agree.agreeing} "
        f"({agree.share:.0%})",
    ]
    if other:
        out += ["- listed, but the Index's file grades another end model (rows say so): "
                + ", ".join(f"{rid} (Index: {end})" for rid, end in other)]
    out += [
        "",
        "Each row gives the source that settles it: our fact's source (the catalog entry cites it) and the "
        "Index's evidence. Where the sources agree and the grades still differ, the two rule sets read the "
        "parameter differently; the reading is given once per parameter below.",
        "",
        "Catalog entries for other members of a family the Index grades (base models such as Llama 2 7B, "
        "Pythia 6.9B, BLOOM or StarCoder2-15B, and other sizes) are not listed: the Index's file for that "
        "family judges its end model, which has an entry of its own with `base_model` lineage.",
        "",
        "## How the rules differ, per parameter",
        "",
    ]
    for p, text in READINGS.items():
        out.append(f"- `{p}`: {text}")
    out += ["", "## Every difference", "",
            "| release | Index file | parameter | trueopen | Index | our source | Index evidence | decided by |",
            "|---|---|---|---|---|---|---|---|"]
    for r in all_rows:
        d = r.difference
        ev = " ".join(f"<{u}>" for u in d.their_evidence[:2]) or "(none given)"
        ours = f"<{r.our_source}>" if r.our_source else "(no fact recorded)"
        out.append(f"| {d.release} | {d.index_key} | `{d.parameter}` | {d.ours}: {d.our_reason} | {d.theirs} | {ours} | {ev} "
                   f"| {r.decided_by} |")
    return "\n".join(out) + "\n"


# ---- the Model Openness Tool --------------------------------------------------------------------

@dataclass(frozen=True)
class ClassGap:
    """Our MOF class for an entry against the class MOT's own file scores, and the components
    (from the rows) that make the difference."""

    release: str
    mot_key: str
    ours: int | None
    theirs: int | None
    because: tuple[str, ...]


def mot_rows(releases: list[Release]) -> list[MotDifference]:
    return [d for r in sorted(releases, key=lambda r: r.id) for d in mot_differences(r)]


def class_gaps(releases: list[Release]) -> list[ClassGap]:
    out = []
    for r in sorted(releases, key=lambda r: r.id):
        key = r.listed_in.get(snapshots.MOT)
        if not key:
            continue
        ours, theirs = mof_framework.assess(r), mof_framework.assess(mot_release(key))
        if ours.mof_class != theirs.mof_class:
            missing = set().union(*ours.missing.values()) - set().union(*theirs.missing.values())
            out.append(ClassGap(r.id, key, ours.mof_class, theirs.mof_class, tuple(sorted(missing))))
    return out


def _cls(c: int | None) -> str:
    return {1: "Class I", 2: "Class II", 3: "Class III"}.get(c or 0, "unclassified")


def mot_markdown(releases: list[Release]) -> str:
    snap = snapshots.load(snapshots.MOT)["source"]
    rows, gaps = mot_rows(releases), class_gaps(releases)
    listed = [r for r in releases if snapshots.MOT in r.listed_in]
    count = {k: sum(1 for d in rows if d.decided_by == k) for k in (ADOPTED, OURS, OPEN_QUESTION)}
    out = [
        "",
        "# Where trueopen and the Model Openness Tool's own files disagree",
        "",
        f"MOT's model files come from [{snap['revision'][:12]}]({snap['repository']}/tree/{snap['revision']}) "
        f"(imported {snap['retrieved']}; {snap['license']}; {snap['attribution']}).",
        f"{len(listed)} catalog releases name their MOT file (`listed_in: mot`). Every MOF component where the "
        "entry and the file differ (listed or not, license) is below, with what decides it: **our source** (the "
        "entry cites it for that component, or records with a source that the part exists and is not released: "
        "`withheld`), **their record** (the entry took MOT's record and cites the file) or "
        "**still to check** (MOT lists a component the entry does not, and no source read so far shows it "
        "released or withheld). "
        "Licenses compare by identity, not spelling; MOT's files let a component without a license inherit the "
        "release's, and `validate` fails an entry whose component cites MOT's file but says something else.",
        f"{count[OURS]} rows are decided by our source, {count[ADOPTED]} by their record and "
        f"{count[OPEN_QUESTION]} are still to check.",
        "",
        "## Where our MOF class differs from the class MOT's file scores",
        "",
    ]
    if not gaps:
        out.append("None: every entry scores the class its MOT file scores.")
    else:
        out += ["| release | MOT file | trueopen | MOT's file | components that make the difference |",
                "|---|---|---|---|---|"]
        by_id = {r.id: r for r in releases}
        for g in gaps:
            why = []
            for name in g.because:
                row = next((d for d in rows if d.release == g.release and d.component == name), None)
                comp = by_id[g.release].component(name)
                note = f": {comp.note.rstrip('.')}" if comp is not None and comp.note else ""
                why.append(f"{name} ({row.ours} here, {row.theirs} there; {row.decision}){note}" if row else name)
            out.append(f"| {g.release} | {g.mot_key} | {_cls(g.ours)} | {_cls(g.theirs)} | "
                       f"{'; '.join(why) or 'the rules, on the same components'} |")
    out += ["", "## Every difference", "",
            "| release | MOT file | component | trueopen | MOT's file | decided by |",
            "|---|---|---|---|---|---|"]
    for d in rows:
        decided = {ADOPTED: f"their record, adopted: <{d.evidence}>", OURS: f"our source: <{d.evidence}>",
                   OPEN_QUESTION: "still to check"}[d.decided_by]
        out.append(f"| {d.release} | {d.mot_key} | {d.component} | {d.ours} | {d.theirs} | {decided} |")
    return "\n".join(out) + "\n"

"""The Open Source AI Index (opening-up-chatgpt / osai-index.eu): 14 parameters, each
open / partial / closed, derived from release facts with the fact behind each grade.

Keys are the index's original 14 (2023-2025); the index dropped `package` and `api` in 2026-03
and renamed the rest (see docs/json.md). A parameter that concerns a separate tuned model
(rldata, rlweights) copies the base grade when the release is not a tuned model, as the newer
index does.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import components as C
from ..licenses import terms as T
from ..release import DocLink, Release, TrainingData

FRAMEWORK = "Open Source AI Index, 14 parameters (opening-up-chatgpt.github.io, 2024)"

PARAMETERS = (
    "opencode", "llmdata", "llmweights", "rldata", "rlweights", "license",
    "code", "architecture", "preprint", "paper", "modelcard", "datasheet", "package", "api",
)
OPEN, PARTIAL, CLOSED = "open", "partial", "closed"


@dataclass(frozen=True)
class Grade:
    grade: str
    reason: str


def _archived(url: str) -> bool:
    return "arxiv.org/" in url


def _is_tuned(release: Release) -> bool:
    return bool(release.treatment) and release.treatment != "pre-trained"


def _data(td: TrainingData | None, datasets_open: bool, released: bool, what: str) -> Grade:
    """Index `datasources_*`: "comprehensively documented and made available?" Both halves count:
    documented in full or some of it released is partial; described only in part and none of it
    released is closed."""
    if td is None:
        return Grade(CLOSED, f"nothing recorded about the {what}")
    if td.disclosure == "full" and datasets_open:
        return Grade(OPEN, f"{what} released under an open license and documented")
    if td.disclosure == "full":
        return Grade(PARTIAL, f"{what} listed but not all released openly")
    if td.disclosure == "partial" and released:
        return Grade(PARTIAL, f"{what} described only in part")
    if td.disclosure == "partial":
        return Grade(CLOSED, f"{what} described only in part and not released")
    return Grade(CLOSED, f"{what} not disclosed")


def _split_by_subject(release: Release, docs: list[DocLink]) -> tuple[list[DocLink], list[DocLink]]:
    """Documents about the release itself, and those about its base model only (which cover one
    part of a tuned release; for a base model itself they are its own)."""
    if not _is_tuned(release):
        return docs, []
    return [d for d in docs if d.covers != "base model"], [d for d in docs if d.covers == "base model"]


def _base_weights(release: Release) -> Grade:
    """Index `weights_basemodel`: "Are the weights of the base models made freely available?" A tuned
    release whose base model was never published is closed here whatever its own access."""
    base = release.base_model
    if _is_tuned(release) and base is not None and base.weights == "none":
        return Grade(CLOSED, f"the base model ({base.id}) was not released; only the tuned model was")
    if _is_tuned(release) and base is not None and base.weights == "gated":
        return Grade(PARTIAL, f"the base model ({base.id}) downloads only after accepting terms")
    return _weights(release)


# The Index's `architecture` is its `hardware_architecture`: "Is the hardware architecture used for
# datasource processing and model training comprehensively documented?" It asks about the training
# hardware, not the model's architecture (which MOF and our own dimensions read from the documents).
HARDWARE_GRADE = {"comprehensive": OPEN, "partial": PARTIAL, "none": CLOSED}
LABELS = {"architecture": "architecture (training hardware)"}


def label(param: str) -> str:
    """The name to show for a parameter: the key, with what the Index means by it where the key misleads."""
    return LABELS.get(param, param)


def _training_hardware(release: Release) -> Grade:
    hw = release.training_hardware
    if hw is None:
        return Grade(CLOSED, "training hardware not recorded")
    where = release.sources[hw.source].url if hw.source in release.sources else hw.source
    said = {"comprehensive": "training hardware described", "partial": "training hardware named only in part",
            "none": "the documents say nothing about the training hardware"}[hw.documented]
    return Grade(HARDWARE_GRADE[hw.documented], f"{said}: {hw.summary} ({where})")


def _weights(release: Release) -> Grade:
    access = release.access
    if access is None:
        return Grade(CLOSED, "no facts on weights access")
    if access.weights == "download":
        return Grade(OPEN, "weights download without an access request")
    if access.weights == "gated":
        how = "after the producer approves a request" if access.approval else "after accepting terms (gated)"
        return Grade(PARTIAL, f"weights download only {how}")
    return Grade(CLOSED, "weights not released")


def assess(release: Release) -> dict[str, Grade]:
    g: dict[str, Grade] = {}
    governing = {c.name: release.effective_license(c.name) for c in release.components}

    train = release.component(C.TRAINING_CODE)
    if train is not None and T.grants_freedoms(governing.get(C.TRAINING_CODE)):
        g["opencode"] = Grade(OPEN, f"training code released under {governing[C.TRAINING_CODE]}")
    elif train is not None or release.component(C.INFERENCE_CODE) is not None:
        g["opencode"] = Grade(PARTIAL, "only inference code, or training code without an open license")
    else:
        g["opencode"] = Grade(CLOSED, "no training or inference code released")

    released = release.component(C.DATASETS) is not None
    datasets_open = released and bool(T.grants_freedoms(governing.get(C.DATASETS)))
    g["llmdata"] = _data(release.training_data, datasets_open, released, "pretraining data")
    g["llmweights"] = _base_weights(release)
    if _is_tuned(release):
        # the Datasets component covers every dataset released, tuning sets included
        g["rldata"] = (_data(release.tuning_data, datasets_open, released, "tuning data") if release.tuning_data
                       else Grade(CLOSED, "tuning data not disclosed"))
        g["rlweights"] = _weights(release)
    else:
        g["rldata"] = Grade(g["llmdata"].grade, "no separate tuned model; same as pretraining data")
        g["rlweights"] = Grade(g["llmweights"].grade, "no separate tuned model; same as base weights")

    ids = sorted({lic for lic in governing.values() if lic})
    if not ids:
        g["license"] = Grade(CLOSED, "no license covers any released component")
    else:
        free = [i for i in ids if T.grants_freedoms(i)]
        weights = governing.get(C.WEIGHTS)
        # Index: "Is the project fully covered by OSI-approved licenses, including all data
        # sources and training pipeline code?" Weights under other terms leave the model itself
        # uncovered, whatever the code's license: closed, not partial.
        if not weights and release.weights_unreleased:
            # licenses on code or documents do not cover a model whose weights are never released
            g["license"] = Grade(CLOSED, f"the weights are not released; {', '.join(ids)} cover other parts only")
        elif weights and not T.grants_freedoms(weights):
            g["license"] = Grade(CLOSED, f"the weights are under {weights}, not an open license")
        elif len(free) == len(ids):
            g["license"] = Grade(OPEN, f"everything released is under open licenses: {', '.join(ids)}")
        elif free:
            g["license"] = Grade(PARTIAL, f"mixed: {', '.join(free)} open, {', '.join(sorted(set(ids) - set(free)))} not")
        else:
            g["license"] = Grade(CLOSED, f"governed by {', '.join(ids)}, not open licenses")

    # Index `code`: "Is the source code of datasource processing, model training and tuning
    # comprehensively documented?" Documentation of inference or usage code alone does not answer it.
    repo_docs = release.docs("code-docs", "repository")
    pipeline = train or release.component(C.PREPROCESSING_CODE)
    if train is not None and repo_docs:
        g["code"] = Grade(OPEN, f"training code documented at {repo_docs[0].url}")
    elif pipeline is not None:
        g["code"] = Grade(PARTIAL, f"{pipeline.name.lower()} released, without documentation recorded")
    elif repo_docs or release.component(C.INFERENCE_CODE) is not None:
        g["code"] = Grade(CLOSED, "only inference or usage code is documented, no training pipeline")
    else:
        g["code"] = Grade(CLOSED, "no code documentation")

    g["architecture"] = _training_hardware(release)

    # The Index counts any archived preprint: a technical report posted to arXiv is one. Its
    # definition asks for "all major parts of the system including ... tuning steps": a document
    # about the base model alone covers one part of a tuned release, so it is partial.
    preprints = release.docs("preprint") + [d for d in release.docs("technical-report") if _archived(d.url)]
    reports = release.docs("technical-report")
    own, base_only = _split_by_subject(release, preprints)
    if own:
        g["preprint"] = Grade(OPEN, f"preprint: {own[0].url}")
    elif base_only:
        g["preprint"] = Grade(PARTIAL, f"preprint on the base model only: {base_only[0].url}")
    elif reports:
        g["preprint"] = Grade(PARTIAL, f"technical report only: {reports[0].url}")
    else:
        g["preprint"] = Grade(CLOSED, "no preprint")

    own, base_only = _split_by_subject(release, [d for d in release.documentation if d.peer_reviewed])
    if own:
        g["paper"] = Grade(OPEN, f"peer-reviewed: {own[0].url}")
    elif base_only:
        g["paper"] = Grade(PARTIAL, f"peer-reviewed paper on the base model only: {base_only[0].url}")
    else:
        g["paper"] = Grade(CLOSED, "no peer-reviewed paper")

    card_docs = release.docs("model-card")
    if card_docs and release.component(C.EVALUATION_RESULTS) is not None and release.training_data is not None:
        g["modelcard"] = Grade(OPEN, f"model card with evaluation and training facts: {card_docs[0].url}")
    elif card_docs or release.component(C.MODEL_CARD) is not None:
        g["modelcard"] = Grade(PARTIAL, "model card exists but lacks evaluation or training-data facts")
    else:
        g["modelcard"] = Grade(CLOSED, "no model card")

    sheets = release.docs("datasheet")
    own, base_only = _split_by_subject(release, sheets)
    if base_only and not own:
        g["datasheet"] = Grade(PARTIAL, f"datasheet for the base model's pretraining data only: {base_only[0].url}")
    elif sheets or release.component(C.DATA_CARD) is not None:
        full = release.training_data is not None and release.training_data.disclosure == "full"
        g["datasheet"] = Grade(OPEN if full else PARTIAL,
                               "datasheet for the training data" if full else "datasheet covers only part of the data")
    else:
        g["datasheet"] = Grade(CLOSED, "no datasheet")

    if release.package is not None:
        g["package"] = Grade(OPEN, f"installable package: {release.package.name} ({release.package.registry})")
    elif release.access is not None and release.access.weights in ("download", "gated"):
        g["package"] = Grade(PARTIAL, "runs through general libraries, no package of its own")
    else:
        g["package"] = Grade(CLOSED, "no package")

    if release.access is not None and release.access.api:
        paid = f" (paid: {release.pricing.input_per_mtok}/{release.pricing.output_per_mtok} {release.pricing.currency} per million tokens in/out)" if release.pricing else ""
        g["api"] = Grade(PARTIAL, f"producer's API{paid}")
    else:
        g["api"] = Grade(CLOSED, "no API from the producer recorded")
    return {k: g[k] for k in PARAMETERS}


def score(grades: dict[str, Grade]) -> float:
    """The index's sum: open 1, partial 0.5."""
    return sum(1.0 if x.grade == OPEN else 0.5 if x.grade == PARTIAL else 0.0 for x in grades.values())

"""The Release: the facts about one model release, and where each fact comes from.

A catalog entry, an imported MOF release file and (later) an audit of a folder all produce this
type, so every framework and report works the same for a famous model and for a private one.
It is a superset of the Model Openness Framework release file: the 17 components with their
licenses, the global licenses by content type, plus access, documentation, lineage and sources.
A field left out means "not known", never "no".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from . import components as mofc
from .errors import InputError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
NO_LICENSE = ("", "unlicensed")

ModelType = Literal[
    "language", "vision", "image", "audio", "video", "3d", "code", "multimodal", "embedding", "other"
]
WeightsAccess = Literal["download", "gated", "none"]
Disclosure = Literal["full", "partial", "none"]
DocKind = Literal[
    "model-card",
    "technical-report",
    "research-paper",
    "preprint",
    "datasheet",
    "code-docs",
    "blog",
    "license",
    "use-policy",
    "repository",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """Where facts were read, and when."""

    url: str = Field(min_length=1)
    as_of: date
    title: str | None = None


class _Fact(_Strict):
    source: str = Field(min_length=1, description="key into Release.sources")


class Released(_Fact):
    date: date


class Parameters(_Fact):
    total: int | None = Field(default=None, gt=0)
    active: int | None = Field(default=None, gt=0, description="per token, for mixture-of-experts")


class ContextLength(_Fact):
    tokens: int = Field(gt=0)


class BaseModelRef(_Fact):
    id: str = Field(min_length=1, description="catalog id when known, else the name")
    weights: WeightsAccess | None = Field(
        default=None, description="how the base model's own weights are published ('none': never released); "
                                  "unset when unknown or when the base is a catalog entry of its own")


class Access(_Fact):
    """How people get the model."""

    weights: WeightsAccess
    approval: bool = Field(
        default=False, description="gated downloads that need a manual approval, not a click-through"
    )
    api: bool = False
    product: bool = False

    @property
    def level(self) -> str:
        """download / gated / api / product / none: the most open way in."""
        if self.weights == "download":
            return "download"
        if self.weights == "gated":
            return "gated"
        if self.api:
            return "api"
        if self.product:
            return "product"
        return "none"


class GlobalLicense(_Strict):
    name: str | None = None
    path: str | None = None


class Licenses(_Strict):
    """Release-wide licenses by content type, as MOF release files carry them."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)
    distribution: GlobalLicense | None = None
    code: GlobalLicense | None = None
    data: GlobalLicense | None = None
    document: GlobalLicense | None = None
    source: str | None = None

    def for_type(self, content_type: str) -> GlobalLicense | None:
        return getattr(self, content_type, None)


class Evidence(_Strict):
    """Where an audited fact was read: a file and line, or a header or front-matter field."""

    path: str
    line: int | None = Field(default=None, ge=1)
    field: str | None = None
    detail: str = ""


class Component(_Fact):
    """One MOF component that is released (listed). Unlisted components are missing."""

    name: str
    license: str | None = Field(
        default=None,
        description="None: inherit the global license; '' or 'unlicensed': released with no license",
    )
    location: str | None = None
    license_path: str | None = None
    note: str | None = None
    evidence: list[Evidence] = Field(default_factory=list, description="audits: the files that show it")

    @field_validator("name")
    @classmethod
    def _known_name(cls, v: str) -> str:
        if v not in mofc.BY_NAME:
            hint = mofc.suggest(v)
            extra = f"; did you mean '{hint}'?" if hint else f"; expected one of: {', '.join(mofc.NAMES)}"
            raise ValueError(f"'{v}' is not a Model Openness Framework component{extra}")
        return v

    @property
    def spec(self) -> mofc.ComponentSpec:
        return mofc.BY_NAME[self.name]

    @property
    def unlicensed(self) -> bool:
        return self.license is not None and self.license in NO_LICENSE


class TrainingData(_Fact):
    disclosure: Disclosure = Field(
        description="full: every source listed and described; partial: some; none: nothing usable"
    )
    summary: str | None = None
    datasets: list[str] = Field(default_factory=list)


Withheld = Literal["architecture", "parameter count", "training data", "training compute", "evaluation"]


class DocLink(_Strict):
    kind: DocKind
    url: str = Field(min_length=1)
    as_of: date
    title: str | None = None
    peer_reviewed: bool = False
    withholds: list[Withheld] = Field(
        default_factory=list, description="what the document says it leaves out (GPT-4's report: architecture)")
    covers: Literal["release", "base model"] = Field(
        "release", description="what the document is about: this release, or only the base model it was "
        "tuned from (the Pythia paper for Pythia-Chat-Base-7B, the Pile's datasheet for its pretraining data)")


class WithheldPart(_Fact):
    """A MOF component the producer has but does not release (GPT-4's architecture, known only
    from its report; evaluation data kept in-house), with the source that shows it. It is not a
    component: MOF scores it as missing, as MOT does for a part that is not released."""

    component: str
    as_of: date
    note: str | None = Field(default=None, description="what the source says, in our words")

    @field_validator("component")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in mofc.BY_NAME:
            raise ValueError(f"'{v}' is not a MOF component name")
        return v


HardwareDocumented = Literal["comprehensive", "partial", "none"]


class TrainingHardware(_Fact):
    """What the release's documents say about the hardware it was trained on (the Open Source AI
    Index's `hardware_architecture`), read from the report, paper or model card, dated.

    comprehensive: the accelerator type, how many (count or device-hours) and how they were put
    together or for how long (nodes, interconnect, cluster, training time); partial: hardware named
    short of that (a type alone, or a type and device-hours); none: the documents say nothing on it."""

    documented: HardwareDocumented
    summary: str = Field(min_length=1, description="in our words, e.g. '2,048 H800 GPUs, interconnect described'")
    as_of: date


class Package(_Fact):
    name: str
    registry: str = "pypi"


class Pricing(_Fact):
    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)
    currency: str = "USD"


class Architecture(_Fact):
    """The attention shape read from the model's config.json: it sizes the KV cache a served
    sequence holds (2 x layers x kv_heads x head_dim values per token)."""

    layers: int = Field(gt=0, description="num_hidden_layers")
    kv_heads: int = Field(gt=0, description="num_key_value_heads (grouped-query attention)")
    head_dim: int = Field(gt=0, description="head_dim, or hidden_size / num_attention_heads")


Task = Literal["chat", "code", "reasoning", "embedding", "speech", "vision", "image"]


class Tasks(_Fact):
    """What the model is made for, where its type and treatment do not say it exactly."""

    tasks: list[Task] = Field(min_length=1)


class Benchmark(_Fact):
    """A published score, as the producer or a leaderboard reported it (not re-measured)."""

    name: str = Field(min_length=1, description="e.g. MMLU, GSM8K, HumanEval, GPQA Diamond, LMArena text")
    score: float
    unit: Literal["%", "elo", "index"] = "%"
    setting: str | None = Field(default=None, description="shots, chain of thought, variant of the model")
    reported_by: str | None = Field(default=None, description="who ran it, when not the producer")


class Origin(_Strict):
    """Which input this Release was built from (catalog file, MOF file, folder...)."""

    kind: Literal["catalog", "mof-file", "audit"]
    path: str


class Release(_Strict):
    id: str
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="other names people search by")
    producer: str = Field(min_length=1)
    family: str | None = None
    version: str | None = None
    type: ModelType | None = None
    treatment: str | None = None
    summary: str | None = None
    released: Released | None = None
    parameters: Parameters | None = None
    context_length: ContextLength | None = None
    base_model: BaseModelRef | None = None
    access: Access | None = None
    license: Licenses = Field(default_factory=Licenses)
    components: list[Component] = Field(default_factory=list)
    training_data: TrainingData | None = None
    tuning_data: TrainingData | None = Field(
        default=None, description="instruction/preference data of a tuned model, when separate"
    )
    documentation: list[DocLink] = Field(default_factory=list)
    withheld: list[WithheldPart] = Field(
        default_factory=list, description="MOF components that exist but are not released, with the source")
    package: Package | None = None
    pricing: Pricing | None = None
    architecture: Architecture | None = None
    training_hardware: TrainingHardware | None = None
    tasks: Tasks | None = None
    benchmarks: list[Benchmark] = Field(default_factory=list)
    listed_in: dict[str, str] = Field(
        default_factory=dict,
        description="ids in other catalogs: models.dev (lab/model), osai-index (file stem), mot (file stem)",
    )
    sources: dict[str, Source] = Field(default_factory=dict)
    origin: Origin | None = None

    @model_validator(mode="before")
    @classmethod
    def _canonical_licenses(cls, data: object, info: ValidationInfo) -> object:
        """One license string, one spelling: ODC-BY-1.0 reads as ODC-By-1.0 and a known name as
        its record's key, so every framework looks up the same terms. MOF release files keep
        their strings as written (context exact_licenses), since MOT matches them exactly."""
        if info.context and info.context.get("exact_licenses"):
            return data
        return canonical_licenses(data)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError(f"'{v}' must be lower-case letters, digits, '.', '-' or '_'")
        return v

    @model_validator(mode="after")
    def _sources_exist(self) -> "Release":
        missing = sorted(
            {f"{where} -> '{key}'" for where, key in self._source_refs() if key not in self.sources}
        )
        if missing:
            raise ValueError("source keys not defined under 'sources': " + "; ".join(missing))
        both = sorted({w.component for w in self.withheld} & {c.name for c in self.components})
        if both:
            raise ValueError("listed as a component and as withheld: " + ", ".join(both))
        return self

    def _source_refs(self) -> list[tuple[str, str]]:
        refs: list[tuple[str, str]] = []
        for field in ("released", "parameters", "context_length", "base_model", "access",
                      "training_data", "tuning_data", "package", "pricing", "architecture", "training_hardware",
                      "tasks"):
            value = getattr(self, field)
            if value is not None:
                refs.append((field, value.source))
        if self.license.source is not None:
            refs.append(("license", self.license.source))
        refs.extend((f"components[{c.name}]", c.source) for c in self.components)
        refs.extend((f"benchmarks[{b.name}]", b.source) for b in self.benchmarks)
        refs.extend((f"withheld[{w.component}]", w.source) for w in self.withheld)
        return refs

    # ---- derived views -------------------------------------------------------------------------

    def component(self, name: str) -> Component | None:
        """The listed component of that name; the last one wins, as in MOT."""
        found = None
        for c in self.components:
            if c.name == name:
                found = c
        return found

    @property
    def weights_unreleased(self) -> bool:
        """The weights are recorded as never released: the model is reached, if at all, only
        through the producer's service."""
        return self.access is not None and self.access.weights == "none"

    def effective_license(self, name: str) -> str | None:
        """The license that governs a listed component, MOT's way (own, then type, then
        distribution); None when the component is not listed or has no license."""
        comp = self.component(name)
        if comp is None:
            return None
        if comp.license is not None:
            return None if comp.license in NO_LICENSE or comp.license == "0" else comp.license
        glob = self.license.for_type(comp.spec.content_type)
        if glob is not None and glob.name:
            return glob.name
        if self.license.distribution is not None and self.license.distribution.name:
            return self.license.distribution.name
        return None

    def docs(self, *kinds: str) -> list[DocLink]:
        return [d for d in self.documentation if d.kind in kinds]


GLOBAL_LICENSE_TYPES = ("distribution", "code", "data", "document")


def license_fields(data: object) -> list[tuple[str, str]]:
    """(field, license string) for every license a parsed release names, as written."""
    out: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        return out
    comps = data.get("components")
    for i, c in enumerate(comps if isinstance(comps, list) else []):
        if isinstance(c, dict) and isinstance(c.get("license"), str) and c["license"] not in NO_LICENSE:
            out.append((f"components[{i}].license", c["license"]))
    lic = data.get("license")
    for kind in GLOBAL_LICENSE_TYPES:
        g = lic.get(kind) if isinstance(lic, dict) else None
        if isinstance(g, dict) and isinstance(g.get("name"), str) and g["name"]:
            out.append((f"license.{kind}.name", g["name"]))
    return out


def canonical_licenses(data: object) -> object:
    """A copy of parsed release data with every license string in its one spelling (when known)."""
    from .licenses.terms import canonical

    changes = {f: canonical(v) for f, v in license_fields(data)}
    changes = {f: v for f, v in changes.items() if v is not None}
    if not changes:
        return data
    assert isinstance(data, dict)
    data = dict(data)
    if isinstance(data.get("components"), list):
        data["components"] = [
            {**c, "license": changes.get(f"components[{i}].license", c.get("license"))} if isinstance(c, dict) else c
            for i, c in enumerate(data["components"])]
    if isinstance(data.get("license"), dict):
        lic = dict(data["license"])
        for kind in GLOBAL_LICENSE_TYPES:
            new = changes.get(f"license.{kind}.name")
            if new is not None:
                lic[kind] = {**lic[kind], "name": new}
        data["license"] = lic
    return data


def release_from_data(data: object, source_name: str, exact_licenses: bool = False) -> Release:
    """Validate parsed YAML/JSON into a Release; errors name the file and the field. License
    strings are canonicalised unless `exact_licenses` (MOF files, scored as MOT scores them)."""
    if not isinstance(data, dict):
        raise InputError(source_name, f"expected a mapping at the top, found {type(data).__name__}")
    try:
        return Release.model_validate(data, context={"exact_licenses": exact_licenses})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(source_name, msg + more, field=field) from None

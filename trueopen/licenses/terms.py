"""What a license lets you do: structured terms for AI model licenses and open-license families.

Custom AI licenses (Llama, Gemma, RAIL...) come from `data/terms.yaml`, written in our own words
with clause numbers. SPDX licenses get their terms from their category: OSI-approved and
FSF-libre licenses and the common open-data licenses grant the four freedoms.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .. import safeyaml
from . import spdx

Category = Literal[
    "permissive", "copyleft", "open-data", "restricted-open", "non-commercial", "research-only",
    "proprietary", "unknown",
]
Outcome = Literal["allowed", "conditional", "forbidden", "unclear"]

# Grant the four freedoms though not OSI-approved or FSF-libre (open content / open data).
OPEN_DATA_LICENSES = frozenset(
    {"CC0-1.0", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CDLA-Permissive-1.0",
     "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "ODC-By-1.0", "ODbL-1.0", "PDDL-1.0"}
)
COPYLEFT_PREFIXES = ("GPL-", "AGPL-", "LGPL-", "MPL-", "EPL-", "EUPL-", "CDDL-", "OSL-", "CC-BY-SA-")


Question = Literal[
    "commercial", "fine_tune", "redistribute_weights", "distill", "use_outputs_commercially", "military",
]
QUESTIONS: tuple[str, ...] = Question.__args__  # type: ignore[attr-defined]


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    summary: str
    clause: str | None = None


class UserCap(Term):
    """The user count above which a licensee needs another license. Licenses count monthly active
    users (Llama, Qwen) or daily ones (Baichuan 2); exactly one is given."""

    monthly_active_users: int | None = None
    daily_active_users: int | None = None

    @property
    def per(self) -> str:
        return "daily" if self.daily_active_users is not None else "monthly"

    @property
    def count(self) -> int:
        return self.daily_active_users if self.daily_active_users is not None else self.monthly_active_users  # type: ignore[return-value]

    @model_validator(mode="after")
    def _one_count(self) -> UserCap:
        if (self.monthly_active_users is None) == (self.daily_active_users is None):
            raise ValueError("give exactly one of monthly_active_users and daily_active_users")
        return self


class UsePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    url: str
    clause: str | None = None
    key: str | None = None  # the policy's own license key when we can identify its text


class Right(Term):
    """What a license says about one question: the outcome, the conditions, the clause."""

    outcome: Outcome
    conditions: list[str] = Field(default_factory=list)


class LicenseTerms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    title: str
    spdx: str | None = None  # the SPDX id when it differs from `key`
    url: str | None = None
    as_of: date | None = None
    hf_tags: list[str] = Field(default_factory=list)  # Hugging Face `license:` ids
    names: list[str] = Field(default_factory=list)  # other names seen in `license_name` and catalogs
    links: list[str] = Field(default_factory=list)  # URLs model cards give as `license_link` for it
    scancode_keys: list[str] = Field(default_factory=list)  # ScanCode license keys of the same text
    category: Category
    osi_approved: bool = False
    user_cap: UserCap | None = None
    use_policy: UsePolicy | None = None
    use_restrictions: list[Term] = Field(default_factory=list)
    rights: dict[Question, Right] = Field(default_factory=dict)
    attribution: list[Term] = Field(default_factory=list)
    redistribution: list[Term] = Field(default_factory=list)
    termination: Term | None = None
    governing_law: str | None = None
    governing_law_clause: str | None = None
    note: str | None = None

    @property
    def grants_freedoms(self) -> bool:
        """Use, study, modify and share for any purpose, with no permission needed."""
        return self.category in ("permissive", "copyleft", "open-data")

    @property
    def commercial(self) -> Outcome:
        r = self.rights.get("commercial")
        return r.outcome if r else "unclear"

    @property
    def train_other_models(self) -> Right | None:
        return self.rights.get("distill")


@lru_cache(maxsize=1)
def custom() -> dict[str, LicenseTerms]:
    path = resources.files("trueopen.licenses") / "data" / "terms.yaml"
    records = safeyaml.loads(path.read_text(encoding="utf-8"), str(path))
    out = {}
    for rec in records:
        terms = LicenseTerms.model_validate(rec)
        if terms.key in out:
            raise ValueError(f"{path}: license key {terms.key} is listed twice")
        out[terms.key] = terms
    return out


def known_keys() -> list[str]:
    return sorted(custom())


@lru_cache(maxsize=512)
def lookup(license_id: str) -> LicenseTerms | None:
    """Terms of a license id (SPDX id or LicenseRef key); None when we know nothing of it."""
    if license_id in custom():
        return custom()[license_id]
    for terms in custom().values():
        if license_id.lower() in (a.lower() for a in (*terms.hf_tags, *terms.names)):
            return terms
    spdx_id = spdx.canonical(license_id)
    if spdx_id is None:
        return None
    osi = spdx.is_osi_approved(spdx_id)
    if "-NC" in spdx_id:
        category: Category = "non-commercial"
    elif "-ND" in spdx_id:
        category = "restricted-open"
    elif osi or spdx.is_fsf_libre(spdx_id):
        category = "copyleft" if spdx_id.startswith(COPYLEFT_PREFIXES) else "permissive"
    elif spdx_id in OPEN_DATA_LICENSES:
        category = "copyleft" if spdx_id.startswith(COPYLEFT_PREFIXES) else "open-data"
    else:
        category = "unknown"
    return LicenseTerms(
        key=spdx_id,
        title=spdx.name(spdx_id) or spdx_id,
        url=f"https://spdx.org/licenses/{spdx_id}.html",
        category=category,
        osi_approved=osi,
        rights=category_rights(category),
    )


def category_rights(category: Category) -> dict[str, Right]:
    """What the common open-license families allow, for licenses we have no record of our own."""
    if category in ("permissive", "copyleft", "open-data"):
        keep = "keep the license text and the copyright and attribution notices"
        share = [keep, "license modified versions under the same license (share-alike)"] if category == "copyleft" else [keep]
        return {
            "commercial": Right(outcome="allowed", summary="The license grants use for any purpose."),
            "fine_tune": Right(outcome="allowed", summary="The license grants the right to modify."),
            "redistribute_weights": Right(outcome="conditional", conditions=share,
                                          summary="Copies may be shared under the license's conditions."),
            "distill": Right(outcome="allowed", summary="No rule limits training other models on it or its outputs."),
            "use_outputs_commercially": Right(outcome="allowed", summary="No rule limits the use of outputs."),
            "military": Right(outcome="allowed", summary="The license has no field-of-use restriction."),
        }
    if category == "non-commercial":
        return {
            "commercial": Right(outcome="forbidden", summary="The license grants use for non-commercial purposes only."),
            "fine_tune": Right(outcome="conditional", conditions=["non-commercial purposes only"],
                               summary="Adaptations are allowed, for non-commercial purposes."),
            "redistribute_weights": Right(outcome="conditional", conditions=["non-commercial purposes only", "give credit"],
                                          summary="Copies may be shared non-commercially, with credit."),
            "distill": Right(outcome="unclear", summary="The license does not speak to training other models."),
            "use_outputs_commercially": Right(outcome="unclear", summary="The license does not speak to outputs."),
            "military": Right(outcome="unclear", summary="Only non-commercial use is granted."),
        }
    return {}


def grants_freedoms(license_id: str | None) -> bool | None:
    """True/False when we know; None for a license we cannot identify."""
    if not license_id:
        return False
    terms = lookup(license_id)
    if terms is None or terms.category == "unknown":
        return None
    return terms.grants_freedoms


def is_osi_approved(license_id: str | None) -> bool:
    if not license_id:
        return False
    terms = lookup(license_id)
    return bool(terms and terms.osi_approved)

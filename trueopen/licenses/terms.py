"""What a license lets you do: structured terms for AI model licenses and open-license families.

Custom AI licenses (Llama, Gemma, RAIL...) come from `data/terms.yaml`, written in our own words
with clause numbers. SPDX licenses get their terms from their category: OSI-approved and
FSF-libre licenses and the common open-data licenses grant the four freedoms.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
# Public-sector open licenses that grant the four freedoms for data and documents.
OPEN_GOVERNMENT_LICENSES = frozenset({"OGL-UK-2.0", "OGL-UK-3.0", "OGL-Canada-2.0", "CC-PDDC"})
COPYLEFT_PREFIXES = ("GPL-", "AGPL-", "LGPL-", "MPL-", "EPL-", "EUPL-", "CDDL-", "OSL-", "CC-BY-SA-")


Question = Literal[
    "commercial", "fine_tune", "redistribute_weights", "distill", "use_outputs_commercially", "military",
]
QUESTIONS: tuple[str, ...] = Question.__args__  # type: ignore[attr-defined]


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
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
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    url: str
    clause: str | None = None
    key: str | None = None  # the policy's own license key when we can identify its text


class Right(Term):
    """What a license says about one question: the outcome, the conditions, the clause."""

    outcome: Outcome
    conditions: list[str] = Field(default_factory=list)


class LicenseTerms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
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
        """Use, study, modify and share for any purpose, with no permission needed: an open
        family, and nothing in the record (see `limits`) that takes a freedom back."""
        return self.category in OPEN_CATEGORIES and not any(limits(self).values())

    @property
    def commercial(self) -> Outcome:
        r = self.rights.get("commercial")
        return r.outcome if r else "unclear"

    @property
    def train_other_models(self) -> Right | None:
        return self.rights.get("distill")


@lru_cache(maxsize=1)
def custom() -> dict[str, LicenseTerms]:
    """Our records of license terms, by key: parsed from data/terms.yaml once, then read from the
    user cache (keyed by the file and this code), since parsing the YAML costs a start its speed."""
    from .. import __version__, cache

    data = resources.files("trueopen.licenses") / "data" / "terms.yaml"
    text = data.read_bytes()
    inputs = (__version__, text, cache.module_sources("trueopen", "safeyaml", "cache"),
              cache.module_sources("trueopen.licenses", "terms"), cache.dist_version("pydantic"))
    records = cache.sealed_models("license-terms", inputs, LicenseTerms,
                                  lambda: _read_records(text.decode("utf-8"), str(data)))
    return {t.key: t for t in records}


def _read_records(text: str, name: str) -> list[LicenseTerms]:
    from .. import safeyaml

    out: dict[str, LicenseTerms] = {}
    for rec in safeyaml.loads(text, name):
        terms = LicenseTerms.model_validate(rec)
        if terms.key in out:
            raise ValueError(f"{name}: license key {terms.key} is listed twice")
        out[terms.key] = terms
    return list(out.values())


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
    elif spdx_id in OPEN_DATA_LICENSES or spdx_id in OPEN_GOVERNMENT_LICENSES or spdx_id.startswith("CC-BY-"):
        # every Creative Commons BY and BY-SA version and port (NC and ND are caught above)
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


OPEN_CATEGORIES = ("permissive", "copyleft", "open-data")


def limits(t: LicenseTerms) -> dict[str, list[str]]:
    """What in a terms record keeps one of the freedoms from being granted, by freedom (use,
    modify, share). Every framework reads a license's openness through this one function."""
    use: list[str] = []
    mod: list[str] = []
    share: list[str] = []
    if t.user_cap:
        use.append(f"user cap of {t.user_cap.count:,} {t.user_cap.per} active users ({t.user_cap.clause})")
    if t.use_restrictions:
        first = t.use_restrictions[0]
        use.append("use restrictions" + (f" ({first.clause})" if first.clause else ""))
    if t.commercial in ("forbidden", "conditional") and not t.user_cap:
        use.append(f"commercial use is {t.commercial}")
    if t.category in ("non-commercial", "research-only", "proprietary"):
        share.append(f"it is {t.category}")
    distill = t.train_other_models
    if distill is not None and distill.outcome != "allowed":
        mod.append("limits on training other models" + (f" ({distill.clause})" if distill.clause else ""))
    if t.category == "restricted-open" and t.use_restrictions:
        mod.append("modified versions keep the use restrictions")
    return {"use": use, "modify": mod, "share": share}


def grants_freedoms(license_id: str | None) -> bool | None:
    """True/False when we know; None for a license we cannot identify. Open means an open
    family (permissive, copyleft, open data) and nothing in the record that limits a freedom."""
    if not license_id:
        return False
    terms = lookup(license_id)
    if terms is None or terms.category == "unknown":
        return None
    return terms.grants_freedoms


# Spellings seen in catalogs and on the Hub for SPDX ids, beyond case.
SPDX_ALIASES = {
    "gpl-3.0": "GPL-3.0-only", "gpl-2.0": "GPL-2.0-only", "agpl-3.0": "AGPL-3.0-only",
    "lgpl-3.0": "LGPL-3.0-only", "lgpl-2.1": "LGPL-2.1-only", "gfdl": "GFDL-1.3-only",
    "c-uda": "C-UDA-1.0", "odc-by": "ODC-By-1.0", "odbl": "ODbL-1.0", "pddl": "PDDL-1.0",
    "apache 2.0": "Apache-2.0", "apache-2": "Apache-2.0", "mit license": "MIT",
}
_OPERATORS = re.compile(r"\s(?:AND|OR|WITH)\s|[()]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    out: dict[str, str] = {}
    for t in custom().values():
        for n in (t.key, *t.hf_tags, *t.names):
            out.setdefault(n.strip().lower(), t.key)
    return out


def _canonical_one(text: str) -> str | None:
    low = text.strip().lower()
    return _names().get(low) or spdx.canonical(SPDX_ALIASES.get(low, low))


@lru_cache(maxsize=1024)
def canonical(license_string: str) -> str | None:
    """The one spelling of a license string: our record's key, or the SPDX id as SPDX spells it
    (ODC-BY-1.0 -> ODC-By-1.0), or an SPDX expression of those; None when a part has no record."""
    one = _canonical_one(license_string)
    if one is not None or not _OPERATORS.search(license_string):
        return one
    from license_expression import ExpressionError, get_spdx_licensing

    licensing = get_spdx_licensing()
    try:
        parsed = licensing.parse(license_string, validate=False, strict=False)
    except ExpressionError:
        return None
    if parsed is None:
        return None
    keys = {s.key: _canonical_one(s.key) for s in licensing.license_symbols(parsed)}
    if any(v is None for v in keys.values()):
        return None
    return re.sub(r"[A-Za-z0-9.+_-]+", lambda m: keys.get(m.group(), m.group()), str(parsed))


def is_osi_approved(license_id: str | None) -> bool:
    if not license_id:
        return False
    terms = lookup(license_id)
    return bool(terms and terms.osi_approved)

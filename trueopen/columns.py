"""What a row of `trueopen list` shows, in one place: the filters (service.ListFilter) and every
renderer (table, Markdown, JSON) read these functions, so a filter can never select on something
other than what the column shows, and two formats never label the same fact differently."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from .components import WEIGHTS

if TYPE_CHECKING:
    from .frameworks.mof import MofResult
    from .release import Release

_ROMAN = {1: "I", 2: "II", 3: "III"}


def weights_license(release: "Release") -> str | None:
    """The "weights license" column: the license of the final parameters, MOT's way (the
    component's own, else the release's license for its type); None when no weights are listed."""
    return release.effective_license(WEIGHTS)


def mof_cell(m: "MofResult") -> str:
    """The "MOF" column: the class met ("Class II"), or, unclassified, how much of Class III is met
    ("33% of III"; rounded down, so a cell never reads 100% for a class not met)."""
    if m.mof_class:
        return f"Class {_ROMAN[m.mof_class]}"
    return f"{math.floor(m.progress[3])}% of III"


def _key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "", text.lower())
    return key[len("licenseref"):] if key.startswith("licenseref") and len(key) > len("licenseref") else key


def license_terms(expression: str) -> list[str]:
    """The license ids in an SPDX expression ("Apache-2.0 OR MIT" -> both), as written."""
    parts = re.split(r"\s+(?:AND|OR|WITH)\s+|[()]", expression)
    return [p.strip() for p in parts if p.strip()]


def license_matches(query: str, shown: str | None) -> bool:
    """Does `--license QUERY` pick a row whose column shows `shown`? Case, punctuation and the
    LicenseRef- prefix do not matter; a query without a version picks every version (llama: llama2,
    llama3.1; apache: Apache-2.0), but not a longer name (gpl does not pick AGPL; cc-by not CC-BY-NC)."""
    if not shown:
        return False
    q = _key(query)
    if not q:
        return False
    for term in license_terms(shown):
        t = _key(term)
        if t == q or (t.startswith(q) and t[len(q)].isdigit()):
            return True
    return False


def gap_cell(b: "tuple[float, str, str | None] | None") -> str:
    """A cell of `trueopen gap`: 'score release (setting)', or '-' when no release of that kind
    has a score that year."""
    return f"{b[0]:g} {b[1]}" + (f" ({b[2]})" if b[2] else "") if b else "-"

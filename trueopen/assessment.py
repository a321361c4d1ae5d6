"""Assessment: every framework's judgement of one Release, computed together."""

from __future__ import annotations

from dataclasses import dataclass

from .frameworks import dimensions, mof, osaid, osai_index, verdict
from .release import Release


@dataclass(frozen=True)
class Assessment:
    release: Release
    mof: mof.MofResult
    osaid: osaid.OsaidResult
    osai_index: dict[str, osai_index.Grade]
    dimensions: dict[str, dimensions.Rating]
    verdict: verdict.Verdict


def assess(release: Release, base: Assessment | None = None) -> Assessment:
    """Run every framework. `base` is the base model's assessment, when the release is a fine-tune."""
    o = osaid.assess(release, base.osaid if base else None)
    v = verdict.decide(release, o)
    return Assessment(
        release=release,
        mof=mof.assess(release),
        osaid=o,
        osai_index=osai_index.assess(release),
        dimensions=dimensions.assess(release, o, v),
        verdict=v,
    )

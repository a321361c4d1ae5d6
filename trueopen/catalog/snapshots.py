"""Data imported from other catalogs and committed with its attribution (see importers/).

The catalog cites these snapshots fact by fact; `validate` checks that the facts it cites still
say what the entry says.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

MODELS_DEV = "models.dev"
OSAI_INDEX = "osai-index"
MOT = "mot"  # the Model Openness Tool's model files (lfai/model_openness_tool, MIT)
FILES = {MODELS_DEV: "models-dev.json", OSAI_INDEX: "osai-index.json", MOT: "mot.json"}


def path(name: str) -> Path:
    return Path(str(resources.files("trueopen.catalog") / "imported" / FILES[name]))


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    return json.loads(path(name).read_text(encoding="utf-8"))


def entries(name: str) -> dict[str, dict]:
    data = load(name)
    return data["profiles"] if name == OSAI_INDEX else data["models"]


def file_url(name: str, record: dict) -> str:
    """The snapshot's own file for a record, at the pinned revision."""
    return load(name)["source"]["url_prefix"] + record["path"]

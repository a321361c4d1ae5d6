"""Shared helpers: run the real CLI in a subprocess, write MOF files from facts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).parent / "data"


class Run:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    proc = subprocess.run([sys.executable, "-m", "trueopen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)
    return Run(proc)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def mot_facts() -> dict:
    return json.loads((DATA / "mot_facts.json").read_text(encoding="utf-8"))


def write_mof(folder: Path, entry: dict, name: str | None = None) -> Path:
    """A MOF release file in MOT's schema, built from extracted facts."""
    doc = {"framework": entry["framework"], "release": dict(entry["release"])}
    path = folder / (name or (Path(entry["path"]).stem.replace("%", "pct").replace(" ", "_") + ".yml"))
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path

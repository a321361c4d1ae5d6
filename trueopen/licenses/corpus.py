"""The reference corpus license texts are recognised against.

Two sources: ScanCode's license database as installed by the `licensedcode-data` package (license
texts and rules: notices, references, tags, each labelled with a license expression), and the
fingerprints we computed for AI licenses newer than that package (`data/fingerprints.json`:
shingle hashes and short titles, never the texts).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import TrueopenError
from . import cache, words
from .fingerprint import text_shingles

DIST = cache.CORPUS_DIST


@dataclass(frozen=True)
class License:
    """One license of ScanCode's database: its key, SPDX id and short name."""

    key: str
    spdx: str
    title: str
    category: str


@dataclass(frozen=True)
class RefDoc:
    """A reference text reduced to its fingerprint, labelled with what it is evidence of."""

    expression: str  # ScanCode keys, e.g. "mit OR apache-2.0", or a trueopen key for fingerprints
    kind: str  # text | notice | reference
    origin: str  # where it came from, for humans
    shingles: np.ndarray  # sorted distinct uint64
    n_words: int
    digest: str  # words.digest of the text: finds verbatim copies without matching
    fingerprint: bool = False  # one of ours, labelled with a specific AI license


def data_dir() -> Path:
    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        raise TrueopenError(f"the {DIST} package is not installed; reinstall trueopen (pip install trueopen)") from None
    return Path(str(dist.locate_file("licensedcode/data")))


def reference_doc(expression: str, kind: str, origin: str, text: str) -> RefDoc | None:
    sh, n = text_shingles(text)
    return RefDoc(expression, kind, origin, sh, n, words.digest(words.split(text))) if len(sh) else None


def _split(raw: str) -> tuple[dict[str, str], str]:
    """Top-level `key: value` pairs of a ScanCode front matter, and the text after it.

    These files come from an installed package, not from what we audit; only scalar keys matter.
    """
    if not raw.startswith("---"):
        return {}, raw
    end = raw.find("\n---", 3)
    if end < 0:
        return {}, raw
    meta = {}
    for line in raw[3:end].splitlines():
        if line and not line[0].isspace() and ":" in line:
            k, _, v = line.partition(":")
            meta[k.strip()] = v.strip().strip("'\"")
    return meta, raw[end + 4 :]


@lru_cache(maxsize=1)
def licenses() -> dict[str, License]:
    """Key, SPDX id and title of every ScanCode license (names.py keeps what it needs cached)."""
    out = {}
    for path in sorted((data_dir() / "licenses").glob("*.LICENSE")):
        meta, _ = _split(path.read_text(encoding="utf-8", errors="replace"))
        key = meta.get("key", path.stem)
        out[key] = License(
            key=key,
            spdx=meta.get("spdx_license_key") or f"LicenseRef-scancode-{key}",
            title=meta.get("short_name") or meta.get("name") or key,
            category=meta.get("category", ""),
        )
    return out


def _rule_kind(meta: dict[str, str]) -> str | None:
    if any(meta.get(f) == "yes" for f in ("is_false_positive", "is_deprecated", "is_license_intro", "is_license_clue")):
        return None
    if meta.get("is_license_text") == "yes":
        return "text"
    if meta.get("is_license_notice") == "yes":
        return "notice"
    return "reference"


def scancode_docs() -> Iterator[RefDoc]:
    base = data_dir()
    for path in sorted((base / "licenses").glob("*.LICENSE")):
        meta, text = _split(path.read_text(encoding="utf-8", errors="replace"))
        if meta.get("is_deprecated") == "yes" or not text.strip():
            continue
        doc = reference_doc(meta.get("key", path.stem), "text", f"licensedcode/data/licenses/{path.name}", text)
        if doc:
            yield doc
    for path in sorted((base / "rules").glob("*.RULE")):
        meta, text = _split(path.read_text(encoding="utf-8", errors="replace"))
        kind = _rule_kind(meta)
        expr = meta.get("license_expression")
        if kind is None or not expr:
            continue
        doc = reference_doc(expr, kind, f"licensedcode/data/rules/{path.name}", text)
        if doc:
            yield doc


@dataclass(frozen=True)
class Fingerprint:
    """A stored fingerprint of an AI license text (see scripts/build_fingerprints.py)."""

    key: str
    title: str
    url: str
    as_of: str
    scancode_key: str | None
    n_words: int
    sha256: str
    shingles: np.ndarray


@lru_cache(maxsize=1)
def fingerprints() -> tuple[Fingerprint, ...]:
    path = resources.files("trueopen.licenses") / "data" / "fingerprints.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Fingerprint(
            key=r["key"], title=r["title"], url=r["url"], as_of=r["as_of"], scancode_key=r.get("scancode_key"),
            n_words=r["n_words"], sha256=r["sha256"],
            shingles=np.frombuffer(base64.b64decode(r["shingles"]), dtype="<u8").astype(np.uint64),
        )
        for r in records
    )


def fingerprint_docs() -> Iterator[RefDoc]:
    for fp in fingerprints():
        yield RefDoc(fp.key, "text", f"fingerprint of {fp.url}", fp.shingles, fp.n_words, fp.sha256, True)

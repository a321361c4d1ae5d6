"""The reference corpus license texts are recognised against.

Two sources: ScanCode's license database as installed by the `licensedcode-data` package (license
texts and rules: notices, references, tags, each labelled with a license expression), and the
fingerprints we computed for AI licenses newer than that package (`data/fingerprints.json`:
shingle hashes and short titles, never the texts).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ..errors import TrueopenError
from . import cache, words
from .fingerprint import many_shingles
from .words import SHINGLE

DIST = cache.CORPUS_DIST


@dataclass(frozen=True)
class License:
    """One license of ScanCode's database: its key, SPDX id and short name."""

    key: str
    spdx: str
    title: str
    category: str


@dataclass(frozen=True)
class Corpus:
    """Every reference document reduced to its fingerprint, labelled with what it is evidence of.

    Per document: lists and arrays in document order. Shingles: flat, each document's sorted
    distinct shingles in turn, `owners` naming the document of each.
    """

    expressions: list[str]  # ScanCode keys, e.g. "mit OR apache-2.0", or a trueopen key for fingerprints
    kinds: list[str]  # text | notice | reference
    origins: list[str]  # where it came from, for humans
    n_words: np.ndarray  # int32
    digests: list[str]  # words.digest of the text: finds verbatim copies without matching
    decisive: list[bool]  # one of our fingerprints, labelled with a specific AI license
    shingles: np.ndarray  # uint64
    owners: np.ndarray  # int32


def data_dir() -> Path:
    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        raise TrueopenError(f"the {DIST} package is not installed; reinstall trueopen (pip install trueopen)") from None
    return Path(str(dist.locate_file("licensedcode/data")))


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
    if "yes" in (meta.get("is_false_positive"), meta.get("is_deprecated"), meta.get("is_license_intro"),
                 meta.get("is_license_clue")):
        return None
    if meta.get("is_license_text") == "yes":
        return "text"
    if meta.get("is_license_notice") == "yes":
        return "notice"
    return "reference"


def scancode_files() -> list[tuple[str, str]]:
    """(folder, file name) of every license text and rule, licenses first, each in name order."""
    base = data_dir()
    out = []
    for folder, suffix in (("licenses", ".LICENSE"), ("rules", ".RULE")):
        names = sorted(n for n in os.listdir(base / folder) if n.endswith(suffix) and not n.startswith("."))
        out += [(folder, n) for n in names]
    return out


def _read(path: str) -> str:
    """A corpus file as text mode would read it (newlines made \\n)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def scancode_texts(files: list[tuple[str, str]], progress: Callable[[int], None] | None = None,
                   every: int = 500) -> Iterator[tuple[str, str, str, str]]:
    """(expression, kind, origin, text) of each usable file of `files` (scancode_files());
    `progress(n)` is told every `every` files read."""
    base = str(data_dir())
    for i, (folder, name) in enumerate(files, 1):
        if progress and i % every == 0:
            progress(every)
        meta, text = _split(_read(os.path.join(base, folder, name)))
        if folder == "licenses":
            if meta.get("is_deprecated") == "yes" or not text.strip():
                continue
            yield meta.get("key", name[: -len(".LICENSE")]), "text", f"licensedcode/data/licenses/{name}", text
        else:
            kind = _rule_kind(meta)
            expr = meta.get("license_expression")
            if kind is not None and expr:
                yield expr, kind, f"licensedcode/data/rules/{name}", text
    if progress:
        progress(len(files) % every)


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


def reference_corpus(files: list[tuple[str, str]] | None = None,
                     progress: Callable[[int], None] | None = None) -> Corpus:
    """Our fingerprints first, then ScanCode's texts and rules: where a generic ScanCode rule has
    the same text, the matcher's ties go to the lower document number, so the specific AI license
    wins. Texts shorter than one shingle are left out: no match could rest on them."""
    fps = fingerprints()
    rows = [(fp.key, "text", f"fingerprint of {fp.url}", fp.n_words, fp.sha256, True) for fp in fps]
    word_lists = []
    for expression, kind, origin, text in scancode_texts(scancode_files() if files is None else files, progress):
        ws = words.word_bytes(words.normalise(text))
        if len(ws) >= SHINGLE:
            rows.append((expression, kind, origin, len(ws), hashlib.sha256(b" ".join(ws)).hexdigest(), False))
            word_lists.append(ws)
    expressions, kinds, origins, n_words, digests, decisive = (list(col) for col in zip(*rows))
    sh, owners = many_shingles(word_lists)
    fp_sh = [np.unique(fp.shingles) for fp in fps]
    return Corpus(
        expressions, kinds, origins, np.array(n_words, dtype=np.int32), digests, decisive,
        shingles=np.concatenate([*fp_sh, sh]),
        owners=np.concatenate([np.repeat(np.arange(len(fps), dtype=np.int32), [len(x) for x in fp_sh]),
                               owners + np.int32(len(fps))]),
    )

"""The license index: every reference fingerprint in flat arrays, built once and cached on disk.

Building reads about 37,000 files and takes seconds; loading the cache memory-maps a few arrays
and takes milliseconds. The cache is keyed by the corpus version, the stored fingerprints and
this module's format, so an upgrade rebuilds it by itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from . import corpus
from .fingerprint import SHINGLE

FORMAT = 1


@dataclass(frozen=True)
class Index:
    expressions: list[str]  # per document
    kinds: list[str]
    origins: list[str]
    n_words: np.ndarray  # int32 per document
    offsets: np.ndarray  # int64, document d owns doc_shingles[offsets[d]:offsets[d+1]]
    doc_shingles: np.ndarray  # uint64, sorted within each document
    post_shingles: np.ndarray  # uint64, all (shingle, doc) pairs sorted by shingle
    post_docs: np.ndarray  # int32

    def shingles_of(self, doc: int) -> np.ndarray:
        return self.doc_shingles[self.offsets[doc] : self.offsets[doc + 1]]

    def size(self, doc: int) -> int:
        return int(self.offsets[doc + 1] - self.offsets[doc])


def build(docs) -> Index:
    docs = list(docs)
    sizes = np.array([len(d.shingles) for d in docs], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate([d.shingles for d in docs]) if docs else np.zeros(0, np.uint64)
    owner = np.repeat(np.arange(len(docs), dtype=np.int32), sizes)
    order = np.argsort(flat, kind="stable")
    return Index(
        expressions=[d.expression for d in docs],
        kinds=[d.kind for d in docs],
        origins=[d.origin for d in docs],
        n_words=np.array([d.n_words for d in docs], dtype=np.int32),
        offsets=offsets,
        doc_shingles=flat,
        post_shingles=flat[order],
        post_docs=owner[order],
    )


_ARRAYS = ("n_words", "offsets", "doc_shingles", "post_shingles", "post_docs")


def cache_dir() -> Path:
    if os.environ.get("TRUEOPEN_CACHE"):
        return Path(os.environ["TRUEOPEN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "trueopen"


def cache_key() -> str:
    stored = (resources.files("trueopen.licenses") / "data" / "fingerprints.json").read_bytes()
    h = hashlib.sha256(f"{FORMAT}/{SHINGLE}/{corpus.version()}/".encode() + stored)
    return h.hexdigest()[:16]


def save(index: Index, folder: Path) -> None:
    """Write to a temporary folder, then rename: a reader never sees half an index."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    for name in _ARRAYS:
        np.save(tmp / f"{name}.npy", getattr(index, name))
    meta = {"expressions": index.expressions, "kinds": index.kinds, "origins": index.origins}
    (tmp / "docs.json").write_text(json.dumps(meta), encoding="utf-8")
    try:
        os.replace(tmp, folder)
    except OSError:  # another process won the race; its index is as good as ours
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


def load_from(folder: Path) -> Index:
    meta = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    return Index(expressions=meta["expressions"], kinds=meta["kinds"], origins=meta["origins"], **arrays)


@lru_cache(maxsize=1)
def load() -> Index:
    """The cached index, building it first when missing or stale (or in memory if the cache is read-only)."""
    folder = cache_dir() / f"license-index-{cache_key()}"
    if (folder / "docs.json").is_file():
        try:
            return load_from(folder)
        except (OSError, ValueError, KeyError):
            pass  # damaged cache: rebuild below
    index = build([*corpus.scancode_docs(), *corpus.fingerprint_docs()])
    try:
        save(index, folder)
        _remove_stale(folder)
    except OSError:
        pass
    return index


def _remove_stale(current: Path) -> None:
    """Indexes of older versions (another corpus or fingerprint set) are never read again.
    Only finished index folders are removed: a temporary one may belong to a running build."""
    for old in current.parent.glob("license-index-*"):
        if old != current and "." not in old.name and (old / "docs.json").is_file():
            for f in old.iterdir():
                f.unlink()
            old.rmdir()

"""The license index: every reference fingerprint in flat arrays, built once and cached on disk.

Building reads about 37,000 files and takes seconds; loading the cache memory-maps a few arrays
and takes milliseconds. Beside the arrays lives the table of verbatim texts (verbatim.py). The
folder is keyed by the corpus version, the stored fingerprints and the code that derives them
(cache.index_folder), so an upgrade rebuilds it by itself.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import cache, progress, verbatim

if TYPE_CHECKING:
    from . import corpus


@dataclass(frozen=True)
class Index:
    """Postings: for each distinct shingle of the corpus, the documents that hold it; and the other
    way round, each document's shingles, so that a candidate's are found without the postings."""

    expressions: list[str]  # per document
    expression_ids: np.ndarray  # int32 per document: equal for equal expressions
    kinds: list[str]
    origins: list[str]
    n_words: np.ndarray  # int32 per document
    sizes: np.ndarray  # int64 per document: its distinct shingles
    keys: np.ndarray  # uint64, every distinct shingle, sorted
    key_starts: np.ndarray  # int64, shingle keys[k] is held by post_docs[key_starts[k]:key_starts[k+1]]
    post_docs: np.ndarray  # int32
    doc_starts: np.ndarray  # int64 per document and one more: document d holds
    doc_keys: np.ndarray  # int32, the shingles doc_keys[doc_starts[d]:doc_starts[d+1]], as sorted indexes of keys


def build(c: "corpus.Corpus") -> Index:
    """Postings from the corpus's flat shingles (each document's sorted distinct, in document order).

    A stable sort keeps a shingle's documents in document order; it is fast because the input is
    already made of sorted runs, one per document.
    """
    order = np.argsort(c.shingles, kind="stable")
    flat = c.shingles[order]
    first = np.ones(len(flat), dtype=bool)
    first[1:] = flat[1:] != flat[:-1]
    doc_keys = np.empty(len(flat), dtype=np.int32)
    doc_keys[order] = np.cumsum(first) - 1
    sizes = np.bincount(c.owners, minlength=len(c.expressions)).astype(np.int64)
    ids: dict[str, int] = {}
    return Index(
        expressions=c.expressions,
        expression_ids=np.array([ids.setdefault(e, len(ids)) for e in c.expressions], dtype=np.int32),
        kinds=c.kinds,
        origins=c.origins,
        n_words=c.n_words,
        sizes=sizes,
        keys=flat[first],
        key_starts=np.append(np.flatnonzero(first), len(flat)).astype(np.int64),
        post_docs=c.owners[order],
        doc_starts=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        doc_keys=doc_keys,
    )


_ARRAYS = ("expression_ids", "n_words", "sizes", "keys", "key_starts", "post_docs", "doc_starts", "doc_keys")


def save(index: Index, c: "corpus.Corpus", folder: Path) -> Path:
    """Write to a temporary folder, then rename: a reader never sees half an index.
    Returns the folder that holds the index (another process's, if it finished first)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    for name in _ARRAYS:
        np.save(tmp / f"{name}.npy", getattr(index, name))
    verbatim.write(tmp / verbatim.FILE, zip(c.digests, c.n_words.tolist(), c.expressions, c.kinds, c.origins,
                                            c.decisive))
    meta = {"expressions": index.expressions, "kinds": index.kinds, "origins": index.origins}
    (tmp / "docs.json").write_text(json.dumps(meta), encoding="utf-8")  # written last: marks a whole index
    try:
        os.replace(tmp, folder)
    except OSError:  # another process won the race; its index is as good as ours
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def load_from(folder: Path) -> Index:
    meta = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    return Index(expressions=meta["expressions"], kinds=meta["kinds"], origins=meta["origins"], **arrays)


@lru_cache(maxsize=1)
def built() -> Path:
    """The folder of the current index, building it first when missing or damaged.

    With a read-only cache the index goes to a temporary folder, rebuilt by every run.
    """
    folder = cache.index_folder()
    if (folder / "docs.json").is_file() and (folder / verbatim.FILE).is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)  # damaged: rebuild
    from . import corpus  # reads the corpus: only a build needs it

    files = corpus.scancode_files()
    n = len(files)  # progress steps: one per file read, then a share for each later stage
    what = f"the license index from {cache.CORPUS_DIST} {cache.corpus_version()}"
    with progress.Building(what, n + n // 3, progress.expected_seconds(folder.parent)) as report:
        docs = corpus.reference_corpus(files, report.advance)
        report.advance(n // 6)
        index = build(docs)
        report.advance(n // 9)
        try:
            saved = save(index, docs, folder)
            _remove_stale(saved)
        except OSError:
            scratch = Path(tempfile.mkdtemp(prefix="trueopen-license-index-"))
            saved = save(index, docs, scratch / "index")
        report.advance(n // 3 - n // 6 - n // 9)
    progress.remember(folder.parent, report.seconds)
    return saved


@lru_cache(maxsize=1)
def load() -> Index:
    """The cached index, memory-mapped."""
    try:
        return load_from(built())
    except (OSError, ValueError, KeyError):  # damaged after all: build afresh
        built.cache_clear()
        shutil.rmtree(cache.index_folder(), ignore_errors=True)
        return load_from(built())


KEEP_INDEXES = 3  # this build and the two most recent others: about 70 MB each


def _remove_stale(current: Path, keep: int = KEEP_INDEXES) -> None:
    """Indexes of other versions (another corpus, fingerprint set or matching code) beyond the
    `keep` - 1 most recently built are removed: two installs or checkouts sharing a cache folder
    keep their own index instead of rebuilding each other's on every run. Only finished index
    folders are removed: a temporary one may belong to a running build."""
    def built_at(p: Path) -> float:
        try:
            return (p / "docs.json").stat().st_mtime
        except OSError:
            return 0.0

    others = [p for p in current.parent.glob("license-index-*")
              if p != current and "." not in p.name and (p / "docs.json").is_file()]
    for old in sorted(others, key=built_at, reverse=True)[max(keep - 1, 0):]:
        shutil.rmtree(old, ignore_errors=True)

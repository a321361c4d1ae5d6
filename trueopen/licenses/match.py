"""Find which reference license texts a text contains, and where.

Greedy cover: count, for every reference document, how many of its shingles the text holds; then
repeatedly take the document that explains the most not-yet-explained text while missing the
least of itself, until nothing explains enough. Several licenses in one file come out as several
matches, each with its line range. Pure: the index is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fingerprint import SHINGLE, Tokens, shingles
from .index import Index

CANDIDATES = 40  # documents examined in detail per text
NEAR = 0.8  # share of a reference's shingles found for a near match
PARTIAL = 0.4  # ... for a partial match of a full license text
MAX_GAP = 12  # words of edits inside a match that still count as part of it
MIN_PARTIAL_SHINGLES = 30  # a partial match must also be this long, so common phrases do not count


@dataclass(frozen=True)
class RawMatch:
    doc: int
    kind: str  # exact | near | partial | notice | reference
    coverage: float  # share of the reference's shingles found in the text
    start_line: int
    end_line: int
    start_word: int
    end_word: int  # exclusive


def find(index: Index, toks: Tokens) -> list[RawMatch]:
    q = shingles(toks.hashes)
    if not len(q) or not len(index.keys):
        return []
    uq, inv = np.unique(q, return_inverse=True)
    keys, key_starts = np.asarray(index.keys), np.asarray(index.key_starts)
    at = np.minimum(np.searchsorted(keys, uq), len(keys) - 1)
    held = keys[at] == uq
    hits = np.where(held, key_starts[at + 1] - key_starts[at], 0)
    if not hits.any():
        return []
    # Every posting of the text's shingles, counted per document.
    row_doc = _slices(np.asarray(index.post_docs), key_starts[at[held]], hits[held])
    found = np.bincount(row_doc, minlength=len(index.expressions))
    sizes = np.asarray(index.sizes)
    some = np.flatnonzero(found)  # a few thousand of the documents: the rest cannot qualify
    cov_some = found[some] / sizes[some]
    eligible = some[(cov_some >= NEAR) | ((cov_some >= PARTIAL) & (found[some] >= MIN_PARTIAL_SHINGLES))]
    if not len(eligible):
        return []
    top = _best_per_expression(index, eligible, found, sizes)
    members = _members(index, top, at, held)[:, inv]  # one row per candidate, one column per text shingle
    top_sizes, top_missing = sizes[top], sizes[top] - found[top]

    covered = np.zeros(len(q), dtype=bool)
    alive = np.ones(len(top), dtype=bool)
    out: list[RawMatch] = []
    while True:
        # The candidate that explains the most new text while missing the least of itself; on a tie
        # the larger reference, then the first in `top`'s order.
        new = members & ~covered
        gains = new.sum(axis=1)
        open_ = np.flatnonzero(alive & (gains > 0))
        if not len(open_):
            break
        scores = gains[open_] - 0.5 * top_missing[open_]  # positive above a third: PARTIAL decides
        tied = open_[scores == scores.max()]
        i = int(tied[np.argmax(top_sizes[tied])])
        if scores.max() <= 0:
            break
        best, best_new = top[i], new[i]
        alive[i] = False
        cov = float(found[best] / sizes[best])
        kind = _kind(index, best, cov, best_new)
        if kind is None:
            continue
        pos = _main_clusters(np.flatnonzero(best_new))
        first, last = int(pos[0]), int(pos[-1]) + SHINGLE - 1
        covered |= explained(best_new)
        out.append(RawMatch(best, kind, round(cov, 4), int(toks.lines[first]), int(toks.lines[last]), first, last + 1))
    out.sort(key=lambda m: m.start_word)
    return out


def _slices(a: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of a[s:s + c] for each start and count. Slicing copies each run once;
    building an index of every element (a running sum) and gathering through it costs twice as
    much for the hundred thousand postings a license text holds."""
    ends = starts + counts
    return np.concatenate([a[s:e] for s, e in zip(starts.tolist(), ends.tolist())] or [a[:0]])


def _members(index: Index, docs: list[int], at: np.ndarray, held: np.ndarray) -> np.ndarray:
    """For each of `docs`, which of the text's distinct shingles it holds (one boolean row each).

    Reads only the candidates' own shingles (sorted indexes into `keys`, a forward index), looking
    the text's (`at[held]`, a few hundred) up in each: cheaper than the other way round, as a
    candidate may hold thousands.
    """
    ids, cols = at[held].astype(np.int32), np.flatnonzero(held)  # the dtype of doc_keys: no copy per search
    doc_starts, doc_keys = np.asarray(index.doc_starts), np.asarray(index.doc_keys)
    out = np.zeros((len(docs), len(held)), dtype=bool)
    for row, d in enumerate(docs):
        own = doc_keys[doc_starts[d]:doc_starts[d + 1]]
        pos = np.minimum(np.searchsorted(own, ids), len(own) - 1)
        out[row, cols] = own[pos] == ids
    return out


def _best_per_expression(index: Index, docs: np.ndarray, found: np.ndarray, sizes: np.ndarray) -> list[int]:
    """The CANDIDATES most-matched expressions, each through its best-fitting document.

    ScanCode holds dozens of variants of a popular license; letting them all compete would crowd
    out a second, shorter license in the same file.
    """
    fit = 2 * found[docs].astype(np.int64) - sizes[docs]
    by_fit = docs[np.argsort(-fit, kind="stable")]
    _, first = np.unique(np.asarray(index.expression_ids)[by_fit], return_index=True)
    best = by_fit[np.sort(first)]  # in order of fit, as ties on `found` are broken
    return best[np.argsort(-found[best], kind="stable")][:CANDIDATES].tolist()


def _main_clusters(pos: np.ndarray) -> np.ndarray:
    """Matched positions without stray runs: a few shared phrases far from the license itself."""
    if len(pos) < 2:
        return pos
    breaks = np.flatnonzero(np.diff(pos) > MAX_GAP) + 1
    runs = np.split(pos, breaks)
    keep = [r for r in runs if len(r) >= min(8, max(1, len(pos) // 2))]
    return np.concatenate(keep) if keep else pos


def explained(new: np.ndarray) -> np.ndarray:
    """The text a match explains: its shingles, plus small gaps between them (edits, typos)."""
    pos = np.flatnonzero(new)
    gap = np.diff(pos)
    fill = (gap > 1) & (gap <= MAX_GAP)
    edges = np.zeros(len(new) + 1, dtype=np.int64)
    np.add.at(edges, pos[:-1][fill], 1)
    np.add.at(edges, pos[1:][fill], -1)
    return new | (np.cumsum(edges[:-1]) > 0)


def _kind(index: Index, doc: int, cov: float, new: np.ndarray) -> str | None:
    ref_kind = index.kinds[doc]
    if ref_kind != "text":
        return ref_kind if cov >= NEAR else None
    if cov >= 1.0:
        pos = _main_clusters(np.flatnonzero(new))
        span = int(pos[-1]) - int(pos[0]) + SHINGLE
        return "exact" if span == int(index.n_words[doc]) else "near"
    if cov >= NEAR:
        return "near"
    return "partial" if int(new.sum()) >= MIN_PARTIAL_SHINGLES else None

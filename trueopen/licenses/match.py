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
    if not len(q) or not len(index.post_shingles):
        return []
    uq = np.unique(q)
    lo = np.searchsorted(index.post_shingles, uq, side="left")
    hi = np.searchsorted(index.post_shingles, uq, side="right")
    hits = hi - lo
    if not hits.sum():
        return []
    docs = np.asarray(index.post_docs)[np.concatenate([np.arange(a, b) for a, b in zip(lo[hits > 0], hi[hits > 0])])]
    found = np.bincount(docs, minlength=len(index.expressions))
    sizes = np.diff(np.asarray(index.offsets))
    coverage = np.divide(found, sizes, out=np.zeros(len(sizes)), where=sizes > 0)
    eligible = np.flatnonzero((coverage >= NEAR) | ((coverage >= PARTIAL) & (found >= MIN_PARTIAL_SHINGLES)))
    if not len(eligible):
        return []
    top = _best_per_expression(index, eligible, found, sizes)
    masks = {int(d): _member(q, index.shingles_of(int(d))) for d in top}

    covered = np.zeros(len(q), dtype=bool)
    out: list[RawMatch] = []
    while masks:
        best, best_score, best_new = None, 0.0, None
        for d, mask in masks.items():
            new = mask & ~covered
            gain = int(new.sum())
            size = index.size(d)
            score = gain - 0.5 * (size - int(found[d]))  # positive above a third: PARTIAL decides
            if gain and (best is None or score > best_score or (score == best_score and size > index.size(best))):
                best, best_score, best_new = d, score, new
        if best is None or best_score <= 0:
            break
        cov = float(coverage[best])
        kind = _kind(index, best, cov, best_new)
        masks.pop(best)
        if kind is None:
            continue
        pos = _main_clusters(np.flatnonzero(best_new))
        first, last = int(pos[0]), int(pos[-1]) + SHINGLE - 1
        covered |= explained(best_new)
        out.append(RawMatch(best, kind, round(cov, 4), int(toks.lines[first]), int(toks.lines[last]), first, last + 1))
    out.sort(key=lambda m: m.start_word)
    return out


def _member(q: np.ndarray, sorted_ref: np.ndarray) -> np.ndarray:
    """np.isin for a reference that is already sorted: one binary search, no re-sorting."""
    pos = np.searchsorted(sorted_ref, q)
    pos[pos == len(sorted_ref)] = 0
    return np.asarray(sorted_ref)[pos] == q


def _best_per_expression(index: Index, docs: np.ndarray, found: np.ndarray, sizes: np.ndarray) -> list[int]:
    """The CANDIDATES most-matched expressions, each through its best-fitting document.

    ScanCode holds dozens of variants of a popular license; letting them all compete would crowd
    out a second, shorter license in the same file.
    """
    fit = 2 * found[docs].astype(np.int64) - sizes[docs]
    best: dict[str, int] = {}
    for d, f in sorted(zip(docs.tolist(), fit.tolist()), key=lambda x: -x[1]):
        best.setdefault(index.expressions[d], d)
    return sorted(best.values(), key=lambda d: -int(found[d]))[:CANDIDATES]


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
    out = new.copy()
    pos = np.flatnonzero(new)
    for a, b in zip(pos[:-1], pos[1:]):
        if 1 < b - a <= MAX_GAP:
            out[a:b] = True
    return out


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

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
    # One row per (shingle of the text, document holding it).
    row_shingle = np.repeat(np.flatnonzero(held), hits[held])
    row_doc = np.asarray(index.post_docs)[_ranges(key_starts[at[held]], hits[held])]
    found = np.bincount(row_doc, minlength=len(index.expressions))
    sizes = np.asarray(index.sizes)
    coverage = np.divide(found, sizes, out=np.zeros(len(sizes)), where=sizes > 0)
    eligible = np.flatnonzero((coverage >= NEAR) | ((coverage >= PARTIAL) & (found >= MIN_PARTIAL_SHINGLES)))
    if not len(eligible):
        return []
    top = _best_per_expression(index, eligible, found, sizes)
    masks = dict(zip(top, _members(top, len(index.expressions), row_doc, row_shingle, len(uq))[:, inv]))

    covered = np.zeros(len(q), dtype=bool)
    out: list[RawMatch] = []
    while masks:
        best, best_score, best_new = None, 0.0, None
        for d, mask in masks.items():
            new = mask & ~covered
            gain = int(new.sum())
            size = int(sizes[d])
            score = gain - 0.5 * (size - int(found[d]))  # positive above a third: PARTIAL decides
            if gain and (best is None or score > best_score or (score == best_score and size > sizes[best])):
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


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of range(s, s + c) for each start and count, without a Python loop."""
    total = int(counts.sum())
    shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return np.arange(total, dtype=np.int64) + shift


def _members(docs: list[int], n_docs: int, row_doc: np.ndarray, row_shingle: np.ndarray, n_shingles: int) -> np.ndarray:
    """For each of `docs`, which of the text's distinct shingles it holds (one boolean row each)."""
    slot = np.full(n_docs, -1, dtype=np.int64)
    slot[docs] = np.arange(len(docs))
    s = slot[row_doc]
    keep = s >= 0
    out = np.zeros((len(docs), n_shingles), dtype=bool)
    out[s[keep], row_shingle[keep]] = True
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

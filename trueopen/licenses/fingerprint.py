"""Text fingerprints: word tokens and hashed word shingles, the unit every license match counts.

Pure functions. Token and shingle hashes are fixed (CRC-32 of the word, then a polynomial over
SHINGLE words, modulo 2**64) so fingerprints stored in the package stay valid across machines.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import chain
from typing import Sequence

import numpy as np

from . import words as words_of
from .words import SHINGLE

_MULT = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Tokens:
    """The words of a text (UTF-8), their hashes, and the line each word starts on (1-based)."""

    raw: list[bytes]
    hashes: np.ndarray  # uint64, one per word
    lines: np.ndarray  # int32, one per word

    @property
    def words(self) -> list[str]:
        return [w.decode("utf-8") for w in self.raw]


def tokenize(text: str) -> Tokens:
    norm = words_of.normalise(text)
    spaced = words_of.spaced(norm)
    raw = spaced.split()
    crc = {w: zlib.crc32(w) for w in set(raw)}  # a license repeats its words
    hashes = np.fromiter(map(crc.__getitem__, raw), dtype=np.uint64, count=len(raw))
    # A word starts at a byte that is not a space after one that is; its line is one more than the
    # newlines before it (the spaced text has a space wherever the text has a newline).
    is_word = np.frombuffer(spaced, dtype=np.uint8) != 0x20
    starts = np.flatnonzero(is_word & ~np.concatenate([[False], is_word[:-1]]))
    newlines = np.cumsum(np.frombuffer(norm.encode("utf-8"), dtype=np.uint8) == 0x0A, dtype=np.int32)
    lines = (newlines[starts] + 1).astype(np.int32)
    return Tokens(raw, hashes, lines)


def shingles(hashes: np.ndarray) -> np.ndarray:
    """Hash of each run of SHINGLE consecutive words, in text order (empty for shorter texts)."""
    n = len(hashes) - SHINGLE + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            out = out * _MULT + hashes[j : j + n]
    return out


def text_shingles(text: str) -> tuple[np.ndarray, int]:
    """Sorted distinct shingles of a text and its word count: what a reference document stores."""
    toks = tokenize(text)
    return np.unique(shingles(toks.hashes)), len(toks.raw)


def many_shingles(word_lists: Sequence[list[bytes]]) -> tuple[np.ndarray, np.ndarray]:
    """Each text's sorted distinct shingles, concatenated in text order, and the text of each.

    Equal to `text_shingles` of every text in turn, in one pass: numpy works on all texts at a
    time instead of paying its per-call cost for each of tens of thousands of texts.
    `word_lists` holds each text's words as UTF-8 bytes (words.word_bytes).
    """
    counts = np.fromiter(map(len, word_lists), dtype=np.int64, count=len(word_lists))
    flat = chain.from_iterable(word_lists)
    sh = shingles(np.fromiter(map(zlib.crc32, flat), dtype=np.uint64, count=int(counts.sum())))
    text_of = np.repeat(np.arange(len(word_lists), dtype=np.int32), counts)
    whole = text_of[: len(sh)] == text_of[SHINGLE - 1 :]  # not straddling two texts
    sh, owner = sh[whole], text_of[: len(sh)][whole]
    bounds = np.flatnonzero(np.diff(owner)) + 1
    for a, b in zip([0, *bounds.tolist()], [*bounds.tolist(), len(sh)]):
        sh[a:b].sort()  # in place, text by text
    keep = np.ones(len(sh), dtype=bool)
    keep[1:] = (sh[1:] != sh[:-1]) | (owner[1:] != owner[:-1])
    return sh[keep], owner[keep]

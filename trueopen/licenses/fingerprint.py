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
    """The words of a text, their hashes, and the line each word starts on (1-based)."""

    words: list[str]
    hashes: np.ndarray  # uint64, one per word
    lines: np.ndarray  # int32, one per word


def tokenize(text: str) -> Tokens:
    words: list[str] = []
    per_line = []
    findall = words_of.WORD.findall
    for line in words_of.normalise(text).split("\n"):  # a word never spans lines
        found = findall(line)
        words += found
        per_line.append(len(found))
    crc = {w: zlib.crc32(w.encode("utf-8")) for w in set(words)}  # a license repeats its words
    hashes = np.fromiter(map(crc.__getitem__, words), dtype=np.uint64, count=len(words))
    lines = np.repeat(np.arange(1, len(per_line) + 1, dtype=np.int32), per_line)
    return Tokens(words, hashes, lines)


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
    return np.unique(shingles(toks.hashes)), len(toks.words)


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

"""The words of a text as every license comparison sees them: lower-cased runs of letters and
digits, with ScanCode's `{{ }}` markup for required phrases removed.

Pure and numpy-free: naming a verbatim copy of a license needs nothing more.
"""

from __future__ import annotations

import hashlib
import re

SHINGLE = 4  # words per shingle, the unit every match counts: short notices still get a few,
# and common phrases rarely collide
WORD = re.compile(r"\w+", re.UNICODE)
_MARKUP = re.compile(r"\{\{|\}\}")


def normalise(text: str) -> str:
    if "{{" in text or "}}" in text:
        text = _MARKUP.sub("", text)
    return text.lower()


def split(text: str) -> list[str]:
    return WORD.findall(normalise(text))


def digest(words: list[str]) -> str:
    """SHA-256 of the words joined by single spaces: equal for texts that differ only in case,
    spacing, punctuation or line breaks."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


# ASCII bytes that are not word characters, mapped to spaces: for an ASCII text, splitting on
# whitespace after this gives exactly WORD's words, several times faster than the regex.
_ASCII_WORDS = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == 0x5F) else 0x20 for c in range(256))

_UTF8_WORDS = _ASCII_WORDS[:128] + bytes(range(128, 256))  # the bytes of non-ASCII characters kept


def spaced(norm: str) -> bytes:
    """A normalised text as UTF-8 with every byte of a character WORD does not match made a space:
    byte for byte as long as the encoded text, so a word's offset is its offset in the text's bytes.

    In UTF-8 a character's bytes are found only where it stands, so a non-ASCII character is
    replaced as a byte string.
    """
    if norm.isascii():
        return norm.encode("ascii").translate(_ASCII_WORDS)
    raw = norm.encode("utf-8").translate(_UTF8_WORDS)
    for c in set(norm):
        if not c.isascii() and not WORD.match(c):
            b = c.encode("utf-8")
            raw = raw.replace(b, b" " * len(b))
    return raw


def word_bytes(norm: str) -> list[bytes]:
    """A normalised text's words as UTF-8 bytes, what digests and token hashes are taken of:
    equal to WORD's words, encoded."""
    return spaced(norm).split()


def text_digest(norm: str) -> str:
    """`digest` of a normalised text's words, the key every verbatim lookup computes."""
    return hashlib.sha256(b" ".join(word_bytes(norm))).hexdigest()


def span_lines(norm: str) -> tuple[int, int] | None:
    """1-based lines of the first and of the last word of a normalised text; None without words."""
    first = WORD.search(norm)
    if first is None:
        return None
    last = len(norm) - WORD.search(norm[::-1]).end()
    return norm.count("\n", 0, first.start()) + 1, norm.count("\n", 0, last) + 1

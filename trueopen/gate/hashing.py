"""SHA-256 of weight files, read in chunks: a 100 GB checkpoint never sits in memory."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

CHUNK = 4 * 1024 * 1024
Advance = Callable[[int], None]  # told how many bytes were just read


def sha256(path: Path, advance: Advance | None = None) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while True:
            block = f.read(CHUNK)
            if not block:
                break
            h.update(block)
            if advance:
                advance(len(block))
    return h.hexdigest()

"""SHA-256 of weight files, read in chunks: a 100 GB checkpoint never sits in memory."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError
from ..evidence.files import FileEntry, sha256_stream

Advance = Callable[[int], None]  # told how many bytes were just read


def sha256(source: Path | FileEntry, advance: Advance | None = None) -> str:
    """Of a file, or of a file entry (an archive member is read in place, through its archive)."""
    if isinstance(source, FileEntry):
        if source.member is not None:
            try:
                return source.member.sha256(advance)
            except OSError as exc:
                raise InputError(source.location, f"cannot hash: {exc}") from None
        if source.local is None:
            raise OSError(f"{source.rel} is only listed remotely")
        source = source.local
    with source.open("rb") as f:
        return sha256_stream(f, advance)

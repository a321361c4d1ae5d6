"""A bounded, loop-proof listing of a model folder, and bounded reads of the small files in it."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from .. import safeio
from ..errors import InputError

MAX_FILES = 100_000  # more than any model repository; a home folder by mistake stops here
MAX_DEPTH = 32
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", ".tox", ".mypy_cache"}
TEXT_LIMIT = 1024 * 1024  # code, cards and configs we read in full; bigger ones are sampled or skipped


class Member(Protocol):
    """A file inside an archive (archive.py), read in place: never extracted to disk."""

    location: str  # how it is shown: model.zip!/folder/LICENSE
    name: str  # its path in the archive: folder/LICENSE
    archive_path: Path
    uri: str  # file:///.../model.zip!/folder/LICENSE

    def open(self) -> BinaryIO:
        """Its bytes from the start, for bounded reading (raises OSError or HeaderError)."""

    def sha256(self, advance: Callable[[int], None] | None = None) -> str:
        """The SHA-256 of all its bytes, read in chunks."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a release: its path inside the release, its size, and where to read it."""

    rel: str  # POSIX path relative to the release root
    size: int
    local: Path | None = None  # None when the file is only known remotely (Hub listing)
    member: Member | None = field(default=None, compare=False)  # a member of an archive

    @property
    def readable(self) -> bool:
        """Its bytes are here: a local file or an archive member, not a remote listing only."""
        return self.local is not None or self.member is not None

    @property
    def location(self) -> str:
        """Where it is, for the user: the local path, `archive!/member`, or the path in the release."""
        if self.local is not None:
            return str(self.local)
        return self.member.location if self.member is not None else self.rel

    def open(self) -> BinaryIO:
        """Its bytes from the start (a regular local file, or an archive member); OSError if unreadable."""
        if self.member is not None:
            return self.member.open()
        if self.local is None:
            raise OSError(f"{self.rel} is only listed remotely")
        return open(self.local, "rb")

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.name.lower()
        return name[name.rfind("."):] if "." in name else ""


@dataclass
class Listing:
    files: list[FileEntry] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (path, problem)
    truncated: bool = False
    # (path, problem) that an extractor would turn into an attack (zip slip, links out, bombs): the
    # audit reads none of them, but whoever unpacks the source next should know
    warnings: list[tuple[str, str]] = field(default_factory=list)


def walk(root: Path, allowed: Path | Sequence[Path] | None = None) -> Listing:
    """Every regular file under `root`, following symlinks only while they stay inside `root` or
    one of the `allowed` folders (the Hugging Face cache links snapshot files to its blobs folder)
    and never twice into the same folder, so link loops end. FIFOs, devices and sockets are
    listed as notices, never as files: reading one would hang or never end."""
    extra = [] if allowed is None else [allowed] if isinstance(allowed, (str, os.PathLike)) else list(allowed)
    allowed_real = [os.path.realpath(p) for p in [root, *extra]]
    out = Listing()
    seen_dirs: set[str] = set()
    stack: list[tuple[str, str, int]] = [(os.fspath(root), "", 0)]
    while stack:
        path, rel, depth = stack.pop()
        real = os.path.realpath(path)
        if real in seen_dirs:
            out.notices.append((rel or ".", "folder reached twice through links; not read again"))
            continue
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            out.notices.append((rel or ".", f"cannot list: {exc.strerror or exc}"))
            continue
        subdirs = []
        for e in entries:
            erel = f"{rel}/{e.name}" if rel else e.name
            try:
                if e.is_symlink():
                    target = os.path.realpath(e.path)
                    if not any(os.path.commonpath([a, target]) == a for a in allowed_real):
                        out.notices.append((erel, "link points outside the release; not followed"))
                        continue
                    st = os.stat(e.path)  # follows the link; a dangling or looping one raises
                else:
                    st = e.stat(follow_symlinks=False)
            except OSError as exc:
                out.notices.append((erel, f"broken or looping link: {exc.strerror or exc}"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if e.name in SKIP_DIRS:
                    continue
                if depth + 1 >= MAX_DEPTH:
                    out.notices.append((erel, f"nested deeper than {MAX_DEPTH} folders; not read"))
                    continue
                subdirs.append((e.path, erel, depth + 1))
            elif stat.S_ISREG(st.st_mode):
                if len(out.files) >= MAX_FILES:
                    out.truncated = True
                    return out
                out.files.append(FileEntry(erel, st.st_size, Path(e.path)))
            else:
                out.notices.append((erel, f"{safeio.kind(st.st_mode)}, not a regular file; not read"))
        stack.extend(reversed(subdirs))
    out.files.sort(key=lambda f: f.rel)
    return out


def read_head(entry: FileEntry, n: int) -> bytes:
    """The first `n` bytes of a local regular file or an archive member (b'' when it cannot be
    read, or has become a FIFO or device since the listing)."""
    if entry.member is not None:
        try:
            with entry.member.open() as fh:
                return _read_upto(fh, n)
        except (OSError, ValueError, EOFError, RuntimeError):  # zlib, lzma, bz2 and zipfile errors
            return b""
    if entry.local is None:
        return b""
    try:
        return safeio.read_bytes(entry.local, n, cut=True, name=entry.rel)
    except InputError:
        return b""


def _read_upto(fh: BinaryIO, n: int) -> bytes:
    """Up to `n` bytes, in chunks: a decompressing stream may return fewer than asked at a time."""
    parts, left = [], n
    while left > 0:
        block = fh.read(min(left, 1 << 20))
        if not block:
            break
        parts.append(block)
        left -= len(block)
    return b"".join(parts)


def read_text(entry: FileEntry, limit: int = TEXT_LIMIT) -> str | None:
    """A small text file's content; None for binary, unreadable or remote-only files. Text over
    `limit` is cut there: detectors look for signals, never need the whole of a huge file."""
    raw = read_head(entry, limit)
    if not raw or b"\x00" in raw[:8192]:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 4:  # cut inside a multi-byte character
            return raw[: exc.start].decode("utf-8-sig", errors="replace")
        return raw.decode("latin-1")


HASH_CHUNK = 1 << 20


def sha256_stream(fh: BinaryIO, advance: Callable[[int], None] | None = None) -> str:
    """SHA-256 of what is left in `fh`, read a chunk at a time: a weight file of any size is hashed
    in bounded memory, and `advance` moves a progress bar."""
    h = hashlib.sha256()
    while block := fh.read(HASH_CHUNK):
        h.update(block)
        if advance:
            advance(len(block))
    return h.hexdigest()


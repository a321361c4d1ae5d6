"""Model archives read in place: a .zip or .whl, a .tar, a .tar.gz/.tgz, .tar.bz2 or .tar.xz holding
a model folder is listed and read without extracting anything to disk.

The same limits as folders hold (files.MAX_FILES, MAX_DEPTH, the skipped folders), and members that
a careless extractor would turn into an attack are listed as notices and never read: absolute
names, names with '..' or a backslash, links, devices and FIFOs, names that appear twice (which
copy is the real one depends on the extractor), encrypted and sparse members. Decompression is
bounded: a zip member declaring more than MAX_RATIO times its compressed size (past RATIO_FLOOR)
is not read, nor is a compressed tar past MAX_RATIO times the archive's size; every read takes at
most what the reader asks for.

A single top-level folder in the archive is the release root (`model-name/...`), as a folder
would be. Members are shown as `ARCHIVE!/MEMBER` (`model.zip!/model-name/LICENSE`), the form jar:
URLs and several scanners use; `rel` stays the path inside the release, as for a folder.

Zip archives and plain tars are read at random (a member is a byte range of the file). A
compressed tar is a single stream: it is read once, in member order, keeping of each member what
the readers need (text files up to the license reader's limit, weight files' headers) within
CAPTURE_BUDGET bytes in all; hashing for `bom` reads the stream once more.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import posixpath
import stat
import tarfile
import zipfile
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .. import safeio
from ..errors import InputError, first_line
from ..report.safe_text import printable
from . import headers
from .files import MAX_DEPTH, MAX_FILES, SKIP_DIRS, FileEntry, Listing, sha256_stream

SUFFIXES = (".zip", ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
MAX_RATIO = 100  # deflate reaches about 1,000:1 on zeros; weights compress about 1.1:1, text 4:1
RATIO_FLOOR = 1 << 20  # a small member may compress well: the ratio is checked above this size
CAPTURE_BUDGET = 512 << 20  # bytes of members kept from one pass over a compressed tar
HEAD_LIMIT = 64 << 20  # of a GGUF or ONNX member: the bytes read to parse its header
TEXT_CAPTURE = 4 * 1024 * 1024 + 1  # the license reader's limit, plus one byte to see a file is over it
INDEX_CAPTURE = 16 * 1024 * 1024  # weights.INDEX_LIMIT
CHUNK = 1 << 20  # read size; also the cap on any one read tarfile makes of a header
READ_ERRORS = (OSError, EOFError, ValueError, RuntimeError, NotImplementedError, zlib.error, lzma.LZMAError,
               zipfile.BadZipFile, tarfile.TarError)
_MACOS_EXTRA = "__MACOSX"


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def member_problem(name: str) -> str | None:
    """Why a member name must not be read (it would be written outside the folder it is extracted
    to, or names different files on different systems); None when it is a plain relative path."""
    if not name or "\x00" in name:
        return "an empty name or a NUL byte"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if "\\" in name:
        return "a backslash in its name (a Windows path)"
    if ".." in name.split("/"):
        return "'..' in its path: it leads outside the archive"
    return None


def open_regular(path: Path) -> BinaryIO:
    """The archive file, opened only if it is still a regular file (not swapped for a FIFO or a
    device since it was looked at: opening one would hang or never end)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(f"{printable(path)} is {safeio.kind(mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _clean(name: str) -> str:
    return "/".join(p for p in name.split("/") if p not in ("", "."))


class _Guarded(io.RawIOBase):
    """A member's stream whose decompression and format errors surface as OSError, which every
    reader already reports as a finding."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self.raw.seekable()

    def read(self, n: int = -1) -> bytes:
        try:
            return self.raw.read(n)
        except READ_ERRORS as exc:
            raise OSError(f"damaged archive member: {first_line(exc)}") from None

    def seek(self, pos: int, whence: int = 0) -> int:
        try:
            return self.raw.seek(pos, whence)
        except READ_ERRORS as exc:
            raise OSError(f"damaged archive member: {first_line(exc)}") from None

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()


class _Slice(io.RawIOBase):
    """Bytes `start` to `start + size` of a file: a member of a plain tar."""

    def __init__(self, path: Path, start: int, size: int):
        self.fh = open_regular(path)
        self.start, self.size, self.pos = start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.pos
        n = left if n is None or n < 0 else min(n, left)
        if n <= 0:
            return b""
        self.fh.seek(self.start + self.pos)
        data = self.fh.read(n)
        self.pos += len(data)
        return data

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = max(0, {0: pos, 1: self.pos + pos, 2: self.size + pos}[whence])
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        self.fh.close()
        super().close()


class _Head(io.BytesIO):
    """What was kept of a member of a compressed tar: reads end there, and a seek past it (a reader
    looking for a zip's end record) says why instead of finding nothing."""

    def __init__(self, data: bytes, size: int):
        super().__init__(data)
        self.kept, self.size = len(data), size

    def seek(self, pos: int, whence: int = 0) -> int:
        target = {0: pos, 1: self.tell() + pos, 2: self.size + pos}[whence]
        if target > self.kept and self.kept < self.size:
            raise headers.HeaderError(f"only the first {self.kept:,} bytes of a member of a compressed tar "
                                      "are read (the stream is read once, in member order)")
        return super().seek(target)


# ---- members -------------------------------------------------------------------------------------

class _Member:
    """One member: how to open it for bounded reading, and how to hash it."""

    def __init__(self, archive: "_Archive", name: str, size: int, key: object):
        self.archive, self.name, self.size, self.key = archive, name, size, key
        self.archive_path = archive.path
        self.location = f"{archive.shown}!/{printable(name)}"
        self.uri = f"{archive.uri}!/{name}"

    def open(self) -> BinaryIO:
        return self.archive.open(self)

    def sha256(self, advance: Callable[[int], None] | None = None) -> str:
        return self.archive.sha256(self, advance)


class _Archive(ABC):
    """An archive file whose members are read in place; each kind says how a member is opened."""

    shown: str
    uri: str

    def __init__(self, path: Path):
        self.path = path
        self.shown = printable(path)
        self.uri = path.resolve().as_uri()

    @abstractmethod
    def open(self, m: _Member) -> BinaryIO:
        """A bounded reader of the member's bytes."""

    def sha256(self, m: _Member, advance: Callable[[int], None] | None) -> str:
        with self.open(m) as fh:
            return sha256_stream(fh, advance)

    def close(self) -> None:
        pass


class _Zip(_Archive):
    """A zip archive (or wheel): opened again lazily after `close`, for `bom`'s hashing."""

    def __init__(self, path: Path):
        super().__init__(path)
        self._zf: zipfile.ZipFile | None = None
        self._fh: BinaryIO | None = None

    def zip(self) -> zipfile.ZipFile:
        if self._zf is None:
            self._fh = open_regular(self.path)
            self._zf = zipfile.ZipFile(self._fh)
        return self._zf

    def open(self, m: _Member) -> BinaryIO:
        try:
            return _Guarded(self.zip().open(m.key))  # type: ignore[arg-type]
        except READ_ERRORS as exc:
            raise OSError(f"damaged archive member: {first_line(exc)}") from None

    def close(self) -> None:
        if self._zf is not None:
            self._zf.close()
            self._zf = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class _Tar(_Archive):
    """A plain tar: a member is a byte range of the file."""

    def open(self, m: _Member) -> BinaryIO:
        return _Slice(self.path, m.key, m.size)  # type: ignore[arg-type]


class _TarStream(_Archive):
    """A compressed tar: what the one pass kept, and one more pass to hash the weight files."""

    def __init__(self, path: Path, compression: str):
        super().__init__(path)
        self.compression = compression
        self.kept: dict[str, bytes] = {}
        self.hashed: dict[str, str] = {}
        self.to_hash: set[str] = set()

    def open(self, m: _Member) -> BinaryIO:
        return _Head(self.kept.get(m.name, b""), m.size)

    def sha256(self, m: _Member, advance: Callable[[int], None] | None) -> str:
        if m.name not in self.hashed:
            wanted = self.to_hash | {m.name}
            try:
                with _tar_stream(self.path, self.compression) as tar:
                    for member, fh in _regular(tar, self.path):
                        name = _clean(member.name)
                        if name in wanted and name not in self.hashed and fh is not None:
                            self.hashed[name] = sha256_stream(fh, advance)
            except headers.HeaderError as exc:
                raise OSError(str(exc)) from None
            except READ_ERRORS as exc:
                raise OSError(f"damaged archive: {first_line(exc)}") from None
        if m.name not in self.hashed:
            raise OSError(f"{m.location} was not found again in the archive")
        return self.hashed[m.name]


# ---- listing -------------------------------------------------------------------------------------

class _Collect:
    """The members seen, in archive order, then the checks that need all of them."""

    def __init__(self, archive: _Archive):
        self.archive = archive
        self.files: list[_Member] = []
        self.notices: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []  # what an extractor would turn into an attack
        self.truncated = False
        self.prefix = ""  # the single top-level folder, the release root

    def note(self, name: str, problem: str, attack: bool = False) -> None:
        (self.warnings if attack else self.notices).append((f"{self.archive.shown}!/{printable(name)}", problem))

    def accept(self, raw_name: str) -> str | None:
        """The member's clean name, or None (noted) when it must not be read."""
        problem = member_problem(raw_name)
        if problem:
            self.note(raw_name, f"{problem}; not read", attack=True)
            return None
        name = _clean(raw_name)
        parts = name.split("/")
        if not name or any(p in SKIP_DIRS or p == _MACOS_EXTRA for p in parts[:-1]):
            return None
        if len(parts) > MAX_DEPTH:
            self.note(name, f"nested deeper than {MAX_DEPTH} folders; not read")
            return None
        return name

    def add(self, name: str, size: int, key: object) -> bool:
        """False once MAX_FILES members are listed."""
        if len(self.files) >= MAX_FILES:
            self.truncated = True
            return False
        self.files.append(_Member(self.archive, name, size, key))
        return True

    def listing(self) -> Listing:
        counts: dict[str, int] = {}
        for m in self.files:
            counts[m.name] = counts.get(m.name, 0) + 1
        for name, n in counts.items():
            if n > 1:
                self.note(name, f"appears {n} times in the archive (which copy an extractor keeps depends on "
                                "the tool); not read", attack=True)
        unique = [m for m in self.files if counts[m.name] == 1]
        tops = {m.name.split("/", 1)[0] for m in unique}
        prefix = next(iter(tops)) + "/" if len(tops) == 1 and all("/" in m.name for m in unique) else ""
        self.prefix = prefix
        entries = [FileEntry(m.name[len(prefix):], m.size, None, m) for m in unique]
        return Listing(sorted(entries, key=lambda f: f.rel), self.notices, self.truncated, self.warnings)


def _zip_listing(path: Path, spec: str) -> tuple[_Zip, _Collect]:
    shown = printable(spec)
    try:
        size = path.stat().st_size
        with open_regular(path) as fh:
            headers.zip_member_count(fh, size)  # bounds the central directory zipfile reads whole
        archive = _Zip(path)
        infos = archive.zip().infolist()
    except headers.HeaderError as exc:
        raise InputError(shown, f"not a readable zip archive: {exc}") from None
    except READ_ERRORS as exc:
        raise InputError(shown, f"not a readable zip archive: {first_line(exc)}") from None
    out = _Collect(archive)
    for info in infos:
        mode = info.external_attr >> 16
        if info.is_dir():
            continue
        name = out.accept(info.filename)
        if name is None:
            continue
        if stat.S_ISLNK(mode):
            out.note(name, "a symbolic link; links in archives are not followed")
        elif mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            out.note(name, f"{safeio.kind(mode)}, not a regular file; not read", attack=True)
        elif info.flag_bits & 0x1:
            out.note(name, "encrypted; not read")
        elif info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            out.note(name, f"declares {info.file_size:,} bytes from {info.compress_size:,} compressed (over "
                           f"{MAX_RATIO}:1, like a zip bomb); not read", attack=True)
        elif not out.add(name, info.file_size, info):
            break
    return archive, out


def _compression(path: Path) -> str:
    with open_regular(path) as fh:
        magic = fh.read(6)
    if magic.startswith(b"\x1f\x8b"):
        return "gz"
    if magic.startswith(b"BZh"):
        return "bz2"
    if magic.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    return ""


@contextmanager
def _tar_stream(path: Path, compression: str) -> Iterator[tarfile.TarFile]:
    """The archive as tarfile sees it, over a stream that refuses any read above CHUNK (a pax
    header declaring gigabytes) and is only ever read forward."""
    with open_regular(path) as raw:
        stream: BinaryIO = raw
        if compression == "gz":
            stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        elif compression in ("bz2", "xz"):
            stream = (bz2.BZ2File if compression == "bz2" else lzma.LZMAFile)(raw, mode="rb")  # type: ignore[assignment]
        limit = MAX_RATIO * max(os.fstat(raw.fileno()).st_size, RATIO_FLOOR) if compression else None
        with tarfile.open(fileobj=_Bounded(stream, limit), mode="r:") as tar:  # type: ignore[call-overload]
            yield tar


class _Bounded(headers._Capped):
    """headers._Capped (no read above CHUNK), and no byte past `limit` of the inflated stream."""

    def __init__(self, fh: BinaryIO, limit: int | None):
        super().__init__(fh, CHUNK)  # type: ignore[arg-type]
        self.limit = limit

    def seek(self, pos: int, whence: int = 0) -> int:
        if self.limit is not None and whence == 0 and pos > self.limit:
            raise headers.HeaderError(f"the archive inflates to more than {self.limit:,} bytes, over {MAX_RATIO}:1 "
                                      "(a decompression bomb?); the rest is not read")
        return super().seek(pos, whence)


def _regular(tar: tarfile.TarFile, path: Path) -> Iterator[tuple[tarfile.TarInfo, BinaryIO | None]]:
    """Every member in order, with a stream of its bytes when it is a regular file."""
    for count, member in enumerate(iter(tar.next, None)):
        if count >= 4 * MAX_FILES:
            raise headers.HeaderError(f"more than {4 * MAX_FILES:,} members")
        fh = tar.extractfile(member) if member.isreg() and not member.issparse() else None
        yield member, fh  # type: ignore[misc]


def _keep(fh: BinaryIO, name: str, size: int, budget: int) -> bytes:
    """What the readers need of a member, read now: the stream moves on after it."""
    from .files import _read_upto
    from .weights import WEIGHT_SUFFIXES

    low = name.lower()
    suffix = low[low.rfind("."):] if "." in low.rsplit("/", 1)[-1] else ""
    if suffix not in WEIGHT_SUFFIXES:
        want = INDEX_CAPTURE if low.endswith(".index.json") else TEXT_CAPTURE
        return _read_upto(fh, min(size, want, budget))
    head = _read_upto(fh, min(size, headers.COMPRESSED_INPUT, budget))
    want = len(head)
    if len(head) >= 9 and head[8:9] == b"{":
        want = 8 + min(int.from_bytes(head[:8], "little"), headers.MAX_SAFETENSORS_HEADER)
    elif head.startswith(b"GGUF") or suffix == ".onnx":
        want = HEAD_LIMIT
    want = min(want, size, budget)
    return head + _read_upto(fh, want - len(head)) if want > len(head) else head


def _tar_listing(path: Path, spec: str) -> tuple[_Archive, _Collect]:
    shown = printable(spec)
    try:
        compression = _compression(path)
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    archive: _Archive = _TarStream(path, compression) if compression else _Tar(path)
    size = path.stat().st_size
    out = _Collect(archive)
    budget, seen = CAPTURE_BUDGET, 0
    from .weights import WEIGHT_SUFFIXES

    try:
        with _tar_stream(path, compression) as tar:
            for member, fh in _regular(tar, path):
                seen += 1
                name = out.accept(member.name)
                if name is None or member.isdir():
                    continue
                if member.issym() or member.islnk():
                    target = member.linkname
                    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
                    outside = target.startswith("/") or resolved == ".." or resolved.startswith("../")
                    where = "outside the archive" if outside else "inside it"
                    out.note(name, f"a link to '{printable(target[:120])}' ({where}); links in archives are not followed",
                             attack=outside)
                    continue
                if fh is None:
                    what = ("a device" if member.ischr() or member.isblk() else "a FIFO (named pipe)" if member.isfifo()
                            else "a sparse file" if member.issparse() else "not a regular file")
                    out.note(name, f"{what}; not read", attack=what != "a sparse file")
                    continue
                if not compression and member.offset_data + member.size > size:
                    out.note(name, "runs past the end of the archive (truncated); not read")
                    continue
                key: object = member.offset_data
                if isinstance(archive, _TarStream):
                    kept = _keep(fh, name, member.size, budget)
                    budget -= len(kept)
                    if budget <= 0 and len(kept) < member.size:
                        out.note(name, f"over {CAPTURE_BUDGET:,} bytes of this compressed tar were kept; "
                                       "the rest of it is not read")
                    archive.kept[name] = kept
                    if "." in name and name[name.rfind("."):].lower() in WEIGHT_SUFFIXES:
                        archive.to_hash.add(name)
                    key = None
                if not out.add(name, member.size, key):
                    break
    except (headers.HeaderError, *READ_ERRORS) as exc:
        text = str(exc) if isinstance(exc, headers.HeaderError) else first_line(exc)
        if not seen:
            raise InputError(shown, f"not a readable tar archive: {text}") from None
        out.notices.append((archive.shown, f"read stopped after {seen:,} members: {text}; "
                                           "the rest is not read"))
    return archive, out


def open_archive(path: Path, spec: str) -> tuple[Listing, str, Callable[[], None]]:
    """The archive's members as a Listing, the name of the release (its top-level folder, else the
    archive's name without its suffix) and how to close it; InputError naming the archive when it
    cannot be read at all."""
    low = path.name.lower()
    archive, out = (_zip_listing if low.endswith((".zip", ".whl")) else _tar_listing)(path, spec)
    listing = out.listing()
    name = out.prefix.rstrip("/") or next((path.name[: -len(s)] for s in SUFFIXES if low.endswith(s)), path.name)
    return listing, name, archive.close

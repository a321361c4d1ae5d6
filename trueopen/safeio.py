"""Reading files other people made: regular files only, never blocking, never more than a cap,
and paths checked to stay inside the folder they came from.

A FIFO, a device or a link to /dev/zero has a name like any file; opening it the ordinary way
hangs or never ends. Everything trueopen reads from a source or the command line goes through
`read_bytes`, and every path taken from inside a source (a git ref, a cache ref) through `inside`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from .errors import InputError
from .report.safe_text import printable

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_GONE = (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG)  # nothing can be at such a path


def kind(mode: int) -> str:
    """What a stat mode is, in words: 'a regular file', 'a FIFO (named pipe)', ..."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def probe(path: str | os.PathLike) -> str:
    """'file', 'folder', 'missing' (nothing there, or a name no file system accepts), or why the
    path is unusable: 'a FIFO (named pipe)', 'a link loop', 'a broken link', 'unreadable: ...'.
    Never raises and never opens anything."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link loop"
        if exc.errno in _GONE:
            try:
                if os.path.islink(path):
                    return "a broken link"
            except (OSError, ValueError):
                pass
            return "missing"
        return f"unreadable: {exc.strerror or exc}"
    except ValueError:  # an embedded NUL
        return "missing"
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        return "folder"
    return kind(st.st_mode)


def inside(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """True when `path`, with every link resolved, lies in `root` (also resolved)."""
    try:
        real, base = os.path.realpath(path), os.path.realpath(root)
        return os.path.commonpath([base, real]) == base
    except (OSError, ValueError):
        return False


def read_bytes(path: str | os.PathLike, limit: int, *, root: str | os.PathLike | None = None,
               cut: bool = False, name: str | None = None, what: str = "this input") -> bytes:
    """At most `limit` bytes of a regular file. Over the limit: the first `limit` bytes when `cut`,
    else an InputError. FIFOs, devices, sockets and folders are refused before any byte is read
    (opened non-blocking, then checked on the open descriptor, so a swap in between is caught);
    with `root`, so is a path whose links lead outside it. Errors name the file (`name`)."""
    shown_name = printable(name if name is not None else os.fspath(path))
    if root is not None and not inside(path, root):
        raise InputError(shown_name, f"leads outside {printable(os.fspath(root))}; not read")
    what_it_is = probe(path)
    if what_it_is == "missing":
        raise InputError(shown_name, "no such file")
    if what_it_is != "file":
        problem = what_it_is if what_it_is.startswith("unreadable") else f"is {what_it_is}, not a regular file"
        raise InputError(shown_name, problem.replace("unreadable: ", "cannot read: "))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(shown_name, f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(shown_name, f"is {kind(st.st_mode)}, not a regular file")
        if st.st_size > limit and not cut:
            raise InputError(shown_name, f"{st.st_size:,} bytes is too large for {what} (limit {limit:,})")
        return _read_fd(fd, limit, cut, shown_name, what)
    except OSError as exc:
        raise InputError(shown_name, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _read_fd(fd: int, limit: int, cut: bool, shown_name: str, what: str) -> bytes:
    """Read until end of file or one byte past `limit` (a file may grow while read)."""
    chunks, total = [], 0
    while total <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        if not cut:
            raise InputError(shown_name, f"more than {limit:,} bytes, too large for {what}")
        data = data[:limit]
    return data


def read_stdin(limit: int, what: str = "this input") -> bytes:
    """Standard input, refused beyond `limit` bytes: a pipe has no size to check up front."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return b""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError("-", f"standard input is larger than {limit:,} bytes, too large for {what}")
    return data


def text_of(raw: bytes) -> str:
    """Bytes as text: UTF-8 (with or without a byte-order mark), else Latin-1, which loses no byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


__all__ = ["inside", "kind", "probe", "read_bytes", "read_stdin", "text_of"]


def write_file(target: str | Path, data: bytes) -> None:
    """Replace `target` with `data`, or create it: only ever a regular file. A device, a FIFO or a
    folder is refused (as root, renaming over /dev/null would turn it into a file); the temporary
    file gets a unique name beside the target and is removed on any failure."""
    name = printable(target)
    if not str(target).strip():
        raise InputError(repr(str(target)), "an empty output path")
    real = Path(os.path.realpath(target))  # a link to a file: write the file, keep the link
    what = probe(real)
    if what not in ("file", "missing"):
        what = "a folder" if what == "folder" else what
        raise InputError(name, f"is {what}; --out writes regular files only" if not what.startswith("unreadable")
                         else what.replace("unreadable", "cannot write"))
    folder = real.parent
    if probe(folder) != "folder":
        raise InputError(name, f"no folder {printable(folder)} to write into")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name[:64]}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = os.stat(real).st_mode & 0o7777 if what == "file" else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, real)
        tmp = None
    except OSError as exc:
        raise InputError(name, f"cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

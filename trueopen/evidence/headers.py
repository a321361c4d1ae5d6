"""Bounded readers for the headers of weight files from untrusted folders.

Every count and length a header declares is checked against the bytes that are really there and
against a maximum below BEFORE anything is read, skipped or allocated, so the cost of reading a
header grows with its real size, never with the numbers it declares. A header that breaks the
format or a limit raises `HeaderError`, whose text is the finding shown to the user.

Limits (a real model stays far below each; a file above one is reported, not read):

- MAX_TENSORS = 100,000 tensors per file (GGUF tensor infos, safetensors entries, ONNX
  initializers). The largest real checkpoints have a few thousand per file; reading 100,000
  costs about 1.5 s and 200 MB.
- MAX_KV = 10,000 GGUF metadata entries (real files have a few dozen).
- MAX_ARRAY = 4,000,000 elements walked in GGUF arrays, all arrays of a file together (large
  vocabularies have a few hundred thousand tokens and as many merges). Arrays of fixed-size
  elements are skipped in one step after their byte length is checked; string arrays cost one
  step per element.
- MAX_KEY = 65,535 bytes per GGUF key (the GGUF specification's own limit); string values
  longer than MAX_VALUE = 64 KiB are skipped, not read.
- GGML_MAX_DIMS = 4 dimensions per GGUF tensor, whose data must lie inside the file;
  MAX_ELEMENTS = 2^48 elements per ONNX tensor or safetensors tensor read from the Hub, whose
  data is elsewhere (a large embedding matrix has a few billion, about 2^31).
- MAX_SAFETENSORS_HEADER = 100,000,000 bytes, the safetensors format's own limit.
- MAX_ONNX_MESSAGES = 200,000 nodes, tensors, attributes and other graph entries per ONNX file
  (protobuf spends several hundred bytes on each one it parses), and MAX_ONNX_FIELDS = 2,000,000
  fields walked outside the tensors (real graphs have about three per node, tensor or attribute;
  walking 2,000,000 takes about a second).
- MAX_ZIP_MEMBERS = 100,000 members per zip archive (PyTorch archives have one per tensor at
  most). Every member's name is looked at; in a NumPy .npz, every array's header too: headers
  in the form NumPy writes are read directly (about 60 us each), others by NumPy's parser
  (about 300 us each), at most MAX_NPY_PARSED = 10,000 of them per archive.
- PICKLE_WINDOW = 4 KiB looked at for pickle opcodes; of a compressed stream, at most
  COMPRESSED_INPUT = 1 MiB is read and PICKLE_WINDOW inflated. Tar archives (.nemo) are
  walked member by member, up to MAX_ZIP_MEMBERS, reading 4 KiB of each member and at most
  1 MiB of any header; compressed tar archives are not inflated (reported, not checked).
"""

from __future__ import annotations

import io
import mmap
import pickletools
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MAX_TENSORS = 100_000
MAX_KV = 10_000
MAX_ARRAY = 4_000_000
MAX_KEY = 65_535
MAX_VALUE = 64 * 1024
GGML_MAX_DIMS = 4
MAX_ELEMENTS = 1 << 48
MAX_SAFETENSORS_HEADER = 100_000_000
MAX_ONNX_MESSAGES = 200_000
MAX_ONNX_FIELDS = 2_000_000
MAX_ONNX_DEPTH = 32
MAX_ZIP_MEMBERS = 100_000
MAX_NPY_PARSED = 10_000
NPY_HEADER_LIMIT = 10_000  # NumPy's own default limit on a .npy header
PICKLE_WINDOW = 4096  # bytes of a file looked at for protocol 0/1 pickle opcodes


class HeaderError(ValueError):
    """A header that breaks its format or one of the limits above; the text is the finding."""


@contextmanager
def mapped(path: Path) -> Iterator[memoryview | bytes]:
    """A read-only view of a file's bytes: pages are read only where a header reader looks."""
    with open(path, "rb") as fh:
        size = fh.seek(0, io.SEEK_END)
        if size == 0:
            yield b""
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            view = memoryview(mm)
            try:
                yield view
            finally:
                view.release()


def _at_most(n: int, limit: int, what: str) -> int:
    if n > limit:
        raise HeaderError(f"header declares {n:,} {what}; trueopen reads at most {limit:,}")
    return n


def _fits(n: int, room: int, what: str, size: int) -> int:
    """`n` things of which at most `room` fit in the bytes that are there."""
    if n > room:
        raise HeaderError(f"header declares {n:,} {what} in a file of {size:,} bytes")
    return n


# ---- GGUF ---------------------------------------------------------------------------------------

# GGUF value types (gguf.GGUFValueType) -> struct code; 8 is a string, 9 an array
_GGUF_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_GGUF_STRING, _GGUF_ARRAY = 8, 9


@dataclass
class GgufHeader:
    """What trueopen keeps of a GGUF header: the metadata it asked for and each tensor's type and shape."""

    version: int
    metadata: dict[str, object] = field(default_factory=dict)
    tensors: list[tuple[str, list[int]]] = field(default_factory=list)  # (ggml type name, dims)


class _Cursor:
    """Reads little- or big-endian values from a buffer, refusing any read past its end."""

    def __init__(self, buf: memoryview | bytes, order: str = "<", file_size: int | None = None):
        self.buf, self.pos, self.order, self.size = buf, 0, order, len(buf)
        self.file_size = len(buf) if file_size is None else max(file_size, len(buf))

    def need(self, n: int, what: str) -> None:
        if n > self.size - self.pos:
            if self.size < self.file_size:  # the first bytes of an archive member
                raise HeaderError(f"{what} of {n:,} bytes at byte {self.pos:,} runs past the first {self.size:,} "
                                  "bytes, all that trueopen reads of an archive member's header")
            raise HeaderError(f"{what} of {n:,} bytes at byte {self.pos:,} runs past the end of the file "
                              f"({self.size:,} bytes)")

    def value(self, code: str) -> int | float | bool:
        n = struct.calcsize(code)
        self.need(n, "a value")
        (v,) = struct.unpack_from(self.order + code, self.buf, self.pos)
        self.pos += n
        return v

    def u32(self) -> int:
        return int(self.value("I"))

    def u64(self) -> int:
        return int(self.value("Q"))

    def skip(self, n: int, what: str) -> None:
        self.need(n, what)
        self.pos += n

    def string(self, limit: int, what: str) -> str | None:
        """A GGUF string (u64 length, bytes); None when longer than `limit` (skipped, not read)."""
        n = self.u64()
        self.need(n, what)
        if n > limit:
            self.pos += n
            return None
        s = bytes(self.buf[self.pos:self.pos + n]).decode("utf-8", errors="replace")
        self.pos += n
        return s


def parse_gguf(buf: memoryview | bytes, wanted: frozenset[str] | set[str] = frozenset(),
               wanted_suffixes: tuple[str, ...] = (), size: int | None = None) -> GgufHeader:
    """A GGUF file's header (magic, version, tensor count, KV count, typed KVs, tensor infos), with
    the scalar values of `wanted` keys (and keys ending in `wanted_suffixes`); every tensor's
    data is checked to lie inside the file, so parameter counts match bytes that exist. `buf` may
    be the first bytes of a file of `size` bytes (an archive member)."""
    import gguf

    c = _Cursor(buf, file_size=size)
    c.need(4, "the magic number")
    if bytes(buf[:4]) != b"GGUF":
        raise HeaderError("not a GGUF file: the magic number is missing")
    c.pos = 4
    version = c.u32()
    if version & 0xFFFF == 0:  # written on a big-endian machine
        c.order, c.pos = ">", 4
        version = c.u32()
    if version not in (2, 3):
        raise HeaderError(f"GGUF version {version} is not one trueopen reads (2 or 3)")
    n_tensors, n_kv = c.u64(), c.u64()
    _fits(n_tensors, c.file_size // 24, "tensors", c.file_size)  # a tensor info takes at least 24 bytes
    _fits(n_kv, c.file_size // 12, "metadata entries", c.file_size)  # a KV at least 12
    _at_most(n_tensors, MAX_TENSORS, "tensors")
    _at_most(n_kv, MAX_KV, "metadata entries")
    head = GgufHeader(version)
    budget = [MAX_ARRAY]
    alignment = gguf.GGUF_DEFAULT_ALIGNMENT
    for _ in range(n_kv):
        key = c.string(MAX_KEY, "a metadata key")
        if key is None:
            raise HeaderError(f"a metadata key is over {MAX_KEY:,} bytes")
        vtype = c.u32()
        keep = key in wanted or (bool(wanted_suffixes) and key.endswith(wanted_suffixes))
        value = _gguf_value(c, vtype, keep or key == "general.alignment", budget, key)
        if key == "general.alignment":
            if vtype != 4 or not isinstance(value, int) or value == 0 or value & (value - 1):
                raise HeaderError("general.alignment is not a power of two stored as uint32")
            alignment = value
        if keep and value is not None:
            head.metadata[key] = value
    infos = []
    for _ in range(n_tensors):
        name = c.string(MAX_KEY, "a tensor name")
        n_dims = c.u32()
        if n_dims > GGML_MAX_DIMS:
            raise HeaderError(f"tensor {name!r} declares {n_dims:,} dimensions; GGUF allows {GGML_MAX_DIMS}")
        dims = [c.u64() for _ in range(n_dims)]
        ttype, offset = c.u32(), c.u64()
        infos.append((name, dims, ttype, offset))
    data_start = -(-c.pos // alignment) * alignment
    for name, dims, ttype, offset in infos:
        try:
            qtype = gguf.GGMLQuantizationType(ttype)
            block, type_size = gguf.GGML_QUANT_SIZES[qtype]
        except (ValueError, KeyError):
            raise HeaderError(f"tensor {name!r} has unknown type {ttype}") from None
        n = 1
        for d in dims:
            n *= d
        if dims and dims[0] % block:
            raise HeaderError(f"tensor {name!r}: first dimension {dims[0]:,} is not a multiple of "
                              f"the {qtype.name} block size {block}")
        end = data_start + offset + n // block * type_size
        if end > c.file_size:
            raise HeaderError(f"tensor {name!r} declares {n:,} elements ending at byte {end:,} "
                              f"in a file of {c.file_size:,} bytes")
        head.tensors.append((qtype.name, dims))
    return head


def _gguf_value(c: _Cursor, vtype: int, keep: bool, budget: list[int], key: str) -> object:
    """One typed value; read when `keep`, skipped otherwise. Arrays are always skipped: trueopen
    keeps no array values, and their elements count against the file's array budget."""
    if vtype in _GGUF_SCALARS:
        code = _GGUF_SCALARS[vtype]
        if keep:
            return c.value(code)
        c.skip(struct.calcsize(code), f"{key!r}")
        return None
    if vtype == _GGUF_STRING:
        return c.string(MAX_VALUE if keep else 0, f"{key!r}")
    if vtype != _GGUF_ARRAY:
        raise HeaderError(f"{key!r} has unknown value type {vtype}")
    itype, count = c.u32(), c.u64()
    if itype in _GGUF_SCALARS:
        width = struct.calcsize(_GGUF_SCALARS[itype])
        _fits(count, (c.size - c.pos) // width, f"elements in {key!r}", c.size)
        c.pos += count * width
        return None
    if itype != _GGUF_STRING:  # nested arrays: no GGUF writer makes them
        raise HeaderError(f"{key!r} is an array of type {itype}, which trueopen does not read")
    _fits(count, (c.size - c.pos) // 8, f"strings in {key!r}", c.size)
    if count > budget[0]:
        raise HeaderError(f"header declares {count:,} strings in {key!r}; trueopen walks at most "
                          f"{MAX_ARRAY:,} array elements per file")
    budget[0] -= count
    buf, order, pos, size = c.buf, c.order + "Q", c.pos, c.size
    for _ in range(count):
        if pos + 8 > size:
            raise HeaderError(f"the strings of {key!r} run past the end of the file ({size:,} bytes)")
        (n,) = struct.unpack_from(order, buf, pos)
        pos += 8 + n
    if pos > size:
        raise HeaderError(f"the strings of {key!r} run past the end of the file ({size:,} bytes)")
    c.pos = pos
    return None


# ---- safetensors --------------------------------------------------------------------------------

def check_safetensors(fh: io.BufferedIOBase, size: int) -> int:
    """Checks a safetensors header's declared length and counts its entries before the
    safetensors library parses it: the length must fit the file and the format's limit, and the
    header may hold at most MAX_TENSORS objects (each tensor entry is one JSON object, so the
    number of '{' bytes bounds the number of tensors). Returns the header length."""
    fh.seek(0)
    first = fh.read(8)
    if len(first) < 8:
        raise HeaderError(f"file of {size:,} bytes is too short for a safetensors header")
    n = int.from_bytes(first, "little")
    if n > size - 8:
        raise HeaderError(f"header declares {n:,} bytes in a file of {size:,} bytes")
    _at_most(n, MAX_SAFETENSORS_HEADER, "header bytes")
    objects, left = 0, n
    while left:
        chunk = fh.read(min(left, 1 << 20))
        if not chunk:
            break
        left -= len(chunk)
        objects += chunk.count(b"{")
        if objects > MAX_TENSORS + 2:  # + 2: the header itself and its __metadata__
            raise HeaderError(f"more than {MAX_TENSORS:,} tensor entries; "
                              f"trueopen reads at most {MAX_TENSORS:,}")
    return n


# ---- ONNX ---------------------------------------------------------------------------------------

# The protobuf messages of onnx.proto that hold other messages, by field number: walking them
# counts every node, tensor and graph entry without parsing anything else.
_ONNX_SCHEMA: dict[str, dict[int, str | None]] = {
    "model": {7: "graph", 25: "function", 8: None, 14: None, 20: None},
    "graph": {1: "node", 5: "tensor", 15: "sparse", 11: None, 12: None, 13: None, 14: None, 16: None},
    "node": {5: "attribute", 8: None},
    "attribute": {5: "tensor", 6: "graph", 10: "tensor", 11: "graph", 22: "sparse", 23: "sparse",
                  14: None, 15: None},
    "function": {7: "node", 6: "attribute", 11: "attribute", 4: None, 9: None},
    "sparse": {1: "tensor", 2: "tensor"},
    "tensor": {},
}


@dataclass
class OnnxCounts:
    initializers: int = 0  # tensors of the main graph
    messages: int = 0
    fields: int = 0


def count_onnx(buf: memoryview | bytes) -> OnnxCounts:
    """Walks an ONNX file's protobuf wire format without parsing it: every length must fit its
    enclosing message, and the number of graph entries and initializers must stay within
    MAX_ONNX_MESSAGES and MAX_TENSORS, before onnx (protobuf) is asked to load it."""
    counts = OnnxCounts()
    _walk(buf, 0, len(buf), "model", 0, counts, top=True)
    return counts


def _varint(buf: memoryview | bytes, pos: int, end: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise HeaderError(f"malformed protobuf varint at byte {pos:,}")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def _walk(buf: memoryview | bytes, pos: int, end: int, kind: str, depth: int, counts: OnnxCounts,
          top: bool = False) -> None:
    if depth > MAX_ONNX_DEPTH:
        raise HeaderError(f"graphs nested deeper than {MAX_ONNX_DEPTH} levels")
    schema = _ONNX_SCHEMA[kind]
    fields_left = MAX_ONNX_FIELDS - counts.fields
    start_left = fields_left
    while pos < end:
        fields_left -= 1
        if fields_left < 0:
            raise HeaderError(f"model holds more than {MAX_ONNX_FIELDS:,} protobuf fields outside its tensors; "
                              "trueopen reads at most that many")
        tag = buf[pos]  # one-byte varints (field numbers below 16) are by far the most common
        pos += 1
        if tag & 0x80:
            tag, pos = _varint(buf, pos - 1, end)
        wire = tag & 7
        if wire == 0:
            if pos < end and not buf[pos] & 0x80:
                pos += 1
            else:
                _, pos = _varint(buf, pos, end)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            n, pos = _varint(buf, pos, end)
            number = tag >> 3
            if n > end - pos:
                raise HeaderError(f"field {number} declares {n:,} bytes at byte {pos:,}, past the end "
                                  f"of its message (byte {end:,})")
            if number in schema:
                counts.messages += 1
                if counts.messages > MAX_ONNX_MESSAGES:
                    raise HeaderError(f"graph holds more than {MAX_ONNX_MESSAGES:,} nodes, tensors and "
                                      "other entries; trueopen reads at most that many")
                if top and kind == "graph" and number == 5:
                    counts.initializers += 1
                    if counts.initializers > MAX_TENSORS:
                        raise HeaderError(f"graph holds more than {MAX_TENSORS:,} initializers; "
                                          "trueopen reads at most that many")
                inner = schema[number]
                if inner is not None and _ONNX_SCHEMA[inner]:
                    counts.fields += start_left - fields_left
                    start_left = fields_left = MAX_ONNX_FIELDS - counts.fields
                    _walk(buf, pos, pos + n, inner, depth + 1, counts, top=top and kind == "model")
                    start_left = fields_left = MAX_ONNX_FIELDS - counts.fields
            pos += n
        else:
            raise HeaderError(f"protobuf wire type {wire} (field {tag >> 3}) is not used by ONNX")
        if pos > end:
            raise HeaderError(f"field {tag >> 3} runs past the end of its message (byte {end:,})")
    counts.fields += start_left - fields_left


# ---- pickles, zip archives, NumPy arrays --------------------------------------------------------

_PICKLE_STARTS = set(b"(}])cNIJKLMFGSTUVXPQ\x8c")  # opcodes a protocol 0/1 pickle can begin with


def is_old_pickle(head: bytes) -> bool:
    """Whether the first bytes are a protocol 0 or 1 pickle (no PROTO opcode to announce it):
    they must decode as a run of valid opcodes, read by pickletools, never unpickled."""
    if not head or head[0] not in _PICKLE_STARTS:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # protocol 0 string arguments may hold invalid escapes
        return _opcodes_until_stop(head[:PICKLE_WINDOW])


def _opcodes_until_stop(window: bytes) -> bool:
    ops = 0
    try:
        for op, _arg, _pos in pickletools.genops(io.BytesIO(window)):
            ops += 1
            if op.proto >= 2:
                return False  # protocol 2+ opcodes come after PROTO, which this stream lacks
            if op.name == "STOP":
                return ops >= 2
    except (ValueError, struct.error):  # UnicodeDecodeError is a ValueError
        # a long pickle cut by the window: many valid opcodes first (garbage has few)
        return len(window) == PICKLE_WINDOW and ops >= 16
    return False


def is_pickle_start(data: bytes) -> bool:
    """Whether bytes begin a pickle of any protocol: PROTO 2-5, or protocol 0/1 opcodes."""
    return (len(data) >= 2 and data[0] == 0x80 and 2 <= data[1] <= 5) or is_old_pickle(data)


COMPRESSED_INPUT = 1 << 20  # compressed bytes read to find a pickle inside (a bz2 block is up to 900 KB)


def compression(head: bytes) -> str | None:
    """The compressed-stream format the first bytes announce (joblib compresses pickles with these)."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and len(head) > 3 and 0x31 <= head[3] <= 0x39:
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x5d\x00\x00"):
        return "lzma"
    if len(head) >= 2 and head[0] == 0x78 and (head[0] << 8 | head[1]) % 31 == 0:
        return "zlib"
    return None


def is_compressed_pickle(data: bytes, kind: str) -> bool:
    """Whether a compressed stream starts with a pickle (see `inflated_head`)."""
    return is_pickle_start(inflated_head(data, kind))


def inflated_head(data: bytes, kind: str) -> bytes:
    """The first bytes a compressed stream holds: at most PICKLE_WINDOW bytes are inflated from
    `data` (itself cut to COMPRESSED_INPUT bytes), so bombs stay small; b'' when it is not one."""
    import bz2
    import lzma
    import zlib

    try:
        if kind in ("gzip", "zlib"):
            out = zlib.decompressobj(31 if kind == "gzip" else 15).decompress(data[:COMPRESSED_INPUT], PICKLE_WINDOW)
        elif kind == "bz2":
            out = bz2.BZ2Decompressor().decompress(data[:COMPRESSED_INPUT], PICKLE_WINDOW)
        else:
            fmt = lzma.FORMAT_XZ if kind == "xz" else lzma.FORMAT_ALONE
            out = lzma.LZMADecompressor(fmt).decompress(data[:COMPRESSED_INPUT], PICKLE_WINDOW)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError, MemoryError):
        return b""
    return out


def is_tar(head: bytes) -> bool:
    return head[257:262] == b"ustar"


class _Capped(io.RawIOBase):
    """A file whose reads are refused above a size, so tarfile cannot be made to read a header
    of gigabytes (a pax or long-name header declares its own length)."""

    def __init__(self, fh: io.BufferedIOBase, cap: int = 1 << 20):
        self.fh, self.cap = fh, cap

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or n > self.cap:
            raise HeaderError(f"tar header declares {n:,} bytes of metadata; trueopen reads at most {self.cap:,}")
        return self.fh.read(n)

    def seek(self, pos: int, whence: int = 0) -> int:
        return self.fh.seek(pos, whence)

    def tell(self) -> int:
        return self.fh.tell()


def tar_pickles(fh: io.BufferedIOBase, size: int, pickle_suffixes: set[str]) -> list[str]:
    """Members of an uncompressed tar archive (NeMo's .nemo) that are pickles: by their first
    bytes, or named like one and holding a zip (a PyTorch archive). Headers are walked with
    tarfile, member data is skipped, not read; at most MAX_ZIP_MEMBERS members."""
    import tarfile

    found = []
    try:
        with tarfile.open(fileobj=_Capped(fh), mode="r:") as tar:  # type: ignore[call-overload]
            for count, member in enumerate(iter(tar.next, None)):
                if count >= MAX_ZIP_MEMBERS:
                    raise HeaderError(f"tar archive holds more than {MAX_ZIP_MEMBERS:,} members; "
                                      "trueopen reads at most that many")
                if not member.isfile() or member.offset_data + min(member.size, 8) > size:
                    continue
                fh.seek(member.offset_data)
                first = fh.read(min(member.size, PICKLE_WINDOW))
                named = "." in member.name and member.name[member.name.rfind("."):].lower() in pickle_suffixes
                if is_pickle_start(first) or (named and first.startswith(b"PK\x03\x04")):
                    found.append(member.name)
    except tarfile.TarError as exc:
        raise HeaderError(f"malformed tar archive: {str(exc)[:160]}") from None
    return found


def zip_member_count(fh: io.BufferedIOBase, size: int) -> int:
    """The number of members a zip archive's end record declares (zip64 included), read before
    zipfile loads its whole central directory into memory."""
    tail_len = min(size, 22 + 65535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    last = at = tail.rfind(b"PK\x05\x06", 0, len(tail) - 18)  # a whole 22-byte record fits after it
    # the record whose comment ends the file; a signature inside the comment is not it. Without
    # one (bytes after the comment), the last signature, as zipfile itself takes it
    while at >= 0 and at + 22 + struct.unpack_from("<H", tail, at + 20)[0] != len(tail):
        at = tail.rfind(b"PK\x05\x06", 0, at)
    at = last if at < 0 else at
    if at < 0:
        raise HeaderError("zip archive without an end-of-central-directory record")
    count = struct.unpack_from("<H", tail, at + 10)[0]
    if count == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        (z64,) = struct.unpack_from("<Q", tail, at - 12)
        if z64 + 56 > size:
            raise HeaderError(f"zip64 end record at byte {z64:,} is past the end of the file ({size:,} bytes)")
        fh.seek(z64)
        rec = fh.read(56)
        if len(rec) < 56 or rec[:4] != b"PK\x06\x06":
            raise HeaderError("zip64 end record is missing")
        (count,) = struct.unpack_from("<Q", rec, 32)
    _fits(count, size // 46, "zip members", size)  # a central directory entry takes at least 46 bytes
    return _at_most(count, MAX_ZIP_MEMBERS, "zip members")


def npy_header(fh: io.BufferedIOBase) -> tuple[tuple[int, ...], object]:
    """A .npy array's shape and dtype from its header, read by NumPy's own header reader (which
    parses a Python literal, never unpickles); the array data is not read."""
    from numpy.lib import format as npformat

    try:
        version = npformat.read_magic(fh)
        # version 3.0 differs from 2.0 only in the header's text encoding (UTF-8, not Latin-1)
        reader = npformat.read_array_header_1_0 if version == (1, 0) else npformat.read_array_header_2_0
        shape, _fortran, dtype = reader(fh)
    except Exception as exc:  # noqa: BLE001 - numpy's header parser (tokenize, ast) fails in many ways on junk
        text = str(exc).strip().splitlines()
        raise HeaderError(f"malformed .npy header: {text[0][:160] if text else type(exc).__name__}") from None
    return shape, dtype


_NPY_CANONICAL = re.compile(rb"\{'descr': '[<>|=]?([A-Za-z])\d*', 'fortran_order': (?:True|False), "
                            rb"'shape': \((?:\d+, )*(?:\d+,?)?\), \} *\n?")


def npy_is_object(fh: io.BufferedIOBase) -> bool | None:
    """Whether a .npy header in the exact form NumPy writes declares an object dtype; None when
    the header has another form (then `npy_header` must parse it)."""
    prefix = fh.read(8)
    if len(prefix) < 8 or prefix[:6] != b"\x93NUMPY" or prefix[6] not in (1, 2, 3):
        return None
    size_bytes = fh.read(2 if prefix[6] == 1 else 4)
    if len(size_bytes) not in (2, 4):
        return None
    n = int.from_bytes(size_bytes, "little")
    if n > NPY_HEADER_LIMIT:
        return None
    m = _NPY_CANONICAL.fullmatch(fh.read(n))
    return None if m is None else m.group(1) == b"O"


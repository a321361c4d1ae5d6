"""Weight files, read by their headers only: safetensors and ONNX are parsed with their own
libraries after a bounded check of the counts and lengths they declare (headers.py), GGUF by a
bounded reader using the gguf package's type tables; pickle-based files (every protocol, torch zip
archives, object arrays in .npy/.npz, compressed pickles) are recognised by their bytes and
reported as unsafe, never loaded. Cost grows with the number of files and header bytes, not with sizes files declare."""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import first_line
from . import headers
from .files import FileEntry, read_head

WEIGHT_SUFFIXES = {".safetensors", ".gguf", ".onnx", ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle",
                   ".joblib", ".h5", ".hdf5", ".keras", ".msgpack", ".tflite", ".npz", ".npy", ".pte",
                   ".mlmodel", ".ggml", ".nemo", ".pdparams"}
PICKLE_SUFFIXES = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".nemo", ".pdparams"}
ONNX_PARSE_LIMIT = 256 * 1024 * 1024  # ONNX has no separate header: above this, only the size is reported
INDEX_LIMIT = 16 * 1024 * 1024  # the largest real index (about 92,000 tensors) is under 10 MB
INDEX_CONTAINERS = 10_000  # JSON objects and arrays in an index: a real one has three
INDEX_DIGITS = 40  # digits in one number of an index: a byte count needs 20
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
CHECKPOINT_DIR = re.compile(r"^(?:.*[-_])?(?:checkpoint|ckpt|step|global[-_]?step|iter|iteration|epoch)[-_]?\d+(?:[-_].*)?$", re.I)
CHECKPOINT_BRANCH = re.compile(r"^(?:stage\d+[-_])?(?:step|checkpoint|ckpt|iter)[-_]?\d+", re.I)
_SHARD = re.compile(r"[-.]\d{3,5}-of-\d{3,5}(?=\.)")
_VARIANT = re.compile(r"\.(fp16|bf16|fp32|fp8|int8|int4|non_ema|ema)(?=\.safetensors$)", re.I)
_TRAINING_STATE = re.compile(r"^(training_args|optimizer|scheduler|rng_state|trainer_state|scaler)([-_.].*)?\.(bin|pt|pth|pkl)$", re.I)


@dataclass
class WeightFile:
    """What one weight file says about itself; `problem` when it could not be read as what it is named."""

    rel: str
    format: str  # safetensors | gguf | onnx | pickle | lfs-pointer | keras | flax-msgpack | numpy | tflite | other
    bytes: int
    parameters: int | None = None
    tensors: int | None = None
    dtypes: dict[str, int] = field(default_factory=dict)  # dtype -> parameters
    unsafe: bool = False
    metadata: dict[str, object] = field(default_factory=dict)
    detail: str = ""
    problem: str | None = None
    checkpoint: str | None = None  # the intermediate-checkpoint folder holding it

    @property
    def variant_key(self) -> str:
        """Files with the same key are parts (shards) of one set of weights."""
        return _VARIANT.sub("", _SHARD.sub("", self.rel))


def is_weight_file(entry: FileEntry) -> bool:
    """Files read by `read`: weights, and training state saved the same (unsafe) ways."""
    return entry.suffix in WEIGHT_SUFFIXES


def is_training_state(rel: str) -> bool:
    """Optimizer, scheduler and trainer state: saved like weights, but not the model's parameters."""
    return bool(_TRAINING_STATE.match(rel.rsplit("/", 1)[-1]))


def checkpoint_of(rel: str) -> str | None:
    """The folder that marks a file as an intermediate checkpoint (step1000/, checkpoint-500/...)."""
    for part in rel.split("/")[:-1]:
        if CHECKPOINT_DIR.match(part):
            return part
    return None


def sniff(head: bytes, size: int) -> str | None:
    """What the first bytes say a file is, whatever its name."""
    if head.startswith(LFS_POINTER):
        return "lfs-pointer"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "keras"
    if head.startswith(b"\x93NUMPY"):
        return "numpy"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "pickle"
    if len(head) >= 9 and head[8:9] == b"{":
        n = int.from_bytes(head[:8], "little")
        if 0 < n <= size - 8:
            return "safetensors"
    if len(head) >= 8 and head[4:8] == b"TFL3":
        return "tflite"
    if headers.is_tar(head):
        return "tar"
    if headers.is_old_pickle(head):
        return "pickle"
    return None


def read(entry: FileEntry) -> WeightFile:
    """Read one local weight file's header; never raises for a bad file, reports it."""
    head = read_head(entry, headers.PICKLE_WINDOW)
    kind = sniff(head, entry.size)
    wf = WeightFile(entry.rel, entry.suffix.lstrip(".") or "other", entry.size, checkpoint=checkpoint_of(entry.rel))
    named = _named_format(entry)
    if kind == "lfs-pointer":
        return _lfs_pointer(entry, wf)
    if kind == "zip":
        kind, wf.problem = _zip_kind(entry)
    if kind == "tar":
        kind, wf.problem = _tar_kind(entry)
    packed = headers.compression(head) if kind is None else None
    if packed:
        inner = headers.inflated_head(read_head(entry, headers.COMPRESSED_INPUT), packed)
        if headers.is_pickle_start(inner):
            kind = "compressed-pickle"
            wf.detail = f"{packed}-compressed "
        elif headers.is_tar(inner):
            kind, wf.problem = "tar", f"{packed}-compressed tar archive: not checked for pickles (not inflated)"
    shown = {"npz-object": "numpy", "compressed-pickle": "pickle"}.get(kind or "", kind)
    if shown is not None and named is not None and shown != named and \
            not (named == "pickle" and kind in ("pytorch-zip", "tar", "tar-pickle")):
        wf.problem = wf.problem or f"named like a {named} file but its content is {shown}"
    if kind == "numpy" and head.startswith(b"\x93NUMPY"):
        kind = _npy_kind(entry, wf)
    if kind in _UNSAFE_KINDS:
        wf.format, wf.unsafe = "pickle", True
        wf.detail += _UNSAFE_KINDS[kind] + "; can run code when loaded, so trueopen never loads it"
        return wf
    if kind == "safetensors":
        return _safetensors(entry, wf)
    if kind == "gguf":
        return _gguf(entry, wf)
    if named == "onnx":
        return _onnx(entry, wf)
    if kind is not None:
        wf.format = kind
        return wf
    if named in ("safetensors", "gguf"):
        wf.format = named
        wf.problem = wf.problem or _not_named_format(named, head, entry.size)
        return wf
    if named == "pickle":
        wf.format = "other"
        wf.detail = "not a pickle by its first bytes; format unknown"
    return wf


def _named_format(entry: FileEntry) -> str | None:
    s = entry.suffix
    if s in PICKLE_SUFFIXES:
        return "pickle"
    return {".safetensors": "safetensors", ".gguf": "gguf", ".onnx": "onnx", ".h5": "keras", ".hdf5": "keras",
            ".npy": "numpy", ".tflite": "tflite"}.get(s)


_UNSAFE_KINDS = {
    "pickle": "raw pickle stream",
    "compressed-pickle": "pickle stream (as joblib writes it)",
    "tar-pickle": "tar archive holding a pickle (as NeMo's .nemo files do)",
    "pytorch-zip": "PyTorch zip archive holding a pickle",
    "numpy-object": "NumPy array of Python objects (dtype object), stored as a pickle",
    "npz-object": "NumPy archive with an array of Python objects (dtype object), stored as a pickle",
}


def _not_named_format(named: str, head: bytes, size: int) -> str:
    if named == "safetensors" and len(head) >= 8:
        n = int.from_bytes(head[:8], "little")
        if n > size - 8:
            return f"not a valid safetensors file: header declares {n:,} bytes in a file of {size:,} bytes"
    return f"not a valid {named} file: its first bytes do not match the format"


def _zip_kind(entry: FileEntry) -> tuple[str, str | None]:
    """Zip archives: PyTorch's (a pickle inside), NumPy's .npz (object arrays are pickles), Keras
    v3, or other. Every member's name is looked at, after the end record says how many there are."""
    try:
        with entry.open() as fh:
            headers.zip_member_count(fh, entry.size)
            with zipfile.ZipFile(fh) as z:
                names = z.namelist()
                if any(n.endswith(".pkl") for n in names):
                    return "pytorch-zip", None
                npys = [n for n in names if n.endswith(".npy")]
                if entry.suffix == ".npz" or (names and len(npys) == len(names)):
                    return _npz_kind(z, npys)
                if "config.json" in names and any(n.endswith(".weights.h5") for n in names):
                    return "keras", None
    except headers.HeaderError as exc:
        if _first_zip_name(read_head(entry, 30 + 1024)).endswith(".pkl"):
            return "pytorch-zip", None  # a member of a compressed tar: its first entry says enough
        return "zip", f"zip archive not checked for pickles: {exc}"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        return "zip", f"malformed zip archive, not checked for pickles: {first_line(exc)}"
    return "zip", None


def _first_zip_name(head: bytes) -> str:
    """The name in a zip's first local file header (PyTorch writes its pickle, data.pkl, first)."""
    if len(head) < 30 or not head.startswith(b"PK\x03\x04"):
        return ""
    n = int.from_bytes(head[26:28], "little")
    return head[30:30 + n].decode("utf-8", "replace")


def _tar_kind(entry: FileEntry) -> tuple[str, str | None]:
    """A tar archive (NeMo's .nemo): unsafe when a member is a pickle."""
    try:
        with entry.open() as fh:
            found = headers.tar_pickles(fh, entry.size, PICKLE_SUFFIXES)
    except headers.HeaderError as exc:
        return "tar", f"tar archive not checked for pickles: {exc}"
    except OSError as exc:
        return "tar", f"tar archive not checked for pickles: {exc.strerror or exc}"
    return ("tar-pickle", None) if found else ("tar", None)


def _npz_kind(z: zipfile.ZipFile, npys: list[str]) -> tuple[str, str | None]:
    """A NumPy archive: unsafe when any of its arrays holds Python objects."""
    parsed = 0
    for n in npys:
        with z.open(n) as member:
            obj = headers.npy_is_object(member)
        if obj is None:
            parsed += 1
            if parsed > headers.MAX_NPY_PARSED:
                return "numpy", (f"NumPy archive not fully checked for pickles: more than {headers.MAX_NPY_PARSED:,} "
                                 "array headers in an unusual form")
            with z.open(n) as member:
                obj = getattr(headers.npy_header(member)[1], "hasobject", False)
        if obj:
            return "npz-object", None
    return "numpy", None


def _npy_kind(entry: FileEntry, wf: WeightFile) -> str:
    """A .npy array: unsafe when its dtype holds Python objects (NumPy pickles those)."""
    try:
        with entry.open() as fh:
            shape, dtype = headers.npy_header(fh)
    except headers.HeaderError as exc:
        wf.problem = str(exc)
        return "numpy"
    except OSError as exc:
        wf.problem = f"cannot read: {exc.strerror or exc}"
        return "numpy"
    if getattr(dtype, "hasobject", False):
        return "numpy-object"
    wf.detail = f"NumPy array of shape {tuple(shape)}, dtype {dtype}"[:200]
    return "numpy"


def _lfs_pointer(entry: FileEntry, wf: WeightFile) -> WeightFile:
    text = read_head(entry, 512).decode("ascii", errors="replace")
    size = re.search(r"^size (\d+)$", text, re.M)
    oid = re.search(r"^oid sha256:([0-9a-f]{64})$", text, re.M)
    wf.format = "lfs-pointer"
    wf.metadata = {"size": int(size.group(1)) if size else None, "sha256": oid.group(1) if oid else None}
    wf.detail = "Git LFS pointer: the weights themselves were not downloaded (git lfs pull fetches them)"
    return wf


def _tensor_stats(wf: WeightFile, tensors: list[tuple[str, list[int]]]) -> None:
    wf.tensors = len(tensors)
    wf.parameters = 0
    for dtype, shape in tensors:
        n = math.prod(shape)
        wf.parameters += n
        wf.dtypes[dtype] = wf.dtypes.get(dtype, 0) + n


def _safetensors(entry: FileEntry, wf: WeightFile) -> WeightFile:
    from safetensors import SafetensorError, safe_open

    wf.format = "safetensors"
    try:
        with entry.open() as fh:
            headers.check_safetensors(fh, entry.size)
    except headers.HeaderError as exc:
        wf.problem = f"malformed safetensors header: {exc}"
        return wf
    except OSError as exc:
        wf.problem = f"cannot read: {exc.strerror or exc}"
        return wf
    if entry.local is None:
        return _safetensors_member(entry, wf)
    try:
        with safe_open(str(entry.local), framework="numpy") as f:
            tensors = []
            names = f.keys()
            if len(names) > headers.MAX_TENSORS:
                raise ValueError(f"header declares {len(names):,} tensors; "
                                 f"trueopen reads at most {headers.MAX_TENSORS:,}")
            for name in names:
                sl = f.get_slice(name)
                tensors.append((sl.get_dtype(), list(sl.get_shape())))
            meta = f.metadata() or {}
    except (SafetensorError, OSError, ValueError) as exc:
        wf.problem = f"malformed safetensors header: {first_line(exc)}"
        return wf
    _tensor_stats(wf, tensors)
    wf.metadata = _short_strings(meta)
    return wf


def _safetensors_member(entry: FileEntry, wf: WeightFile) -> WeightFile:
    """An archive member's safetensors header, parsed from its first 8 + N bytes (the safetensors
    library opens paths only), with the checks the library makes: each tensor's dtype, shape and
    data offsets, inside the data the file holds."""
    n = int.from_bytes(read_head(entry, 8), "little")  # checked by check_safetensors to fit the limit
    raw = read_head(entry, 8 + n)
    try:
        head = json.loads(raw[8:8 + n].decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        wf.problem = f"malformed safetensors header: {first_line(exc)}"
        return wf
    meta = head.pop("__metadata__", {}) if isinstance(head, dict) else {}
    data = entry.size - 8 - n
    tensors: dict[str, tuple[str, list[int]]] = {}
    for name, t in head.items() if isinstance(head, dict) else [("", None)]:
        offsets = t.get("data_offsets") if isinstance(t, dict) else None
        shape = t.get("shape") if isinstance(t, dict) else None
        if not (isinstance(t, dict) and isinstance(t.get("dtype"), str) and isinstance(shape, list)
                and isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)
                and 0 <= offsets[0] <= offsets[1] <= data) or bad_shape(shape):
            wf.problem = f"malformed safetensors header: tensor {str(name)[:80]!r} has no valid dtype, shape and offsets"
            return wf
        tensors[name] = (t["dtype"], shape)
    _tensor_stats(wf, list(tensors.values()))
    wf.metadata = _short_strings(meta) if isinstance(meta, dict) else {}
    return wf


def _short_strings(meta: dict) -> dict[str, object]:
    """Free-form header metadata, kept small: the first 50 string values up to 500 characters."""
    return {k: v for k, v in list(meta.items())[:50] if isinstance(v, str) and len(v) <= 500}


def from_listing(entry: FileEntry) -> WeightFile:
    """A weight file known only by name and size (listed by the Hub, not downloaded)."""
    unsafe = entry.suffix in PICKLE_SUFFIXES
    return WeightFile(entry.rel, "pickle" if unsafe else entry.suffix.lstrip("."), entry.size, unsafe=unsafe,
                      checkpoint=checkpoint_of(entry.rel),
                      detail="listed by the Hub, not downloaded; format judged by its name")


def from_safetensors_header(rel: str, size: int, tensors: dict[str, tuple[str, list[int]]],
                            metadata: dict[str, str]) -> WeightFile:
    """A safetensors file known only by a header read remotely (the Hub's range requests)."""
    wf = WeightFile(rel, "safetensors", size, checkpoint=checkpoint_of(rel))
    wf.detail = "header read by range request"
    wf.metadata = _short_strings(metadata) if isinstance(metadata, dict) else {}
    if len(tensors) > headers.MAX_TENSORS:
        wf.problem = (f"malformed safetensors header: {len(tensors):,} tensors; "
                      f"trueopen reads at most {headers.MAX_TENSORS:,}")
        return wf
    bad = next((f"tensor {name[:80]!r}: {why}" for name, (dtype, dims) in tensors.items()
                if (why := bad_shape(dims) or (None if isinstance(dtype, str) else "dtype is not a name"))), None)
    if bad:
        wf.problem = f"malformed safetensors header: {bad}"
        return wf
    _tensor_stats(wf, list(tensors.values()))
    return wf


def bad_shape(dims: object) -> str | None:
    """Why a declared shape cannot be a real tensor's (negative, not integers, absurdly large), or None."""
    if not isinstance(dims, (list, tuple)) or len(dims) > 64:
        return "shape is not a short list of integers"
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        return "shape is not a list of integers"
    neg = next((d for d in dims if d < 0), None)
    if neg is not None:
        return f"declares a negative dimension ({neg:,})"
    if math.prod(dims) > headers.MAX_ELEMENTS:
        return f"declares more than {headers.MAX_ELEMENTS:,} elements"
    return None


GGUF_FIELDS = ("general.architecture", "general.name", "general.basename", "general.size_label",
               "general.organization", "general.license", "general.license.name", "general.license.link",
               "general.base_model.count", "general.base_model.0.name", "general.base_model.0.organization",
               "general.base_model.0.repo_url", "general.quantized_by", "general.file_type",
               "general.quantization_version", "general.url", "general.repo_url", "general.version",
               "general.finetune", "split.count")


def _gguf(entry: FileEntry, wf: WeightFile) -> WeightFile:
    import gguf

    wf.format = "gguf"
    try:
        with _bytes_of(entry) as buf:
            head = headers.parse_gguf(buf, set(GGUF_FIELDS),
                                      (".context_length", ".expert_count", ".expert_used_count"), size=entry.size)
    except headers.HeaderError as exc:
        wf.problem = f"malformed GGUF file: {exc}"
        return wf
    except (OSError, ValueError, BufferError) as exc:
        wf.problem = f"cannot read GGUF file: {first_line(exc)}"
        return wf
    arch = head.metadata.get("general.architecture")
    meta = {k: v for k, v in head.metadata.items()
            if k in GGUF_FIELDS or (isinstance(arch, str) and k.startswith(arch + "."))}
    _tensor_stats(wf, head.tensors)
    ft = meta.get("general.file_type")
    if isinstance(ft, int):
        try:
            meta["quantization"] = gguf.LlamaFileType(ft).name.removeprefix("MOSTLY_")
        except ValueError:
            meta["quantization"] = f"file type {ft}"
    wf.metadata = {k: v for k, v in meta.items() if isinstance(v, (str, int, float)) and len(str(v)) <= 500}
    return wf


MEMBER_READ_LIMIT = 64 << 20  # of a GGUF or ONNX member of an archive: the bytes read to parse it


@contextmanager
def _bytes_of(entry: FileEntry) -> Iterator[memoryview | bytes]:
    """A local file mapped (pages read only where a reader looks), or the first MEMBER_READ_LIMIT
    bytes of an archive member (a longer GGUF header is reported as past what was read)."""
    if entry.local is not None:
        with headers.mapped(entry.local) as buf:
            yield buf
    else:
        yield read_head(entry, min(entry.size, MEMBER_READ_LIMIT))


def _onnx(entry: FileEntry, wf: WeightFile) -> WeightFile:
    wf.format = "onnx"
    if entry.size > ONNX_PARSE_LIMIT:
        wf.detail = f"not parsed: ONNX has no separate header and the file is over {ONNX_PARSE_LIMIT >> 20} MiB"
        return wf
    try:
        if entry.local is None and entry.size > MEMBER_READ_LIMIT:
            wf.detail = f"not parsed: an archive member over {MEMBER_READ_LIMIT >> 20} MiB is not read whole"
            return wf
        with _bytes_of(entry) as buf:
            headers.count_onnx(buf)
    except headers.HeaderError as exc:
        wf.problem = f"malformed ONNX file: {exc}"
        return wf
    except (OSError, ValueError, BufferError) as exc:
        wf.problem = f"cannot read ONNX file: {first_line(exc)}"
        return wf
    try:
        import onnx
        from google.protobuf.message import DecodeError

        model = (onnx.load_model(str(entry.local), load_external_data=False) if entry.local is not None
                 else onnx.load_model_from_string(read_head(entry, entry.size)))
        tensors = [(onnx.TensorProto.DataType.Name(t.data_type), list(t.dims), t.name) for t in model.graph.initializer]
        wf.metadata = {"producer": model.producer_name[:500],
                       "opset": max((o.version for o in model.opset_import), default=0)}
    except ImportError:
        wf.detail = "onnx is not installed: parameters not counted"
        return wf
    except (DecodeError, OSError, ValueError, RuntimeError, RecursionError) as exc:
        wf.problem = f"malformed ONNX file: {first_line(exc)}"
        return wf
    for _dtype, dims, name in tensors:
        why = bad_shape(dims)
        if why:
            wf.problem = f"malformed ONNX file: initializer {name[:80]!r} {why}"
            return wf
    _tensor_stats(wf, [(dtype, dims) for dtype, dims, _name in tensors])
    return wf


def read_index(entry: FileEntry) -> tuple[dict[str, object], str | None]:
    """A sharded checkpoint's index (model.safetensors.index.json): its shards and declared size."""
    if entry.size > INDEX_LIMIT:
        return {}, f"index file of {entry.size:,} bytes is too large to be one"
    raw = read_head(entry, INDEX_LIMIT)
    containers = raw.count(b"{") + raw.count(b"[")
    if containers > INDEX_CONTAINERS:
        return {}, f"index holds {containers:,} JSON objects and arrays; an index has a few"
    try:
        data = json.loads(raw.decode("utf-8"), parse_int=_index_int)
    except headers.HeaderError as exc:
        return {}, f"malformed index JSON: {exc}"
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return {}, f"malformed index JSON: {first_line(exc)}"
    if not isinstance(data, dict) or not isinstance(data.get("weight_map"), dict):
        return {}, "index JSON has no weight_map"
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    shards = sorted({v for v in data["weight_map"].values() if isinstance(v, str)})
    return {"shards": shards, "total_size": meta.get("total_size"), "tensors": len(data["weight_map"])}, None


def _index_int(digits: str) -> int:
    """JSON integers of an index, refused beyond INDEX_DIGITS digits with a finding (Python's int()
    raises a bare ValueError beyond 4,300 digits, and no byte count needs more than 20)."""
    n = len(digits.lstrip("-"))
    if n > INDEX_DIGITS:
        raise headers.HeaderError(f"a number with {n:,} digits; trueopen reads at most {INDEX_DIGITS}")
    return int(digits)


@dataclass
class WeightsSummary:
    """The `weights` object of an audit: the final weights, not intermediate checkpoints."""

    format: str | None
    parameters: int | None
    dtypes: dict[str, int]
    bytes: int
    files: list[str]
    unsafe_formats: list[str]
    quantization: str | None = None
    checkpoints: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"format": self.format, "parameters": self.parameters, "dtypes": self.dtypes, "bytes": self.bytes,
                "files": self.files, "unsafe_formats": self.unsafe_formats, "quantization": self.quantization,
                "checkpoints": self.checkpoints}


PREFERENCE = ("safetensors", "gguf", "onnx", "keras", "flax-msgpack", "numpy", "tflite", "pickle", "lfs-pointer")


def summarize(files: list[WeightFile], branches: Sequence[str] = ()) -> WeightsSummary:
    """One parameter count for the release: the safest readable format wins; shards add up; variants
    of the same weights (fp16 copies, several GGUF quantizations) count once, the largest.
    Checkpoint folders and checkpoint-named branches are the intermediate checkpoints."""
    final = [w for w in files if w.checkpoint is None and not is_training_state(w.rel)]
    unsafe = sorted(w.rel for w in files if w.unsafe)
    checkpoints = sorted({w.checkpoint for w in files if w.checkpoint}) + [b for b in branches if CHECKPOINT_BRANCH.match(b)]
    formats = {w.format for w in final}
    main = next((f for f in PREFERENCE if f in formats), None)
    chosen = [w for w in final if w.format == main]
    params = None
    dtypes: dict[str, int] = {}
    counted = [w for w in chosen if w.parameters is not None]
    if counted:
        # base (shard and variant stripped) -> variant (shard stripped) -> shards
        groups: dict[str, dict[str, list[WeightFile]]] = {}
        for w in counted:
            groups.setdefault(w.variant_key, {}).setdefault(_SHARD.sub("", w.rel), []).append(w)
        picked = [max(variants.values(), key=_total) for variants in groups.values()]
        if main == "gguf":  # each GGUF file (or split set) is a whole model: several are alternatives
            picked = [max(picked, key=_total)]
        params = sum(_total(ws) for ws in picked)
        for ws in picked:
            for w in ws:
                for d, n in w.dtypes.items():
                    dtypes[d] = dtypes.get(d, 0) + n
    quant = next((str(w.metadata["quantization"]) for w in chosen if "quantization" in w.metadata), None)
    return WeightsSummary(main, params, dict(sorted(dtypes.items(), key=lambda kv: -kv[1])),
                          sum(w.bytes for w in chosen), [w.rel for w in chosen], unsafe, quant, checkpoints)


def _total(ws: list[WeightFile]) -> int:
    return sum(w.parameters or 0 for w in ws)

"""Hostile weight files: headers that declare far more than the file holds, or that hide pickles.

Each builder writes one model folder under the folder it is given and returns the arguments of
`trueopen audit` for it. The files are written byte by byte from the formats' layouts (GGUF,
safetensors, ONNX protobuf, zip, .npy); pickles are written with `pickle.dumps` (and compressed
as joblib does) and never loaded.
"""

from __future__ import annotations

import io
import pickle
import struct
import tarfile
import zipfile
import zlib
from collections import OrderedDict
from pathlib import Path

from . import Case

# ---- GGUF ---------------------------------------------------------------------------------------


def gguf_string(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(b)) + b


def gguf_bytes(kvs: bytes = b"", n_kv: int = 0, tensors: bytes = b"", n_tensors: int = 0, version: int = 3) -> bytes:
    """A GGUF header: magic, version, tensor count, KV count, then the given KV and tensor-info bytes."""
    return b"GGUF" + struct.pack("<IQQ", version, n_tensors, n_kv) + kvs + tensors


def gguf_array_kv(key: str, item_type: int, count: int, items: bytes = b"") -> bytes:
    return gguf_string(key) + struct.pack("<IIQ", 9, item_type, count) + items


def _folder(root: Path) -> Path:
    d = root / "model"
    d.mkdir(parents=True, exist_ok=True)
    return d


def gguf_huge_string_array(root: Path) -> list[str]:
    """113 bytes declaring an array of 2^63 strings (the gguf reader used to read on forever)."""
    d = _folder(root)
    blob = gguf_bytes(gguf_array_kv("tokenizer.ggml.tokens", 8, 1 << 63, gguf_string("a") * 4), n_kv=1)
    (d / "model.gguf").write_bytes(blob.ljust(113, b"\0"))
    return ["audit", str(d)]


def gguf_huge_scalar_array(root: Path) -> list[str]:
    """A uint8 array of 2^63 elements in a tiny file."""
    d = _folder(root)
    (d / "model.gguf").write_bytes(gguf_bytes(gguf_array_kv("x", 0, 1 << 63, b"\0" * 64), n_kv=1))
    return ["audit", str(d)]


def gguf_five_million(root: Path) -> list[str]:
    """A 5 MB GGUF whose one array has 5,000,000 uint8 elements: all there, but not worth 61 s."""
    d = _folder(root)
    n = 5_000_000
    (d / "model.gguf").write_bytes(gguf_bytes(gguf_array_kv("general.tags", 0, n, b"\1" * n), n_kv=1))
    return ["audit", str(d)]


def gguf_two_million_tensors(root: Path) -> list[str]:
    """2,000,000 tensor infos declared in a 70 MB (sparse) file."""
    d = _folder(root)
    p = d / "model.gguf"
    info = gguf_string("t") + struct.pack("<I", 1) + struct.pack("<Q", 1) + struct.pack("<IQ", 0, 0)
    with open(p, "wb") as fh:
        fh.write(gguf_bytes(info * 1000, n_tensors=2_000_000))
        fh.truncate(70_000_000)
    return ["audit", str(d)]


def gguf_tensor_past_end(root: Path) -> list[str]:
    """One F32 tensor of 2^40 x 2^20 elements in a file of a few dozen bytes."""
    d = _folder(root)
    info = gguf_string("w") + struct.pack("<I", 2) + struct.pack("<QQ", 1 << 40, 1 << 20) + struct.pack("<IQ", 0, 0)
    (d / "model.gguf").write_bytes(gguf_bytes(tensors=info, n_tensors=1))
    return ["audit", str(d)]


# ---- safetensors --------------------------------------------------------------------------------


def safetensors_many_tensors(root: Path, n: int = 1_000_000) -> list[str]:
    """A safetensors header with a million one-element tensors (about 70 MB of JSON)."""
    d = _folder(root)
    parts = [b'{"__metadata__":{"format":"pt"}']
    parts += [b',"t%d":{"dtype":"U8","shape":[1],"data_offsets":[%d,%d]}' % (i, i, i + 1) for i in range(n)]
    header = b"".join(parts) + b"}"
    with open(d / "model.safetensors", "wb") as fh:
        fh.write(struct.pack("<Q", len(header)) + header)
        fh.truncate(8 + len(header) + n)
    return ["audit", str(d)]


def safetensors_header_past_end(root: Path) -> list[str]:
    """A header length of 2^63 - 1 in a file of 9 bytes."""
    d = _folder(root)
    (d / "model.safetensors").write_bytes(struct.pack("<Q", (1 << 63) - 1) + b"{")
    return ["audit", str(d)]


# ---- ONNX (protobuf wire format) ----------------------------------------------------------------


def varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1  # negative int64 values are written as their 64-bit two's complement
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def onnx_tensor(dims: list[int], data_type: int = 1, name: str = "") -> bytes:
    """A TensorProto: dims (field 1), data_type (2), name (8)."""
    body = b"".join(varint(1 << 3) + varint(d) for d in dims) + varint(2 << 3) + varint(data_type)
    return body + (pb_field(8, name.encode()) if name else b"")


def onnx_model(initializers: bytes) -> bytes:
    """A ModelProto with ir_version 8, an opset import and a graph holding the given initializer fields."""
    graph = pb_field(2, b"g") + initializers
    opset = pb_field(8, varint(2 << 3) + varint(17))
    return varint(1 << 3) + varint(8) + opset + pb_field(7, graph)


def onnx_three_million_initializers(root: Path) -> list[str]:
    d = _folder(root)
    one = pb_field(5, onnx_tensor([1]))
    (d / "model.onnx").write_bytes(onnx_model(one * 3_000_000))
    return ["audit", str(d)]


def onnx_negative_dims(root: Path) -> list[str]:
    """An initializer of shape [-4, 3] (counted as 46 quintillion parameters before)."""
    d = _folder(root)
    (d / "model.onnx").write_bytes(onnx_model(pb_field(5, onnx_tensor([-4, 3], name="w"))))
    return ["audit", str(d)]


def onnx_length_past_end(root: Path) -> list[str]:
    """A graph field declaring 2^40 bytes in a file of a few bytes."""
    d = _folder(root)
    (d / "model.onnx").write_bytes(varint(7 << 3 | 2) + varint(1 << 40) + b"\0" * 16)
    return ["audit", str(d)]


def onnx_many_nodes(root: Path) -> list[str]:
    """300,000 empty nodes in the graph: 600 KB that protobuf would turn into 300,000 objects."""
    d = _folder(root)
    (d / "model.onnx").write_bytes(onnx_model(pb_field(1, b"") * 300_000))
    return ["audit", str(d)]


def onnx_field_flood(root: Path) -> list[str]:
    """Five million ir_version fields at the top level of the model (10 MB): cheap for protobuf, not for a walk."""
    d = _folder(root)
    (d / "model.onnx").write_bytes(b"\x08\x01" * 5_000_000)
    return ["audit", str(d)]


# ---- sharded index ------------------------------------------------------------------------------


def index_huge_integer(root: Path) -> list[str]:
    """A model.safetensors.index.json whose total_size has 5,000 digits."""
    d = _folder(root)
    text = '{"metadata": {"total_size": ' + "9" * 5000 + '}, "weight_map": {"w": "model-00001-of-00001.safetensors"}}'
    (d / "model.safetensors.index.json").write_text(text, encoding="utf-8")
    return ["audit", str(d)]


# ---- pickles ------------------------------------------------------------------------------------


def state_dict_pickle(protocol: int) -> bytes:
    """The kind of object torch.save pickles, written with the given protocol (never loaded)."""
    return pickle.dumps(OrderedDict([("layer.weight", [0.5, 1.5]), ("layer.bias", [0.0])]), protocol=protocol)


def pickle_protocol_0(root: Path) -> list[str]:
    d = _folder(root)
    (d / "pytorch_model.bin").write_bytes(state_dict_pickle(0))
    return ["audit", str(d)]


def pickle_protocol_1(root: Path) -> list[str]:
    d = _folder(root)
    (d / "pytorch_model.bin").write_bytes(state_dict_pickle(1))
    return ["audit", str(d)]


def compressed_pickle(root: Path) -> list[str]:
    """A zlib-compressed pickle saved as model.joblib, as joblib.dump(..., compress=True) writes it."""
    d = _folder(root)
    (d / "model.joblib").write_bytes(zlib.compress(state_dict_pickle(4)))
    return ["audit", str(d)]


def nemo_tar(root: Path) -> list[str]:
    """A NeMo-style .nemo: a tar whose model_weights.ckpt is a torch zip archive holding a pickle."""
    d = _folder(root)
    ckpt = io.BytesIO()
    with zipfile.ZipFile(ckpt, "w") as z:
        z.writestr("archive/data.pkl", state_dict_pickle(2))
    with tarfile.open(d / "model.nemo", "w") as tar:
        for name, data in (("model_config.yaml", b"name: tiny\n"), ("model_weights.ckpt", ckpt.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return ["audit", str(d)]


def tar_huge_pax_header(root: Path) -> list[str]:
    """A tar whose first (pax) header declares 2 GB of metadata in a file of a few KB."""
    d = _folder(root)
    header = bytearray(512)
    header[0:9] = b"PaxHeader"
    header[100:108] = b"0000644\0"
    header[124:136] = b"%011o\0" % (2 << 30)
    header[156:157] = b"x"
    header[257:263] = b"ustar\0"
    header[263:265] = b"00"
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    (d / "model.nemo").write_bytes(bytes(header) + b"\0" * 4096)
    return ["audit", str(d)]


def torch_zip_late_pickle(root: Path, before: int = 10_001) -> list[str]:
    """A torch-style zip whose data.pkl comes after 10,001 other members."""
    d = _folder(root)
    with zipfile.ZipFile(d / "pytorch_model.bin", "w", zipfile.ZIP_STORED) as z:
        for i in range(before):
            z.writestr(f"archive/data/{i}", b"\0\0\0\0")
        z.writestr("archive/data.pkl", state_dict_pickle(2))
    return ["audit", str(d)]


def npy_header(descr: str, shape: tuple[int, ...]) -> bytes:
    """A version 1.0 .npy header, padded to 64 bytes as numpy writes it."""
    text = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (descr, shape)
    total = -(-(10 + len(text) + 1) // 64) * 64
    text = text.ljust(total - 10 - 1) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin-1")


def npy_object(root: Path) -> list[str]:
    """An object-dtype .npy: its data is a pickle of the array's Python objects."""
    d = _folder(root)
    (d / "embeddings.npy").write_bytes(npy_header("|O", (2,)) + pickle.dumps([{"a": 1}, "b"], protocol=3))
    return ["audit", str(d)]


def npz_object(root: Path) -> list[str]:
    """An .npz archive holding one numeric and one object-dtype array."""
    d = _folder(root)
    with zipfile.ZipFile(d / "weights.npz", "w") as z:
        z.writestr("w.npy", npy_header("<f4", (2,)) + b"\0" * 8)
        z.writestr("meta.npy", npy_header("|O", (1,)) + pickle.dumps([{"a": 1}], protocol=3))
    return ["audit", str(d)]


def zip_huge_member_count(root: Path) -> list[str]:
    """A zip end record declaring 65,000 members in a file of 22 bytes."""
    d = _folder(root)
    eocd = b"PK\x05\x06" + struct.pack("<4H2LH", 0, 0, 65_000, 65_000, 0, 0, 0)
    (d / "model.pt").write_bytes(b"PK\x03\x04" + eocd)
    return ["audit", str(d)]


CASES = [
    Case("gguf-2^63-string-array", gguf_huge_string_array),
    Case("gguf-2^63-uint8-array", gguf_huge_scalar_array),
    Case("gguf-5M-element-array", gguf_five_million, exits=(0, 1)),  # valid: read in one step, nothing to find
    Case("gguf-2M-tensors", gguf_two_million_tensors),
    Case("gguf-tensor-past-end", gguf_tensor_past_end),
    Case("safetensors-1M-tensors", safetensors_many_tensors),
    Case("safetensors-header-past-end", safetensors_header_past_end),
    Case("onnx-3M-initializers", onnx_three_million_initializers),
    Case("onnx-negative-dims", onnx_negative_dims),
    Case("onnx-length-past-end", onnx_length_past_end),
    Case("onnx-300k-nodes", onnx_many_nodes),
    Case("onnx-5M-fields", onnx_field_flood),
    Case("index-5000-digit-integer", index_huge_integer),
    Case("pickle-protocol-0-bin", pickle_protocol_0),
    Case("pickle-protocol-1-bin", pickle_protocol_1),
    Case("torch-zip-pkl-after-10000-names", torch_zip_late_pickle),
    Case("zlib-compressed-pickle-joblib", compressed_pickle),
    Case("nemo-tar-with-torch-checkpoint", nemo_tar),
    Case("tar-2GB-pax-header", tar_huge_pax_header),
    Case("npy-object-dtype", npy_object),
    Case("npz-object-dtype", npz_object),
    Case("zip-declares-65000-members", zip_huge_member_count),
]

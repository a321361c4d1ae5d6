"""Hardened weight headers (issue 17, items 1, 9, 10): every count and length a header declares is
checked before it is used, and pickles of every protocol, in every place, are reported unsafe.

The headers' own readers (gguf, onnx, safetensors, numpy, pickle, zipfile) write the real files
and serve as the reference where they can read them; hostile files are written byte by byte.
Anything that could run away (huge declared sizes) runs in a child process with its address
space capped at 2 GiB and a timeout, so a regression fails instead of eating the machine."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import math
import os
import pickle
import resource
import struct
import subprocess
import sys
import tarfile
import zipfile
import zlib
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import weights as hostile
from trueopen.evidence import files, headers, weights

ROOT = Path(__file__).resolve().parents[1]
LIMIT_AS = 2 << 30
FUZZ = settings(max_examples=200, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ONNX_MODELS = Path(__import__("onnx").__file__).parent / "backend" / "test" / "data" / "light"


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def _child(code: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Python code in a child with 2 GiB of address space: a runaway parser dies there, not here."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=_limits)


def _cli(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trueopen", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"},
                          preexec_fn=_limits, stdin=subprocess.DEVNULL)


READ_IN_CHILD = """
import json, sys
from dataclasses import asdict
from pathlib import Path
from trueopen.evidence import files, weights
out = {}
for f in files.walk(Path(sys.argv[1])).files:
    if weights.is_weight_file(f):
        out[f.rel] = asdict(weights.read(f))
    elif f.name.endswith(".safetensors.index.json"):
        out[f.rel] = {"index_problem": weights.read_index(f)[1]}
print(json.dumps(out))
"""


def read_folder(folder: Path) -> dict[str, dict]:
    """Every weight file of a folder read by `weights.read`, in a capped child process."""
    proc = _child(READ_IN_CHILD, str(folder))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def one_file(case, tmp_path: Path) -> dict:
    folder = Path(case(tmp_path)[-1])
    (result,) = read_folder(folder).values()
    return result


def _read(tmp: Path, name: str, data: bytes) -> weights.WeightFile:
    p = tmp / name
    p.write_bytes(data)
    return weights.read(files.FileEntry(name, len(data), p))


# ---- real files, read by their own libraries and by trueopen ------------------------------------

def write_gguf(path: Path, big_endian: bool = False, tokens: int = 3000) -> None:
    import gguf

    w = gguf.GGUFWriter(str(path), "llama", endianess=gguf.GGUFEndian.BIG if big_endian else gguf.GGUFEndian.LITTLE)
    w.add_name("Tiny")
    w.add_license("apache-2.0")
    w.add_context_length(4096)
    w.add_uint32("general.alignment", 64)
    w.add_float32("llama.rope.freq_base", 10000.0)
    w.add_token_list([f"tok{i}" for i in range(tokens)])
    w.add_array("llama.some_ints", list(range(100)))
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    w.add_tensor("a", np.ones((8, 64), dtype=np.float32))
    w.add_tensor("b", np.ones((64,), dtype=np.float16))
    w.add_tensor("c", gguf.quants.quantize(np.ones((4, 64), dtype=np.float32), gguf.GGMLQuantizationType.Q8_0),
                 raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@pytest.mark.parametrize("big_endian", [False, True])
def test_gguf_reader_agrees_with_the_gguf_package(tmp_path: Path, big_endian: bool):
    import gguf

    path = tmp_path / "m.gguf"
    write_gguf(path, big_endian)
    ref = gguf.GGUFReader(str(path))
    wanted = {"general.name", "general.license", "llama.context_length", "general.alignment", "llama.rope.freq_base"}
    with headers.mapped(path) as buf:
        head = headers.parse_gguf(buf, wanted)
    assert head.tensors == [(t.tensor_type.name, [int(x) for x in t.shape]) for t in ref.tensors]
    assert head.metadata == {k: ref.get_field(k).contents() for k in wanted}
    wf = weights.read(files.FileEntry("m.gguf", path.stat().st_size, path))
    assert wf.problem is None and wf.parameters == sum(int(t.n_elements) for t in ref.tensors)
    assert wf.metadata["quantization"] == "Q8_0" and wf.metadata["llama.context_length"] == 4096


@pytest.mark.parametrize("model", sorted(ONNX_MODELS.glob("*.onnx"))[:3], ids=lambda p: p.stem)
def test_onnx_walk_agrees_with_onnx(model: Path):
    import onnx

    ref = onnx.load_model(str(model), load_external_data=False)
    with headers.mapped(model) as buf:
        counts = headers.count_onnx(buf)
    assert counts.initializers == len(ref.graph.initializer)
    assert counts.messages >= len(ref.graph.node) + len(ref.graph.initializer)
    wf = weights.read(files.FileEntry(model.name, model.stat().st_size, model))
    assert wf.problem is None and wf.parameters == sum(math.prod(t.dims) for t in ref.graph.initializer)


def test_safetensors_limit_counts_tensors_not_bytes(tmp_path: Path):
    from safetensors.numpy import save

    arrays = {f"t{i}": np.zeros((1,), dtype=np.uint8) for i in range(headers.MAX_TENSORS)}
    wf = _read(tmp_path, "ok.safetensors", save(arrays, metadata={"format": "pt"}))
    assert wf.problem is None and wf.tensors == headers.MAX_TENSORS
    arrays["one-more"] = np.zeros((1,), dtype=np.uint8)
    wf = _read(tmp_path, "over.safetensors", save(arrays, metadata={"format": "pt"}))
    assert wf.parameters is None and f"at most {headers.MAX_TENSORS:,}" in wf.problem


@pytest.mark.parametrize("shape, why", [([-4, 3], "negative dimension (-4)"), ([1 << 40, 1 << 40], "more than"),
                                        (["4", 3], "not a list of integers"), ([True], "not a list of integers"),
                                        ("44", "not a short list")])
def test_remote_safetensors_header_with_impossible_shape(shape, why):
    """Headers read from the Hub are parsed by huggingface_hub, which does not check shapes."""
    wf = weights.from_safetensors_header("model.safetensors", 100, {"ok": ("F32", [2]), "w": ("F32", shape)}, {})
    assert wf.parameters is None and why in wf.problem and "'w'" in wf.problem
    ok = weights.from_safetensors_header("model.safetensors", 100, {"ok": ("F32", [2, 3])}, {"k": "v"})
    assert (ok.parameters, ok.problem, ok.metadata) == (6, None, {"k": "v"})


# ---- the cases, read by the parser in a capped child ------------------------------------

def test_gguf_array_of_2_63_strings_in_113_bytes(tmp_path: Path):
    wf = one_file(hostile.gguf_huge_string_array, tmp_path)
    assert wf["bytes"] == 113 and wf["parameters"] is None
    assert f"{1 << 63:,} strings" in wf["problem"] and "113 bytes" in wf["problem"]


def test_gguf_array_of_2_63_numbers(tmp_path: Path):
    wf = one_file(hostile.gguf_huge_scalar_array, tmp_path)
    assert f"{1 << 63:,} elements" in wf["problem"]


def test_gguf_five_million_element_array_is_skipped_in_one_step(tmp_path: Path):
    wf = one_file(hostile.gguf_five_million, tmp_path)
    assert wf["problem"] is None and wf["format"] == "gguf" and wf["tensors"] == 0


def test_gguf_two_million_tensors(tmp_path: Path):
    wf = one_file(hostile.gguf_two_million_tensors, tmp_path)
    assert "2,000,000 tensors" in wf["problem"] and f"{headers.MAX_TENSORS:,}" in wf["problem"]


def test_gguf_string_array_cut_short():
    """Three strings declared, room for the count's minimum (8 bytes each), but the third is cut."""
    blob = hostile.gguf_bytes(hostile.gguf_array_kv("t", 8, 3, hostile.gguf_string("a") * 2 + b"\0" * 7), n_kv=1)
    with pytest.raises(headers.HeaderError, match="strings of 't' run past the end"):
        headers.parse_gguf(blob)


def test_gguf_tensor_beyond_the_file(tmp_path: Path):
    wf = one_file(hostile.gguf_tensor_past_end, tmp_path)
    assert f"{(1 << 40) * (1 << 20):,} elements" in wf["problem"] and wf["parameters"] is None


def test_safetensors_with_a_million_tensors(tmp_path: Path):
    wf = one_file(hostile.safetensors_many_tensors, tmp_path)
    assert wf["format"] == "safetensors" and wf["parameters"] is None
    assert f"more than {headers.MAX_TENSORS:,} tensor entries" in wf["problem"]


def test_onnx_with_three_million_initializers(tmp_path: Path):
    wf = one_file(hostile.onnx_three_million_initializers, tmp_path)
    assert f"more than {headers.MAX_TENSORS:,} initializers" in wf["problem"]


def test_onnx_negative_dimension_is_a_finding_not_a_count(tmp_path: Path):
    wf = one_file(hostile.onnx_negative_dims, tmp_path)
    assert wf["parameters"] is None and "negative dimension (-4)" in wf["problem"]


def test_onnx_field_longer_than_the_file(tmp_path: Path):
    wf = one_file(hostile.onnx_length_past_end, tmp_path)
    assert f"{1 << 40:,} bytes" in wf["problem"]


def test_onnx_with_300_thousand_nodes(tmp_path: Path):
    wf = one_file(hostile.onnx_many_nodes, tmp_path)
    assert f"more than {headers.MAX_ONNX_MESSAGES:,} nodes" in wf["problem"]


def test_onnx_flooded_with_fields(tmp_path: Path):
    wf = one_file(hostile.onnx_field_flood, tmp_path)
    assert f"more than {headers.MAX_ONNX_FIELDS:,} protobuf fields" in wf["problem"]


def test_index_with_a_5000_digit_integer(tmp_path: Path):
    (result,) = read_folder(Path(hostile.index_huge_integer(tmp_path)[-1])).values()
    assert "5,000 digits" in result["index_problem"]


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("name", ["pytorch_model.bin", "model.ckpt", "model.safetensors"])
def test_pickles_of_every_protocol_are_unsafe(tmp_path: Path, protocol: int, name: str):
    wf = _read(tmp_path, name, hostile.state_dict_pickle(protocol))
    assert wf.unsafe and wf.format == "pickle"
    assert (wf.problem is not None) == (name == "model.safetensors")  # a pickle in disguise is also named


def test_a_long_protocol_0_pickle_cut_by_the_window_is_still_one(tmp_path: Path):
    big = pickle.dumps({f"layer{i}.weight": [float(j) for j in range(50)] for i in range(100)}, protocol=0)
    assert len(big) > headers.PICKLE_WINDOW
    assert _read(tmp_path, "pytorch_model.bin", big).unsafe


@pytest.mark.parametrize("content", [b"hello world\n", b"# a model\n\nsome text", b"\x00" * 100,
                                     json.dumps({"a": [1, 2]}).encode(), b"(not a pickle at all"],
                         ids=["text", "markdown", "zeros", "json", "paren-text"])
def test_files_that_are_not_pickles_are_not_called_pickles(tmp_path: Path, content: bytes):
    wf = _read(tmp_path, "pytorch_model.bin", content)
    assert not wf.unsafe and wf.format == "other"


COMPRESSORS = {"gzip": gzip.compress, "zlib": zlib.compress, "bz2": bz2.compress, "xz": lzma.compress,
               "lzma": lambda b: lzma.compress(b, format=lzma.FORMAT_ALONE)}


@pytest.mark.parametrize("packed", sorted(COMPRESSORS))
def test_compressed_pickles_are_unsafe(tmp_path: Path, packed: str):
    """joblib compresses its pickles with one of these; the stream is opened, never unpickled."""
    big = pickle.dumps({f"w{i}": np.random.default_rng(i).random(2000) for i in range(60)}, protocol=4)
    wf = _read(tmp_path, "model.joblib", COMPRESSORS[packed](big))
    assert wf.unsafe and wf.format == "pickle" and wf.detail.startswith(f"{packed}-compressed")
    text = _read(tmp_path, "notes.bin", COMPRESSORS[packed](b"just some text, not a pickle\n" * 100))
    assert not text.unsafe and text.format == "other"


def test_a_compression_bomb_is_opened_only_a_window_deep(tmp_path: Path):
    packer = zlib.compressobj(9)
    chunks = [packer.compress(b"\x80\x04")]  # a PROTO opcode, then 200 MB of zeros
    chunks += [packer.compress(bytes(1 << 20)) for _ in range(200)]
    path = tmp_path / "bomb.bin"
    path.write_bytes(b"".join(chunks) + packer.flush())
    # The child's own peak (VmHWM): getrusage's maxrss keeps the forking parent's peak across
    # exec on Linux, so it would measure the pytest worker that started the child.
    proc = _child("import sys\nfrom trueopen.evidence import headers\n"
                  "print(headers.is_compressed_pickle(open(sys.argv[1], 'rb').read(), 'zlib'))\n"
                  "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
                  "print(int(hwm.split()[1]) // 1024)", str(path), timeout=300)
    found, peak_mb = proc.stdout.split()
    assert proc.returncode == 0 and found == "True"
    assert int(peak_mb) < 250  # inflating the 200 MB behind the opcode would pass 280 MB


def test_torch_zip_pickle_after_ten_thousand_members(tmp_path: Path):
    wf = one_file(hostile.torch_zip_late_pickle, tmp_path)
    assert wf["unsafe"] and "PyTorch zip" in wf["detail"]


def test_zip_declaring_more_members_than_it_holds(tmp_path: Path):
    wf = one_file(hostile.zip_huge_member_count, tmp_path)
    assert "65,000 zip members" in wf["problem"] and "not checked for pickles" in wf["problem"]


def test_nemo_tar_with_a_torch_checkpoint_is_unsafe(tmp_path: Path):
    wf = one_file(hostile.nemo_tar, tmp_path)
    assert wf["unsafe"] and wf["format"] == "pickle" and "tar archive" in wf["detail"]


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_tar_without_pickles_and_compressed_tar(tmp_path: Path):
    plain = _tar({"model_config.yaml": b"name: x\n", "weights.safetensors": _safetensors_seed()})
    wf = _read(tmp_path, "model.nemo", plain)
    assert (wf.format, wf.unsafe, wf.problem) == ("tar", False, None)
    packed = _read(tmp_path, "packed.nemo", gzip.compress(_tar({"model_weights.ckpt": hostile.state_dict_pickle(2)})))
    assert not packed.unsafe and "gzip-compressed tar archive: not checked for pickles" in packed.problem


def test_tar_header_declaring_gigabytes_of_metadata(tmp_path: Path):
    wf = one_file(hostile.tar_huge_pax_header, tmp_path)
    assert f"{2 << 30:,} bytes of metadata" in wf["problem"] and not wf["unsafe"]


def test_zip_member_count_of_zip64_and_commented_archives():
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w") as z:  # over 65,535 members: the count is in the zip64 record
        for i in range(70_000):
            z.writestr(str(i), b"")
    commented = io.BytesIO()
    with zipfile.ZipFile(commented, "w") as z:
        z.writestr("a", b"x")
        z.comment = b"PK\x05\x06" + b"\xff" * 30  # an end-record signature inside the comment
    data = big.getvalue()
    assert headers.zip_member_count(io.BytesIO(data), len(data)) == len(zipfile.ZipFile(big).namelist()) == 70_000
    data = commented.getvalue()  # (zipfile itself takes the signature in the comment, and fails)
    assert headers.zip_member_count(io.BytesIO(data), len(data)) == 1


def test_object_npy_is_unsafe_and_numeric_npy_is_not(tmp_path: Path):
    obj, num = tmp_path / "obj.npy", tmp_path / "num.npy"
    np.save(obj, np.array([{"a": 1}, "b"], dtype=object), allow_pickle=True)  # written, never loaded
    np.save(num, np.zeros((3, 2), dtype=np.float32))
    o = weights.read(files.FileEntry(obj.name, obj.stat().st_size, obj))
    n = weights.read(files.FileEntry(num.name, num.stat().st_size, num))
    assert o.unsafe and o.format == "pickle" and "dtype object" in o.detail
    assert not n.unsafe and n.format == "numpy" and "(3, 2)" in n.detail


def test_npz_with_one_object_array_is_unsafe(tmp_path: Path):
    p = tmp_path / "w.npz"
    np.savez(p, w=np.zeros(4, dtype=np.float32), meta=np.array([{"k": 1}], dtype=object))
    safe = tmp_path / "safe.npz"
    np.savez_compressed(safe, w=np.zeros(4, dtype=np.float32))
    assert weights.read(files.FileEntry(p.name, p.stat().st_size, p)).unsafe
    assert not weights.read(files.FileEntry(safe.name, safe.stat().st_size, safe)).unsafe


def _odd_npy(descr: str) -> bytes:
    """A .npy header NumPy accepts but does not write: keys in another order."""
    text = "{'shape': (1,), 'fortran_order': False, 'descr': '%s'}" % descr
    text = text.ljust(-(-(len(text) + 11) // 64) * 64 - 11) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode() + b"\0" * 8


def test_npz_headers_in_unusual_forms_are_parsed_then_bounded(tmp_path: Path):
    hidden = tmp_path / "hidden.npz"
    with zipfile.ZipFile(hidden, "w") as z:
        z.writestr("w.npy", _odd_npy("<f4"))
        z.writestr("o.npy", _odd_npy("|O"))
    assert weights.read(files.FileEntry(hidden.name, hidden.stat().st_size, hidden)).unsafe
    many = tmp_path / "many.npz"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(headers.MAX_NPY_PARSED + 1):
            z.writestr(f"a{i}.npy", _odd_npy("<f4"))
    wf = weights.read(files.FileEntry(many.name, many.stat().st_size, many))
    assert not wf.unsafe and f"more than {headers.MAX_NPY_PARSED:,} array headers" in wf.problem


# ---- through the CLI ----------------------------------------------------------------------------

def test_all_hostile_weight_files_in_one_audit(tmp_path: Path):
    """Every case in one folder: one audit, exit 1, a warning for each file, within 2 GiB."""
    for case in hostile.CASES:
        case.build(tmp_path / case.name)
    proc = _cli("audit", str(tmp_path), "--format", "json")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    warned = {n["path"].split("/", 1)[0] for n in doc["notices"] if n["level"] == "warning"}
    assert warned >= {c.name for c in hostile.CASES if c.name != "gguf-5M-element-array"}
    unsafe = {p.split("/", 1)[0] for p in doc["weights"]["unsafe_formats"]}
    assert unsafe == {"pickle-protocol-0-bin", "pickle-protocol-1-bin", "torch-zip-pkl-after-10000-names",
                      "npy-object-dtype", "npz-object-dtype", "zlib-compressed-pickle-joblib",
                      "nemo-tar-with-torch-checkpoint"}


@pytest.mark.parametrize("case", [c for c in hostile.CASES if c.name in (
    "gguf-2^63-string-array", "gguf-5M-element-array", "onnx-3M-initializers", "pickle-protocol-0-bin",
    "index-5000-digit-integer")],
    ids=lambda c: c.name)
def test_hostile_cases_through_the_cli(tmp_path: Path, case):
    proc = _cli(*case.build(tmp_path))
    assert proc.returncode in case.exits and "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert len(proc.stderr.strip().splitlines()) == 1


# ---- fuzzing: random and mutated headers raise HeaderError or nothing, in bounded time ----------

def _flip(seed: bytes, flips) -> bytes:
    b = bytearray(seed)
    for i, v in flips:
        b[i % len(b)] = v
    return bytes(b)


def _put_u64(seed: bytes, at: int, value: int, order: str = "<") -> bytes:
    return seed[:at] + struct.pack(order + "Q", value) + seed[at + 8:]


def mutations(seed: bytes, count_offsets: tuple[int, ...] = ()):
    """Truncations, byte flips, splices, random bytes, and (for headers with counts at known
    offsets) any 64-bit value written over a count."""
    strategies = [
        st.integers(0, len(seed)).map(lambda n: seed[:n]),
        st.lists(st.tuples(st.integers(0, len(seed) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
            lambda flips: _flip(seed, flips)),
        st.tuples(st.integers(0, len(seed)), st.binary(max_size=64)).map(lambda t: seed[:t[0]] + t[1] + seed[t[0]:]),
        st.binary(max_size=512),
    ]
    if count_offsets:
        strategies.append(st.tuples(st.sampled_from(count_offsets), st.integers(0, (1 << 64) - 1)).map(
            lambda t: _put_u64(seed, *t)))
    return st.one_of(*strategies)


def _gguf_seed() -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as t:
        write_gguf(Path(t) / "s.gguf", tokens=20)
        return (Path(t) / "s.gguf").read_bytes()


GGUF_SEED = _gguf_seed()
# offsets of every u64 length in the seed: tensor count, KV count, and each string and array length
GGUF_LENGTHS = (8, 16, 24, *(i for i in range(24, min(len(GGUF_SEED), 1200) - 8)
                              if 0 < struct.unpack_from("<Q", GGUF_SEED, i)[0] < 5000))


@FUZZ
@given(blob=mutations(GGUF_SEED, GGUF_LENGTHS))
def test_fuzz_gguf(tmp_path: Path, blob: bytes):
    try:
        head = headers.parse_gguf(blob, {"general.name"})
    except headers.HeaderError:
        head = None
    # whatever was accepted lies inside the file
    assert head is None or len(head.tensors) <= len(blob) // 24
    wf = _read(tmp_path, "model.gguf", blob)
    assert (wf.problem is None) == (head is not None) or wf.format != "gguf"
    if blob == GGUF_SEED:
        assert wf.parameters == 8 * 64 + 64 + 4 * 64 and wf.problem is None


def _onnx_seed() -> bytes:
    from onnx import TensorProto, helper

    w = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [0.5] * 6)
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    cond = helper.make_node("Constant", [], ["c"], value=helper.make_tensor("c", TensorProto.FLOAT, [1], [1.0]))
    graph = helper.make_graph([node, cond], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], initializer=[w])
    return helper.make_model(graph, producer_name="test").SerializeToString()


ONNX_SEED = _onnx_seed()


@FUZZ
@given(blob=mutations(ONNX_SEED))
def test_fuzz_onnx_walk(blob: bytes):
    try:
        counts = headers.count_onnx(blob)
    except headers.HeaderError:
        return
    assert counts.messages <= len(blob) // 2


@FUZZ
@given(blob=mutations(ONNX_SEED))
def test_fuzz_onnx_file(tmp_path: Path, blob: bytes):
    wf = _read(tmp_path, "model.onnx", blob)
    assert wf.problem is not None or wf.parameters is not None or wf.format != "onnx"
    if blob == ONNX_SEED:
        assert wf.parameters == 6 and wf.problem is None


def _safetensors_seed() -> bytes:
    from safetensors.numpy import save

    return save({"a": np.zeros((3, 4), dtype=np.float32), "b": np.ones((5,), dtype=np.int64)}, metadata={"k": "v"})


ST_SEED = _safetensors_seed()


@FUZZ
@given(blob=mutations(ST_SEED, (0,)))
def test_fuzz_safetensors(tmp_path: Path, blob: bytes):
    try:
        n = headers.check_safetensors(io.BytesIO(blob), len(blob))
    except headers.HeaderError:
        n = None
    assert n is None or n <= len(blob) - 8
    wf = _read(tmp_path, "model.safetensors", blob)
    assert (wf.parameters is None) == (wf.problem is not None) or wf.format != "safetensors"


@FUZZ
@given(blob=st.one_of(*(mutations(hostile.state_dict_pickle(p)) for p in (0, 1, 2)),
                      st.text(max_size=300).map(str.encode)))
def test_fuzz_pickle_sniffing(blob: bytes):
    assert headers.is_old_pickle(blob) in (True, False)


@FUZZ
@given(packed=st.sampled_from(sorted(COMPRESSORS)), blob=st.binary(max_size=600), cut=st.integers(0, 600))
def test_fuzz_compressed_sniffing(packed: str, blob: bytes, cut: int):
    stream = COMPRESSORS[packed](blob)
    for data in (stream, stream[:cut], stream[:4] + blob):
        assert headers.is_compressed_pickle(data, packed) in (True, False)
    assert headers.is_compressed_pickle(stream, packed) == headers.is_pickle_start(blob[:headers.PICKLE_WINDOW])


TAR_SEED = _tar({"model_config.yaml": b"name: x\n", "model_weights.ckpt": hostile.state_dict_pickle(2)})


@FUZZ
@given(blob=mutations(TAR_SEED, (124, 636)))
def test_fuzz_tar(tmp_path: Path, blob: bytes):
    try:
        found = headers.tar_pickles(io.BytesIO(blob), len(blob), weights.PICKLE_SUFFIXES)
    except headers.HeaderError:
        found = None
    if blob == TAR_SEED:
        assert found == ["model_weights.ckpt"]
    wf = _read(tmp_path, "model.nemo", blob)
    assert wf.unsafe or wf.format != "pickle"


def _npy_seed() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.zeros((2, 3), dtype="<f4"))
    return buf.getvalue()


@FUZZ
@given(blob=mutations(_npy_seed()))
def test_fuzz_npy_header(blob: bytes):
    fast = headers.npy_is_object(io.BytesIO(blob))
    try:
        shape, dtype = headers.npy_header(io.BytesIO(blob))
    except headers.HeaderError:
        return
    assert isinstance(shape, tuple)
    assert fast is None or fast == dtype.hasobject  # the direct reading agrees with NumPy's


@pytest.mark.parametrize("array", [np.zeros((2, 3), dtype="<f4"), np.zeros(5, dtype=">i8"), np.array(3.0),
                                   np.array(["ab"]), np.array([None, {"a": 1}], dtype=object),
                                   np.zeros(2, dtype=[("a", "<f4"), ("b", object)]), np.zeros((1, 2), order="F")],
                         ids=["f4", "i8-big", "scalar", "unicode", "object", "struct-with-object", "fortran"])
def test_npy_direct_reading_agrees_with_numpy(array):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)  # written, never loaded
    fast = headers.npy_is_object(io.BytesIO(buf.getvalue()))
    assert fast is None or fast == array.dtype.hasobject
    if array.dtype.names is None:
        assert fast == array.dtype.hasobject  # the form NumPy writes for plain dtypes is read directly


def _zip_seed() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", hostile.state_dict_pickle(2))
        z.writestr("archive/data/0", b"\0" * 16)
    return buf.getvalue()


ZIP_SEED = _zip_seed()


@FUZZ
@given(blob=mutations(ZIP_SEED))
def test_fuzz_zip_members(tmp_path: Path, blob: bytes):
    try:
        n = headers.zip_member_count(io.BytesIO(blob), len(blob))
    except headers.HeaderError:
        n = None
    assert n is None or n <= len(blob) // 46
    wf = _read(tmp_path, "model.pt", blob)
    if blob == ZIP_SEED:
        assert wf.unsafe


@FUZZ
@given(index=st.one_of(
    st.tuples(st.sampled_from(["", "-"]), st.integers(1, 6000)).map(
        lambda t: '{"metadata": {"total_size": %s%s}, "weight_map": {}}' % (t[0], "7" * t[1])),
    st.integers(1, 50_000).map(lambda n: "[" * n + "]" * n),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_fuzz_index(tmp_path: Path, index: str):
    p = tmp_path / "model.safetensors.index.json"
    p.write_text(index, encoding="utf-8", errors="surrogatepass")
    info, problem = weights.read_index(files.FileEntry(p.name, p.stat().st_size, p))
    assert problem is not None or isinstance(info["shards"], list)

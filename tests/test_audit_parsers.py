"""Property-based tests: every parser of untrusted bytes returns a result or a reported problem,
never an exception, whatever it is fed. Inputs are real files, mutated."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trueopen.evidence import card, files, weights

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _real_safetensors() -> bytes:
    from safetensors.numpy import save

    return save({"a": np.zeros((3, 4), dtype=np.float32), "b": np.ones((5,), dtype=np.int64)}, metadata={"k": "v"})


def _real_gguf(tmp: Path) -> bytes:
    import gguf

    path = tmp / "seed.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_license("mit")
    w.add_context_length(128)
    w.add_tensor("t", np.zeros((4, 4), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path.read_bytes()


SEED_ST = _real_safetensors()


def _mutations(seed: bytes):
    """Truncations, byte flips and splices of a valid file: the shapes real corruption takes."""
    return st.one_of(
        st.integers(0, len(seed)).map(lambda n: seed[:n]),
        st.lists(st.tuples(st.integers(0, len(seed) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
            lambda flips: _flip(seed, flips)),
        st.binary(max_size=64).map(lambda junk: seed[:16] + junk + seed[16:]),
        st.binary(max_size=512),
    )


def _flip(seed: bytes, flips) -> bytes:
    b = bytearray(seed)
    for i, v in flips:
        b[i] = v
    return bytes(b)


def _read_as(tmp: Path, name: str, data: bytes) -> weights.WeightFile:
    p = tmp / name
    p.write_bytes(data)
    return weights.read(files.FileEntry(name, len(data), p))


@SETTINGS
@given(data=_mutations(SEED_ST))
def test_safetensors_reader_never_raises(tmp_path: Path, data: bytes):
    wf = _read_as(tmp_path, "model.safetensors", data)
    if data == SEED_ST:
        assert wf.parameters == 17 and wf.problem is None
    # a file named .safetensors is either read (with a count) or reported, never silently empty
    assert (wf.parameters is not None) or (wf.problem is not None) or wf.format not in ("safetensors",)
    assert (wf.parameters is None) == (wf.tensors is None)


def test_safetensors_seed_is_read(tmp_path: Path):
    wf = _read_as(tmp_path, "model.safetensors", SEED_ST)
    assert (wf.parameters, wf.tensors, wf.dtypes, wf.metadata) == (17, 2, {"F32": 12, "I64": 5}, {"k": "v"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_gguf_reader_never_raises(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("gguf")
    seed = _real_gguf(tmp)
    blob = data.draw(_mutations(seed))
    wf = _read_as(tmp, "model.gguf", blob)
    if blob == seed:
        assert wf.parameters == 16 and wf.metadata["general.license"] == "mit"
    else:
        assert wf.parameters is not None or wf.problem is not None or wf.format != "gguf"


@SETTINGS
@given(data=st.binary(max_size=2048), name=st.sampled_from(["m.onnx", "m.bin", "m.pt", "m.ckpt", "m.h5", "m.npz",
                                                            "m.tflite", "m.pkl"]))
def test_any_weight_file_never_raises(tmp_path: Path, data: bytes, name: str):
    wf = _read_as(tmp_path, name, data)
    assert wf.bytes == len(data)


@SETTINGS
@given(index=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                       st.recursive(st.none() | st.integers() | st.text(max_size=10),
                                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                                    max_leaves=20).map(lambda o: json.dumps({"weight_map": o}).encode())))
def test_index_reader_never_raises(tmp_path: Path, index: bytes):
    p = tmp_path / "model.safetensors.index.json"
    p.write_bytes(index)
    info, problem = weights.read_index(files.FileEntry(p.name, len(index), p))
    assert problem is not None or isinstance(info["shards"], list)


CARD_SEED = "---\nlicense: apache-2.0\ndatasets: [a, b]\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n" \
            "    dataset: {type: d, name: D}\n    metrics: [{type: acc, value: 0.5}]\n---\n# M\n## Limitations\n```\n# x\n```\n"


@SETTINGS
@given(text=st.one_of(st.text(max_size=2000), st.integers(0, len(CARD_SEED)).map(lambda n: CARD_SEED[:n]),
                      st.text(max_size=200).map(lambda t: CARD_SEED.replace("0.5", t, 1)),
                      st.text(max_size=200).map(lambda t: "---\n" + t + "\n---\n# T\n")))
def test_card_parser_never_raises(text: str):
    c = card.parse(text, "README.md")
    assert 0.0 <= c.score <= 1.0
    if text == CARD_SEED:
        assert c.eval_results and c.strings("datasets") == ["a", "b"] and [h[0] for h in c.headings] == ["M", "Limitations"]


@SETTINGS
@given(raw=st.binary(max_size=4096))
def test_text_reader_never_raises(tmp_path: Path, raw: bytes):
    p = tmp_path / "f.md"
    p.write_bytes(raw)
    out = files.read_text(files.FileEntry("f.md", len(raw), p))
    assert out is None or isinstance(out, str)

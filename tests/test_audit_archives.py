"""`audit`, `bom` and `check` on model archives read in place (.zip, .tar, .tar.gz, .tar.xz): the
real MiniLM folder and folders written with the formats' own libraries, archived with the standard
library, must audit exactly as the folder does; hostile archives give a notice or a one-line error."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import tarfile
import warnings
import zipfile
from pathlib import Path

import pytest

from conftest import license_body, run_cli
from test_audit import gguf_save, st_save
from test_gate_check import sarif_errors

OFFLINE = {"HF_HUB_OFFLINE": "1"}
KINDS = {"zip": ".zip", "tar": ".tar", "gz": ".tar.gz", "xz": ".tar.xz", "bz2": ".tar.bz2"}


def archive(folder: Path, out: Path, kind: str) -> Path:
    """`folder` archived under its own name (the usual `model-name/...` layout)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for p in files:
                z.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    else:
        with tarfile.open(out, {"tar": "w", "gz": "w:gz", "xz": "w:xz", "bz2": "w:bz2"}[kind]) as t:
            t.add(folder, folder.name)
    return out


def audit_doc(source: Path, cwd: Path) -> dict:
    r = run_cli("audit", str(source), "--format", "json", "--offline", cwd=cwd, env=OFFLINE)
    assert r.code in (0, 1), r.err
    assert "Traceback" not in r.err
    return r.json()


def placeless(doc: dict, source: Path, inner: str = "") -> str:
    """The audit as JSON with where the source lies taken out: its path and URI (an archive
    member's URI is `file:///x.zip!/model/...`), and the source's kind."""
    doc = dict(doc, source={k: v for k, v in doc["source"].items() if k != "kind"})
    text = json.dumps(doc, sort_keys=True)
    uri = source.resolve().as_uri()
    for old in (uri + ("!/" + inner.rstrip("/") if inner else ""), uri, str(source)):
        text = text.replace(old, "SOURCE")
    return text


def weights_of(doc: dict) -> list[tuple]:
    return [(w["path"], w["format"], w["bytes"], w.get("parameters")) for w in doc["weight_files"]]


@pytest.fixture(scope="module")
def built(tmp_path_factory, scancode_licenses: Path) -> Path:
    """A model folder written by the formats' own libraries: safetensors, GGUF, a real Apache-2.0
    text, a card, a config and a pickle checkpoint."""
    d = tmp_path_factory.mktemp("built") / "tiny-model"
    st_save(d / "model.safetensors", {"a.weight": (16, 8), "b.bias": (8,)})
    (d / "gguf").mkdir()
    gguf_save(d / "gguf" / "tiny-f16.gguf")
    (d / "LICENSE").write_text(license_body(scancode_licenses / "apache-2.0.LICENSE"), encoding="utf-8")
    (d / "README.md").write_text("---\nlicense: apache-2.0\ndatasets: [wikitext]\n---\n# Tiny model\n\n"
                                 "## Intended uses\n\nTesting archives.\n", encoding="utf-8")
    (d / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama",
                                               "max_position_embeddings": 4096}), encoding="utf-8")
    (d / "optimizer.pt").write_bytes(pickle.dumps({"step": 1}, protocol=2))  # data only: a dict
    return d


@pytest.mark.parametrize("kind", ["zip", "tar", "gz"])
def test_minilm_archived_audits_exactly_like_the_folder(minilm_dir: Path, tmp_path: Path, kind: str):
    folder = audit_doc(minilm_dir, tmp_path)
    packed = archive(minilm_dir, tmp_path / f"minilm{KINDS[kind]}", kind)
    doc = audit_doc(packed, tmp_path)
    assert doc["source"]["kind"] == "archive"
    assert doc["verdict"] == folder["verdict"] and doc["name"] == folder["name"]
    assert weights_of(doc) == weights_of(folder) and weights_of(doc)[0][3] > 20_000_000
    assert placeless(doc, packed, "model/") == placeless(folder, minilm_dir)


@pytest.mark.parametrize("kind", ["zip", "xz"])
def test_built_folder_archived_audits_like_the_folder(built: Path, tmp_path: Path, kind: str):
    folder = audit_doc(built, tmp_path)
    assert {w["format"] for w in folder["weight_files"]} == {"safetensors", "gguf", "pickle"}
    assert "Apache-2.0" in json.dumps(folder["licenses"])
    packed = archive(built, tmp_path / f"tiny{KINDS[kind]}", kind)
    doc = audit_doc(packed, tmp_path)
    assert placeless(doc, packed, "tiny-model/") == placeless(folder, built)


def test_bom_hashes_members_like_the_files(minilm_dir: Path, built: Path, tmp_path: Path):
    want = hashlib.sha256((minilm_dir / "model.safetensors").read_bytes()).hexdigest()
    for kind, suffix in (("zip", ".whl"), ("gz", ".tgz")):  # a wheel is a zip; .tgz is .tar.gz
        packed = archive(minilm_dir, tmp_path / f"m{suffix}", kind)
        r = run_cli("bom", str(packed), "--offline", env=OFFLINE)
        assert r.code == 0, r.err
        doc = r.json()
        files = [c for c in doc["components"] if c["type"] == "file"]
        assert [(c["name"], c["hashes"][0]["content"]) for c in files] == [("model.safetensors", want)]
        assert f"m{suffix}!/model/README.md" in json.dumps(doc["components"])  # evidence inside the archive
    packed = archive(built, tmp_path / "tiny.tar.xz", "xz")
    r = run_cli("bom", str(packed), "--offline", env=OFFLINE)
    assert r.code == 0, r.err
    got = {c["name"]: c["hashes"][0]["content"] for c in r.json()["components"] if c["type"] == "file"}
    assert got == {p.relative_to(built).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                   for p in (built / "model.safetensors", built / "gguf/tiny-f16.gguf", built / "optimizer.pt")}
    r = run_cli("bom", str(packed), "--offline", "--no-hash", env=OFFLINE)
    files = [c for c in r.json()["components"] if c["type"] == "file"]
    assert r.code == 0 and len(files) == 3 and not any("hashes" in c for c in files)


def test_a_pytorch_checkpoint_inside_a_compressed_tar_is_flagged(tmp_path: Path):
    """Read in one pass, a .bin member cannot be opened as a zip; its first entry (data.pkl, as
    PyTorch writes it) still tells it holds a pickle."""
    d = tmp_path / "pt-model"
    d.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps({"w": 1}, protocol=2))
        z.writestr("archive/data/0", b"\0" * 64)
    (d / "pytorch_model.bin").write_bytes(buf.getvalue())
    (d / "README.md").write_text("---\nlicense: mit\n---\n# pt\n", encoding="utf-8")
    for kind in ("zip", "gz", "bz2"):
        doc = audit_doc(archive(d, tmp_path / f"pt{KINDS[kind]}", kind), tmp_path)
        [w] = doc["weight_files"]
        assert (w["format"], w["unsafe"]) == ("pickle", True), w


def test_check_locates_archive_members_in_sarif(tmp_path: Path, scancode_licenses: Path):
    d = tmp_path / "ft"
    d.mkdir()
    (d / "LICENSE").write_text(license_body(scancode_licenses / "llama-2-license-2023.LICENSE"), encoding="utf-8")
    (d / "README.md").write_text("# A fine-tune\n\nWeights for a small model.\n", encoding="utf-8")
    (d / "model.bin").write_bytes(pickle.dumps({"w": [1, 2]}, protocol=2))
    pol = tmp_path / "p.yaml"
    pol.write_text("rights: {users: 800M}\nweights: {forbid_formats: [pickle]}\n", encoding="utf-8")
    folder = run_cli("check", "ft", "--policy", str(pol), "--format", "sarif", "--offline", cwd=tmp_path)
    folder_line = {x["ruleId"]: x["locations"][0]["physicalLocation"].get("region", {}).get("startLine")
                   for x in json.loads(folder.out)["runs"][0]["results"]}
    archive(d, tmp_path / "ft.zip", "zip")
    r = run_cli("check", "ft.zip", "--policy", str(pol), "--format", "sarif", "--offline", cwd=tmp_path)
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    assert sarif_errors(doc) == []
    run = doc["runs"][0]
    results = {x["ruleId"]: x for x in run["results"]}
    assert set(results) == {"right-users", "weights-format"}
    for rule, member in (("right-users", "ft/LICENSE"), ("weights-format", "ft/model.bin")):
        res = results[rule]
        loc = res["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uri"] == "ft.zip"
        assert "region" not in loc["physicalLocation"]  # the archive's lines are not the member's
        assert loc["properties"]["archiveMember"] == member
        related = res["relatedLocations"][0]["physicalLocation"]
        art = run["artifacts"][related["artifactLocation"]["index"]]
        assert art["location"]["uri"] == member and run["artifacts"][art["parentIndex"]]["location"]["uri"] == "ft.zip"
        assert related.get("region", {}).get("startLine") == folder_line[rule]
    assert folder_line["right-users"] and results["right-users"]["relatedLocations"][0]["message"]["text"] == \
        f"ft.zip!/ft/LICENSE:{folder_line['right-users']}"
    table = run_cli("check", "ft.zip", "--policy", str(pol), "--offline", cwd=tmp_path)
    assert f"ft.zip!/ft/LICENSE:{folder_line['right-users']}" in table.out


# ---- hostile archives ----------------------------------------------------------------------------

def zip_with(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name), data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            z.writestr(info, target)
    return path


CARD = b"---\nlicense: mit\n---\n# m\n"


def one_line_error(r, name: str) -> None:
    assert r.code == 2, r.out + r.err
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1 and name in r.err, r.err


def notices_of(r) -> str:
    assert r.code in (0, 1) and "Traceback" not in r.err, r.err
    return json.dumps(r.json()["notices"])


def test_unsafe_member_names_links_and_duplicates_are_warnings_never_read(tmp_path: Path):
    z = zip_with(tmp_path / "evil.zip", {"m/README.md": CARD, "m/../../escape.txt": b"x", "/etc/cron.d/x": b"x"},
                 links={"m/LICENSE": "/etc/passwd"})
    with zipfile.ZipFile(z, "a") as zz, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate it is asked to write
        zz.writestr("m/config.json", b"{}")
        zz.writestr("m/config.json", b'{"auto_map": {"AutoModel": "evil.Model"}}')
    r = run_cli("audit", str(z), "--format", "json", "--offline", env=OFFLINE)
    text = notices_of(r)
    for what in ("'..' in its path", "an absolute path", "a symbolic link", "appears 2 times"):
        assert what in text, text
    assert "evil.zip!/m/LICENSE" in text
    doc = r.json()
    assert doc["weight_files"] == [] and "LICENSE" not in json.dumps(doc["licenses"])
    assert "auto_map" not in text  # neither copy of the duplicated config.json was read
    warned = {n["path"].split("!/", 1)[-1] for n in doc["notices"] if n["level"] == "warning"}
    assert {"m/../../escape.txt", "/etc/cron.d/x", "m/config.json"} <= warned, doc["notices"]
    assert "m/LICENSE" not in warned  # a zip link is not followed, but says nothing of where it points
    assert r.code == 1  # what an extractor would turn into an attack fails the audit, as a pickle does
    t = tmp_path / "evil.tar"
    with tarfile.open(t, "w") as tar:
        for name, kind, target in (("m/LICENSE", tarfile.SYMTYPE, "../../etc/passwd"), ("m/dev", tarfile.CHRTYPE, ""),
                                   ("m/fifo", tarfile.FIFOTYPE, "")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info)
        info = tarfile.TarInfo("m/README.md")
        info.size = len(CARD)
        tar.addfile(info, io.BytesIO(CARD))
    r = run_cli("audit", str(t), "--format", "json", "--offline", env=OFFLINE)
    text = notices_of(r)
    for what in ("(outside the archive)", "a device; not read", "a FIFO (named pipe); not read"):
        assert what in text, text
    assert {n["path"].split("!/", 1)[-1] for n in r.json()["notices"] if n["level"] == "warning"} >= {
        "m/LICENSE", "m/dev", "m/fifo"} and r.code == 1


def test_zip_and_gzip_bombs_are_bounded(tmp_path: Path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zz:
        zz.writestr("m/README.md", CARD)
        with zz.open("m/model.safetensors", "w", force_zip64=True) as fh:
            for _ in range(8):
                fh.write(b"\0" * (1 << 20))
    assert z.stat().st_size < 1 << 20
    text = notices_of(run_cli("audit", str(z), "--format", "json", "--offline", env=OFFLINE))
    assert "like a zip bomb" in text and "bomb.zip!/m/model.safetensors" in text
    g = tmp_path / "bomb.tar.gz"
    with tarfile.open(g, "w:gz") as tar:
        info = tarfile.TarInfo("m/README.md")
        info.size = len(CARD)
        tar.addfile(info, io.BytesIO(CARD))
        info = tarfile.TarInfo("m/zeros.bin")
        info.size = 160 << 20

        class Zeros(io.RawIOBase):
            left = info.size

            def readable(self):
                return True

            def readinto(self, b):
                n = min(len(b), self.left)
                b[:n] = bytes(n)
                self.left -= n
                return n

        tar.addfile(info, io.BufferedReader(Zeros()))
        info = tarfile.TarInfo("m/after.txt")
        tar.addfile(info, io.BytesIO(b""))
    assert g.stat().st_size < 1 << 20
    r = run_cli("audit", str(g), "--format", "json", "--offline", env=OFFLINE)
    assert "decompression bomb" in notices_of(r)
    one_line_error(run_cli("bom", str(g), "--offline", env=OFFLINE), "bomb.tar.gz!/m/zeros.bin")


def test_truncated_and_fake_archives_are_one_line_errors(tmp_path: Path, built: Path):
    packed = archive(built, tmp_path / "whole.zip", "zip")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(packed.read_bytes()[: packed.stat().st_size // 2])
    one_line_error(run_cli("audit", str(cut), "--offline", env=OFFLINE), "cut.zip")
    fake = tmp_path / "notes.zip"
    fake.write_text("just text\n", encoding="utf-8")
    one_line_error(run_cli("audit", str(fake), "--offline", env=OFFLINE), "notes.zip")
    faketar = tmp_path / "notes.tar.gz"
    faketar.write_text("just text\n", encoding="utf-8")
    one_line_error(run_cli("bom", str(faketar), "--offline", env=OFFLINE), "notes.tar.gz")
    tgz = archive(built, tmp_path / "whole.tar.gz", "gz")
    short = tmp_path / "short.tar.gz"
    short.write_bytes(tgz.read_bytes()[: tgz.stat().st_size * 2 // 3])
    r = run_cli("audit", str(short), "--format", "json", "--offline", env=OFFLINE)
    if r.code == 2:
        one_line_error(r, "short.tar.gz")
    else:
        assert "read stopped after" in notices_of(r)
    r = run_cli("bom", str(short), "--offline", env=OFFLINE)
    assert r.code in (0, 1, 2) and "Traceback" not in r.err, r.err

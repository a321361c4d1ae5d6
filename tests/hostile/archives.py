"""Hostile model archives read in place: member names that escape, links out, devices, a zip
bomb, duplicated names with control characters, truncated and fake archives. Each must end in a
notice (exit 0 or 1) or one line (exit 2), never a traceback, within the runner's memory cap."""

from __future__ import annotations

import io
import tarfile
import warnings
import zipfile
from pathlib import Path

from . import Case

CARD = b"---\nlicense: mit\n---\n# m\n"


def _zip(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(zipfile.ZipInfo(member), data)
    return path


def zip_slip(folder: Path) -> list[str]:
    z = _zip(folder, "slip.zip", {"m/README.md": CARD, "m/../../../tmp/PWNED": b"x", "/tmp/PWNED": b"x",
                                  "m\\..\\..\\PWNED": b"x"})
    return ["audit", str(z), "--format", "json"]


def zip_bomb(folder: Path) -> list[str]:
    path = folder / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("m/README.md", CARD)
        with z.open("m/model.safetensors", "w", force_zip64=True) as fh:
            for _ in range(16):
                fh.write(bytes(1 << 20))
    return ["bom", str(path)]


def zip_duplicates_with_escapes(folder: Path) -> list[str]:
    z = _zip(folder, "dup.zip", {"m/README.md": CARD, "m/\x1b[31mLICENSE\u202e": b"MIT"})
    with zipfile.ZipFile(z, "a") as zz, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate it is asked to write
        zz.writestr("m/README.md", b"---\nlicense: other\n---\n")
    return ["audit", str(z)]


def tar_links_and_devices(folder: Path) -> list[str]:
    path = folder / "links.tar"
    with tarfile.open(path, "w") as tar:
        for name, kind, target in (("m/LICENSE", tarfile.SYMTYPE, "/etc/passwd"), ("m/model.bin", tarfile.LNKTYPE,
                                   "../../../../dev/zero"), ("m/zero", tarfile.CHRTYPE, ""), ("m/pipe", tarfile.FIFOTYPE, "")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.devmajor, info.devminor = kind, target, 1, 5
            tar.addfile(info)
        info = tarfile.TarInfo("m/README.md")
        info.size = len(CARD)
        tar.addfile(info, io.BytesIO(CARD))
    return ["audit", str(path), "--format", "json"]


def tar_huge_pax_header(folder: Path) -> list[str]:
    """A pax header declaring 4 GiB of metadata: tarfile would try to read it whole."""
    path = folder / "pax.tar"
    info = tarfile.TarInfo("././@PaxHeader")
    info.type, info.size = tarfile.XHDTYPE, 4 << 30
    path.write_bytes(info.tobuf(tarfile.USTAR_FORMAT) + b"x" * 512)
    return ["audit", str(path)]


def truncated_zip(folder: Path) -> list[str]:
    whole = _zip(folder, "whole.zip", {"m/README.md": CARD, "m/LICENSE": b"MIT License\n" * 500})
    cut = folder / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:200])
    return ["audit", str(cut)]


def not_a_tar_gz(folder: Path) -> list[str]:
    path = folder / "model.tar.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + b"not really gzip" * 10)
    return ["bom", str(path)]


CASES = [
    Case("archive-zip-slip", zip_slip, exits=(0, 1)),
    Case("archive-zip-bomb-bom", zip_bomb, exits=(0, 1)),
    Case("archive-zip-duplicates-escapes", zip_duplicates_with_escapes, exits=(0, 1)),
    Case("archive-tar-links-devices", tar_links_and_devices, exits=(0, 1)),
    Case("archive-tar-huge-pax", tar_huge_pax_header, exits=(2,)),
    Case("archive-truncated-zip", truncated_zip, exits=(2,)),
    Case("archive-not-gzip", not_a_tar_gz, exits=(2,)),
]

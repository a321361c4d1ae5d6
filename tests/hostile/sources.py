"""Hostile sources, names, paths and arguments: git metadata pointing at devices or other files,
FIFOs and devices named on the command line, Hub names and revisions built to escape the cache,
git URLs that would run a command, and `-o` aimed at things that are not files.

Each builder writes its input under the folder it is given and returns the arguments after
`trueopen`. Nothing here needs the network: every Hub name is refused before any lookup.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from . import Case

SECRET = "hf_notarealtokenbutlookslikeone0123456789"  # what a `ref: /abs/path` used to print


def git_repo(folder: Path, name: str = "repo") -> Path:
    """A real one-commit repository made with `git init` (no user config needed)."""
    d = folder / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "README.md").write_text("---\nlicense: mit\n---\n# A model\n", encoding="utf-8")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}
    for cmd in (["init", "-q", "-b", "main"], ["add", "README.md"],
                ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one"]):
        subprocess.run(["git", *cmd], cwd=d, env=env, check=True, capture_output=True, timeout=60)
    return d


def _replace(path: Path, how) -> None:
    path.unlink()
    how(path)


def head_dev_zero(folder: Path) -> list[str]:
    d = git_repo(folder)
    _replace(d / ".git" / "HEAD", lambda p: p.symlink_to("/dev/zero"))
    return ["audit", str(d), "--format", "json"]


def head_fifo(folder: Path) -> list[str]:
    d = git_repo(folder)
    _replace(d / ".git" / "HEAD", os.mkfifo)
    return ["audit", str(d), "--format", "json"]


def head_abs_ref(folder: Path) -> list[str]:
    (folder / "token").write_text(SECRET + "\n", encoding="utf-8")
    d = git_repo(folder)
    (d / ".git" / "HEAD").write_text(f"ref: {folder / 'token'}\n", encoding="utf-8")
    return ["audit", str(d), "--format", "json"]


def head_dotdot_ref(folder: Path) -> list[str]:
    (folder / "token").write_text(SECRET + "\n", encoding="utf-8")
    d = git_repo(folder)
    (d / ".git" / "HEAD").write_text("ref: refs/heads/../../../token\n", encoding="utf-8")
    return ["audit", str(d), "--format", "json"]


def ref_links_out(folder: Path) -> list[str]:
    """refs/heads/main linked to a file outside .git that looks like a commit."""
    (folder / "elsewhere").write_text("ab" * 20 + "\n", encoding="utf-8")
    d = git_repo(folder)
    _replace(d / ".git" / "refs" / "heads" / "main", lambda p: p.symlink_to(folder / "elsewhere"))
    return ["audit", str(d), "--format", "json"]


def packed_refs_dev_zero(folder: Path) -> list[str]:
    d = git_repo(folder)
    (d / ".git" / "refs" / "heads" / "main").unlink()
    (d / ".git" / "packed-refs").symlink_to("/dev/zero")
    return ["audit", str(d), "--format", "json"]


def git_dir_links_out(folder: Path) -> list[str]:
    """The checkout's .git is a link to another repository's .git."""
    other = git_repo(folder, "other")
    d = folder / "model"
    d.mkdir()
    (d / "README.md").write_text("# A model\n", encoding="utf-8")
    (d / ".git").symlink_to(other / ".git")
    return ["audit", str(d), "--format", "json"]


def import_index_head_dev_zero(folder: Path) -> list[str]:
    """`import osai-index` on a checkout whose HEAD is /dev/zero: no revision, so exit 2."""
    d = git_repo(folder)
    (d / "x.yaml").write_text("system:\n  name: X\norg:\n  name: Y\n", encoding="utf-8")
    _replace(d / ".git" / "HEAD", lambda p: p.symlink_to("/dev/zero"))
    return ["import", "osai-index", str(d)]


def fifo(folder: Path, name: str = "fifo") -> Path:
    p = folder / name
    os.mkfifo(p)
    return p


def loop(folder: Path) -> Path:
    (folder / "a").symlink_to(folder / "b")
    (folder / "b").symlink_to(folder / "a")
    return folder / "a"


def license_dir_with_fifo(folder: Path) -> list[str]:
    d = folder / "model"
    d.mkdir()
    (d / "LICENSE").write_text("SPDX-License-Identifier: MIT\n", encoding="utf-8")
    os.mkfifo(d / "COPYING")
    return ["license", str(d)]


def mof_with_out(folder: Path, target: Path) -> list[str]:
    d = folder / "index"
    d.mkdir()
    (d / "x.yaml").write_text("system:\n  name: X\norg:\n  name: Y\n", encoding="utf-8")
    return ["import", "osai-index", str(d), "--revision", "abc", "-o", str(target)]


def out_folder(folder: Path) -> list[str]:
    (folder / "out").mkdir()
    return mof_with_out(folder, folder / "out")


def out_fifo(folder: Path) -> list[str]:
    return mof_with_out(folder, fifo(folder, "out"))


def ext_url(folder: Path) -> list[str]:
    """git's ext:: transport runs a command; the command would write the marker."""
    return ["audit", f"ext::sh -c touch% {folder / 'PWNED'} x.git"]


def long_spdx(folder: Path) -> list[str]:
    """An SPDX expression of more than 255 bytes: one name too long for a path, still an expression."""
    return ["license", " OR ".join(["MIT", "Apache-2.0", "BSD-3-Clause"] * 30)]


def _args(*args: str):
    return lambda folder: list(args)


CASES = [
    Case("git-head-dev-zero", head_dev_zero, exits=(0, 1)),
    Case("git-head-fifo", head_fifo, exits=(0, 1)),
    Case("git-head-abs-ref", head_abs_ref, exits=(0, 1)),
    Case("git-head-dotdot-ref", head_dotdot_ref, exits=(0, 1)),
    Case("git-ref-links-out", ref_links_out, exits=(0, 1)),
    Case("git-packed-refs-dev-zero", packed_refs_dev_zero, exits=(0, 1)),
    Case("git-dir-links-out", git_dir_links_out, exits=(0, 1)),
    Case("import-index-head-dev-zero", import_index_head_dev_zero),
    Case("license-dev-zero", _args("license", "/dev/zero")),
    Case("license-dev-stdin", _args("license", "/dev/stdin")),
    Case("license-fifo", lambda f: ["license", str(fifo(f))]),
    Case("license-link-loop", lambda f: ["license", str(loop(f))]),
    Case("license-empty", _args("license", "")),
    Case("license-long-spdx", long_spdx, exits=(0,)),
    Case("license-dir-with-fifo", license_dir_with_fifo),
    Case("import-mof-dev-zero", _args("import", "mof", "/dev/zero")),
    Case("import-mof-fifo", lambda f: ["import", "mof", str(fifo(f, "x.yml"))]),
    Case("import-models-dev-dev-zero", _args("import", "models.dev", "/dev/zero")),
    Case("audit-fifo", lambda f: ["audit", str(fifo(f))]),
    Case("audit-link-loop", lambda f: ["audit", str(loop(f))]),
    Case("audit-empty", _args("audit", "")),
    Case("audit-no-such-user", _args("audit", "~nosuchuser/x")),
    Case("audit-newline", _args("audit", "no\nsuch\x1b[8mthing")),
    Case("audit-long-name", _args("audit", "x" * 300)),
    Case("hf-dotdot-name", _args("audit", "hf:a/..")),
    Case("hf-dotdot-inside", _args("audit", "hf:a/b..c")),
    Case("hf-double-dash", _args("audit", "hf:a--b/c")),
    Case("hf-dot-git", _args("audit", "hf:a/b.git")),
    Case("hf-rev-etc-passwd", _args("audit", "hf:x/y@/etc/passwd")),
    Case("hf-rev-dev-zero", _args("audit", "hf:x/y@/dev/zero")),
    Case("hf-rev-dotdot", _args("audit", "hf:x/y@../../../etc")),
    Case("hf-rev-control-char", _args("audit", "hub:x/y@main\x01")),
    Case("hub-url-dotdot", _args("audit", "https://huggingface.co/a/b..c")),
    Case("git-ext-transport", ext_url),
    Case("import-index-long-name", _args("import", "osai-index", "y" * 300)),
    Case("import-models-dev-fifo", lambda f: ["import", "models.dev", str(fifo(f))]),
    Case("import-revision-newline", lambda f: [*mof_with_out(f, f / "out.json")[:-2], "--revision", "a\nb"]),
    Case("out-is-folder", out_folder),
    Case("out-is-fifo", out_fifo),
]

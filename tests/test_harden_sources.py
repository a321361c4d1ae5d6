"""Issue #17, sources, paths, names and arguments: every read stays inside the input and ends;
git never runs a command from a URL; Hub names and revisions are checked before a cache path is
built; `-o` writes regular files only. All through the real CLI on inputs the tests build: real
FIFOs, links to /dev/zero, repositories made with `git init`, a Hugging Face cache layout."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import test_audit_hub as hub_tests
from tests.conftest import run_cli
from tests.test_audit_hub import serve  # noqa: F401  (the fake Hub fixture)
from tests.hostile import sources as hostile
from trueopen import safeio
from trueopen.report.safe_text import printable

SHA = "0123456789abcdef0123456789abcdef01234567"
VALIDATE_SUMMARY = re.compile(r"\d+ file\(s\) checked, \d+ clean")  # `validate`'s linter-style last line


def one_line_error(r, *names: str) -> str:
    """Exit 2 with exactly one line on stderr, naming the input; never a traceback."""
    assert "Traceback" not in r.err, r.err
    assert r.code == 2, (r.code, r.err)
    lines = [line for line in r.err.splitlines() if not VALIDATE_SUMMARY.fullmatch(line)]
    assert len(lines) == 1, r.err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def rev_parse(repo: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()


# ---- git metadata: read inside .git only, capped, never blocking ----------------------------------

GIT_CASES = [hostile.head_dev_zero, hostile.head_fifo, hostile.head_abs_ref, hostile.head_dotdot_ref,
             hostile.ref_links_out, hostile.packed_refs_dev_zero, hostile.git_dir_links_out]


@pytest.mark.parametrize("build", GIT_CASES, ids=lambda b: b.__name__)
def test_poisoned_git_metadata_gives_no_revision_and_says_why(build, tmp_path: Path):
    args = build(tmp_path)
    r = run_cli(*args)
    assert "Traceback" not in r.err and r.code in (0, 1), r.err
    data = r.json()
    assert data["source"]["kind"] == "git"
    assert data["source"]["revision"] is None
    assert hostile.SECRET not in r.out and "ab" * 20 not in r.out  # nothing read from outside .git
    assert any(n["path"] == ".git" and n["message"].startswith("commit not known") for n in data["notices"])


def test_a_clean_checkout_still_gives_its_commit_loose_and_packed(tmp_path: Path):
    repo = hostile.git_repo(tmp_path)
    head = rev_parse(repo)
    assert run_cli("audit", str(repo), "--format", "json").json()["source"]["revision"] == head
    subprocess.run(["git", "pack-refs", "--all"], cwd=repo, check=True, capture_output=True)
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    assert run_cli("audit", str(repo), "--format", "json").json()["source"]["revision"] == head


def test_import_of_a_checkout_with_a_poisoned_head_asks_for_the_revision(tmp_path: Path):
    args = hostile.import_index_head_dev_zero(tmp_path)
    one_line_error(run_cli(*args), args[2], "--revision")


# ---- files named on the command line -------------------------------------------------------------

@pytest.mark.parametrize("command", [["license"], ["validate"], ["import", "mof"], ["import", "models.dev"]])
def test_devices_are_refused_before_reading(command):
    one_line_error(run_cli(*command, "/dev/zero"), "/dev/zero", "character device")


@pytest.mark.parametrize("command", [["license"], ["validate"], ["import", "mof"], ["audit"]])
def test_fifos_are_refused_without_blocking(command, tmp_path: Path):
    fifo = hostile.fifo(tmp_path, "x.yaml")
    one_line_error(run_cli(*command, str(fifo)), str(fifo), "FIFO")


@pytest.mark.parametrize("command", [["license"], ["audit"]])
def test_a_link_loop_is_named(command, tmp_path: Path):
    link = hostile.loop(tmp_path)
    one_line_error(run_cli(*command, str(link)), str(link), "loop")


def test_standard_input_is_capped_by_both_names():
    big = "a" * (4 * 1024 * 1024 + 10)
    one_line_error(run_cli("license", "-", stdin=big), "-:", "larger than")
    one_line_error(run_cli("license", "/dev/stdin", stdin=big), "/dev/stdin", "FIFO", "use - for standard input")
    r = run_cli("license", "-", "--format", "json", stdin="---\nlicense: apache-2.0\n---\n# Model\n")
    assert r.code == 0 and [f["spdx"] for f in r.json()] == ["Apache-2.0"]


def test_one_unreadable_license_file_is_reported_and_the_rest_read(tmp_path: Path):
    d = tmp_path / "model"
    d.mkdir()
    (d / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Model\n", encoding="utf-8")
    os.mkfifo(d / "COPYING")
    (d / "NOTICE").write_bytes(b"\x00\x01binary" * 10)
    r = run_cli("license", str(d), "--format", "json")
    assert "Traceback" not in r.err and r.code == 2
    errors = r.err.splitlines()
    assert len(errors) == 2
    assert any(str(d / "COPYING") in e and "FIFO" in e for e in errors)
    assert any(str(d / "NOTICE") in e and "binary" in e for e in errors)
    assert [(f["path"], f["spdx"]) for f in r.json()] == [(str(d / "README.md"), "Apache-2.0")]


# ---- arguments --------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["audit", "license"])
def test_an_empty_argument_is_refused_not_the_current_folder(command, tmp_path: Path):
    (tmp_path / "LICENSE").write_text("SPDX-License-Identifier: MIT\n", encoding="utf-8")
    one_line_error(run_cli(command, "", cwd=tmp_path), "''", "empty")


def test_an_unknown_user_folder_is_just_missing():
    one_line_error(run_cli("audit", "~nosuchuser/x"), "~nosuchuser/x", "no such file")


def test_newlines_and_escape_codes_stay_on_one_line():
    line = one_line_error(run_cli("audit", "no\nsuch\x1b[8mthing"), "no\\nsuch\\x1b[8mthing")
    assert "\x1b" not in line


def test_a_name_longer_than_a_file_name_can_be():
    one_line_error(run_cli("audit", "x" * 300), "no such file")
    expr = hostile.long_spdx(Path("."))[1]
    assert len(expr.encode()) > 255
    r = run_cli("license", expr, "--format", "json")
    assert "Traceback" not in r.err and r.code == 0, r.err
    assert [f["match"] for f in r.json()] == ["tag"]
    assert {"MIT", "Apache-2.0", "BSD-3-Clause"} <= set(r.json()[0]["spdx"].split(" OR "))


@pytest.mark.parametrize("kind", ["osai-index", "models.dev"])
def test_import_sources_are_checked_before_reading(kind, tmp_path: Path):
    one_line_error(run_cli("import", kind, ""), "''", "empty")
    one_line_error(run_cli("import", kind, "y" * 300), "y" * 300, "no such file")
    fifo = hostile.fifo(tmp_path)
    one_line_error(run_cli("import", kind, str(fifo)), str(fifo), "FIFO")


def test_import_revision_is_a_git_revision(tmp_path: Path):
    args = hostile.mof_with_out(tmp_path, tmp_path / "out.json")
    args[args.index("--revision") + 1] = "abc\nrevision: forged"
    one_line_error(run_cli(*args), "--revision", "control character")
    assert not (tmp_path / "out.json").exists()


# ---- Hub names and revisions -----------------------------------------------------------------------

@pytest.fixture
def hf_env(tmp_path: Path) -> dict:
    cache = tmp_path / "hf" / "hub"
    cache.mkdir(parents=True)
    return {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}


@pytest.mark.parametrize("spec", ["hf:a/..", "hf:a/b..c", "hf:a--b/c", "hf:a/b.git", "hub:a/b..c",
                                  "https://huggingface.co/a--b/c"])
def test_bad_hub_names_are_refused(spec, hf_env):
    one_line_error(run_cli("audit", spec, env=hf_env), spec, "not a Hugging Face model id")


@pytest.mark.parametrize("rev", ["/etc/passwd", "/dev/zero", "../../../etc", "main/../../x", "a//b", "x\x01y",
                                 ".hidden", "main.lock", "a b"])
def test_bad_revisions_are_refused(rev, hf_env):
    line = one_line_error(run_cli("audit", f"hf:x/y@{rev}", env=hf_env), "not a revision")
    assert "root:" not in line


def _cache(env: dict, repo: str = "org/m") -> Path:
    storage = Path(env["HF_HUB_CACHE"]) / ("models--" + repo.replace("/", "--"))
    for sub in ("refs", "snapshots", "blobs"):
        (storage / sub).mkdir(parents=True)
    return storage


def _ref_outside(ref: Path) -> None:
    ref.write_text("../../../../../../../../etc", encoding="utf-8")


@pytest.mark.parametrize("poison", [
    _ref_outside,
    lambda ref: ref.symlink_to("/dev/zero"),
    lambda ref: ref.symlink_to("/etc/hostname"),
    os.mkfifo,
], ids=["ref-names-etc", "ref-dev-zero", "ref-links-out", "ref-fifo"])
def test_a_poisoned_cache_ref_is_refused(poison, hf_env):
    storage = _cache(hf_env)
    poison(storage / "refs" / "main")
    line = one_line_error(run_cli("audit", "hf:org/m", env=hf_env), "hf:org/m", "cache")
    assert "tampered" in line or "unusable" in line


def test_a_snapshot_folder_linked_elsewhere_is_refused(hf_env, tmp_path: Path):
    storage = _cache(hf_env)
    (storage / "refs" / "main").write_text(SHA, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "README.md").write_text("# not this model\n", encoding="utf-8")
    (storage / "snapshots" / SHA).symlink_to(elsewhere)
    one_line_error(run_cli("audit", "hf:org/m", env=hf_env), "outside the cache's snapshots")


def test_snapshot_links_are_followed_to_blobs_only(hf_env, tmp_path: Path):
    storage = _cache(hf_env)
    (storage / "refs" / "main").write_text(SHA, encoding="utf-8")
    snap = storage / "snapshots" / SHA
    snap.mkdir()
    (storage / "blobs" / "b1").write_text("---\nlicense: mit\n---\n# Model\n", encoding="utf-8")
    (snap / "README.md").symlink_to("../../blobs/b1")
    (tmp_path / "secret.txt").write_text(hostile.SECRET, encoding="utf-8")
    (snap / "LICENSE").symlink_to(tmp_path / "secret.txt")
    (snap / "ref.txt").symlink_to("../../refs/main")
    os.mkfifo(snap / "pipe.json")
    r = run_cli("audit", "hf:org/m", "--format", "json", env=hf_env)
    assert "Traceback" not in r.err and r.code in (0, 1), r.err
    data = r.json()
    assert data["source"]["kind"] == "hf-cache" and data["source"]["revision"] == SHA
    assert data["source"]["files"] == 1  # README.md through blobs; nothing else
    assert hostile.SECRET not in r.out
    notices = {n["path"]: n["message"] for n in data["notices"]}
    assert "outside" in notices["LICENSE"] and "outside" in notices["ref.txt"]
    assert "FIFO" in notices["pipe.json"]
    assert run_cli("audit", f"hf:org/m@{SHA}", "--format", "json", env=hf_env).json()["source"]["files"] == 1


@pytest.mark.parametrize("poison", [lambda p: p.symlink_to("/dev/zero"), os.mkfifo], ids=["dev-zero", "fifo"])
def test_a_poisoned_tree_listing_is_refused_offline(poison, hf_env):
    storage = _cache(hf_env)
    (storage / "refs" / "main").write_text(SHA, encoding="utf-8")
    (storage / "snapshots" / SHA).mkdir()
    (storage / "snapshots" / SHA / "README.md").write_text("# Model\n", encoding="utf-8")
    (storage / "trees").mkdir()
    poison(storage / "trees" / f"{SHA}.json")
    one_line_error(run_cli("audit", "hf:org/m", env=hf_env), "hf:org/m", f"trees/{SHA}.json", "tampered")


@pytest.mark.parametrize("where", ["refs/main", f"trees/{hub_tests.SHA}.json"])
def test_cache_files_the_hub_client_would_read_are_vetted_online(where, serve, tmp_path: Path):
    """huggingface_hub reads refs/<branch> and trees/<commit>.json whole by itself: they are
    checked before it is called, also when the Hub is reached."""
    env = serve(hub_tests.FakeHub({"README.md": b"---\nlicense: mit\n---\n# T\n"}))
    poisoned = tmp_path / "hf" / "hub" / ("models--" + hub_tests.REPO.replace("/", "--")) / where
    poisoned.parent.mkdir(parents=True)
    poisoned.symlink_to("/dev/zero")
    one_line_error(run_cli("audit", f"hub:{hub_tests.REPO}", env=env), where, "character device")


# ---- git, run safely --------------------------------------------------------------------------------

def test_ext_urls_never_run_even_when_the_user_allows_ext(tmp_path: Path):
    args = hostile.ext_url(tmp_path)
    r = run_cli(*args, env={"GIT_ALLOW_PROTOCOL": "ext", "GIT_CONFIG_PARAMETERS": "'protocol.ext.allow'='always'"})
    one_line_error(r, "ext::", "not allowed")
    assert not (tmp_path / "PWNED").exists()


def test_gits_own_environment_refuses_ext(tmp_path: Path, monkeypatch):
    """The second line of defence, on its own: git run the way trueopen runs it refuses ext::
    although the user's environment allows it."""
    from trueopen.evidence import sources

    monkeypatch.setenv("GIT_ALLOW_PROTOCOL", "ext")
    marker = tmp_path / "PWNED"
    proc = subprocess.run(["git", *sources.GIT_OPTIONS, "clone", "--", f"ext::sh -c touch% {marker}",
                           str(tmp_path / "clone")], env=sources.git_env(), capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode != 0 and "not allowed" in proc.stderr
    assert not marker.exists()
    env = sources.git_env()
    assert env["GIT_CONFIG_GLOBAL"] == "/dev/null" and env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert env["GIT_TERMINAL_PROMPT"] == "0" and "ext" not in env["GIT_ALLOW_PROTOCOL"].split(":")


def test_a_clone_runs_no_hook_the_users_config_names(tmp_path: Path):
    """A post-checkout hook reached through the user's global config runs on a plain clone;
    trueopen's clone reads no global config and disables hooks, so it must not."""
    repo = hostile.git_repo(tmp_path)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "post-checkout").write_text(f"#!/bin/sh\ntouch {tmp_path / 'PWNED'}\n", encoding="utf-8")
    (hooks / "post-checkout").chmod(0o755)
    (tmp_path / "gitconfig").write_text(f"[core]\n\thooksPath = {hooks}\n", encoding="utf-8")
    env = {"GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}
    plain = subprocess.run(["git", "clone", "-q", f"file://{repo}", str(tmp_path / "plain")],
                           env={**os.environ, **env}, capture_output=True, timeout=60)
    assert plain.returncode == 0 and (tmp_path / "PWNED").exists()  # the hook is real
    (tmp_path / "PWNED").unlink()
    r = run_cli("audit", f"file://{repo}", "--format", "json", env=env)
    assert r.code in (0, 1), r.err
    assert r.json()["source"]["revision"] == rev_parse(repo)
    assert not (tmp_path / "PWNED").exists()


def test_a_failed_clone_reports_all_of_gits_error(tmp_path: Path):
    line = one_line_error(run_cli("audit", f"file://{tmp_path}/none.git"), "cannot clone")
    assert line.count("fatal:") >= 2 and " / " in line  # git's first and last lines, joined


# ---- -o writes files only ------------------------------------------------------------------------

def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_out_refuses_a_folder_and_a_fifo(tmp_path: Path):
    r = run_cli(*hostile.out_folder(tmp_path))
    one_line_error(r, str(tmp_path / "out"), "folder")
    assert list((tmp_path / "out").iterdir()) == [] and _leftovers(tmp_path) == []
    other = tmp_path / "b"
    other.mkdir()
    r = run_cli(*hostile.out_fifo(other))
    one_line_error(r, str(other / "out"), "FIFO")
    assert stat.S_ISFIFO(os.lstat(other / "out").st_mode) and _leftovers(other) == []


def test_out_replaces_a_file_through_its_link_and_keeps_its_mode(tmp_path: Path):
    args = hostile.mof_with_out(tmp_path, tmp_path / "link.json")
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    (tmp_path / "link.json").symlink_to(real)
    r = run_cli(*args)
    assert r.code == 0, r.err
    assert (tmp_path / "link.json").is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["source"]["revision"] == "abc"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []
    one_line_error(run_cli(*args[:-1], str(tmp_path / "no" / "such.json")), "no folder")


# ---- names and revisions, any text -----------------------------------------------------------------

@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300) | st.from_regex(r"[A-Za-z0-9._/-]{1,40}(@[A-Za-z0-9._/ \\\x00-\x1f~^:-]{0,40})?",
                                             fullmatch=True))
def test_hub_names_and_revisions_raise_only_input_errors(text):
    from huggingface_hub.file_download import repo_folder_name

    from trueopen.errors import InputError
    from trueopen.evidence.sources import _repo_and_rev

    try:
        repo, rev = _repo_and_rev(text, "hf:" + text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    folder = repo_folder_name(repo_id=repo, repo_type="model")
    assert "/" not in folder and ".." not in folder and folder.startswith("models--")
    if rev is not None:
        joined = os.path.normpath(os.path.join("/cache/refs", rev))
        assert joined.startswith("/cache/refs/") and "\x00" not in rev


# ---- the reader itself -------------------------------------------------------------------------------

def test_reader_caps_cuts_and_stays_inside(tmp_path: Path):
    from trueopen import safeio
    from trueopen.errors import InputError

    f = tmp_path / "root" / "a.txt"
    f.parent.mkdir()
    f.write_bytes(b"x" * 100)
    assert safeio.read_bytes(f, 100) == b"x" * 100
    assert safeio.read_bytes(f, 10, cut=True) == b"x" * 10
    with pytest.raises(InputError, match="too large"):
        safeio.read_bytes(f, 99)
    (tmp_path / "outside.txt").write_text(hostile.SECRET, encoding="utf-8")
    (f.parent / "link").symlink_to(tmp_path / "outside.txt")
    (f.parent / "inner").symlink_to(f)
    assert safeio.read_bytes(f.parent / "inner", 100, root=f.parent) == b"x" * 100
    with pytest.raises(InputError, match="leads outside"):
        safeio.read_bytes(f.parent / "link", 100, root=f.parent)
    assert safeio.probe(tmp_path / ("n" * 300)) == "missing"
    assert safeio.probe(hostile.loop(tmp_path)) == "a link loop"
    assert safeio.probe(hostile.fifo(tmp_path)).startswith("a FIFO")
    assert printable("a\nb\x1b[8m") == "a\\nb\\x1b[8m"


def test_one_escape_for_everything_shown():
    """`printable` is the only escape (safeio had its own): controls, bidi, zero-width characters
    and the lone surrogates of a name that is not UTF-8 come out as visible ASCII escapes, and
    escaping twice changes nothing."""
    assert not hasattr(safeio, "shown")
    name = "bad\udcff\u200bname\u202e\ufeff.yaml"
    assert printable(name) == "bad\\udcff\\u200bname\\u202e\\ufeff.yaml"
    assert printable(printable(name)) == printable(name)
    printable(name).encode("utf-8")  # a lone surrogate left raw could not be written at all


def test_a_file_name_with_a_zero_width_space_is_shown_escaped(tmp_path, cli):
    """Two names that read the same must not look the same in an error: the zero-width space in
    the file's name is written out, on the one error line."""
    bad = tmp_path / "entry\u200b.yaml"
    bad.write_text("id: x\nname: X\n", encoding="utf-8")
    r = cli("validate", str(bad))
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and "entry\\u200b.yaml" in lines[0] and "\u200b" not in lines[0], lines

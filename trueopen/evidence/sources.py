"""Turn what the user typed into files to read: a local folder or file, a Hugging Face cache snapshot
(offline), the Hugging Face Hub (listing, card and headers; never the weights), or a git repository
(local, or cloned shallowly without LFS objects)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, first_line
from .files import FileEntry, Listing, walk
from .weights import WEIGHT_SUFFIXES, WeightFile, from_safetensors_header

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}$")
GIT_URL = re.compile(r"^(git\+)?(https?|ssh|git|file)://|^git@[\w.-]+:|\.git/?$")
HUB_URL = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/)([\w.-]+/[\w.-]+)(?:/tree/([^/]+))?/?$")
SMALL_FILE = 5 * 1024 * 1024  # files fetched from the Hub to read: cards, licenses, configs, code
CLONE_TIMEOUT = 600


@dataclass
class Snapshot:
    """The files of one release, wherever they live, and what is known about where they came from."""

    kind: str  # folder | file | hf-cache | hub | git
    spec: str
    url: str  # where the facts were read: file:// path, Hub page or git remote
    root: Path | None
    listing: Listing
    repo_id: str | None = None
    revision: str | None = None  # the commit read
    branches: list[str] = field(default_factory=list)
    gated: str | None = None  # None/"auto"/"manual" on the Hub
    remote_weights: list[WeightFile] = field(default_factory=list)
    card_data: dict[str, object] | None = None  # the Hub's own parse of the card, when files could not be read
    notes: list[tuple[str, str]] = field(default_factory=list)
    _tmp: str | None = None

    @property
    def name(self) -> str:
        if self.repo_id:
            return self.repo_id.split("/")[-1]
        base = self.spec.rstrip("/").rsplit("/", 1)[-1]
        return re.sub(r"\.git$", "", base) or "model"

    @property
    def producer(self) -> str | None:
        return self.repo_id.split("/")[0] if self.repo_id else None

    def close(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> "Snapshot":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(spec: str, offline: bool | None = None) -> Snapshot:
    """Resolve SOURCE: a path, hf:ORG/NAME[@REV] (cache, then Hub), hub:ORG/NAME[@REV] (Hub), a Hub URL,
    a git URL. A bare ORG/NAME that is not a local path means the Hugging Face model."""
    if offline is None:
        from huggingface_hub import constants

        offline = constants.HF_HUB_OFFLINE
    path = Path(spec).expanduser()
    if spec.startswith("hub:"):
        repo, rev = _repo_and_rev(spec[4:], spec)
        if offline:
            raise InputError(spec, "the Hub cannot be reached offline (HF_HUB_OFFLINE or --offline is set); "
                                   f"use hf:{repo} to read the local Hugging Face cache")
        return from_hub(repo, rev, spec)
    hub_url = HUB_URL.match(spec)
    if spec.startswith("hf:") or hub_url or (not path.exists() and REPO_ID.match(spec) and not GIT_URL.search(spec)):
        repo, rev = (hub_url.group(1), hub_url.group(2)) if hub_url else _repo_and_rev(spec.removeprefix("hf:"), spec)
        cached = from_hf_cache(repo, rev, spec)
        if cached is not None:
            return cached
        if offline:
            raise InputError(spec, f"{repo} is not in the Hugging Face cache ({_cache_dir()}) and the Hub is not "
                                   "reachable offline. To fetch the card, licenses and configs but no weights: "
                                   f"hf download {repo} --exclude '*.safetensors' '*.bin' '*.gguf' '*.pt' '*.pth' "
                                   "'*.onnx' '*.h5' '*.msgpack'")
        return from_hub(repo, rev, spec)
    if path.is_dir():
        return from_folder(path, spec)
    if path.is_file():
        return from_file(path, spec)
    if GIT_URL.search(spec):
        if offline and not spec.removeprefix("git+").startswith("file://"):
            raise InputError(spec, "cloning needs the network, and --offline (or HF_HUB_OFFLINE) is set; "
                                   "clone it yourself and audit the folder")
        return from_git_url(spec)
    if path.is_symlink():
        raise InputError(spec, "broken link: it points to nothing")
    raise InputError(spec, "no such file or folder, and not a Hugging Face id (ORG/NAME, hf:ORG/NAME) "
                           "or a git URL")


def _repo_and_rev(text: str, spec: str) -> tuple[str, str | None]:
    repo, _, rev = text.partition("@")
    if not REPO_ID.match(repo):
        raise InputError(spec, "expected a Hugging Face model id ORG/NAME, optionally @REVISION")
    return repo, rev or None


def _cache_dir() -> str:
    from huggingface_hub import constants

    return constants.HF_HUB_CACHE


def from_folder(path: Path, spec: str) -> Snapshot:
    listing = walk(path)
    git_dir = path / ".git"
    if git_dir.is_dir():
        head = git_head(git_dir)
        return Snapshot("git", spec, path.resolve().as_uri(), path, listing, revision=head)
    return Snapshot("folder", spec, path.resolve().as_uri(), path, listing)


def from_file(path: Path, spec: str) -> Snapshot:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(spec, f"cannot read: {exc.strerror or exc}") from None
    listing = Listing(files=[FileEntry(path.name, size, path)])
    return Snapshot("file", spec, path.resolve().as_uri(), path.parent, listing)


def git_head(git_dir: Path) -> str | None:
    """The checked-out commit, read from .git's files: running git in a repository we audit could
    run its configured helpers, reading two small files cannot."""
    try:
        head = (git_dir / "HEAD").read_text(errors="replace").strip()[:300]
        if not head.startswith("ref: "):
            return head if re.fullmatch(r"[0-9a-f]{40,64}", head) else None
        ref = head[5:].strip()
        if ".." in ref:
            return None
        ref_file = git_dir / ref
        if ref_file.is_file():
            return ref_file.read_text(errors="replace").strip()[:64] or None
        packed = git_dir / "packed-refs"
        if packed.is_file() and packed.stat().st_size < 16 * 1024 * 1024:
            for line in packed.read_text(errors="replace").splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
    except OSError:
        return None
    return None


def from_git_url(url: str) -> Snapshot:
    """A shallow clone into a temporary folder, LFS objects left on the server: headers of
    LFS-tracked weights are not readable this way, their pointers say so and give the size."""
    git = shutil.which("git")
    if git is None:
        raise InputError(url, "git is not installed; clone the repository yourself and audit the folder")
    tmp = tempfile.mkdtemp(prefix="trueopen-git-")
    target = os.path.join(tmp, "repo")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_LFS_SKIP_SMUDGE": "1"}
    cmd = [git, "-c", "core.hooksPath=/dev/null", "clone", "--depth", "1", "--no-tags", "--quiet", "--",
           url.removeprefix("git+"), target]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CLONE_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(url, f"git clone took longer than {CLONE_TIMEOUT} s; clone it yourself and audit the folder") from None
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        why = (proc.stderr.strip().splitlines() or ["git clone failed"])[-1]
        raise InputError(url, f"cannot clone: {why}")
    snap = from_folder(Path(target), url)
    snap.kind, snap.url, snap._tmp = "git", url.removeprefix("git+"), tmp
    snap.notes.append((".", "shallow clone of the default branch; Git LFS files left as pointers"))
    return snap


def from_hf_cache(repo: str, rev: str | None, spec: str) -> Snapshot | None:
    """The cached snapshot, read offline; None when the repository is not cached at all."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import IncompleteSnapshotError, LocalEntryNotFoundError
    from huggingface_hub.file_download import repo_folder_name

    storage = Path(_cache_dir()) / repo_folder_name(repo_id=repo, repo_type="model")
    notes: list[tuple[str, str]] = []
    try:
        snapshot = snapshot_download(repo, revision=rev, local_files_only=True)
    except IncompleteSnapshotError as exc:
        snapshot = exc.snapshot_path
        notes.append((".", "the cached snapshot is incomplete: files the repository lists are not downloaded"))
    except LocalEntryNotFoundError:
        if storage.is_dir() and rev is not None:
            raise InputError(spec, f"revision '{rev}' of {repo} is not in the Hugging Face cache") from None
        return None
    root = Path(snapshot)
    listing = walk(root, allowed=storage)
    listing.notices[:0] = notes
    branches = sorted(p.name for p in (storage / "refs").glob("*") if p.is_file()) if (storage / "refs").is_dir() else []
    return Snapshot("hf-cache", spec, f"https://huggingface.co/{repo}", root, listing, repo_id=repo,
                    revision=root.name, branches=branches)


def from_hub(repo: str, rev: str | None, spec: str) -> Snapshot:
    """Listing, gated flag, branches and safetensors headers from the Hub API; small files (card,
    licenses, configs, code) fetched into the cache. Weights are never downloaded."""
    import glob

    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

    api = HfApi()
    try:
        info = api.model_info(repo, revision=rev, files_metadata=True)
    except RepositoryNotFoundError:
        raise InputError(spec, f"no model {repo} on the Hugging Face Hub (or it is private)") from None
    except RevisionNotFoundError:
        raise InputError(spec, f"{repo} has no revision '{rev}'") from None
    except HfHubHTTPError as exc:
        if exc.response is not None and exc.response.status_code in (401, 404):
            raise InputError(spec, f"no model {repo} on the Hugging Face Hub (or it is private)") from None
        raise InputError(spec, f"the Hub answered: {first_line(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - connection refused, DNS, TLS, timeouts: httpx's own classes
        raise InputError(spec, f"the Hub could not be reached ({type(exc).__name__}: {first_line(exc)}); "
                               f"audit a downloaded copy with hf:{repo}, or set HF_ENDPOINT") from None
    siblings = [(s.rfilename, s.size or 0) for s in info.siblings or []]
    notes: list[tuple[str, str]] = []
    small = [name for name, size in siblings
             if size <= SMALL_FILE and "." + name.rsplit(".", 1)[-1].lower() not in WEIGHT_SUFFIXES]
    root: Path | None = None
    try:
        if small:
            # by the revision asked for, not the commit: the cache then records the branch too, so
            # the same hf:ORG/NAME works offline afterwards
            root = Path(snapshot_download(repo, revision=rev, allow_patterns=[glob.escape(n) for n in small]))
            if root.name != info.sha:
                notes.append((".", f"the branch moved while reading: files are from {root.name}, listing from {info.sha}"))
    except GatedRepoError:
        notes.append((".", "gated: accept the terms on the Hub (and log in) to let trueopen read the card and "
                           "license files; only the listing and the Hub's card metadata were read"))
    except Exception as exc:  # noqa: BLE001 - a failed fetch leaves the listing to audit
        notes.append((".", f"files not fetched: {first_line(exc)}"))
    listing = walk(root, allowed=root.parent.parent) if root is not None else Listing()  # snapshots link to ../../blobs
    have = {f.rel for f in listing.files}
    listing.files.extend(FileEntry(name, size, None) for name, size in siblings if name not in have)
    listing.files.sort(key=lambda f: f.rel)
    listing.notices[:0] = notes
    remote = []
    if any(n.endswith(".safetensors") for n, _ in siblings):
        try:
            meta = api.get_safetensors_metadata(repo, revision=info.sha)
            sizes = dict(siblings)
            for fname, fm in meta.files_metadata.items():
                tensors = {k: (t.dtype, list(t.shape)) for k, t in fm.tensors.items()}
                remote.append(from_safetensors_header(fname, sizes.get(fname, 0), tensors, fm.metadata or {}))
        except Exception as exc:  # noqa: BLE001 - the Hub answering oddly is a note, not a failure
            listing.notices.append((".", f"safetensors headers not read: {first_line(exc)}"))
    try:
        branches = sorted(b.name for b in api.list_repo_refs(repo).branches)
    except Exception:  # noqa: BLE001 - branches are a bonus; the audit stands without them
        branches = []
    gated = info.gated if isinstance(info.gated, str) else None
    card = info.card_data.to_dict() if info.card_data is not None else None
    return Snapshot("hub", spec, f"https://huggingface.co/{repo}", root, listing, repo_id=repo, revision=info.sha,
                    branches=branches, gated=gated, remote_weights=remote, card_data=card)

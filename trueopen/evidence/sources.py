"""Turn what the user typed into files to read: a local folder, file or archive, a Hugging Face cache snapshot
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

from .. import safeio
from ..errors import InputError, first_line
from ..report.safe_text import printable
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

    kind: str  # folder | file | archive | hf-cache | hub | git
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
    label: str | None = None  # the release's name when the spec does not say it (an archive's root folder)
    closers: list = field(default_factory=list)  # what to close with the snapshot (an open archive)
    _tmp: str | None = None

    @property
    def name(self) -> str:
        if self.repo_id:
            return self.repo_id.split("/")[-1]
        if self.label:
            return self.label
        base = self.spec.rstrip("/").rsplit("/", 1)[-1]
        return re.sub(r"\.git$", "", base) or "model"

    @property
    def producer(self) -> str | None:
        return self.repo_id.split("/")[0] if self.repo_id else None

    def close(self) -> None:
        for close in self.closers:
            close()
        self.closers = []
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> "Snapshot":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(spec: str, offline: bool | None = None) -> Snapshot:
    """Resolve SOURCE: a path, hf:ORG/NAME[@REV] (cache, then Hub), hub:ORG/NAME[@REV] (Hub), a Hub URL,
    a git URL. A bare ORG/NAME that is not a local path means the Hugging Face model. Names and
    revisions are checked before any path is built from them."""
    if offline is None:
        from huggingface_hub import constants

        offline = constants.HF_HUB_OFFLINE
    if not spec.strip():
        raise InputError(repr(spec), "an empty source; give a folder, a file, hf:ORG/NAME or a git URL")
    shown = printable(spec)
    if spec.startswith("hub:"):
        repo, rev = _repo_and_rev(spec[4:], spec)
        if offline:
            raise InputError(shown, "the Hub cannot be reached offline (HF_HUB_OFFLINE or --offline is set); "
                                    f"use hf:{repo} to read the local Hugging Face cache")
        return from_hub(repo, rev, spec)
    path = Path(os.path.expanduser(spec))  # ~nosuchuser stays as typed
    found = safeio.probe(path)
    hub_url = HUB_URL.match(spec)
    if spec.startswith("hf:") or hub_url or (found == "missing" and REPO_ID.match(spec) and not GIT_URL.search(spec)):
        if hub_url:
            repo, rev = _repo_and_rev(hub_url.group(1) + (f"@{hub_url.group(2)}" if hub_url.group(2) else ""), spec)
        else:
            repo, rev = _repo_and_rev(spec.removeprefix("hf:"), spec)
        cached = from_hf_cache(repo, rev, spec)
        if cached is not None:
            return cached
        if offline:
            raise InputError(shown, f"{repo} is not in the Hugging Face cache ({_cache_dir()}) and the Hub is not "
                                    "reachable offline. To fetch the card, licenses and configs but no weights: "
                                    f"hf download {repo} --exclude '*.safetensors' '*.bin' '*.gguf' '*.pt' '*.pth' "
                                    "'*.onnx' '*.h5' '*.msgpack'")
        return from_hub(repo, rev, spec)
    if found == "folder":
        return from_folder(path, spec)
    if found == "file":
        from . import archive

        return from_archive(path, spec) if archive.is_archive(path) else from_file(path, spec)
    if found == "missing" and GIT_URL.search(spec):
        if offline and not spec.removeprefix("git+").startswith("file://"):
            raise InputError(shown, "cloning needs the network, and --offline (or HF_HUB_OFFLINE) is set; "
                                    "clone it yourself and audit the folder")
        return from_git_url(spec)
    if found == "a broken link":
        raise InputError(shown, "broken link: it points to nothing")
    if found != "missing":
        problem = found.replace("unreadable: ", "cannot read: ")
        raise InputError(shown, problem if problem.startswith("cannot") else f"is {found}; expected a folder or a file")
    raise InputError(shown, "no such file or folder, and not a Hugging Face id (ORG/NAME, hf:ORG/NAME) "
                            "or a git URL")


def _repo_and_rev(text: str, spec: str) -> tuple[str, str | None]:
    """ORG/NAME[@REV], checked with huggingface_hub's own validator (no '--', '..', '.git' ending)
    and `check_revision`: both end up in cache paths."""
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    repo, at, rev = text.partition("@")
    try:
        validate_repo_id(repo)
    except HFValidationError as exc:
        raise InputError(printable(spec), f"not a Hugging Face model id: {printable(first_line(exc))}") from None
    if not REPO_ID.match(repo):
        raise InputError(printable(spec), "expected a Hugging Face model id ORG/NAME, optionally @REVISION")
    if at and not rev:
        raise InputError(printable(spec), "an empty revision after '@'")
    if rev:
        check_revision(rev, spec)
    return repo, rev or None


def check_revision(rev: str, spec: str) -> str:
    """A branch, tag or commit as git names them (`git check-ref-format`'s rules), so that
    `refs/<rev>` in a cache can only be a file inside `refs/`: no '..', no leading or trailing '/',
    no empty part, no control characters, no part starting with '.'. Raises InputError only."""
    checks = (
        (len(rev.encode("utf-8", "surrogatepass")) > 255, "is longer than 255 bytes"),
        (any(not c.isprintable() for c in rev), "holds a control character"),
        (any(c in " ~^:?*[\\" for c in rev), "holds a space or one of ~^:?*[\\"),
        (rev.startswith("/"), "starts with '/'"),
        (rev.endswith("/") or "//" in rev, "has an empty part"),
        (".." in rev, "holds '..'"),
        ("@{" in rev or rev == "@", "holds '@{'"),
        (rev.endswith(".lock") or any(p.startswith(".") for p in rev.split("/")),
         "has a part starting with '.' or ending with '.lock'"),
        (not os.path.normpath(os.path.join("refs", rev)).startswith("refs" + os.sep), "leads outside refs/"),
    )
    problem = next((why for bad, why in checks if bad), None)
    if problem:
        raise InputError(printable(spec), f"not a revision: '{printable(rev)}' {problem}")
    return rev


def _cache_dir() -> str:
    from huggingface_hub import constants

    return constants.HF_HUB_CACHE


def from_folder(path: Path, spec: str) -> Snapshot:
    listing = walk(path)
    git_dir = path / ".git"
    if safeio.probe(git_dir) == "folder":
        head, problem = read_git_head(git_dir)
        if problem:
            listing.notices.append((".git", f"commit not known: {problem}"))
        return Snapshot("git", spec, path.resolve().as_uri(), path, listing, revision=head)
    return Snapshot("folder", spec, path.resolve().as_uri(), path, listing)


def from_file(path: Path, spec: str) -> Snapshot:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(printable(spec), f"cannot read: {exc.strerror or exc}") from None
    listing = Listing(files=[FileEntry(path.name, size, path)])
    return Snapshot("file", spec, path.resolve().as_uri(), path.parent, listing)


def from_archive(path: Path, spec: str) -> Snapshot:
    """A .zip, .whl or (compressed) .tar read in place: see archive.py."""
    from . import archive

    listing, name, close = archive.open_archive(path, spec)
    return Snapshot("archive", spec, path.resolve().as_uri(), None, listing, label=name, closers=[close])


GIT_SMALL = 4096  # HEAD and a loose ref are one line
PACKED_REFS_LIMIT = 16 * 1024 * 1024
GIT_REF = re.compile(r"refs/[A-Za-z0-9._/+-]{1,240}")
GIT_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def git_head(git_dir: Path) -> str | None:
    """The checked-out commit, read from .git's files (None when it cannot be told safely)."""
    return read_git_head(git_dir)[0]


def read_git_head(git_dir: Path) -> tuple[str | None, str | None]:
    """The checked-out commit and, when there is none, why. Read from .git's files: running git in
    a repository we audit could run its configured helpers, reading two small files cannot. Every
    file is read size-capped, regular files only, and only inside .git, itself inside the
    checkout: a HEAD linked to /dev/zero, a FIFO, or `ref: /abs/path` gives a reason, never a
    hang or another file's content."""
    if not safeio.inside(git_dir, git_dir.parent):
        return None, ".git leads outside the folder; not read"
    base = os.path.realpath(git_dir)

    def small(name: str, limit: int = GIT_SMALL) -> tuple[str | None, str | None]:
        try:
            raw = safeio.read_bytes(os.path.join(base, name), limit, root=base, name=f".git/{name}")
        except InputError as exc:
            return None, str(exc)
        return raw.decode("ascii", "replace"), None

    head, problem = small("HEAD")
    if head is None:
        return None, problem
    head = head.strip()
    if not head.startswith("ref: "):
        return (head, None) if GIT_SHA.fullmatch(head) else (None, ".git/HEAD holds neither a commit nor a ref")
    ref = head[5:].strip()
    if not GIT_REF.fullmatch(ref) or ".." in ref or "//" in ref or ref.endswith("/"):
        return None, f".git/HEAD names '{printable(ref[:80])}', not a ref under refs/; not followed"
    loose, problem = small(ref)
    if loose is not None and GIT_SHA.fullmatch(loose.strip()):
        return loose.strip(), None
    packed, _ = small("packed-refs", PACKED_REFS_LIMIT)
    for line in (packed or "").splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and GIT_SHA.fullmatch(sha):
            return sha, None
    return None, problem or f"{ref} holds no commit"


GIT_PROTOCOLS = "https:http:ssh:git:file"
_TRANSPORT = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)::")  # git's <transport>::<address> form: ext::, fd::, ...
_KEEP_GIT_ENV = {"GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_SSL_CAINFO", "GIT_SSL_CAPATH",
                 "GIT_PROXY_COMMAND"}  # how the user reaches servers, not what git may run


def git_env() -> dict[str, str]:
    """The environment for every git trueopen runs: the user's, minus git's own variables (a
    GIT_ALLOW_PROTOCOL=ext or GIT_CONFIG_PARAMETERS must not let a URL run a command), plus a
    protocol allow-list, no system or global config, no prompts and no LFS downloads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _KEEP_GIT_ENV}
    env.update(GIT_ALLOW_PROTOCOL=GIT_PROTOCOLS, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               GIT_TERMINAL_PROMPT="0", GIT_LFS_SKIP_SMUDGE="1", GIT_ASKPASS="true", SSH_ASKPASS="true")
    return env


# hooks off, no file-system monitor: nothing configured anywhere runs a program during the clone;
# a transfer stalled below 1 KB/s for a minute ends instead of waiting for the overall timeout
GIT_OPTIONS = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false",
               "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=60"]


def git_error(stderr: str, fallback: str, limit: int = 600) -> str:
    """All of git's complaint on one line (its first line often says what, the last why)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    text = " / ".join(lines) or fallback
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def from_git_url(url: str) -> Snapshot:
    """A shallow clone into a temporary folder, LFS objects left on the server: headers of
    LFS-tracked weights are not readable this way, their pointers say so and give the size."""
    shown = printable(url)
    remote = url.removeprefix("git+")
    transport = _TRANSPORT.match(remote)
    if transport and transport.group(1).lower() not in GIT_PROTOCOLS.split(":"):
        raise InputError(shown, f"git's '{transport.group(1)}::' transport is not allowed "
                                "(https, http, ssh, git and local paths are)")
    if remote.startswith("-"):
        raise InputError(shown, "not a git URL")
    git = shutil.which("git")
    if git is None:
        raise InputError(shown, "git is not installed; clone the repository yourself and audit the folder")
    tmp = tempfile.mkdtemp(prefix="trueopen-git-")
    target = os.path.join(tmp, "repo")
    cmd = [git, *GIT_OPTIONS, "clone", "--depth", "1", "--no-tags", "--quiet", "--no-recurse-submodules", "--",
           remote, target]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=CLONE_TIMEOUT,
                              env=git_env(), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(shown, f"git clone took longer than {CLONE_TIMEOUT} s; clone it yourself and audit the folder") from None
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(shown, f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(shown, f"cannot clone: {git_error(proc.stderr, 'git clone failed')}")
    snap = from_folder(Path(target), url)
    snap.kind, snap.url, snap._tmp = "git", remote, tmp
    snap.notes.append((".", "shallow clone of the default branch; Git LFS files left as pointers"))
    return snap


def from_hf_cache(repo: str, rev: str | None, spec: str) -> Snapshot | None:
    """The cached snapshot, read offline; None when the repository is not cached at all. The
    branch's `refs/` file is read here, capped and checked to hold a commit hash, so a poisoned
    cache cannot point the audit at another folder (or at /dev/zero)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import IncompleteSnapshotError, LocalEntryNotFoundError
    from huggingface_hub.file_download import repo_folder_name

    storage = Path(_cache_dir()) / repo_folder_name(repo_id=repo, repo_type="model")
    if safeio.probe(storage) != "folder":
        return None
    commit = rev if rev is not None and GIT_SHA.fullmatch(rev) else _cached_ref(storage, rev or "main", spec)
    if commit is None:
        if rev is not None:
            raise InputError(printable(spec), f"revision '{rev}' of {repo} is not in the Hugging Face cache")
        return None
    vet_cache_file(storage / "trees" / f"{commit}.json", storage / "trees", TREE_LIMIT, spec)
    notes: list[tuple[str, str]] = []
    try:
        snapshot = snapshot_download(repo, revision=commit, local_files_only=True)
    except IncompleteSnapshotError as exc:
        snapshot = exc.snapshot_path
        notes.append((".", "the cached snapshot is incomplete: files the repository lists are not downloaded"))
    except LocalEntryNotFoundError:
        if rev is not None:
            raise InputError(printable(spec),
                             f"revision '{rev}' of {repo} is not in the Hugging Face cache") from None
        return None
    root = _checked_snapshot(Path(snapshot), storage, spec)
    listing = walk(root, allowed=[storage / "blobs"])
    listing.notices[:0] = notes
    refs = storage / "refs"
    branches = (sorted(p.name for p in refs.glob("*") if safeio.probe(p) == "file")
                if safeio.probe(refs) == "folder" else [])
    return Snapshot("hf-cache", spec, f"https://huggingface.co/{repo}", root, listing, repo_id=repo,
                    revision=root.name, branches=branches)


def _cached_ref(storage: Path, rev: str, spec: str) -> str | None:
    """The commit a cached branch or tag points to; None when the cache has no such ref."""
    refs = storage / "refs"
    ref = refs / rev
    if safeio.probe(ref) == "missing":
        return None
    try:
        raw = safeio.read_bytes(ref, GIT_SMALL, root=refs, name=str(ref), what="a cache ref")
    except InputError as exc:
        raise InputError(printable(spec), f"the Hugging Face cache's ref is unusable: {exc}") from None
    commit = raw.decode("ascii", "replace").strip()
    if not GIT_SHA.fullmatch(commit):
        raise InputError(printable(spec), f"the Hugging Face cache's ref {printable(ref)} does not hold a "
                                             "commit hash; the cache is damaged or was tampered with")
    return commit


TREE_LIMIT = 64 * 1024 * 1024  # huggingface_hub's cached file listing of one commit


def vet_cache_file(path: Path, folder: Path, limit: int, spec: str) -> None:
    """Refuse a cache file that huggingface_hub would open and read whole by itself (a branch's
    ref, a commit's file listing) unless it is a regular file inside `folder`, under `limit`:
    linked to /dev/zero or made a FIFO, it would read forever or hang."""
    what = safeio.probe(path)
    if what in ("missing", "a broken link"):
        return
    try:
        small = what == "file" and os.stat(path).st_size <= limit
    except OSError:
        small = False
    inside = safeio.inside(path, folder)
    if not (small and inside):
        problem = what if what != "file" else "it leads outside the cache" if not inside else f"over {limit:,} bytes"
        raise InputError(printable(spec), f"the Hugging Face cache file {printable(path)} is unusable "
                                             f"({problem}); the cache is damaged or was tampered with")


def _checked_snapshot(root: Path, storage: Path, spec: str) -> Path:
    """`root`, once it is known to be a folder inside the cache's snapshots/ (a snapshot folder
    linked elsewhere would make the audit read that place instead)."""
    snapshots = storage / "snapshots"
    if not safeio.inside(root, snapshots) or safeio.probe(root) != "folder":
        raise InputError(printable(spec), f"the cached snapshot {printable(root)} leads outside the cache's "
                                             "snapshots folder; the cache is damaged or was tampered with")
    return root


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
        raise InputError(printable(spec), f"no model {repo} on the Hugging Face Hub (or it is private)") from None
    except RevisionNotFoundError:
        raise InputError(printable(spec), f"{repo} has no revision '{rev}'") from None
    except HfHubHTTPError as exc:
        if exc.response is not None and exc.response.status_code in (401, 404):
            raise InputError(printable(spec), f"no model {repo} on the Hugging Face Hub (or it is private)") from None
        raise InputError(printable(spec), f"the Hub answered: {first_line(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - connection refused, DNS, TLS, timeouts: httpx's own classes
        raise InputError(printable(spec), f"the Hub could not be reached ({type(exc).__name__}: {first_line(exc)}); "
                               f"audit a downloaded copy with hf:{repo}, or set HF_ENDPOINT") from None
    siblings = [(s.rfilename, s.size or 0) for s in info.siblings or []]
    notes: list[tuple[str, str]] = []
    small = [name for name, size in siblings
             if size <= SMALL_FILE and "." + name.rsplit(".", 1)[-1].lower() not in WEIGHT_SUFFIXES]
    from huggingface_hub.file_download import repo_folder_name

    storage = Path(_cache_dir()) / repo_folder_name(repo_id=repo, repo_type="model")
    vet_cache_file(storage / "refs" / (rev or "main"), storage / "refs", GIT_SMALL, spec)  # hf reads it to update it
    if info.sha:
        vet_cache_file(storage / "trees" / f"{info.sha}.json", storage / "trees", TREE_LIMIT, spec)
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
    if root is not None:
        root = _checked_snapshot(root, storage, spec)
    # snapshot files link to ../../blobs
    listing = walk(root, allowed=[storage / "blobs"]) if root is not None else Listing()
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

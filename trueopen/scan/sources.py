"""What to scan: folders, files, globs, list files and the local Hugging Face cache, as one list of
source strings, duplicates removed and the order kept."""

from __future__ import annotations

import glob
import os
import re
from typing import Iterable, Iterator

from ..errors import InputError

# Sources that name something other than a local path: left exactly as typed.
_REMOTE = re.compile(r"^(hf:|hub:|[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)
_GLOB = re.compile(r"[*?[]")


def normalise(spec: str) -> str:
    """The form a source is recorded and resumed under: an existing local path made absolute and
    normalised (./a/ and a are one source); anything else (hf:, URLs, ORG/NAME) as typed."""
    spec = spec.strip()
    if not spec or _REMOTE.match(spec):
        return spec
    path = os.path.expanduser(spec)
    if os.path.lexists(path):
        return os.path.normpath(os.path.abspath(path))
    return spec


def expand(spec: str) -> list[str]:
    """One argument as sources: a glob pattern (expanded here, so quoting it is safe; `**` goes
    into sub-folders) matches folders and files; a pattern that matches nothing is an error."""
    spec = spec.strip()
    if _REMOTE.match(spec) or not _GLOB.search(spec) or os.path.lexists(os.path.expanduser(spec)):
        return [normalise(spec)] if spec else []
    matches = sorted(glob.glob(os.path.expanduser(spec), recursive=True))
    if not matches:
        raise InputError(spec, "no file or folder matches this pattern")
    return [normalise(m) for m in matches]


def list_lines(text: str) -> Iterator[str]:
    """The sources of a --from-file list: one a line; blank lines and # comments skipped."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def unique(specs: Iterable[str]) -> list[str]:
    """Duplicates removed, first occurrence kept in place."""
    return list(dict.fromkeys(s for s in specs if s))


def hf_cache_snapshots() -> list[str]:
    """Every model snapshot in the local Hugging Face cache (HF_HUB_CACHE, else HF_HOME/hub), as
    huggingface_hub itself lists them, named hf:ORG/NAME@COMMIT so that the audit reads it through
    the cache (its files are links into blobs/). None when there is no cache."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir()
    except CacheNotFound:
        return []
    except OSError as exc:
        raise InputError("--hf-cache", f"the Hugging Face cache cannot be read: {exc}") from None
    out = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type == "model":
            out += [f"hf:{repo.repo_id}@{rev.commit_hash}" for rev in sorted(repo.revisions, key=lambda r: r.commit_hash)]
    return out

"""How people name models: ids, names, aliases and families, and what they most likely meant.

Lookups are exact first (an id always wins over a name), then by family ("llama-2", "qwen"),
and only then suggestions. Suggestions rank by the words and sizes the user typed ("OLMo 7B
Instruct" should offer OLMo models, not whatever is closest letter by letter).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # names are matched on plain strings: `show` finds an id without pydantic
    from ..release import Release


def normalize(text: str) -> str:
    """Case and punctuation do not matter; '+' does ("Command R+" is not "Command R")."""
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace("+", "plus"))


def keys(release: Release) -> list[str]:
    """Every normalised name a release answers to, the id first."""
    return list(dict.fromkeys(normalize(k) for k in (release.id, release.name, *release.aliases)))


def clashes(releases: Iterable[Release]) -> list[tuple[str, str, str]]:
    """(name, first id, second id) for every normalised name two releases share."""
    seen: dict[str, str] = {}
    out = []
    for r in releases:
        for shown in (r.id, r.name, *r.aliases):
            key = normalize(shown)
            if key in seen and seen[key] != r.id:
                out.append((shown, seen[key], r.id))
            seen.setdefault(key, r.id)
    return out


def exact(query: str, releases: Iterable[Release]) -> Release | None:
    """The release whose id is the query, else whose name or alias is."""
    wanted = normalize(query)
    releases = list(releases)
    for r in releases:
        if normalize(r.id) == wanted:
            return r
    for r in releases:
        if wanted in keys(r):
            return r
    return None


@dataclass(frozen=True)
class Family:
    """The releases a family name covers ("Llama 2"), or a group of families ("llama")."""

    name: str
    families: tuple[str, ...]
    releases: tuple[Release, ...]


def family(query: str, releases: Iterable[Release]) -> Family | None:
    """Every family whose name is the query, or the query followed by a version number
    ("llama" -> LLaMA, Llama 2, Llama 3.1...; "llama-3" -> Llama 3, 3.1, 3.3; "qwen" -> Qwen, Qwen2.5)."""
    wanted = normalize(query)
    if not wanted:
        return None
    releases = [r for r in releases if r.family]
    names = sorted({r.family for r in releases if r.family})
    chosen = [f for f in names if normalize(f) == wanted
              or (normalize(f).startswith(wanted) and normalize(f)[len(wanted)].isdigit())]
    if not chosen:
        return None
    mine = tuple(sorted((r for r in releases if r.family in chosen),
                        key=lambda r: (r.released.date.isoformat() if r.released else "9999", r.name)))
    return Family(", ".join(chosen), tuple(chosen), mine)


_TOKEN = re.compile(r"\d+(?:\.\d+)?x\d+[bmk]?|\d+(?:\.\d+)?[bmk]?|[a-z]+")


def tokens(text: str) -> list[str]:
    """Words and sizes: 'OLMo-2 7B Instruct' -> ['olmo', '2', '7b', 'instruct']."""
    return _TOKEN.findall(text.lower().replace("+", " plus "))


def _words(release: Release) -> set[str]:
    have: set[str] = set()
    for text in (release.id, release.name, *release.aliases, release.family or ""):
        have.update(tokens(text))
    return have


def _score(query_tokens: list[str], release: Release) -> float:
    have = _words(release)
    words = [t for t in query_tokens if t.isalpha()]
    if not words or not any(w in have for w in words):
        return 0.0  # no word in common: a size alone ("7b") is no reason to suggest a model
    score = 0.0
    for i, t in enumerate(query_tokens):
        if t in have:
            score += 3.0 if i == 0 else 2.0  # the first word is usually the family
    closest = max(difflib.SequenceMatcher(None, " ".join(query_tokens), " ".join(tokens(k))).ratio()
                  for k in (release.id, release.name, *release.aliases))
    return score + closest


def suggest(query: str, releases: Iterable[Release], n: int = 3) -> list[str]:
    """Ids the user most likely meant, by shared words and sizes, then by spelling."""
    releases = list(releases)
    qt = tokens(query)
    scored = [(s, r) for r in releases if (s := _score(qt, r)) > 0]
    first = next((t for t in qt if t.isalpha()), None)
    same_family = [(s, r) for s, r in scored if first in _words(r)]
    ranked = sorted(same_family or scored, key=lambda x: (-x[0], x[1].id))  # the first word names the family
    out = [r.id for _, r in ranked]
    if not out:  # typos: "lama" or "olmoo" share no word, but are close in spelling
        names = {k: r.id for r in releases for k in keys(r)}
        for k in difflib.get_close_matches(normalize(query), list(names), n=5, cutoff=0.6):
            out.append(names[k])
    return list(dict.fromkeys(out))[:n]

"""Name the licenses in a file, a folder, standard input, a Hugging Face `license:` id or an SPDX
expression. The I/O edge of the license module: reading is bounded and never executes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .. import safeio
from ..errors import InputError
from ..report.safe_text import printable
from . import names, verbatim, words

MAX_BYTES = 4 * 1024 * 1024  # license files and model cards are far smaller; bigger is not one
# Files in a folder that carry license terms (matched case-insensitively on the name's start).
LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|notice|use[_-]?policy|model[_-]?licen[cs]e|readme)", re.I)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class Finding:
    """One license found: stable JSON keys are documented in docs/json.md."""

    key: str
    spdx: str
    title: str
    match: str  # exact | near | partial | notice | reference | tag
    confidence: float
    start_line: int | None
    end_line: int | None
    path: str
    evidence: str  # the reference text or the field that matched

    def to_json(self) -> dict:
        return {f: getattr(self, f) for f in _FIELDS}


_FIELDS = tuple(f.name for f in fields(Finding))


def in_text(text: str, path: str = "-") -> list[Finding]:
    """Licenses whose text, notice or reference appears in `text`, in order of appearance."""
    copy = _unedited_copy(text, path)
    return copy if copy is not None else _matched(text, path)


def _matched(text: str, path: str) -> list[Finding]:
    """What the approximate matcher names in a text that is no unedited copy."""
    from . import index, match
    from .fingerprint import tokenize

    idx = index.load()
    out = []
    for m in match.find(idx, tokenize(text)):
        n = names.from_scancode(idx.expressions[m.doc])
        out.append(Finding(n.key, n.spdx, n.title, m.kind, m.coverage, m.start_line, m.end_line, path,
                           idx.origins[m.doc]))
    return out


HEADER_LINES = 3  # at most this many short lines above an unedited text: a copyright or project line
HEADER_WORDS = 16
_LICENSE_WORD = re.compile(r"licen[cs]|spdx|gpl|\bmit\b|apache|\bbsd\b|mozilla|creative commons|rail\b|terms|agreement")


def _unedited_copy(text: str, path: str) -> list[Finding] | None:
    """The finding for an unedited copy of one reference text (one lookup, no matching), or None.

    Words are compared, not lines, so a re-wrapped copy is still a copy. A copy under a short
    header (a copyright or project line, HEADER_LINES at most, none naming a license or terms) is
    one too: the lines below the header are looked up as they are. A header that mentions a
    license goes to the matcher, which names what it refers to."""
    norm = words.normalise(text)
    table = verbatim.table()
    known, start = table.get(words.text_digest(norm)), 0
    for _ in range(HEADER_LINES):
        if known is not None:
            break
        first_word = words.WORD.search(norm, start)
        end = norm.find("\n", first_word.start()) if first_word else -1
        if end < 0:
            return None
        header = norm[first_word.start():end]
        if len(words.WORD.findall(header)) > HEADER_WORDS or _LICENSE_WORD.search(header):
            return None
        start = end + 1
        known = table.get(words.text_digest(norm[start:]))
    if known is None:
        return None
    n = names.from_scancode(known.expression)
    first, last = words.span_lines(norm[start:]) or (None, None)
    above = norm.count("\n", 0, start)
    match_kind = "exact" if known.kind == "text" else known.kind
    return [Finding(n.key, n.spdx, n.title, match_kind, 1.0, first and first + above, last and last + above, path,
                    known.origin)]


def in_tag(value: str, path: str = "-", field: str = "argument", line: int | None = None) -> Finding | None:
    """A Hugging Face `license:` id, a license name or an SPDX expression; None if unreadable."""
    n = names.from_tag(value) or names.from_expression(value)
    if n is None:
        return None
    return Finding(n.key, n.spdx, n.title, "tag", 1.0, line, line, path, f"{field}: {value}")


def read_text(path: Path) -> str:
    """A license file or card: a regular file of at most MAX_BYTES (a FIFO, a device or a link to
    /dev/zero is refused before any byte is read), decoded as UTF-8 or else Latin-1."""
    raw = safeio.read_bytes(path, MAX_BYTES, what="a license or model card")
    if b"\x00" in raw[:8192]:
        raise InputError(printable(path), "binary file, not a license text")
    return safeio.text_of(raw)  # old license files are often Latin-1; no byte is lost


def in_front_matter(text: str, path: str) -> list[Finding]:
    """`license`, `license_name` and `license_link` of a model card's YAML front matter, then the
    license text of its gated prompt."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return []
    from .. import safeyaml

    data = safeyaml.loads(m.group(1), path)
    if not isinstance(data, dict):
        return []
    spans = field_spans(m.group(1))
    lines = {k: first for k, (first, _) in spans.items()}
    return [*in_card_data(data, path, lines), *in_gated_prompt(data, path, spans.get("extra_gated_prompt"))]


def in_card_data(data: dict, path: str, lines: dict[str, int] | None = None) -> list[Finding]:
    """The license fields of card metadata already parsed (by the audit, or by the Hub);
    `lines` maps a field to its line in the card, when known."""
    lines = lines or {}
    out = []
    declared = data.get("license")
    values = declared if isinstance(declared, list) else [declared] if declared else []
    for v in values:
        if not isinstance(v, str):
            continue
        if v.lower() == "other":
            name = data.get("license_name")
            f = in_tag(str(name), path, "license_name", lines.get("license_name")) if name else None
            if f is None and isinstance(data.get("license_link"), str):
                f = in_tag(data["license_link"], path, "license_link", lines.get("license_link"))
            out.append(f or Finding("unknown", "LicenseRef-other", f"other ({name or 'no license_name'})", "tag", 0.0,
                                    lines.get("license"), lines.get("license"), path, "license: other"))
            continue
        f = in_tag(v, path, "license", lines.get("license"))
        out.append(f or Finding("unknown", f"LicenseRef-{v}", v, "tag", 0.0, lines.get("license"), lines.get("license"),
                                path, f"license: {v} (not a license id trueopen knows)"))
    return out


def without_front_matter(text: str) -> str:
    """The text with its front matter blanked, line numbers kept: tags are read once, as tags."""
    m = _FRONT_MATTER.match(text)
    return "\n" * m.group(0).count("\n") + text[m.end():] if m else text


def in_gated_prompt(data: dict, path: str, span: tuple[int, int] | None = None) -> list[Finding]:
    """Licenses in a card's `extra_gated_prompt`: gated models (Meta's, Mistral's) put their license
    text there, and the Hub shows it before every download. The value is read decoded (cards store it
    as an escaped YAML string), so findings carry the field's lines in the card, `span`, when known."""
    prompt = data.get("extra_gated_prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return []
    first, last = span or (None, None)
    return [replace(f, start_line=first, end_line=last) for f in in_text(prompt, path)]


def field_spans(front: str) -> dict[str, tuple[int, int]]:
    """First and last line (1-based, in the card) of each top-level field of a front matter's text
    (what lies between the `---` lines, which start on the card's line 2)."""
    lines = front.splitlines()
    starts = [(i, line.split(":", 1)[0].strip()) for i, line in enumerate(lines)
              if ":" in line and line[:1] not in (" ", "\t", "#", "-")]  # "- x" lines belong to the key above
    spans: dict[str, tuple[int, int]] = {}
    for (i, key), nxt in zip(starts, [*(j for j, _ in starts[1:]), len(lines)]):
        last = max((j for j in range(i, nxt) if lines[j].strip()), default=i)
        spans.setdefault(key, (i + 2, last + 2))
    return spans


def in_file(path: Path, shown: str | None = None) -> list[Finding]:
    shown = shown or str(path)
    text = read_text(path)
    return [*in_front_matter(text, shown), *in_text(without_front_matter(text), shown)]


def in_files(paths: list[Path], problems: list[str], jobs: int | None = 1) -> list[Finding]:
    """`in_file` of each path, in order, on up to `jobs` processes when there are many
    (batch.in_order). A file that cannot be read is noted in `problems`; the others are still read."""
    from . import batch

    # Unedited copies are named here by one lookup each; only the texts left for the approximate
    # matcher are worth spreading over processes (a folder of copies never starts any). The
    # workers are forked, so they get the texts already read, not the paths to read again.
    results: list[tuple[list[Finding], str | None] | None] = [None] * len(paths)
    rest: list[tuple[int, str, str]] = []
    for i, path in enumerate(paths):
        try:
            text = read_text(path)
        except InputError as exc:
            results[i] = ([], str(exc))
            continue
        front, body = in_front_matter(text, str(path)), without_front_matter(text)
        copy = _unedited_copy(body, str(path))
        if copy is None:
            rest.append((i, body, str(path)))
        results[i] = ([*front, *(copy or [])], None)
    for (i, _, _), found in zip(rest, batch.in_order(_matched_part, [(body, p) for _, body, p in rest], jobs)):
        results[i] = (results[i][0] + found, None)  # type: ignore[index]
    out = []
    for found, problem in results:  # type: ignore[misc] - every slot is filled above
        out.extend(found)
        if problem is not None:
            problems.append(problem)
    return out


def _matched_part(item: tuple[str, str]) -> list[Finding]:
    return _matched(*item)


def license_files(folder: Path, problems: list[str] | None = None) -> list[Path]:
    """License-bearing files at the top of a folder and one level down (e.g. `LICENSES/`). Links
    out of the folder are not followed; FIFOs, devices and sockets are noted in `problems`."""
    found = []
    for p in _entries(folder, problems):
        if p.is_symlink() and not safeio.inside(p, folder):
            continue  # never follow a link out of the folder we were asked about
        what = safeio.probe(p)
        if what == "folder" and p.name.lower() in ("licenses", "license", "licences"):
            for q in _entries(p, problems):
                if not q.is_symlink() and _usable(q, problems):
                    found.append(q)
        elif LICENSE_FILE.match(p.name) and what != "folder" and _usable(p, problems):
            found.append(p)
    return found


def _entries(folder: Path, problems: list[str] | None) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        if problems is None:
            raise InputError(printable(folder), f"cannot list: {exc.strerror or exc}") from None
        problems.append(f"{printable(folder)}: cannot list: {exc.strerror or exc}")
        return []


def _usable(p: Path, problems: list[str] | None) -> bool:
    """A regular file; anything else at a license file's name is a problem to report."""
    what = safeio.probe(p)
    if what == "file":
        return True
    if problems is not None and what not in ("folder", "missing"):
        problems.append(f"{printable(p)}: {what}, not a regular file; not read")
    return False


def identify(target: str, stdin_text: str | None = None, problems: list[str] | None = None,
             jobs: int | None = 1) -> list[Finding]:
    """Everything `trueopen license TARGET` reports, in file order. With `problems`, a folder's
    file that cannot be read is noted there, the others are still read, on up to `jobs`
    processes (None: one per core)."""
    if target == "-":
        text = stdin_text or ""
        return [*in_front_matter(text, "-"), *in_text(without_front_matter(text), "-")]
    if not target.strip():
        raise InputError(repr(target), "an empty argument; give a file, a folder, - or a license id")
    path = Path(target)
    what = safeio.probe(path)
    if what == "folder":
        if problems is None:  # the first unreadable file is the error
            return [f for p in license_files(path) for f in in_file(p, str(p))]
        return in_files(license_files(path, problems), problems, jobs)
    if what == "file":
        return in_file(path)
    if what != "missing" and what != "a broken link":
        problem = what.replace("unreadable: ", "cannot read: ")
        hint = "; use - for standard input" if target in ("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0") else ""
        raise InputError(printable(target), problem if problem.startswith("cannot") else
                         f"is {what}, not a license file or folder{hint}")
    tag = in_tag(target)
    if tag is None:
        raise InputError(printable(target), "no such file or folder, and not a license id or SPDX expression "
                                               "trueopen knows (try: trueopen license LICENSE, or an id such as "
                                               "apache-2.0, llama3.1, gemma)")
    return [tag]

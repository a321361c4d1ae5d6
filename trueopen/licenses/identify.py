"""Name the licenses in a file, a folder, standard input, a Hugging Face `license:` id or an SPDX
expression. The I/O edge of the license module: reading is bounded and never executes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import InputError
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
    norm = words.normalise(text)
    known = verbatim.table().get(words.text_digest(norm))
    if known is not None:  # an unedited copy of one reference text: no matching needed
        n = names.from_scancode(known.expression)
        first, last = words.span_lines(norm) or (None, None)
        match_kind = "exact" if known.kind == "text" else known.kind
        return [Finding(n.key, n.spdx, n.title, match_kind, 1.0, first, last, path, known.origin)]
    from . import index, match
    from .fingerprint import tokenize

    idx = index.load()
    out = []
    for m in match.find(idx, tokenize(text)):
        n = names.from_scancode(idx.expressions[m.doc])
        out.append(Finding(n.key, n.spdx, n.title, m.kind, m.coverage, m.start_line, m.end_line, path,
                           idx.origins[m.doc]))
    return out


def in_tag(value: str, path: str = "-", field: str = "argument", line: int | None = None) -> Finding | None:
    """A Hugging Face `license:` id, a license name or an SPDX expression; None if unreadable."""
    n = names.from_tag(value) or names.from_expression(value)
    if n is None:
        return None
    return Finding(n.key, n.spdx, n.title, "tag", 1.0, line, line, path, f"{field}: {value}")


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(str(path), f"{size:,} bytes is too large for a license or model card (limit {MAX_BYTES:,})")
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    if b"\x00" in raw[:8192]:
        raise InputError(str(path), "binary file, not a license text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # old license files are often Latin-1; no byte is lost


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


def license_files(folder: Path) -> list[Path]:
    """License-bearing files at the top of a folder and one level down (e.g. `LICENSES/`)."""
    found = []
    for p in sorted(folder.iterdir()):
        if p.is_symlink() and not p.resolve(strict=False).is_relative_to(folder.resolve()):
            continue  # never follow a link out of the folder we were asked about
        if p.is_file() and LICENSE_FILE.match(p.name):
            found.append(p)
        elif p.is_dir() and p.name.lower() in ("licenses", "license", "licences"):
            found.extend(q for q in sorted(p.iterdir()) if q.is_file() and not q.is_symlink())
    return found


def identify(target: str, stdin_text: str | None = None) -> list[Finding]:
    """Everything `trueopen license TARGET` reports, in file order."""
    if target == "-":
        text = stdin_text or ""
        return [*in_front_matter(text, "-"), *in_text(without_front_matter(text), "-")]
    path = Path(target)
    if path.is_dir():
        out = []
        for f in license_files(path):
            out.extend(in_file(f, str(f)))
        return out
    if path.exists():
        return in_file(path)
    tag = in_tag(target)
    if tag is None:
        raise InputError(target, "no such file or folder, and not a license id or SPDX expression trueopen knows "
                                  "(try: trueopen license LICENSE, or an id such as apache-2.0, llama3.1, gemma)")
    return [tag]

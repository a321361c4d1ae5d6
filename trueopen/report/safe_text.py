"""Strings from the inputs we audit, made safe to show.

File names, card fields and echoed arguments are written by whoever made the model folder. Sent
raw to a terminal, an escape code (ESC[8m: hide the text) or a bidi override (U+202E: show the
text reversed) can hide or disguise the very warning about that file. `printable` escapes them
as `\\x1b`, `\\u202e`, so the reader sees that they are there and nothing acts on them.

JSON: json.dumps escapes C0 controls itself but not C1 controls or bidi marks, so `json_text`
writes those as `\\u0085`, `\\u202e` too: still valid JSON that parses back to the exact same
string, so machine readers lose nothing, and `cat report.json` in a terminal is harmless.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL (category Cc), bidi embeddings, overrides, isolates and marks, and the
# Unicode line and paragraph separators (they break a line where no newline is seen).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What json.dumps(ensure_ascii=False) leaves raw: C1 controls, bidi, separators (C0 it escapes).
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    c = ord(ch)
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(value: object) -> str:
    """`value` as text with every control, bidi or line-separator character escaped: one line,
    shown as written, acting on nothing. Idempotent: its escapes are plain ASCII."""
    return _UNSAFE.sub(_escape, value if isinstance(value, str) else str(value))


def json_text(dumped: str) -> str:
    """Escape C1 controls and bidi characters in text json.dumps made. Outside strings JSON holds
    only ASCII, so every match is inside a string, where `\\uXXXX` means the same character."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)

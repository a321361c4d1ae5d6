"""Strings from the inputs we audit, made safe to show.

File names, card fields and echoed arguments are written by whoever made the model folder. Sent
raw to a terminal, an escape code (ESC[8m: hide the text) or a bidi override (U+202E: show the
text reversed) can hide or disguise the very warning about that file. `printable` escapes them
as `\\x1b`, `\\u202e`, so the reader sees that they are there and nothing acts on them. It is the
one escape for everything shown: error messages (InputError applies it), tables, file names.

JSON: json.dumps escapes C0 controls itself but not C1 controls or bidi marks, so `json_text`
writes those as `\\u0085`, `\\u202e` too: still valid JSON that parses back to the exact same
string, so machine readers lose nothing, and `cat report.json` in a terminal is harmless.
"""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import date, time
from typing import Any

MAX_DEPTH = 200  # deeper than any report; values read from files are bounded far below this
_MAX_INT_BITS = 13_000  # about 3,900 digits: under Python's 4,300-digit int-to-text limit

# C0 and C1 controls and DEL (category Cc), bidi embeddings, overrides, isolates and marks, the
# Unicode line and paragraph separators (they break a line where no newline is seen), invisible
# zero-width characters (they make two names that read the same differ), and lone surrogates (a
# file name that is not UTF-8, as Python decodes it: written raw, it cannot be encoded at all).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw: C1 controls, bidi, separators, lone surrogates
# (C0 it escapes).
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


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


def printable_cell(value: object) -> str:
    """`printable`, but line breaks kept: a table cell may hold several lines (a renderer's own,
    or a file name's, which can only make the cell taller, never hide or rewrite text)."""
    return "\n".join(printable(part) for part in (value if isinstance(value, str) else str(value)).split("\n"))


def printable_lines(lines: list[str]) -> str:
    """Lines of rendered text joined, each made `printable` but its newlines kept; ends with one."""
    return "".join(printable(part) + "\n" for line in lines for part in line.split("\n"))


def json_text(dumped: str) -> str:
    """Escape C1 controls and bidi characters in text json.dumps made. Outside strings JSON holds
    only ASCII, so every match is inside a string, where a `\\u` escape of its four hex digits
    means the same character."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)


_LEAF = (str, bool, type(None))  # exact types jsonable returns as they are, without a call


def jsonable(obj: Any, _depth: int = 0) -> Any:
    """`obj` with only JSON's types, for values that came from files we read: dates and times as
    ISO text, sets as sorted lists, bytes as base64 text, huge integers and NaN/infinity as text
    (JSON has no number for them), anything else as its text. Plain JSON passes through as is.

    Every audit's JSON goes through here (a scan's thousands of them): plain dicts and lists, the
    bulk of it, take a fast path that copies text, booleans and nulls without a call per value."""
    t = type(obj)
    if t is dict and _depth <= MAX_DEPTH:
        return {(k if type(k) is str else _key(k)): (v if type(v) in _LEAF else jsonable(v, _depth + 1))
                for k, v in obj.items()}
    if t is list and _depth <= MAX_DEPTH:
        return [v if type(v) in _LEAF else jsonable(v, _depth + 1) for v in obj]
    return _jsonable(obj, _depth)


def _jsonable(obj: Any, _depth: int) -> Any:
    """Every other value, and containers past MAX_DEPTH."""
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, int):
        return obj if obj.bit_length() <= _MAX_INT_BITS else f"an integer of {obj.bit_length()} bits"
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else str(obj)
    if _depth > MAX_DEPTH:
        return "..."
    if isinstance(obj, dict):
        return {_key(k): jsonable(v, _depth + 1) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v, _depth + 1) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((jsonable(v, _depth + 1) for v in obj), key=repr)
    if isinstance(obj, (date, time)):
        return obj.isoformat()
    if isinstance(obj, (bytes, bytearray)):
        return base64.b64encode(bytes(obj)).decode("ascii")
    return str(obj)


def _key(k: Any) -> str:
    value = jsonable(k)
    return value if isinstance(value, str) else json.dumps(value)


def json_dumps(obj: Any) -> str:
    """The text of `--format json`: any value serialised (see `jsonable`), then `json_text`."""
    return json_text(json.dumps(jsonable(obj), indent=2, ensure_ascii=False))

"""Reading YAML we did not write: safe loader only, bounded size, no alias bombs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 50
MAX_NODES = 1_000_000  # values once aliases are expanded, as any consumer would see them


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with many aliases (billion-laughs)."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases")
        return super().compose_node(parent, index)


def _depth(obj: Any, limit: int) -> int:
    """Nesting depth, level by level over distinct containers: aliases share objects, so a
    billion-laughs document is a small graph and must never be walked as the tree it expands to."""
    level = {id(obj): obj} if isinstance(obj, (dict, list)) else {}
    depth = 1
    while level and depth <= limit:
        nxt: dict[int, Any] = {}
        for node in level.values():
            for child in node.values() if isinstance(node, dict) else node:
                if isinstance(child, (dict, list)):
                    nxt[id(child)] = child
        level = nxt
        if level:
            depth += 1
    return depth


def _expanded_size(obj: Any, memo: dict[int, int]) -> int:
    """How many values the document holds with aliases expanded; cheap thanks to sharing."""
    if not isinstance(obj, (dict, list)):
        return 1
    if id(obj) not in memo:
        kids = obj.values() if isinstance(obj, dict) else obj
        memo[id(obj)] = 1 + sum(_expanded_size(k, memo) for k in kids) + (len(obj) if isinstance(obj, dict) else 0)
    return memo[id(obj)]


def loads(text: str, source: str) -> Any:
    """Parse YAML text; errors name `source` and the line."""
    try:
        loader = _BoundedLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(source, f"malformed YAML: {line}{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise InputError(source, "YAML nested too deeply") from None
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise InputError(source, f"YAML nested deeper than {MAX_DEPTH} levels")
    if _expanded_size(data, {}) > MAX_NODES:
        raise InputError(source, f"YAML expands to more than {MAX_NODES:,} values through aliases")
    return data


def load_file(path: Path) -> Any:
    """Read and parse a YAML file, refusing huge or non-UTF-8 files with a clear error."""
    from . import safeio

    name = str(path)
    if safeio.probe(path) == "folder":
        raise InputError(name, "is a folder, expected a YAML file")
    raw = safeio.read_bytes(path, MAX_BYTES, what="a YAML input")  # regular files only, capped, never blocks
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"not UTF-8 text (byte {exc.start})") from None
    return loads(text, name)

"""Reading YAML we did not write: safe loader only, bounded size, no alias bombs.

Values arrive as JSON-like data, so no caller (and no JSON renderer) meets a type it cannot
handle: `!!set` becomes a list of its members, `!!binary` its base64 text, `!!omap`/`!!pairs`
lists of [key, value]. A plain value that only looks like a date or a number but is not one
(`2024-13-45`, a 5,000-digit integer) stays the string it was written as; an explicit tag that
does not fit (`!!int x`) is an error naming the file, the line and the field. Valid dates stay
`datetime.date`, so schemas that must tell `2024-01-01` from `'2024-01-01'` (MOT's) still can.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 50
MAX_NODES = 1_000_000  # values once aliases are expanded, as any consumer would see them
MAX_TEXT = 4 * MAX_BYTES  # characters of keys and strings once aliases are expanded
MAX_INT_DIGITS = 4_000  # below Python's 4,300-digit limit on int <-> str, so any int can be printed
_MAX_INT_BITS = int(MAX_INT_DIGITS * 3.3219)
_CONSTRUCT_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError)


class _BadValue(Exception):
    """A scalar whose explicit tag its text does not fit; carries the node to name the field."""

    def __init__(self, node: yaml.Node, problem: str):
        super().__init__(problem)
        self.node = node
        self.problem = problem


def _too_long(_loader: Any, node: yaml.Node) -> Any:
    raise ValueError(f"{len(node.value)} characters")


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with many aliases (billion-laughs) and builds only
    JSON-like values (see the module docstring)."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._aliases = 0
        self._explicit: set[int] = set()  # ids of scalar nodes whose tag was written out
        self.root: yaml.Node | None = None

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases")
        return super().compose_node(parent, index)

    def compose_scalar_node(self, anchor):  # type: ignore[override]
        explicit = self.peek_event().tag not in (None, "!")
        node = super().compose_scalar_node(anchor)
        if explicit:
            self._explicit.add(id(node))
        return node

    def get_single_data(self) -> Any:
        self.root = self.get_single_node()
        return None if self.root is None else self.construct_document(self.root)

    def _scalar(self, node: yaml.Node, build, kind: str) -> Any:
        """`build(node)`, or the text as written when a plain value only looked like `kind`."""
        try:
            value = build(self, node)
        except _CONSTRUCT_ERRORS:
            value = None
        else:
            if not (isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS):
                return value
        if id(node) in self._explicit:
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            raise _BadValue(node, f"'!!{node.tag.rsplit(':', 1)[-1]} {shown}' is not a valid {kind}")
        return node.value

    def construct_yaml_int(self, node):  # type: ignore[override]
        if len(node.value) > MAX_INT_DIGITS:  # int() of a long text is slow, and unprintable after
            return self._scalar(node, _too_long, "integer")
        return self._scalar(node, yaml.SafeLoader.construct_yaml_int, "integer")

    def construct_yaml_float(self, node):  # type: ignore[override]
        return self._scalar(node, yaml.SafeLoader.construct_yaml_float, "number")

    def construct_yaml_bool(self, node):  # type: ignore[override]
        return self._scalar(node, yaml.SafeLoader.construct_yaml_bool, "boolean")

    def construct_yaml_timestamp(self, node):  # type: ignore[override]
        return self._scalar(node, yaml.SafeLoader.construct_yaml_timestamp, "date")

    def construct_yaml_binary(self, node):  # type: ignore[override]
        return "".join(self.construct_scalar(node).split())

    def construct_yaml_set(self, node):  # type: ignore[override]
        data: list[Any] = []
        yield data
        data.extend(self.construct_mapping(node))

    def construct_yaml_omap(self, node):  # type: ignore[override]
        data: list[Any] = []
        yield data
        pairs = yaml.SafeLoader.construct_yaml_omap(self, node)
        built = next(pairs)
        for _ in pairs:
            pass
        data.extend([k, v] for k, v in built)

    construct_yaml_pairs = construct_yaml_omap


for _tag, _name in (("int", "construct_yaml_int"), ("float", "construct_yaml_float"), ("bool", "construct_yaml_bool"),
                    ("timestamp", "construct_yaml_timestamp"), ("binary", "construct_yaml_binary"),
                    ("set", "construct_yaml_set"), ("omap", "construct_yaml_omap"), ("pairs", "construct_yaml_pairs")):
    _BoundedLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", getattr(_BoundedLoader, _name))


def _field(root: yaml.Node | None, target: yaml.Node, limit: int = 200_000) -> str | None:
    """Where `target` sits under `root`, as `a.b[2].c`: breadth first over distinct nodes."""
    if root is None:
        return None
    seen = {id(root)}
    queue: list[tuple[yaml.Node, str]] = [(root, "")]
    for node, path in queue:
        if node is target:
            return path or "(top)"
        if len(queue) > limit:
            return None
        if isinstance(node, yaml.MappingNode):
            kids = []
            for k, v in node.value:
                label = k.value if isinstance(k, yaml.ScalarNode) else "?"
                label = label if len(label) <= 60 else label[:60] + "..."
                kpath = f"{path}.{label}" if path else label
                kids += [(k, kpath), (v, kpath)]
        elif isinstance(node, yaml.SequenceNode):
            kids = [(v, f"{path}[{i}]") for i, v in enumerate(node.value)]
        else:
            continue
        for kid, kpath in kids:
            if id(kid) not in seen:
                seen.add(id(kid))
                queue.append((kid, kpath))
    return None


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


def _expanded_size(obj: Any, memo: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(values, characters of keys and strings) with aliases expanded; cheap thanks to sharing.
    Run after the depth check, so the graph has no cycles."""
    if isinstance(obj, str):
        return 1, len(obj)
    if not isinstance(obj, (dict, list)):
        return 1, 0
    if id(obj) not in memo:
        values, chars = 1, 0
        for kid in (list(obj.keys()) + list(obj.values())) if isinstance(obj, dict) else obj:
            v, c = _expanded_size(kid, memo)
            values, chars = values + v, chars + c
        memo[id(obj)] = (values, chars)
    return memo[id(obj)]


def loads(text: str, source: str) -> Any:
    """Parse YAML text; errors name `source`, the line and, for a bad value, the field."""
    loader = None
    try:
        loader = _BoundedLoader(text)  # the reader already refuses some characters here
        data = loader.get_single_data()
    except _BadValue as exc:
        line = f"line {exc.node.start_mark.line + 1}: "
        raise InputError(source, line + exc.problem, field=_field(loader.root, exc.node)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(source, f"malformed YAML: {line}{exc.problem or exc}") from None
    except yaml.reader.ReaderError as exc:
        raise InputError(source, f"malformed YAML: character #x{exc.character:x} at position {exc.position} "
                                 "is not allowed (quote it with an escape)") from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"malformed YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise InputError(source, "YAML nested too deeply") from None
    except _CONSTRUCT_ERRORS as exc:  # a value the safe constructors choke on in a way not foreseen
        raise InputError(source, f"malformed YAML: {type(exc).__name__}: {exc}"[:200]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise InputError(source, f"YAML nested deeper than {MAX_DEPTH} levels")
    values, chars = _expanded_size(data, {})
    if values > MAX_NODES:
        raise InputError(source, f"YAML expands to more than {MAX_NODES:,} values through aliases")
    if chars > MAX_TEXT:
        raise InputError(source, f"YAML expands to {chars:,} characters through aliases; the limit is {MAX_TEXT:,}")
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

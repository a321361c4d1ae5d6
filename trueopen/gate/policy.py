"""The policy file: what an organisation accepts. Read with the bounded safe YAML loader and
checked field by field, so a mistake is one line naming the file, the line and the field."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import safeyaml
from ..errors import InputError
from ..licenses.rights import QUESTIONS, parse_users

VERDICTS = ("open-source", "open-weights", "restricted-weights", "closed", "unknown")
FORMATS = ("pickle", "safetensors", "gguf", "onnx", "keras", "flax-msgpack", "numpy", "tflite", "lfs-pointer", "other")
Verdict = Literal["open-source", "open-weights", "restricted-weights", "closed", "unknown"]
Format = Literal["pickle", "safetensors", "gguf", "onnx", "keras", "flax-msgpack", "numpy", "tflite", "lfs-pointer",
                 "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LicenseRules(_Strict):
    allow: list[str] | None = None  # None: any license not denied
    deny: list[str] = Field(default_factory=list)
    expressions: bool = True  # whether a compound SPDX expression (A AND B) is acceptable at all


class RightsRules(_Strict):
    """Questions as `can` asks them; true means "we need to be able to do this"."""

    commercial: bool = False
    users: int | None = None
    fine_tune: bool = False
    redistribute_weights: bool = False
    distill: bool = False
    use_outputs_commercially: bool = False
    on_prem: bool = False
    military: bool = False
    conditional: Literal["accept", "reject"] = "accept"
    unclear: Literal["accept", "reject"] = "reject"

    @field_validator("users", mode="before")
    @classmethod
    def _users(cls, v: object) -> object:
        if isinstance(v, bool):
            raise ValueError("expected a user count such as 800M, 1.5B or 50k")
        if isinstance(v, (str, int, float)):
            try:
                return parse_users(str(v))
            except InputError as exc:
                raise ValueError(exc.problem) from None
        return v

    def asked(self) -> list[str]:
        return [q for q in QUESTIONS if (self.users is not None if q == "users" else getattr(self, q))]


class WeightRules(_Strict):
    forbid_formats: list[Format] = Field(default_factory=list)


class Exception_(_Strict):
    model: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    expires: date


class Policy(_Strict):
    verdicts: list[Verdict] | None = None  # None: any verdict
    osaid: Literal["required", "ignore"] = "ignore"
    mof_class: Literal[1, 2, 3] | None = None  # the lowest (weakest) class accepted; 1 is the strictest
    licenses: LicenseRules = Field(default_factory=LicenseRules)
    rights: RightsRules = Field(default_factory=RightsRules)
    weights: WeightRules = Field(default_factory=WeightRules)
    exceptions: list[Exception_] = Field(default_factory=list)


def _normalize(data: object) -> object:
    """`fine-tune` and `fine_tune` are the same key, as the CLI's flags are."""
    if isinstance(data, dict):
        return {(k.replace("-", "_") if isinstance(k, str) else k): _normalize(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_normalize(v) for v in data]
    return data


def _key_lines(text: str) -> dict[tuple, int]:
    """The line of every mapping key and list item, by its path. Composing builds no objects."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = str(k.value).replace("-", "_")
                lines[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                lines[path + (i,)] = v.start_mark.line + 1
                walk(v, path + (i,))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def _line_of(loc: tuple, lines: dict[tuple, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def parse(text: str, source: str) -> Policy:
    data = safeyaml.loads(text, source)  # bounded; raises with the line on malformed YAML
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(source, f"expected a mapping of rules at the top, found {type(data).__name__}")
    try:
        return Policy.model_validate(_normalize(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("literal[", "list["))))
        line = _line_of(loc, _key_lines(text))
        field = ".".join(str(p) for p in loc) or None
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            known = _known_keys(loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
            msg = "not a policy key" + (f"; did you mean '{hint[0]}'?" if hint else f"; expected one of: {', '.join(known)}")
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise InputError(f"{source}:{line}" if line else source, msg + more, field=field) from None


def _known_keys(parent: tuple) -> list[str]:
    model: type[BaseModel] = Policy
    for p in parent:
        if isinstance(p, int):
            continue
        ann = model.model_fields[str(p)].annotation
        nxt = next((t for t in (ann, *getattr(ann, "__args__", ())) if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if nxt is None:
            return []
        model = nxt
    return list(model.model_fields)


def load(path: Path) -> Policy:
    """Read a policy file: errors name the file, line and field."""
    name = str(path)
    data_text = _read(path)
    return parse(data_text, name)


def _read(path: Path) -> str:
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(name, "is a folder, expected a policy YAML file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(name, "no such file (trueopen check --init writes a starter policy)") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror}") from None
    if size > safeyaml.MAX_BYTES:
        raise InputError(name, f"file is {size} bytes; policies are limited to {safeyaml.MAX_BYTES}")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"not UTF-8 text (byte {exc.start})") from None


STARTER = """\
# trueopen policy: what this organisation accepts in the models it ships.
# `trueopen check MODEL_OR_FOLDER --policy trueopen-policy.yaml` exits 0 when every rule
# passes, 1 when one is violated, 2 when this file is invalid. See docs/policy.md.

# Verdict levels we accept (open-source, open-weights, restricted-weights, closed, unknown).
verdicts: [open-source, open-weights, restricted-weights]

# osaid: required        # only models that conform to the Open Source AI Definition
# mof_class: 3           # Model Openness Framework class 3 or better (1 is the most open)

licenses:
  # allow: [Apache-2.0, MIT]      # only these (SPDX ids or LicenseRef- keys)
  deny: [CC-BY-NC-4.0, CC-BY-NC-SA-4.0]
  expressions: true               # accept compound SPDX expressions (A AND B)

# What we need to be able to do, asked as `trueopen can` asks it.
rights:
  commercial: true
  users: 800M                     # monthly active users we serve
  # fine-tune: true
  # distill: true
  conditional: accept             # accept answers with conditions (attribution, naming...)
  unclear: reject                 # a gap in the record fails the check

weights:
  forbid_formats: [pickle]        # loading pickle can run code

# Exceptions by model id, each with a reason and an expiry date.
exceptions: []
#  - {model: llama-3.1-8b, reason: "signed separate agreement with Meta", expires: 2027-06-30}
"""

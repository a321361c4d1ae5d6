"""`choose` and `cost` from query parameters: the CLI's options by the same names (dashes as
underscores), checked the same way; a bad value is an InputError naming the parameter."""

from __future__ import annotations

from typing import Mapping

from ..advise import choose as choose_mod
from ..advise import cost as cost_mod
from ..errors import InputError
from ..licenses.rights import parse_users

QUESTIONS = ("commercial", "fine_tune", "redistribute_weights", "distill", "use_outputs_commercially", "military")
PRECISIONS = ("bf16", "fp8", "int8", "int4")
TASKS = ("chat", "code", "reasoning", "embedding", "speech", "vision", "image")
MIN_VERDICTS = ("open-source", "open-weights", "restricted-weights", "closed")
FLAGS = (*QUESTIONS, "on_prem", "gated_ok", "open_source")


def _text(p: Mapping[str, str], name: str) -> str | None:
    value = (p.get(name) or "").strip()
    return value[:100] or None


def _flag(p: Mapping[str, str], name: str) -> bool:
    value = (_text(p, name) or "false").lower()
    if value not in ("true", "false", "1", "0", "on", "yes", "no", "off"):
        raise InputError(name, f"'{value}' is not true or false")
    return value in ("true", "1", "on", "yes")


def _number(p: Mapping[str, str], name: str, kind=float, low: float | None = None, high: float | None = None):
    value = _text(p, name)
    if value is None:
        return None
    try:
        n = kind(value)
    except ValueError:
        raise InputError(name, f"'{value}' is not a {'whole ' if kind is int else ''}number") from None
    if (low is not None and n < low) or (high is not None and n > high):
        raise InputError(name, f"{value} is out of range ({low} to {high})" if high is not None
                         else f"{value} must be at least {low}")
    return n


def _choice(p: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = _text(p, name)
    if value is not None and value not in allowed:
        raise InputError(name, f"'{value}' is not one of: {', '.join(allowed)}")
    return value


def needs(p: Mapping[str, str]) -> choose_mod.Needs:
    users, tokens = _text(p, "users"), _text(p, "tokens")
    return choose_mod.Needs(
        questions=tuple(q for q in QUESTIONS if _flag(p, q)),
        users=parse_users(users) if users else None,
        on_prem=_flag(p, "on_prem"), gated_ok=_flag(p, "gated_ok"),
        gpu_memory_gb=_number(p, "gpu_memory", float, 0.1),
        precision=_choice(p, "precision", PRECISIONS) or "bf16",
        context=_number(p, "context", int, 1) or 4096,
        min_context=_number(p, "min_context", int, 1),
        open_source=_flag(p, "open_source"),
        min_verdict=_choice(p, "min_verdict", MIN_VERDICTS),
        mof_class=_number(p, "mof_class", int, 1, 3),
        task=_choice(p, "task", TASKS),
        tokens=cost_mod.parse_count(tokens) if tokens else None,
        budget=_number(p, "budget", float, 0),
        rank_by=_text(p, "rank_by"),
        gpu=_text(p, "gpu") or "H100",
    )


def why_not(p: Mapping[str, str]) -> str | None:
    """`--why-not ID`: the catalog id of the model asked about (a name or alias is fine), or None;
    NotFound, with suggestions, for a model the catalog does not hold."""
    from .. import service

    query = _text(p, "why_not")
    return service.loader.find(query).id if query else None


def limit(p: Mapping[str, str]) -> int:
    return _number(p, "limit", int, 1, 200) or 10


def assumptions(p: Mapping[str, str]) -> cost_mod.Assumptions:
    tokens = _text(p, "tokens")
    return cost_mod.Assumptions(
        tokens=cost_mod.parse_count(tokens) if tokens else 1_000_000_000,
        precision=_choice(p, "precision", PRECISIONS) or "bf16",
        context=_number(p, "context", int, 1) or 4096,
        concurrency=_number(p, "concurrency", int, 1) or 16,
        gpu=_text(p, "gpu") or "H100",
        gpu_price=_number(p, "gpu_price", float, 0),
        kv_rule_kib=16.0,  # the CLI's option is a float: the JSON then says 16.0, as `cost` prints it
    )

"""Renderers for `trueopen choose`: terminal (80 columns), Markdown and JSON."""

from __future__ import annotations

import textwrap
from typing import Any

from ..advise.choose import CRITERIA, profile
from . import jsonout

_SHORT = {"customisation": "custom", "business fit": "business", "security/privacy": "privacy",
          "community": "community", "budget": "budget", "trust": "trust"}


def needs_text(n: Any) -> str:
    parts = [q.replace("_", "-") for q in n.questions]
    if n.users is not None:
        parts.append(f"{n.users:,} users")
    if n.on_prem:
        parts.append("on-prem" + (" (gated ok)" if n.gated_ok else ""))
    if n.gpu_memory_gb is not None:
        parts.append(f"{n.gpu_memory_gb:g} GB GPU memory at {n.precision}, {n.context:,}-token context")
    if n.min_context:
        parts.append(f"context >= {n.min_context:,}")
    if n.open_source:
        parts.append("OSAID open source")
    if n.min_verdict:
        parts.append(f"verdict >= {n.min_verdict}")
    if n.mof_class is not None:
        parts.append(f"MOF class <= {n.mof_class}")
    if n.task:
        parts.append(f"task {n.task}")
    if n.tokens is not None:
        parts.append(f"{n.tokens:,} tokens/month")
    if n.budget is not None:
        parts.append(f"budget USD {n.budget:,.0f}/month")
    return ", ".join(parts) or "none given (every model fits)"


def _bench(v: Any, n: Any) -> str | None:
    if not n.rank_by:
        return None
    if v.benchmark is None:
        return f"no {n.rank_by} score recorded"
    score, unit, setting = v.benchmark
    return f"{n.rank_by} {score:g}{unit if unit == '%' else ' ' + unit}" + (f" ({setting})" if setting else "")


def candidate_json(v: Any, rank: int, n: Any) -> dict[str, Any]:
    a = v.assessment
    return {"rank": rank, "id": v.release.id, "name": v.release.name,
            "verdict": {"level": a.verdict.level}, "mof_class": a.mof.mof_class,
            "osaid_conformant": a.osaid.conformant, "why": v.why, "conditions": v.conditions,
            "cautions": v.cautions,
            "cost": {"monthly_usd": v.cost[1], "how": v.cost[0]} if v.cost else None,
            "benchmark": ({"name": n.rank_by, "score": v.benchmark[0], "unit": v.benchmark[1],
                           "setting": v.benchmark[2]} if v.benchmark else None),
            "profile": profile(v)}


def ruled_out_json(v: Any) -> dict[str, Any]:
    first = v.failures[0]
    return {"id": v.release.id, "name": v.release.name, "verdict": {"level": v.assessment.verdict.level},
            "reason": first["reason"], "check": first["check"], "clause": first.get("clause"),
            "reasons": v.failures}


def why_not_json(result: Any, model_id: str) -> dict[str, Any]:
    """`choose --why-not ID` as JSON (the CLI and the web page's twin): the model's row among the
    candidates, with its rank, or among the ruled out, with every reason."""
    found = [candidate_json(v, i, result.needs) for i, v in enumerate(result.candidates, 1)
             if v.release.id == model_id]
    gone = [ruled_out_json(v) for v in result.ruled_out if v.release.id == model_id]
    return {"needs": result.needs.to_json(), "id": model_id, "fits": bool(found),
            "candidate": found[0] if found else None, "ruled_out": gone[0] if gone else None}


def to_json(result: Any, limit: int | None = None) -> dict[str, Any]:
    n = result.needs
    cands = result.candidates[:limit] if limit else result.candidates
    return {"schema_version": jsonout.SCHEMA_VERSION, "needs": n.to_json(), "ranking": result.ranking,
            "criteria": list(CRITERIA),
            "candidates": [candidate_json(v, i, n) for i, v in enumerate(cands, 1)],
            "candidates_total": len(result.candidates),
            "ruled_out": [ruled_out_json(v) for v in result.ruled_out]}


def _wrap(out: Any, text: str, first: str, rest: str, width: int) -> None:
    for i, line in enumerate(textwrap.wrap(text, width - max(len(first), len(rest)), break_long_words=False,
                                           break_on_hyphens=False) or [""]):
        out.print((first if i == 0 else rest) + line, highlight=False, markup=False, soft_wrap=True)


_LETTER = {"high": "H", "medium": "M", "low": "L"}


def _profile_line(v: Any) -> str:
    p = profile(v)
    return "profile: " + "  ".join(f"{_SHORT[c]} {_LETTER.get(p[c], '?')}" for c in CRITERIA)


def to_terminal(result: Any, out: Any, limit: int = 10, width: int = 80) -> None:
    n = result.needs
    _wrap(out, needs_text(n), "Needs: ", "       ", width)
    _wrap(out, result.ranking, "Ranked ", "       ", width)
    shown = result.candidates[:limit]
    out.print()
    if not shown:
        out.print("No model in the catalog fits these needs.", style="bold")
    else:
        more = f" (first {len(shown)}; --limit for more)" if len(result.candidates) > len(shown) else ""
        out.print(f"{len(result.candidates)} fit{more}", style="bold", highlight=False)
    for i, v in enumerate(shown, 1):
        head = f"{i:>2}. {v.release.id}  {v.assessment.verdict.level}"
        bench = _bench(v, n)
        out.print(head + (f"  {bench}" if bench else ""), highlight=False, markup=False, soft_wrap=True)
        pad = "    "
        if v.why:
            _wrap(out, "; ".join(v.why), pad + "why: ", pad + "     ", width)
        for c in v.conditions:
            _wrap(out, c, pad + "if:  ", pad + "     ", width)
        for c in v.cautions:
            _wrap(out, c, pad + "note: ", pad + "      ", width)
        out.print(pad + _profile_line(v), highlight=False, markup=False)
    out.print()
    out.print(f"Ruled out: {len(result.ruled_out)} (first reason; --why-not ID for all)", style="bold",
              highlight=False)
    for v in result.ruled_out:
        _wrap(out, v.failures[0]["reason"], f"  {v.release.id}: ", "      ", width)
    out.print()
    _wrap(out, "Profile: " + ", ".join(f"{_SHORT[c]} = {c}" for c in CRITERIA if _SHORT[c] != c)
          + "; H high, M medium, L low, ? unknown (from the assessment's dimensions and the rights;"
          " docs/json.md)", "", "  ", width)


def why_not_terminal(result: Any, model_id: str, out: Any, width: int = 80) -> bool:
    """Explain one model; True when it is ruled out."""
    for i, v in enumerate(result.candidates, 1):
        if v.release.id == model_id:
            out.print(f"{model_id} fits these needs: rank {i} of {len(result.candidates)}.", highlight=False)
            if v.why:
                _wrap(out, "; ".join(v.why), "  why: ", "       ", width)
            for c in v.conditions:
                _wrap(out, c, "  if:  ", "       ", width)
            return False
    for v in result.ruled_out:
        if v.release.id == model_id:
            out.print(f"{model_id} is ruled out ({len(v.failures)} reason"
                      f"{'s' if len(v.failures) > 1 else ''}):", highlight=False)
            for f in v.failures:
                _wrap(out, f["reason"], f"  - {f['check']}: ", "    ", width)
                if f.get("url"):
                    out.print(f"    {f['url']}", highlight=False, markup=False, soft_wrap=True)
            return True
    raise KeyError(model_id)


def to_markdown(result: Any, limit: int = 10) -> str:
    n = result.needs
    lines = ["# Shortlist", "", f"**Needs:** {needs_text(n)}", "", f"**Ranking:** {result.ranking}", "",
             "| # | model | verdict | why | conditions | " + " | ".join(CRITERIA) + " |",
             "|---" * (5 + len(CRITERIA)) + "|"]
    for i, v in enumerate(result.candidates[:limit], 1):
        p = profile(v)
        cell = lambda t: t.replace("|", "\\|")  # noqa: E731
        lines.append(f"| {i} | `{v.release.id}` | {v.assessment.verdict.level} | {cell('; '.join(v.why))} | "
                     f"{cell('; '.join(v.conditions + v.cautions))} | " + " | ".join(p[c] for c in CRITERIA) + " |")
    lines += ["", "## Ruled out", "", "| model | first reason |", "|---|---|"]
    lines += [f"| `{v.release.id}` | {v.failures[0]['reason'].replace('|', chr(92) + '|')} |" for v in result.ruled_out]
    return "\n".join(lines) + "\n"

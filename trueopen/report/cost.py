"""Renderers for `trueopen cost`: terminal (80 columns), Markdown and JSON."""

from __future__ import annotations

import textwrap
from typing import Any

from . import jsonout


def _usd(x: float | None) -> str:
    return "unknown" if x is None else f"USD {x:,.2f}"


def tokens(n: float) -> str:
    """1,000,000,000 -> '1B'; 750,000,000 -> '750M'."""
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:,.3g}{unit}"
    return f"{n:,.0f}"


def _gb(x: float) -> str:
    return f"{x / 1e9:,.1f} GB"


def model_lines(e: Any, a: Any) -> list[tuple[str, str]]:
    """(label, text) rows for one model; the text is wrapped by the renderer."""
    rows: list[tuple[str, str]] = []
    if e.api is not None:
        api = e.api
        rows.append(("API", f"{_usd(float(api.monthly))} a month: {tokens(a.input_tokens)} input x "
                            f"{api.input_per_mtok:g} + {tokens(a.output_tokens)} output x {api.output_per_mtok:g} "
                            f"{api.currency} per 1M tokens"))
        rows.append(("", f"price as of {api.as_of}: {api.source_url}"))
    else:
        rows.append(("API", "no API price recorded"))
    sh = e.self_host
    if sh is not None:
        g = sh.gpu
        basis = ("from the attention shape in config.json" if sh.kv_basis == "architecture"
                 else f"rule of thumb: {a.kv_rule_kib:g} KiB per token per billion parameters")
        moe = f" ({sh.active_params / 1e9:,.1f}B active)" if sh.active_params != sh.total_params else ""
        rows.append(("memory", f"{_gb(sh.memory_bytes)}: weights {_gb(sh.weights_bytes)} "
                               f"({sh.total_params / 1e9:,.1f}B{moe} at {sh.precision}) + KV cache "
                               f"{_gb(sh.kv_bytes)} ({a.context:,} tokens x {a.concurrency} sequences x "
                               f"{sh.kv_bytes_per_token / 1024:,.0f} KiB/token, {basis})"))
        rows.append(("GPUs", f"{sh.gpus} x {g.key} per replica ({g.memory_gb:g} GB each, "
                             f"{a.memory_usable:.0%} usable); {sh.replicas} replica{'s' if sh.replicas > 1 else ''}"))
        rows.append(("speed", f"decode {sh.decode_tps:,.0f} tokens/s ({sh.decode_bound}-bound), prefill "
                              f"{sh.prefill_tps:,.0f} tokens/s per replica; {tokens(sh.capacity_tokens)} "
                              f"tokens a month at {a.busy_share:.0%} busy"))
        if sh.price is None:
            rows.append(("month", f"{sh.gpu_hours:,.0f} GPU-hours; no price for {g.key} on record "
                                  "(pass --gpu-price)"))
        else:
            rng = ("" if sh.price_low == sh.price_high else
                   f" (range {_usd(sh.gpu_hours * sh.price_low)} to {_usd(sh.gpu_hours * sh.price_high)})")
            rows.append(("month", f"{sh.gpu_hours:,.0f} GPU-hours x USD {sh.price:g} = "
                                  f"{_usd(sh.monthly)}{rng}"))
            if a.gpu_price is None and g.price is not None:
                rows.append(("", f"GPU price as stated {g.price.stated}: {g.price.url}"))
    if e.break_even_tokens is not None:
        rows.append(("break-even", f"self-hosting costs no more than the API from "
                                   f"{tokens(e.break_even_tokens)} tokens a month"))
    elif e.api is not None and sh is not None and sh.price is not None:
        rows.append(("break-even", "none: the API stays cheaper than a fully busy replica"))
    for n in e.notes:
        if not n.startswith("no API price") and not n.startswith("KV cache from the rule"):
            rows.append(("note", n))
    return rows


def assumption_lines(a: Any, gpu: Any) -> list[str]:
    price = (f"USD {a.gpu_price:g}/GPU-hour (--gpu-price)" if a.gpu_price is not None else
             f"USD {gpu.price.low:g}-{gpu.price.high:g}/GPU-hour, middle used (--gpu-price)" if gpu.price else
             "no price on record (--gpu-price)")
    return [
        f"volume {tokens(a.tokens)} tokens a month (--tokens), {a.input_share:.0%} input (--input-share)",
        f"weights at {a.precision} (--precision); KV cache at 16 bits",
        f"{a.context:,} tokens per sequence (--context), {a.concurrency} at once (--concurrency)",
        f"GPU {gpu.key}: {gpu.memory_gb:g} GB, {gpu.bandwidth_gbs:,.0f} GB/s, "
        f"{gpu.tflops['bf16']:,.0f} dense bf16 TFLOP/s (--gpu); datasheet as of {gpu.as_of}:",
        f"  {gpu.source_url}",
        f"rent {price}, {a.hours_per_month:g} hours a month",
        f"decode at {a.bandwidth_efficiency:.0%} of peak bandwidth (--bandwidth-efficiency), prefill at "
        f"{a.compute_efficiency:.0%} of peak FLOP/s (--compute-efficiency)",
        f"{a.memory_usable:.0%} of GPU memory usable (--memory-usable); GPUs busy "
        f"{a.busy_share:.0%} of the month (--busy-share)",
        f"unknown attention shape: {a.kv_rule_kib:g} KiB KV cache per token per billion parameters "
        "(--kv-rule)",
        "formulas: docs/cost.md",
    ]


def to_terminal(result: Any, out: Any, width: int = 80) -> None:
    a = result.assumptions
    for e in result.estimates:
        out.print(f"{e.release.id}  ({e.release.name})", style="bold", highlight=False, markup=False)
        for label, text in model_lines(e, a):
            wrapped = textwrap.wrap(text, width - 13, break_long_words=False, break_on_hyphens=False) or [""]
            for i, line in enumerate(wrapped):
                out.print(f"  {label if i == 0 else '':<10} {line}", highlight=False, markup=False, soft_wrap=True)
        out.print()
    out.print("Assumptions", style="bold")
    for line in assumption_lines(a, result.gpu):
        for i, part in enumerate(textwrap.wrap(line, width - 4, break_long_words=False) or [""]):
            out.print(("  " if i == 0 else "    ") + part, highlight=False, markup=False, soft_wrap=True)


def to_markdown(result: Any) -> str:
    a = result.assumptions
    out = ["# Cost estimate", ""]
    for e in result.estimates:
        out += [f"## {e.release.name} (`{e.release.id}`)", "", "| | |", "|---|---|"]
        for label, text in model_lines(e, a):
            out.append(f"| {label} | {text.replace('|', chr(92) + '|')} |")
        out.append("")
    out += ["## Assumptions", ""] + [f"- {line.strip()}" for line in assumption_lines(a, result.gpu)] + [""]
    return "\n".join(out)


def to_json(result: Any) -> dict[str, Any]:
    a = result.assumptions
    g = result.gpu
    assumptions = a.to_json()
    assumptions["gpu_table"] = {"key": g.key, "name": g.name, "memory_gb": g.memory_gb,
                                "bandwidth_gbs": g.bandwidth_gbs, "tflops": g.tflops,
                                "source": g.source_url, "as_of": g.as_of,
                                "price": ({"low": g.price.low, "high": g.price.high, "url": g.price.url,
                                           "stated": g.price.stated, "as_of": g.price.as_of} if g.price else None)}
    return {"schema_version": jsonout.SCHEMA_VERSION, "models": [e.to_json() for e in result.estimates],
            "assumptions": assumptions}

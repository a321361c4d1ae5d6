"""Advice commands: compare models side by side, choose one for stated needs, and what it costs."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import TrueopenError
from .common import app, err, fail, out, print_json, service


class CompareFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"
    csv = "csv"
    html = "html"


def _write(text: str, path: Optional[Path]) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    if path.exists() and not path.is_file():
        fail(f"{path}: not a regular file; give a file name to write")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror or exc}")
    err.print(f"wrote {path}", highlight=False, markup=False)


@app.command()
def compare(
    models: List[str] = typer.Argument(..., help="two or more catalog ids or names"),
    users: Optional[str] = typer.Option(None, "--users", metavar="N",
                                        help="also answer the user-cap question for N monthly users: 800M, 50k"),
    format: CompareFormat = typer.Option(CompareFormat.table, "--format", "-f",
                                         help="table, md, json (docs/json.md), csv, or html (one self-contained page)"),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="write to this file (default: standard output)"),
) -> None:
    """Models side by side: one column per model, one row per fact; rows where they differ are
    marked with *. Verdicts, MOF, OSAID, Index grades and dimensions are the ones `show` gives;
    the rights rows are `can`'s answers with their clauses.

    Examples: trueopen compare llama-3.1-8b olmo-2-7b gpt-4o;
    trueopen compare mistral-7b gemma-3-27b --format html -o compare.html

    Exit 0, or 2 when a model is not in the catalog.
    """
    from ..licenses.rights import parse_users
    from ..report import compare as render

    try:
        n_users = parse_users(users) if users is not None else None
        cmp = service.compare(models, n_users)
    except TrueopenError as exc:
        fail(str(exc))
    if format is CompareFormat.json:
        if out_path is None:
            print_json(render.to_json(cmp))
            return
        import json

        _write(json.dumps(render.to_json(cmp), indent=2, ensure_ascii=False) + "\n", out_path)
    elif format is CompareFormat.md:
        _write(render.to_markdown(cmp), out_path)
    elif format is CompareFormat.csv:
        _write(render.to_csv(cmp), out_path)
    elif format is CompareFormat.html:
        _write(render.to_html(cmp), out_path)
    elif out_path is not None:
        fail("--out needs --format md, json, csv or html; the table is for the terminal")
    else:
        render.to_terminal(cmp, out)


class CostFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"


class Precision(str, Enum):
    bf16 = "bf16"
    fp8 = "fp8"
    int8 = "int8"
    int4 = "int4"


GPU_HELP = "GPU to size on: H100, H200, A100-80G, L40S, RTX-4090, B200, MI300X (bundled datasheet table)"


@app.command()
def cost(
    models: List[str] = typer.Argument(..., help="catalog ids or names"),
    tokens: str = typer.Option("1B", "--tokens", metavar="N", help="tokens a month, input and output together: 1B, 250M"),
    input_share: float = typer.Option(0.75, "--input-share", min=0.0, max=1.0, help="share of the tokens that are input"),
    precision: Precision = typer.Option(Precision.bf16, "--precision", help="weights' precision when self-hosted"),
    context: int = typer.Option(4096, "--context", min=1, help="tokens held per sequence (KV cache)"),
    concurrency: int = typer.Option(16, "--concurrency", min=1, help="sequences served at once per replica"),
    gpu: str = typer.Option("H100", "--gpu", help=GPU_HELP),
    gpu_price: Optional[float] = typer.Option(None, "--gpu-price", min=0.0, help="USD per GPU-hour (default: middle of the recorded range)"),
    bandwidth_efficiency: float = typer.Option(0.6, "--bandwidth-efficiency", min=0.01, max=1.0, help="share of peak memory bandwidth decode reaches"),
    compute_efficiency: float = typer.Option(0.4, "--compute-efficiency", min=0.01, max=1.0, help="share of peak FLOP/s prefill reaches"),
    memory_usable: float = typer.Option(0.9, "--memory-usable", min=0.1, max=1.0, help="share of GPU memory for weights and KV cache"),
    busy_share: float = typer.Option(0.5, "--busy-share", min=0.01, max=1.0, help="share of the month the GPUs serve at full batch"),
    kv_rule: float = typer.Option(16, "--kv-rule", min=0.001, help="KiB of KV cache per token per billion parameters, when the attention shape is unknown"),
    format: CostFormat = typer.Option(CostFormat.table, "--format", "-f", help="table, md, or json (docs/json.md)"),
) -> None:
    """What a monthly volume costs: the API bill from the recorded price, and self-hosting on
    rented GPUs (memory, GPUs, decode and prefill speed, GPU-hours, rent), with the volume from
    which self-hosting is cheaper. Every assumption is printed and has an option; the formulas
    are in docs/cost.md.

    Examples: trueopen cost gpt-4o --tokens 1B --format json;
    trueopen cost llama-3.3-70b mixtral-8x7b --tokens 5B --gpu H200 --precision fp8

    Exit 0, or 2 when a model is not in the catalog or an option is out of range.
    """
    from ..advise.cost import Assumptions, parse_count
    from ..report import cost as render

    try:
        a = Assumptions(tokens=parse_count(tokens), input_share=input_share, precision=precision.value,
                        context=context, concurrency=concurrency, gpu=gpu, gpu_price=gpu_price,
                        bandwidth_efficiency=bandwidth_efficiency, compute_efficiency=compute_efficiency,
                        memory_usable=memory_usable, busy_share=busy_share, kv_rule_kib=kv_rule)
        result = service.cost(models, a)
    except TrueopenError as exc:
        fail(str(exc))
    if format is CostFormat.json:
        print_json(render.to_json(result))
    elif format is CostFormat.md:
        sys.stdout.write(render.to_markdown(result))
    else:
        render.to_terminal(result, out)

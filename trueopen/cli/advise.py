"""Advice commands: compare models side by side, choose one for stated needs, and what it costs."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from ..errors import TrueopenError
from .common import app, fail, out, render, service


class CompareFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"
    csv = "csv"
    html = "html"


@app.command()
def compare(
    models: List[str] = typer.Argument(..., help="two or more catalog ids or names"),
    users: Optional[str] = typer.Option(None, "--users", metavar="N",
                                        help="also answer the user-cap question for N monthly users: 800M, 50k"),
    format: CompareFormat = typer.Option(CompareFormat.table, "--format", "-f",
                                         help="table, md, json (docs/json.md), csv, or html (one self-contained page)"),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="write to this file (default: standard output)"),
) -> None:
    """Models side by side: one column per model, one row per fact; rows where they differ are
    marked with *. Verdicts, MOF, OSAID, Index grades and dimensions are the ones `show` gives;
    the rights rows are `can`'s answers with their clauses.

    Examples: trueopen compare llama-3.1-8b olmo-2-7b gpt-4o;
    trueopen compare mistral-7b gemma-3-27b --format html -o compare.html

    Exit 0, or 2 when a model is not in the catalog.
    """
    from ..licenses.rights import parse_users
    from ..report import compare as report

    try:
        n_users = parse_users(users) if users is not None else None
        cmp = service.compare(models, n_users)
    except TrueopenError as exc:
        fail(str(exc))
    render(format, table=lambda: report.to_terminal(cmp, out), md=lambda: report.to_markdown(cmp),
           json=lambda: report.to_json(cmp), csv=lambda: report.to_csv(cmp), html=lambda: report.to_html(cmp),
           path=out_path)


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
    from ..report import cost as report

    try:
        a = Assumptions(tokens=parse_count(tokens), input_share=input_share, precision=precision.value,
                        context=context, concurrency=concurrency, gpu=gpu, gpu_price=gpu_price,
                        bandwidth_efficiency=bandwidth_efficiency, compute_efficiency=compute_efficiency,
                        memory_usable=memory_usable, busy_share=busy_share, kv_rule_kib=kv_rule)
        result = service.cost(models, a)
    except TrueopenError as exc:
        fail(str(exc))
    render(format, table=lambda: report.to_terminal(result, out), md=lambda: report.to_markdown(result),
           json=lambda: report.to_json(result))


class Task(str, Enum):
    chat = "chat"
    code = "code"
    reasoning = "reasoning"
    embedding = "embedding"
    speech = "speech"
    vision = "vision"
    image = "image"


class MinVerdict(str, Enum):
    open_source = "open-source"
    open_weights = "open-weights"
    restricted_weights = "restricted-weights"
    closed = "closed"


@app.command()
def choose(
    commercial: bool = typer.Option(False, "--commercial", help="use it in a commercial product or service"),
    users: Optional[str] = typer.Option(None, "--users", metavar="N", help="serve N monthly active users: 800M, 50k"),
    fine_tune: bool = typer.Option(False, "--fine-tune", help="modify or fine-tune the weights"),
    redistribute_weights: bool = typer.Option(False, "--redistribute-weights", help="share the (modified) weights"),
    distill: bool = typer.Option(False, "--distill", help="train another model on it or on its outputs"),
    use_outputs_commercially: bool = typer.Option(False, "--use-outputs-commercially", help="use what it generates commercially"),
    military: bool = typer.Option(False, "--military", help="use it for military purposes"),
    on_prem: bool = typer.Option(False, "--on-prem", help="data may not leave: weights must download without approval"),
    gated_ok: bool = typer.Option(False, "--gated-ok", help="with --on-prem: weights that need the producer's approval are fine"),
    gpu_memory: Optional[float] = typer.Option(None, "--gpu-memory", min=0.1, metavar="GB", help="weights plus KV cache must fit in this much GPU memory"),
    precision: Precision = typer.Option(Precision.bf16, "--precision", help="weights' precision for --gpu-memory and the cost"),
    context: int = typer.Option(4096, "--context", min=1, help="tokens of KV cache that must fit with --gpu-memory"),
    min_context: Optional[int] = typer.Option(None, "--min-context", min=1, metavar="N", help="context window of at least N tokens"),
    open_source: bool = typer.Option(False, "--open-source", help="only OSAID 1.0-conformant models"),
    min_verdict: Optional[MinVerdict] = typer.Option(None, "--min-verdict", help="this verdict or a more open one"),
    mof_class: Optional[int] = typer.Option(None, "--mof-class", min=1, max=3, help="MOF class N or better (1 is the most open)"),
    task: Optional[Task] = typer.Option(None, "--task", help="what it must be made for"),
    tokens: Optional[str] = typer.Option(None, "--tokens", metavar="N", help="tokens a month: shows what each costs (1B, 250M)"),
    budget: Optional[float] = typer.Option(None, "--budget", min=0.0, metavar="USD", help="USD a month, API or self-hosted, whichever is cheaper (needs --tokens)"),
    gpu: str = typer.Option("H100", "--gpu", help=GPU_HELP),
    rank_by: Optional[str] = typer.Option(None, "--rank-by", metavar="BENCHMARK", help="rank by this recorded benchmark (MMLU, GPQA Diamond...)"),
    why_not: Optional[str] = typer.Option(None, "--why-not", metavar="ID", help="explain why one model is or is not offered"),
    limit: int = typer.Option(10, "--limit", min=1, help="candidates to show"),
    format: CostFormat = typer.Option(CostFormat.table, "--format", "-f", help="table, md, or json (docs/json.md)"),
) -> None:
    """A ranked shortlist for your needs, why each one fits and what it costs, and what was ruled
    out with the first reason. Rights flags are `can`'s: a forbidden answer rules a model out, a
    conditional one comes with its conditions. Each candidate shows a profile on six criteria:
    customisation, business fit, security/privacy, community, budget, trust.

    Examples: trueopen choose --on-prem --commercial --users 800M;
    trueopen choose --gpu-memory 24 --precision bf16 --task chat;
    trueopen choose --open-source --rank-by MMLU; trueopen choose --users 800M --why-not llama-2-7b

    Exit 0 when something fits (with --why-not: when the model fits), 1 when nothing does (or the
    model is ruled out), 2 on bad input.
    """
    from ..advise.choose import Needs
    from ..advise.cost import parse_count
    from ..licenses.rights import parse_users
    from ..report import choose as report

    asked = tuple(q for q, on in (("commercial", commercial), ("fine_tune", fine_tune),
                                  ("redistribute_weights", redistribute_weights), ("distill", distill),
                                  ("use_outputs_commercially", use_outputs_commercially),
                                  ("military", military)) if on)
    try:
        needs = Needs(questions=asked, users=parse_users(users) if users is not None else None,
                      on_prem=on_prem, gated_ok=gated_ok, gpu_memory_gb=gpu_memory, precision=precision.value,
                      context=context, min_context=min_context, open_source=open_source,
                      min_verdict=min_verdict.value if min_verdict else None, mof_class=mof_class,
                      task=task.value if task else None,
                      tokens=parse_count(tokens) if tokens is not None else None, budget=budget,
                      rank_by=rank_by, gpu=gpu)
        target = service.loader.find(why_not).id if why_not else None
        result = service.choose(needs)
    except TrueopenError as exc:
        fail(str(exc))
    if target is not None:
        why = report.why_not_json(result, target)
        render(format, table=lambda: report.why_not_terminal(result, target, out), json=lambda: why)
        if why["ruled_out"] is not None:
            raise typer.Exit(1)
        return
    render(format, table=lambda: report.to_terminal(result, out, limit), md=lambda: report.to_markdown(result, limit),
           json=lambda: report.to_json(result))
    if not result.candidates:
        raise typer.Exit(1)

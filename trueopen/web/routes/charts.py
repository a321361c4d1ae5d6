"""Pages with charts: producers' strategies over time, and the open/closed benchmark gap."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import service
from ...errors import TrueopenError
from ...report import jsonout
from .. import charts
from ..views import page, status_of

router = APIRouter(include_in_schema=False)


@router.get("/producers")
def producers(request: Request) -> Response:
    rows = request.app.state.store.producers()
    return page("producers.html.j2", rows=rows, chart=charts.timeline(rows))


@router.get("/gap")
def gap(request: Request, benchmark: str = "MMLU") -> Response:
    benchmark = benchmark.strip()[:100] or "MMLU"
    rows, error = [], None
    try:
        rows = service.benchmark_gap(benchmark)
    except TrueopenError as exc:
        error = exc
    names = sorted({b.name for a in request.app.state.store.all for b in a.release.benchmarks}, key=str.lower)
    return page("gap.html.j2", status_of(error) if error else 200, rows=rows, error=error, benchmark=benchmark,
                names=names, chart=charts.gap(rows), cell=jsonout.gap_cell)

"""Advice pages: a shortlist for a team's needs (`choose`) and what a volume costs (`cost`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import service
from ...errors import TrueopenError
from .. import advice
from ..views import page, status_of
from .api import split_ids

router = APIRouter(include_in_schema=False)


@router.get("/choose")
def choose(request: Request) -> Response:
    from ...report import choose as render

    p = request.query_params
    result, error, limit, why = None, None, 10, None
    if p:
        try:
            limit = advice.limit(p)
            target = advice.why_not(p)
            result = service.choose(advice.needs(p))
            why = render.why_not_json(result, target) if target else None
        except TrueopenError as exc:
            error = exc
    return page("choose.html.j2", status_of(error) if error else 200, result=result, error=error, p=dict(p),
                limit=limit, a=advice, needs_text=render.needs_text, profile=render.profile, why=why)


@router.get("/cost")
def cost(request: Request) -> Response:
    from ...report import cost as render

    p = request.query_params
    result, error, ids = None, None, []
    if p.get("ids"):
        try:
            ids = split_ids(p["ids"])
            result = service.cost(ids, advice.assumptions(p))
        except TrueopenError as exc:
            error = exc
    return page("cost.html.j2", status_of(error) if error else 200, result=result, error=error, p=dict(p),
                a=advice, model_lines=render.model_lines, assumption_lines=render.assumption_lines)

"""The JSON API: every answer is exactly what the matching CLI command prints with --format json."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ... import service
from ...errors import InputError
from ...licenses import identify as identify_mod
from ...licenses import rights as rights_mod
from ...report import compare as compare_render
from ...report import family, jsonout
from .. import filters, licensing
from ..views import json_text

router = APIRouter(prefix="/api", tags=["api"])


def _store(request: Request):
    return request.app.state.store


@router.get("/models", summary="`trueopen list --format json`, with the catalog page's extra filters")
def models(request: Request, q: str = "", verdict: str = "", producer: str = "", license: str = "",
           mof_class: str = "", task: str = "", size: str = "", access: str = "", sort: str = "") -> Response:
    cq = filters.parse(request.query_params)
    rows = [a for a in _store(request).listing(cq.list_filter, cq.sort) if cq.keeps(a)]
    return json_text([jsonout.summary(a) for a in rows])


@router.get("/models/{model:path}", summary="`trueopen show MODEL --format json` (a family name gives the family)")
async def model(request: Request, model: str) -> Response:
    store = _store(request)
    cached = store.show_json.get(model)
    if cached is not None:
        return Response(cached, media_type="application/json")
    found = store.lookup(model)
    if isinstance(found, service.FamilyView):
        return json_text(family.to_json(found))
    return Response(store.show_json[found.release.id], media_type="application/json")


MAX_COMPARED = 12


def split_ids(ids: str) -> list[str]:
    """'a, b,c' -> ['a', 'b', 'c']; more than a table can show is an error, not silently cut."""
    out = [i.strip() for i in ids.split(",") if i.strip()]
    if len(out) > MAX_COMPARED:
        raise InputError("ids", f"{len(out)} models named; compare at most {MAX_COMPARED} at once")
    return out


def parse_users(users: str | None) -> int | None:
    return rights_mod.parse_users(users) if users else None


@router.get("/compare", summary="`trueopen compare A B C --format json`")
def compare(ids: str = Query("", description="comma-separated ids or names"),
            users: Optional[str] = Query(None, description="monthly users, e.g. 800M")) -> Response:
    cmp = service.compare(split_ids(ids), parse_users(users))
    return json_text(compare_render.to_json(cmp))


@router.get("/can/{subject:path}", summary="`trueopen can SUBJECT [--commercial ...] --format json`")
def can(subject: str, commercial: bool = False, users: Optional[str] = None, fine_tune: bool = False,
        redistribute_weights: bool = False, distill: bool = False, use_outputs_commercially: bool = False,
        on_prem: bool = False, military: bool = False) -> Response:
    flags = {"commercial": commercial, "users": users is not None, "fine_tune": fine_tune,
             "redistribute_weights": redistribute_weights, "distill": distill,
             "use_outputs_commercially": use_outputs_commercially, "on_prem": on_prem, "military": military}
    asked = [q for q in rights_mod.QUESTIONS if flags[q]]
    result = service.can(subject, asked or [q for q in rights_mod.QUESTIONS if q != "users"], parse_users(users))
    return json_text(result.to_json())


@router.post("/identify", summary="`trueopen license - --format json`: the request body is the text")
async def identify(request: Request) -> Response:
    body = await request.body()
    if not body.strip():
        raise InputError("body", "empty; send the license text or model card as the request body")
    return json_text([f.to_json() for f in identify_mod.identify("-", body.decode("utf-8", errors="replace"))])


@router.get("/producers", summary="`trueopen producers --format json`")
def producers(request: Request) -> Response:
    return json_text([jsonout.producer(p) for p in _store(request).producers()])


@router.get("/producers/{producer}", summary="`trueopen producers PRODUCER --format json`")
def producer(request: Request, producer: str) -> Response:
    return json_text([jsonout.producer(p) for p in _store(request).producers(producer)])


@router.get("/gap", summary="`trueopen gap BENCHMARK --format json`")
def gap(benchmark: str = "MMLU") -> Response:
    return json_text([jsonout.gap_row(r) for r in service.benchmark_gap(benchmark)])


@router.get("/licenses", summary="the AI licenses trueopen has terms for")
def licenses() -> Response:
    return json_text([licensing.brief(t) for t in licensing.all_terms()])


@router.get("/licenses/{key:path}", summary="one license's terms: rights with clauses, user cap, duties")
def license_terms(key: str) -> Response:
    return json_text(licensing.find(key).model_dump(mode="json", exclude_none=True))


@router.get("/choose", summary="`trueopen choose [--commercial --users 800M --on-prem ...] [--why-not ID] --format json`")
def choose(request: Request, commercial: bool = False, users: Optional[str] = None, fine_tune: bool = False,
           redistribute_weights: bool = False, distill: bool = False, use_outputs_commercially: bool = False,
           military: bool = False, on_prem: bool = False, gated_ok: bool = False, gpu_memory: Optional[float] = None,
           precision: str = "bf16", context: int = 4096, min_context: Optional[int] = None, open_source: bool = False,
           min_verdict: Optional[str] = None, mof_class: Optional[int] = None, task: Optional[str] = None,
           tokens: Optional[str] = None, budget: Optional[float] = None, gpu: str = "H100",
           rank_by: Optional[str] = None,
           why_not: Optional[str] = Query(None, description="`--why-not ID`: why one model is or is not offered")
           ) -> Response:
    from ...report import choose as choose_render
    from .. import advice

    target = advice.why_not(request.query_params)
    result = service.choose(advice.needs(request.query_params))
    return json_text(choose_render.why_not_json(result, target) if target else choose_render.to_json(result))


@router.get("/cost", summary="`trueopen cost A B [--tokens 1B --gpu H100 ...] --format json`")
def cost(request: Request, ids: str = Query("", description="comma-separated ids or names"), tokens: str = "1B",
         precision: str = "bf16", context: int = 4096, concurrency: int = 16, gpu: str = "H100",
         gpu_price: Optional[float] = None) -> Response:
    from ...report import cost as cost_render
    from .. import advice

    wanted = split_ids(ids)
    if not wanted:
        raise InputError("ids", "name at least one model")
    return json_text(cost_render.to_json(service.cost(wanted, advice.assumptions(request.query_params))))

"""Pages over the catalog: the listing, one model (or family), and models side by side."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ... import service
from ...errors import TrueopenError
from ...licenses import rights as rights_mod
from .. import filters
from ..views import page, status_of
from .api import parse_users, split_ids

router = APIRouter(include_in_schema=False)


def _store(request: Request):
    return request.app.state.store


@router.get("/")
def catalog(request: Request) -> Response:
    store = _store(request)
    error, rows, cq = None, [], filters.CatalogQuery()
    try:
        cq = filters.parse(request.query_params)
        rows = [a for a in store.listing(cq.list_filter, cq.sort) if cq.keeps(a)]
    except TrueopenError as exc:
        error = exc
    producers = sorted({a.release.producer for a in store.all}, key=str.lower)
    return page("catalog.html.j2", status_of(error) if error else 200, rows=rows, q=cq, error=error,
                total=len(store.by_id), producers=producers, f=filters, params=dict(request.query_params),
                size_of=filters.size_of)


@router.get("/models/{model:path}")
async def model(request: Request, model: str) -> Response:
    """Async and cached: the busiest page does no work twice and never waits for a thread."""
    store = _store(request)
    html = store.pages.get(model)
    if html is not None:
        return HTMLResponse(html)
    found = store.lookup(model)
    if isinstance(found, service.FamilyView):
        return page("family.html.j2", view=found)
    r = found.release
    if model != r.id:  # one address per release
        return RedirectResponse(f"/models/{quote(r.id)}", status_code=307)
    answers = rights_mod.for_release(r, [q for q in rights_mod.QUESTIONS if q != "users"])
    response = page("model.html.j2", a=found, r=r, rights=answers)
    store.pages[r.id] = response.body.decode()
    return response


@router.get("/compare")
def compare(request: Request, ids: str = "", add: str = "", users: str = "") -> Response:
    wanted, cmp, error = [], None, None
    try:
        wanted = split_ids(",".join((ids, add)))
        if len(wanted) >= 2:
            cmp = service.compare(wanted, parse_users(users.strip() or None))
    except TrueopenError as exc:
        error = exc
    return page("compare.html.j2", status_of(error) if error else 200, cmp=cmp, error=error, ids=wanted,
                users=users, all_ids=sorted(_store(request).by_id))

"""The ASGI app: `create_app()` assesses the catalog once and wires routes, errors and safety."""

from __future__ import annotations

import logging
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..errors import NotFound, TrueopenError
from .head import HeadAsGet
from .safety import Guard
from .store import Store
from .views import error_response, status_of

log = logging.getLogger("trueopen.web")


def create_app(store: Store | None = None) -> FastAPI:
    app = FastAPI(title="trueopen", version=__version__, openapi_url="/api/openapi.json", docs_url=None,
                  redoc_url=None, description="How open an AI model really is, what its license allows, and "
                  "how models compare. Every answer is the JSON the matching `trueopen` command prints.")
    app.state.store = store if store is not None else Store.load()

    from .routes import advise, api, charts, licenses, pages

    for module in (api, pages, licenses, charts, advise):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(resources.files("trueopen.web") / "static")), name="static")

    @app.exception_handler(TrueopenError)
    async def _trueopen_error(request: Request, exc: TrueopenError):
        suggestions = list(exc.suggestions) if isinstance(exc, NotFound) else None
        return error_response(request, status_of(exc), str(exc), suggestions)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        message = {404: "no such page or API path", 405: "method not allowed: this server is read-only"}.get(
            exc.status_code, str(exc.detail))
        return error_response(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
                 for e in exc.errors()]
        return error_response(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("error serving %s", request.url.path)  # to the server's log, never to the client
        return error_response(request, 500, "internal error; the request was not completed")

    return Guard(HeadAsGet(app))  # type: ignore[return-value]

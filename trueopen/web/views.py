"""Rendering helpers: one Jinja environment (autoescaped), JSON exactly as the CLI prints it, and
errors as JSON under /api/ or as a page elsewhere, with the CLI's messages and no stack traces."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import columns, components
from ..errors import NotFound, TrueopenError
from ..frameworks import osai_index
from .store import dumps

OUTCOME_CLASS = {"allowed": "good", "pass": "good", "included": "good", "open": "good", "high": "good",
                 "conditional": "warn", "partial": "warn", "medium": "warn", "unlicensed": "warn",
                 "forbidden": "bad", "fail": "bad", "invalid": "bad", "closed": "bad", "low": "bad",
                 "unclear": "odd", "unknown": "odd", "missing": "dim", "info": "dim"}


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are made clickable: a catalog or card value never becomes javascript:."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(loader=PackageLoader("trueopen.web", "templates"),
                    autoescape=select_autoescape(default=True, default_for_string=True),
                    trim_blocks=True, lstrip_blocks=True)
    e.filters["safe_url"] = safe_url
    e.globals["cols"] = columns
    e.globals["mof_class_of"] = lambda name: components.BY_NAME[name].mof_class
    e.filters["index_label"] = osai_index.label
    e.filters["outcome"] = lambda v: OUTCOME_CLASS.get(str(v), "")
    e.filters["pct"] = lambda x: f"{x:.0f}%" if x == int(x) else f"{x:.1f}%"
    e.filters["params"] = lambda n: (f"{n / 1e9:.1f}B" if n >= 1e9 else f"{n / 1e6:.0f}M") if n else ""
    return e


def page(name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(env().get_template(name).render(**ctx), status_code=code)


def json_text(obj: Any, status: int = 200) -> Response:
    return Response(dumps(obj), status_code=status, media_type="application/json")


def status_of(exc: TrueopenError) -> int:
    return 404 if isinstance(exc, NotFound) else 400


def error_response(request: Request, status: int, message: str, suggestions: list[str] | None = None) -> Response:
    if request.url.path.startswith("/api/"):
        body: dict[str, Any] = {"error": message}
        if suggestions is not None:
            body["suggestions"] = suggestions
        return json_text(body, status)
    return page("error.html.j2", status, status=status, message=message, suggestions=suggestions or [])

"""Safe by construction: request bodies capped, strict headers on every response."""

from __future__ import annotations

import json
import time

from starlette.exceptions import HTTPException

MAX_BODY = 1024 * 1024  # a license text or model card is far smaller; anything bigger is refused

# Everything comes from this server; no inline script or style, no frames, forms post here only.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
TOO_LARGE = f"request body is larger than {MAX_BODY // 1024 // 1024} MB; license texts and model cards are smaller"


class _TooLarge(HTTPException):
    """Raised while reading a body that turns out too large; the app's HTTP error handler answers."""

    def __init__(self):
        super().__init__(413, TOO_LARGE)


class Guard:
    """ASGI middleware: refuse bodies over MAX_BODY with 413 (by Content-Length up front, and by
    counting when the length is not declared), and add the security headers to every response."""

    def __init__(self, app, max_body: int = MAX_BODY):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False
        t0 = time.perf_counter()

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k for k, _ in HEADERS}
                took = f"app;dur={(time.perf_counter() - t0) * 1000:.2f}".encode()  # read by bench/web_load.py
                message = {**message, "headers": [*(h for h in message.get("headers", []) if h[0] not in names),
                                                  *HEADERS, (b"server-timing", took)]}
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return await self._refuse(scope, send_with_headers)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send_with_headers)

    @staticmethod
    async def _refuse(scope, send):
        if scope.get("path", "").startswith("/api/"):
            body, kind = (json.dumps({"error": TOO_LARGE}) + "\n").encode(), b"application/json"
        else:
            body = (f"<!doctype html><title>Too large</title><link rel=stylesheet href=/static/style.css>"
                    f"<main><h1>413: too large</h1><p>{TOO_LARGE}.</p><p><a href=/identify>Back</a></p></main>").encode()
            kind = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

"""HEAD answered as GET without the body: link checkers, uptime probes and `curl -I` ask HEAD, and
FastAPI routes declared for GET alone would say 405."""

from __future__ import annotations


class HeadAsGet:
    """ASGI middleware: a HEAD request runs the GET route; its status and headers (Content-Length
    included) go out as they are, its body does not."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)

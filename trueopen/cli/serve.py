"""`trueopen serve`: the web pages and JSON API on a local port."""

from __future__ import annotations

import typer

from .common import app, err, fail


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on; 0.0.0.0 exposes it to the network"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="port to listen on"),
) -> None:
    """Browse, compare and check licenses in a browser, with a JSON API under /api/.

    Read-only and offline: it serves the bundled catalog and never fetches a URL it is given.
    The catalog is assessed once at start. Stop it with Ctrl-C.
    Exit 0 when stopped, 2 when the host or port cannot be used.

    \b
    Examples:
      trueopen serve                     then open http://127.0.0.1:8000/
      trueopen serve --port 8080
      curl http://127.0.0.1:8000/api/models/llama-2-7b
    """
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as exc:
        fail(f"serve: missing a dependency ({exc.name}); reinstall trueopen")
    _check_address(host, port)  # before the catalog is assessed: a busy port is known at once
    err.print(f"assessing the catalog; then serving on http://{host}:{port}/", highlight=False, markup=False)
    try:
        uvicorn.run(create_app(), host=host, port=port, log_level="warning", server_header=False)
    except SystemExit as exc:  # uvicorn exits 3 when it cannot start, after logging why
        if exc.code:
            fail(f"serve: cannot listen on {host}:{port}")


def _check_address(host: str, port: int) -> None:
    import socket

    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        fail(f"serve: --host {host}: not an address this machine can listen on ({exc})")
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            fail(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}")

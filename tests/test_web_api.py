"""`trueopen serve`'s JSON API answers exactly what the CLI prints; errors carry the CLI's messages;
the app is read-only, caps bodies, escapes every user string and sends a strict CSP."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
from starlette.testclient import TestClient

from conftest import license_body
from trueopen import service
from trueopen.catalog import loader
from trueopen.licenses import corpus
from trueopen.report import compare as compare_render
from trueopen.report import family, jsonout
from trueopen.web.app import create_app
from trueopen.web.store import Store, dumps

LLAMA2_TEXT = corpus.data_dir() / "licenses" / "llama-2-license-2023.LICENSE"


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.load()


@pytest.fixture(scope="module")
def client(store) -> TestClient:
    return TestClient(create_app(store), raise_server_exceptions=False)


def test_every_catalog_model_is_what_show_prints(client):
    """The whole catalog: /api/models/{id} is byte for byte `show ID --format json`'s output,
    rendered here with the renderer the command uses."""
    ids = [r.id for r in loader.load()]
    assert len(ids) > 100
    for rid in ids:
        got = client.get(f"/api/models/{rid}")
        assert got.status_code == 200, rid
        assert got.headers["content-type"] == "application/json"
        assert got.text == dumps(jsonout.assessment(service.show(rid))), rid


def test_api_matches_the_real_cli(client, cli):
    """The same answers from the CLI in a subprocess: show (by id, by name, a family), list with
    filters, compare, can, gap and producers."""
    cases = [
        ("/api/models/llama-2-7b", ["show", "llama-2-7b"]),
        ("/api/models/OLMo 2 7B", ["show", "OLMo 2 7B"]),
        ("/api/models/llama-2", ["show", "llama-2"]),
        ("/api/models?verdict=open-source", ["list", "--verdict", "open-source"]),
        ("/api/models?producer=meta", ["list", "--producer", "meta"]),
        ("/api/models?license=apache&sort=mof", ["list", "--license", "apache", "--sort", "mof"]),
        ("/api/compare?ids=llama-2-7b,olmo-2-7b,gpt-4o&users=800M",
         ["compare", "llama-2-7b", "olmo-2-7b", "gpt-4o", "--users", "800M"]),
        ("/api/can/llama-2-7b?commercial=true&users=800M&distill=true",
         ["can", "llama-2-7b", "--commercial", "--users", "800M", "--distill"]),
        ("/api/can/Apache-2.0", ["can", "Apache-2.0"]),
        ("/api/gap?benchmark=MMLU", ["gap", "MMLU"]),
        ("/api/producers/mistral", ["producers", "mistral"]),
        ("/api/choose?commercial=true&users=800M&on_prem=true&rank_by=MMLU",
         ["choose", "--commercial", "--users", "800M", "--on-prem", "--rank-by", "MMLU"]),
        ("/api/cost?ids=gpt-4o,llama-3.3-70b&tokens=5B&gpu=H200&precision=fp8",
         ["cost", "gpt-4o", "llama-3.3-70b", "--tokens", "5B", "--gpu", "H200", "--precision", "fp8"]),
    ]
    for path, args in cases:
        got = client.get(path)
        run = cli(*args, "--format", "json")
        assert got.status_code == 200, path
        assert got.text == run.out, path
    assert client.get("/api/models/llama-2-7b").json()["verdict"]["level"] == "restricted-weights"
    fam = client.get("/api/models/llama-2").json()
    assert fam == family.to_json(service.lookup("llama-2")) and len(fam["releases"]) >= 2


def test_listing_and_producers_are_the_services(client):
    assert client.get("/api/models").json() == [jsonout.summary(a) for a in
                                                service.list_assessments(service.ListFilter())]
    assert client.get("/api/producers").json() == [jsonout.producer(p) for p in service.producer_summaries()]
    cmp = service.compare(["mistral-7b", "gemma-3-27b"])
    assert client.get("/api/compare?ids=mistral-7b,gemma-3-27b").json() == compare_render.to_json(cmp)


def test_page_filters_narrow_the_same_rows(client):
    """task, size, access and search narrow `list`'s rows; every row kept matches them."""
    every = client.get("/api/models").json()
    gated = client.get("/api/models?access=gated").json()
    assert gated and all(r["access"] == "gated" for r in gated)
    assert {r["id"] for r in gated} == {r["id"] for r in every if r["access"] == "gated"}
    found = client.get("/api/models?q=olmo").json()
    assert found and all("olmo" in (r["id"] + r["name"]).lower() for r in found)
    small = client.get("/api/models?size=small&access=download").json()
    assert small
    for r in small:
        p = loader.find(r["id"]).parameters
        assert p is not None and p.total < 3e9 and r["access"] == "download"
    unknown = {r["id"] for r in client.get("/api/models?size=unknown").json()}
    assert unknown == {r["id"] for r in every if (loader.find(r["id"]).parameters or None) is None
                       or loader.find(r["id"]).parameters.total is None}


def test_identify_is_license_on_standard_input(client, cli):
    text = license_body(LLAMA2_TEXT)
    got = client.post("/api/identify", content=text.encode(), headers={"content-type": "text/plain"})
    run = cli("license", "-", "--format", "json", stdin=text)
    assert got.status_code == 200 and got.text == run.out
    assert got.json()[0]["key"] == "LicenseRef-llama2"


def test_errors_are_json_with_the_cli_messages(client, cli):
    got = client.get("/api/models/llama-2-7bb")
    run = cli("show", "llama-2-7bb")
    assert got.status_code == 404 and run.code == 2
    body = got.json()
    assert run.err.strip() == f"trueopen: error: {body['error']}"
    assert "llama-2-7b" in body["suggestions"]
    many = client.get("/api/compare?ids=" + ",".join(r.id for r in loader.load()[:13]))
    assert many.status_code == 400 and "at most 12" in many.json()["error"]
    bad = client.get("/api/compare?ids=llama-2-7b")
    assert bad.status_code == 400 and "at least two" in bad.json()["error"]
    users = client.get("/api/compare?ids=llama-2-7b,gpt-4o&users=lots")
    assert users.status_code == 400
    assert users.json()["error"] == cli("compare", "llama-2-7b", "gpt-4o", "--users", "lots").err.strip()[len(
        "trueopen: error: "):]
    assert client.get("/api/gap?benchmark=MMLUU").status_code == 404
    assert client.get("/api/licenses/llama-9").status_code == 404
    invalid = client.get("/api/can/llama-2-7b?commercial=perhaps")
    assert invalid.status_code == 422 and "commercial" in invalid.json()["error"]
    assert client.get("/api/models?verdict=opne").status_code == 400
    assert client.get("/api/nothing/here").json() == {"error": "no such page or API path"}
    empty = client.post("/api/identify", content=b"")
    assert empty.status_code == 400


def test_bodies_over_one_megabyte_are_refused(client):
    big = b"Permission is hereby granted. " * 70_000  # 2.1 MB
    assert len(big) > 2 * 1024 * 1024
    assert client.post("/api/identify", content=big).status_code == 413
    upload = client.post("/identify", files={"file": ("LICENSE", big, "text/plain")})
    assert upload.status_code == 413 and "larger than 1 MB" in upload.text
    chunks = (big[i:i + 65536] for i in range(0, len(big), 65536))  # no Content-Length: counted as it comes
    assert client.post("/api/identify", content=chunks).status_code == 413
    assert client.post("/api/identify", content=b"x", headers={"content-length": "abc"}).status_code in (400, 413)


def test_read_only(client):
    for method in ("put", "delete", "patch"):
        got = client.request(method.upper(), "/api/models/llama-2-7b")
        assert got.status_code == 405 and "read-only" in got.json()["error"]
    assert client.post("/api/models").status_code == 405


def test_no_stack_trace_when_something_breaks():
    """A store missing a release the catalog has: the request fails, with a message and no trace."""
    broken = TestClient(create_app(Store({})), raise_server_exceptions=False)
    got = broken.get("/api/models/llama-2-7b")
    assert got.status_code == 500 and got.json() == {"error": "internal error; the request was not completed"}
    page = broken.get("/models/llama-2-7b")
    assert page.status_code == 500 and "Traceback" not in page.text and "KeyError" not in page.text


PAGES = ["/choose?commercial=true&on_prem=true", "/cost?ids=gpt-4o,llama-3.3-70b", "/", "/models/llama-2-7b", "/models/llama-2", "/compare?ids=llama-2-7b,olmo-2-7b,gpt-4o", "/licenses",
         "/licenses/llama2", "/licenses/Apache-2.0", "/identify", "/producers", "/gap?benchmark=MMLU",
         "/api/models/llama-2-7b", "/models/no-such-model"]


def test_strict_headers_and_no_outside_assets(client):
    for path in PAGES:
        got = client.get(path)
        csp = got.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert got.headers["x-content-type-options"] == "nosniff"
        if got.headers["content-type"].startswith("text/html"):
            for ref in re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]*)"', got.text):
                assert ref.startswith("/") or ref.startswith("data:"), (path, ref)
            assert "style=" not in got.text and "<script>" not in got.text, path  # nothing inline
    for asset in ("/static/style.css", "/static/app.js"):
        assert client.get(asset).status_code == 200


SCRIPT = "<script>alert(1)</script>"


def test_every_user_string_comes_back_escaped(client):
    """`<script>` in every input of every page: it is shown escaped, never as markup."""
    from urllib.parse import quote

    s = quote(SCRIPT)
    gets = [f"/?q={s}", f"/?producer={s}", f"/?license={s}", f"/?verdict={s}", f"/?mof_class={s}", f"/?task={s}",
            f"/?size={s}", f"/?access={s}", f"/?sort={s}", f"/models/{s}", f"/compare?ids={s},llama-2-7b",
            f"/compare?ids=llama-2-7b&add={s}", f"/compare?ids=llama-2-7b,gpt-4o&users={s}", f"/licenses/{s}",
            f"/gap?benchmark={s}", f"/api/models/{s}", f"/api/can/{s}", f"/api/gap?benchmark={s}",
            f"/api/compare?ids={s},{s}2", f"/api/models?producer={s}", f"/api/licenses/{s}", f"/nowhere/{s}",
            f"/choose?users={s}", f"/choose?task={s}", f"/choose?gpu={s}&tokens=1B", f"/cost?ids={s}",
            f"/cost?ids=gpt-4o&gpu={s}", f"/api/choose?min_verdict={s}", f"/api/cost?ids=gpt-4o&tokens={s}"]
    echoed = 0
    for path in gets:
        got = client.get(path)
        if path.startswith("/api/"):  # JSON, exactly as the CLI prints it; never sniffed as HTML
            assert got.headers["content-type"] == "application/json", path
            assert got.headers["x-content-type-options"] == "nosniff"
            assert SCRIPT in got.json()["error"], path
            continue
        assert got.headers["content-type"].startswith("text/html"), path
        assert SCRIPT not in got.text, path
        if "&lt;script&gt;" in got.text:
            echoed += 1
    assert echoed >= 10  # most inputs are echoed back (in a field or a message), escaped
    form = client.post("/identify", data={"text": SCRIPT})
    assert SCRIPT not in form.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in form.text
    upload = client.post("/identify", files={"file": (SCRIPT, SCRIPT.encode(), "text/plain")})
    assert SCRIPT not in upload.text
    api = client.post("/api/identify", content=SCRIPT.encode())
    assert api.headers["content-type"] == "application/json"


def test_openapi_describes_the_api(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/models", "/api/models/{model}", "/api/compare", "/api/can/{subject}", "/api/identify",
                 "/api/producers", "/api/gap", "/api/licenses", "/api/choose", "/api/cost"):
        assert path in spec["paths"], path
    assert not any(p.startswith("/models") for p in spec["paths"])  # pages are not API


def test_pages_show_what_the_cli_says(client, store):
    page = client.get("/models/llama-2-7b").text
    a = store.by_id["llama-2-7b"]
    assert a.verdict.level in page and a.mof.label in page
    for reason in a.verdict.reasons:
        assert reason.replace("'", "&#39;") in page
    by_name = client.get("/models/Llama 2 7B", follow_redirects=False)
    assert by_name.status_code == 307 and by_name.headers["location"] == "/models/llama-2-7b"
    fam = client.get("/models/llama-2").text
    assert service.lookup("llama-2").summary in fam
    missing = client.get("/models/llama-2-7bb")
    assert missing.status_code == 404 and 'href="/models/llama-2-7b"' in missing.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_starts_and_answers(tmp_path):
    """The real `trueopen serve`: it answers the API on the port it was given."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "trueopen", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                got = httpx.get(f"http://127.0.0.1:{port}/api/models/llama-2-7b", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
                time.sleep(0.3)
        assert got.status_code == 200 and got.json()["verdict"]["level"] == "restricted-weights"
        assert "server" not in got.headers
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_refuses_a_port_in_use(cli):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        run = cli("serve", "--port", str(port))
    assert run.code == 2 and "Traceback" not in run.err
    assert run.err.strip().splitlines() == [f"trueopen: error: serve: cannot listen on 127.0.0.1:{port}: "
                                            "Address already in use"]


def test_serve_help(cli):
    res = cli("serve", "--help", env={"COLUMNS": "80"})
    assert res.code == 0 and max(len(line) for line in res.out.splitlines()) <= 80
    assert "Examples" in res.out and "trueopen serve" in res.out and "Exit 0" in res.out
    assert "--host" in res.out and "--port" in res.out


def test_why_not_is_what_choose_why_not_prints(client, cli):
    """/choose?why_not=ID and /api/choose?why_not=ID answer `choose --why-not ID`: the JSON byte
    for byte, the page with every reason the JSON gives (ruled out) or the model's rank (fits)."""
    ruled = client.get("/api/choose?users=800M&why_not=llama-2-7b")
    run = cli("choose", "--users", "800M", "--why-not", "llama-2-7b", "--format", "json")
    assert run.code == 1 and ruled.status_code == 200 and ruled.text == run.out
    reasons = ruled.json()["ruled_out"]["reasons"]
    assert reasons and ruled.json()["fits"] is False
    page = client.get("/choose?users=800M&why_not=Llama 2 7B")  # a name works as on the command line
    assert page.status_code == 200 and 'id="why-not"' in page.text and "is ruled out" in page.text
    for f in reasons:
        assert f["reason"].replace("'", "&#39;").replace('"', "&#34;") in page.text, f["reason"]

    fits = client.get("/api/choose?commercial=true&why_not=olmo-2-7b")
    run = cli("choose", "--commercial", "--why-not", "olmo-2-7b", "--format", "json")
    assert run.code == 0 and fits.text == run.out
    rank = fits.json()["candidate"]["rank"]
    page = client.get("/choose?commercial=true&why_not=olmo-2-7b").text
    assert f"olmo-2-7b fits these needs: rank {rank} of" in page

    missing = client.get("/api/choose?why_not=llama-2-7bb")
    assert missing.status_code == 404 and "llama-2-7b" in missing.json()["suggestions"]
    assert client.get("/choose?why_not=llama-2-7bb").status_code == 404


def test_every_get_page_answers_head(client):
    """HEAD on every GET route (pages, the API, static files): the GET's status and headers, no body.
    Paths with a parameter are asked with a real value."""
    from fastapi.routing import APIRoute

    fastapi_app = client.app
    while not hasattr(fastapi_app, "routes"):
        fastapi_app = fastapi_app.app
    sample = {"model": "llama-2-7b", "subject": "llama-2-7b", "key": "llama2", "producer": "meta"}
    def routes(rs):
        for r in rs:
            inner = getattr(r, "original_router", None)  # a router included in the app
            yield from routes(inner.routes) if inner is not None else (r,)

    paths = []
    for route in routes(fastapi_app.routes):
        if isinstance(route, APIRoute) and "GET" in route.methods:
            path = route.path
            for name, value in sample.items():
                path = path.replace("{" + name + "}", value).replace("{" + name + ":path}", value)
            assert "{" not in path, f"no sample value for {route.path}"
            paths.append(path)
    paths += ["/static/style.css", "/compare?ids=llama-2-7b,olmo-2-7b", "/choose?users=800M&why_not=llama-2-7b"]
    assert len(paths) > 15
    for path in paths:
        got, head = client.get(path, follow_redirects=False), client.head(path, follow_redirects=False)
        assert head.status_code == got.status_code != 405, (path, head.status_code, got.status_code)
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        assert head.headers.get("content-length") == got.headers.get("content-length"), path
    assert client.head("/api/nothing/here").status_code == 404
    assert client.request("PUT", "/api/models/llama-2-7b").status_code == 405

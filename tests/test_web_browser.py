"""`trueopen serve` in a real browser: headless Chromium (Debian's package) driven by Playwright.

What a person sees: the catalog and its filters, a model's verdict and reasons, three models side
by side, a pasted license named with what it allows. A missing browser fails the tests, naming
the command that installs it: they are never skipped. The README's test command installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest

from conftest import license_body
from trueopen.licenses import corpus

CHROMIUM = os.environ.get("TRUEOPEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
INSTALL = "apt-get install -y chromium; pip install -e '.[test]'"


def _missing(what: str) -> None:
    pytest.fail(f"browser tests need {what}: {INSTALL}")


def test_ci_runs_the_readme_test_command_which_installs_chromium():
    from pathlib import Path

    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("Install and run the whole test suite", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    ci = [line for line in (root / ".ci" / "run").read_text(encoding="utf-8").splitlines() if "pytest" in line]
    assert ci == [block]
    assert "apt-get install -y chromium" in block and ".[test]" in block


@pytest.fixture(scope="module")
def base_url():
    """The app on 127.0.0.1 at a free port, served by uvicorn in a thread of this process."""
    import uvicorn

    from trueopen.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright")
    if not os.path.exists(CHROMIUM):
        _missing("Chromium at /usr/bin/chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    context.close()


def _api(page, path: str):
    return page.request.get(path).json()


def test_catalog_filters_and_opens_a_model(page):
    page.goto("/")
    rows = page.locator("#catalog tbody tr")
    total = len(_api(page, "/api/models"))
    assert rows.count() == total and page.locator("#count").inner_text() == f"{total} of {total} releases"

    page.select_option("select[name=verdict]", "open-source")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/?*verdict=open-source*")
    want = [r["name"] for r in _api(page, "/api/models?verdict=open-source")]
    assert 0 < len(want) < total
    assert rows.locator("td:first-child a").all_inner_texts() == want
    assert set(rows.locator("summary.badge").all_inner_texts()) == {"open-source"}

    # the verdict's reasons open from its badge
    first = rows.first.locator("details.verdict")
    assert not first.locator("ul").is_visible()
    first.locator("summary").click()
    assert first.locator("ul li").first.is_visible()

    # typing in the search box narrows the rows at once (progressive enhancement)
    page.fill("#search", "olmo")
    visible = [n for n in rows.locator("td:first-child a").all_inner_texts() if n]
    shown = page.locator("#catalog tbody tr:not(.hidden) td:first-child a").all_inner_texts()
    assert shown and all("olmo" in n.lower() for n in shown) and len(shown) < len(visible)
    assert page.locator("#count").inner_text().startswith(f"{len(shown)} of ")

    page.locator("#catalog tbody tr:not(.hidden) td:first-child a").first.click()
    page.wait_for_url("**/models/**")
    rid = page.url.rsplit("/", 1)[1]
    shown_model = _api(page, f"/api/models/{rid}")
    assert page.locator("h1").inner_text() == shown_model["name"]
    assert page.locator("#verdict .badge").inner_text() == shown_model["verdict"]["level"]
    assert page.locator("#verdict li").all_inner_texts() == shown_model["verdict"]["reasons"]
    assert page.problems == []


def test_model_page_shows_assessment_and_rights(page):
    page.goto("/models/llama-2-7b")
    shown = _api(page, "/api/models/llama-2-7b")
    assert page.locator("#verdict .badge").inner_text() == "restricted-weights" == shown["verdict"]["level"]
    assert shown["mof"]["label"] in page.locator("#mof h2").inner_text()
    checks = page.locator("#osaid tbody tr td:first-child").all_inner_texts()
    assert checks == [c["id"] for c in shown["osaid"]["checks"]]
    distill = page.locator("#rights tr", has_text="distill")
    assert "forbidden" in distill.inner_text()
    assert page.locator("#sources a").count() >= 1
    page.goto("/models/llama-2")
    assert "Llama 2" in page.locator("#family-summary").inner_text()
    assert page.problems == []


def test_compare_three_models(page):
    page.goto("/compare")
    page.fill("input[name=ids]", "llama-2-7b,olmo-2-7b")
    page.fill("#add", "gpt-4o")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#comparison")
    heads = page.locator("#comparison thead th").all_inner_texts()
    assert heads == ["fact", "Llama 2 7B", "OLMo 2 7B", "GPT-4o"]
    verdict_row = page.locator("#comparison tbody tr", has=page.locator("td:first-child", has_text="verdict")).first
    assert verdict_row.locator("td").all_inner_texts()[1:] == ["restricted-weights", "open-source", "closed"]
    # the box keeps what was compared, so a fourth can be added
    assert page.input_value("input[name=ids]") == "llama-2-7b,olmo-2-7b,gpt-4o"
    assert page.problems == []


def test_choose_form(page):
    page.goto("/choose")
    page.check("input[name=commercial]")
    page.check("input[name=on_prem]")
    page.fill("input[name=users]", "800M")
    page.click("#choose-form button[type=submit]")
    page.wait_for_selector("#shortlist")
    want = _api(page, "/api/choose?commercial=true&on_prem=true&users=800M")
    shown = page.locator("#candidates tbody tr td:nth-child(2) a").all_inner_texts()
    assert shown == [c["name"] for c in want["candidates"][:10]] and shown
    assert page.locator("#ruled-out summary").inner_text().startswith(f"Ruled out: {len(want['ruled_out'])}")
    first = page.locator("#candidates tbody tr").first.inner_text()
    assert want["candidates"][0]["why"][0] in first
    page.click("#ruled-out summary")
    reason = want["ruled_out"][0]["reason"]
    assert page.locator("#ruled-out", has_text=reason).is_visible()
    assert page.problems == []


def test_choose_why_not_one_model(page):
    """The form's "why (not) this model?" box: the page lists every reason the JSON twin gives."""
    page.goto("/choose")
    page.fill("input[name=users]", "800M")
    page.fill("input[name=why_not]", "llama-2-7b")
    page.click("#choose-form button[type=submit]")
    page.wait_for_selector("#why-not")
    want = _api(page, "/api/choose?users=800M&why_not=llama-2-7b")["ruled_out"]
    assert "llama-2-7b is ruled out" in page.locator("#why-not").inner_text()
    shown = page.locator("#reasons li").all_inner_texts()
    assert len(shown) == len(want["reasons"]) > 0
    for line, f in zip(shown, want["reasons"]):
        assert line.startswith(f"{f['check']}: {f['reason']}"), (line, f)
    assert page.input_value("input[name=why_not]") == "llama-2-7b"
    assert page.problems == []


def test_paste_a_license(page):
    from trueopen.licenses import identify

    text = license_body(corpus.data_dir() / "licenses" / "llama-2-license-2023.LICENSE")
    identify.in_text(text)  # the license index is built once per machine (slow on a busy one): not timed here
    page.goto("/identify")
    page.fill("#text", text)
    page.click("#identify-form button[type=submit]")
    page.wait_for_selector("#results", timeout=120_000)
    results = page.locator("#results")
    assert "Llama 2 Community License Agreement" in results.locator("table").first.inner_text()
    distill = results.locator("table.rights tr", has_text="distill").first
    assert "forbidden" in distill.inner_text()
    assert page.problems == []


def test_script_typed_into_the_search_stays_text(page):
    page.goto("/")
    page.fill("#search", "<img src=x onerror=alert(1)>")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/?q=*")
    assert page.input_value("#search") == "<img src=x onerror=alert(1)>"
    assert page.locator("main img").count() == 0 and page.locator("#count").inner_text().startswith("0 of")


def test_charts_render(page):
    page.goto("/producers")
    dots = page.locator("svg.chart circle.dot")
    dated = [r for p in _api(page, "/api/producers") for r in p["releases"] if r["released"]]
    assert dots.count() == len(dated) > 50
    page.goto("/gap?benchmark=MMLU")
    rows = _api(page, "/api/gap?benchmark=MMLU")
    points = sum(1 for r in rows for k in ("open", "restricted_weights", "closed") if r[k])
    assert page.locator("svg.chart circle.dot").count() == points
    assert page.problems == []

"""License pages: every AI license's terms, and naming a pasted or uploaded license text."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from ...errors import InputError, TrueopenError
from ...licenses import identify as identify_mod
from ...licenses import rights, terms
from .. import licensing
from ..safety import MAX_BODY
from ..views import page, status_of

router = APIRouter(include_in_schema=False)


@router.get("/licenses")
def licenses() -> Response:
    rows = [(t, licensing.glance(t)) for t in licensing.all_terms()]
    return page("licenses.html.j2", rows=rows, questions=licensing.QUESTIONS)


@router.get("/licenses/{key:path}")
def license_page(key: str) -> Response:
    t = licensing.find(key)
    answers = rights.answer(t, [q for q in rights.QUESTIONS if q not in ("users", "on_prem")])
    return page("license.html.j2", t=t, answers=answers)


@router.get("/identify")
def identify_form() -> Response:
    return page("identify.html.j2", text="", results=None, error=None)


async def _submitted_text(request: Request) -> tuple[str, str]:
    """The pasted text, or the uploaded file's (which wins when both are given)."""
    form = await request.form(max_files=1, max_fields=4, max_part_size=MAX_BODY)
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_BODY + 1)
        if len(data) > MAX_BODY:
            raise InputError(upload.filename, "larger than 1 MB, too large for a license text")
        return data.decode("utf-8", errors="replace"), upload.filename
    text = form.get("text")
    return (text if isinstance(text, str) else ""), "pasted text"


@router.post("/identify")
async def identify(request: Request) -> Response:
    text, shown, results, error = "", "", None, None
    try:
        text, shown = await _submitted_text(request)
        if not text.strip():
            raise InputError("text", "empty; paste a license text or choose a file")
        found = identify_mod.identify("-", text)
        keys = list(dict.fromkeys(f.key for f in found))
        terms_of = {k: terms.lookup(k) for k in keys}
        results = {"source": shown, "found": found,
                   "rights": {k: rights.answer(t, licensing.QUESTIONS) for k, t in terms_of.items() if t}}
    except TrueopenError as exc:
        error = exc
    return page("identify.html.j2", status_of(error) if error else 200, text=text, results=results, error=error,
                questions=licensing.QUESTIONS)

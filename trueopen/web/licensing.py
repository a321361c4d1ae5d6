"""License pages' data: the AI licenses with terms on record, and any license id looked up."""

from __future__ import annotations

import difflib
from typing import Any

from ..errors import NotFound
from ..licenses import names, rights, terms

QUESTIONS = [q for q in rights.QUESTIONS if q not in ("users", "on_prem")]


def all_terms() -> list[terms.LicenseTerms]:
    return sorted(terms.custom().values(), key=lambda t: t.title.lower())


def find(key: str) -> terms.LicenseTerms:
    """A license by key, Hugging Face tag, name or SPDX id; unknown ones suggest close keys."""
    found = terms.lookup(key)
    if found is None:
        named = names.from_tag(key) or names.from_expression(key)
        found = terms.lookup(named.key) if named is not None else None
    if found is None:
        keys = {k.lower(): k for t in terms.custom().values() for k in (t.key, *t.hf_tags)}
        close = [keys[k] for k in difflib.get_close_matches(key.lower(), keys, n=3, cutoff=0.6)]
        exc = NotFound(key, close, what="license")
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        exc.args = (f"trueopen has no terms on record for license '{key}'.{hint} (see: trueopen can LICENSE)",)
        raise exc
    return found


def glance(t: terms.LicenseTerms) -> dict[str, str]:
    """Each question's outcome, for the one-line view."""
    return {q: a.outcome for q, a in rights.answer(t, QUESTIONS).items()}


def brief(t: terms.LicenseTerms) -> dict[str, Any]:
    return {"key": t.key, "title": t.title, "category": t.category, "url": t.url,
            "as_of": t.as_of.isoformat() if t.as_of else None,
            "user_cap": t.user_cap.count if t.user_cap else None, "answers": glance(t)}

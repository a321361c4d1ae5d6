"""Read models.dev (github.com/anomalyco/models.dev, MIT): release dates, open-weights flags,
context limits and the producer's own API prices.

Two inputs are accepted: a checkout of the repository (TOML files under `models/<lab>/` and
`providers/<provider>/models/`) or the `api.json` the site publishes. A model's facts come from
its lab file, and its price from the lab's own provider file when the lab sells it, because a
reseller's price says nothing about the model. The result is a snapshot we commit with its
attribution; the catalog cites it fact by fact.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ... import safeio
from ...errors import InputError
from ...report.safe_text import printable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

NAME = "models.dev"
REPOSITORY = "https://github.com/anomalyco/models.dev"
LICENSE = "MIT"
COPYRIGHT = "Copyright (c) 2025 models.dev"
MAX_FILE = 1 << 20
MAX_API_JSON = 64 << 20
MAX_DEPTH = 20  # models.dev nests three levels (model, limit/cost, benchmarks); anything deeper is not its data
MAX_TOKENS = 1 << 40  # a context or output limit above a trillion tokens is not a token count
# models.dev's lab folder -> its own provider folder, where they differ
OWN_PROVIDER = {"meta": "llama", "moonshotai": "moonshotai", "zhipuai": "zhipuai"}


@dataclass(frozen=True)
class Record:
    """One model as models.dev describes it; None means models.dev does not say."""

    key: str  # lab/model, the id trueopen's catalog uses in listed_in
    name: str
    path: str  # file the facts came from, relative to the repository
    family: str | None = None
    release_date: str | None = None
    last_updated: str | None = None
    open_weights: bool | None = None
    context: int | None = None
    output: int | None = None
    input_per_mtok: float | None = None
    output_per_mtok: float | None = None
    price_path: str | None = None
    weights: list[str] = field(default_factory=list)
    benchmarks: list[dict] = field(default_factory=list)  # name, score, metric, source, date: as models.dev cites them


def _too_deep(data: object, limit: int = MAX_DEPTH) -> str | None:
    """The first key path nested deeper than `limit` levels, or None; iterative, so a deep value
    cannot exhaust the stack here."""
    stack: list[tuple[object, str, int]] = [(data, "", 0)]
    while stack:
        obj, path, depth = stack.pop()
        if depth > limit:
            return (path if len(path) <= 40 else path[:40] + "...") or "(top)"
        if isinstance(obj, dict):
            stack += [(v, f"{path}.{k}" if path else str(k), depth + 1) for k, v in obj.items()]
        elif isinstance(obj, list):
            stack += [(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(obj)]
    return None


_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_.\"'-]{1,80})\s*=")


def _deep_key(text: str) -> str:
    """The key whose value opens the most brackets on one line: where a too-deep value sits."""
    best, key = 0, "(top)"
    for line in text.splitlines():
        opened = max(line.count("["), line.count("{"))
        if opened > best and (m := _KEY_LINE.match(line)):
            best, key = opened, m.group(1)
    return key


def _parse(text: str, rel: str, loads, decode_error: type[Exception], what: str) -> dict:
    """`loads(text)` as a mapping whose nesting is bounded; every failure one InputError."""
    try:
        data = loads(text)
    except RecursionError:
        raise InputError(rel, f"nested too deeply to read as {what}", field=_deep_key(text)) from None
    except decode_error as exc:
        raise InputError(rel, f"not valid {what}: {exc}") from None
    except ValueError as exc:  # a number over Python's 4,300-digit limit, for one
        why = "a number has more than 4,300 digits" if "digits" in str(exc) else str(exc)
        raise InputError(rel, f"not valid {what}: {why}") from None
    if not isinstance(data, dict):
        raise InputError(rel, f"expected {what} with a mapping at the top, found {type(data).__name__}")
    deep = _too_deep(data)
    if deep is not None:
        raise InputError(rel, f"nested deeper than {MAX_DEPTH} levels; not models.dev data", field=deep)
    return data


def _read_toml(path: Path, rel: str, root: Path | None = None) -> dict:
    try:
        text = safeio.read_bytes(path, MAX_FILE, root=root, name=rel, what="a models.dev model file").decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(rel, "not UTF-8 text") from None
    except OSError as exc:
        raise InputError(rel, exc.strerror or "cannot be read") from None
    return _parse(text, rel, tomllib.loads, tomllib.TOMLDecodeError, "TOML")


def _table(data: dict, key: str, where: str) -> dict:
    """A sub-table (limit, cost) that may be absent but, when present, must be a table."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(where, f"'{key}' must be a table, found {type(value).__name__}", field=key)
    return value


def _list(data: dict, key: str, where: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(where, f"'{key}' must be a list, found {type(value).__name__}", field=key)
    return value


def _iso(value: object, where: str, key: str) -> str | None:
    """models.dev writes dates as strings (YYYY-MM-DD or YYYY-MM); TOML may give a date."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) in (7, 10) and value[:4].isdigit():
        return value
    raise InputError(where, f"'{key}' is not a date: {_shown(value)}", field=key)


def _shown(value: object) -> str:
    """A wrong value quoted in an error: its type when it is not a short scalar."""
    if isinstance(value, (dict, list)):
        return f"a {'table' if isinstance(value, dict) else 'list'}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "..."


def _int(value: object, where: str, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOKENS:
        raise InputError(where, f"'{key}' is not a token count: {_shown(value)}", field=key)
    return value


def _price(value: object, where: str, key: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        raise InputError(where, f"'{key}' is not a price: {_shown(value)}", field=key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InputError(where, f"'{key}' is not a price: {_shown(value)}", field=key)
    return float(value)


def _record(key: str, data: dict, where: str, price: dict | None, price_path: str | None) -> Record:
    if not isinstance(data.get("name"), str) or not data["name"]:
        raise InputError(where, "no model name", field="name")
    limit = _table(data, "limit", where)
    cost = _table(price, "cost", price_path or where) if price else {}
    weights = [w["url"] for w in _list(data, "weights", where) if isinstance(w, dict) and isinstance(w.get("url"), str)]
    ow = data.get("open_weights")
    benchmarks = [_benchmark(b, where) for b in _list(data, "benchmarks", where) if isinstance(b, dict)]
    return Record(
        key=key,
        name=data["name"],
        path=where,
        family=data.get("family") if isinstance(data.get("family"), str) else None,
        release_date=_iso(data.get("release_date"), where, "release_date"),
        last_updated=_iso(data.get("last_updated"), where, "last_updated"),
        open_weights=ow if isinstance(ow, bool) else None,
        context=_int(limit.get("context"), where, "limit.context"),
        output=_int(limit.get("output"), where, "limit.output"),
        input_per_mtok=_price(cost.get("input"), price_path or where, "cost.input"),
        output_per_mtok=_price(cost.get("output"), price_path or where, "cost.output"),
        price_path=price_path if cost else None,
        weights=weights,
        benchmarks=[b for b in benchmarks if b is not None],
    )


def _benchmark(b: dict, where: str) -> dict | None:
    """A score models.dev carries with the page it was read from; one without a source is dropped."""
    name, score, source = b.get("name"), b.get("score"), b.get("source")
    if not (isinstance(name, str) and isinstance(source, str) and source.startswith("https://")):
        return None
    out = {"name": name, "score": _price(score, where, "benchmarks.score"), "source": source}
    if out["score"] is None:
        return None
    if isinstance(b.get("metric"), str):
        out["metric"] = b["metric"]
    if b.get("date") is not None:
        out["date"] = _iso(b["date"], where, "benchmarks.date")
    return out


def read_tree(root: Path) -> list[Record]:
    """A checkout of the models.dev repository."""
    models = root / "models"
    if not models.is_dir():
        raise InputError(str(root), "no models/ folder: not a models.dev checkout (or pass its api.json)")
    out = []
    for lab_dir in sorted(p for p in models.iterdir() if p.is_dir()):
        lab = lab_dir.name
        provider = OWN_PROVIDER.get(lab, lab)
        for f in sorted(lab_dir.glob("*.toml")):
            rel = f.relative_to(root).as_posix()
            data = _read_toml(f, rel, root)
            pf = root / "providers" / provider / "models" / f.name
            price, price_rel = None, None
            if pf.is_file():
                price_rel = pf.relative_to(root).as_posix()
                price = _read_toml(pf, price_rel, root)
            out.append(_record(f"{lab}/{f.stem}", data, rel, price, price_rel))
    if not out:
        raise InputError(str(root), "models/ holds no model files")
    return out


def read_api_json(path: Path) -> list[Record]:
    """models.dev's published api.json: {provider: {models: {id: {...}}}}. Only first-party
    providers count (a provider whose id is the lab's), for the reason in the module docstring."""
    try:
        text = safeio.read_bytes(path, MAX_API_JSON, what="models.dev's api.json").decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"not a readable api.json: {exc}") from None
    data = _parse(text, str(path), json.loads, json.JSONDecodeError, "JSON")
    labs = {v: k for k, v in OWN_PROVIDER.items()}
    out = []
    for provider, pdata in sorted(data.items()):
        if not isinstance(pdata, dict) or not isinstance(pdata.get("models"), dict):
            continue
        lab = labs.get(provider, provider)
        for mid, m in sorted(pdata["models"].items()):
            if isinstance(m, dict):
                where = f"api.json#{provider}/{mid}"
                out.append(_record(f"{lab}/{mid}", m, where, m, where))
    return out


def read(path: Path) -> list[Record]:
    what = safeio.probe(path)
    if what == "folder":
        return read_tree(path)
    if what == "file":
        return read_api_json(path)
    raise InputError(printable(path), "no such file or folder" if what == "missing" else f"is {what}")


API_JSON_URL = "https://models.dev/"


def snapshot(records: list[Record], revision: str, retrieved: date, from_api_json: bool = False) -> dict:
    """What we commit: the facts, where they came from, and the license they came under.
    Facts from api.json cite the published file; from a checkout, the file at its commit."""
    base = API_JSON_URL if from_api_json else f"{REPOSITORY}/blob/{revision}/"
    return {
        "source": {"name": NAME, "repository": REPOSITORY, "revision": revision, "retrieved": retrieved.isoformat(),
                   "license": LICENSE, "attribution": COPYRIGHT, "url_prefix": base},
        "models": {r.key: {k: v for k, v in asdict(r).items() if v not in (None, [])} for r in records},
    }


def fact_url(snapshot_data: dict, record: dict, price: bool = False) -> str:
    """The URL of the file a fact was read from, at the imported revision."""
    return snapshot_data["source"]["url_prefix"] + (record.get("price_path") if price else record["path"])

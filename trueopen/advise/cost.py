"""`trueopen cost`: what a monthly token volume costs through the producer's API and self-hosted.

Pure arithmetic over catalog facts (API prices, parameters, attention shape) and the bundled GPU
table; every number it assumes sits in `Assumptions`, is printed with the result and can be
overridden. docs/cost.md writes the formulas out.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from .. import safeyaml
from ..errors import InputError
from ..release import Release

PRECISION_BYTES = {"bf16": Fraction(2), "fp8": Fraction(1), "int8": Fraction(1), "int4": Fraction(1, 2)}
PRECISIONS = tuple(PRECISION_BYTES)
KV_BYTES = 2  # the KV cache is kept at 16 bits whatever the weights' precision (serving engines' default)
_SCALE = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}


def parse_count(text: str, what: str = "--tokens") -> int:
    """'1B', '2.5M', '750k' or '1000000' -> a whole count."""
    m = re.fullmatch(r"\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([kKmMbBtT]?)\s*", text)
    if not m:
        raise InputError(what, f"'{text}' is not a count; write e.g. 1B, 250M, 50k or 1000000")
    value = Fraction(m.group(1).replace(",", "").replace("_", "")) * _SCALE[m.group(2).lower()]
    if value <= 0:
        raise InputError(what, f"'{text}' must be more than zero")
    return math.ceil(value)


# ---- the GPU table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GpuPrice:
    low: float
    high: float
    url: str
    stated: str  # the date the price page gives
    as_of: str  # the day we read it
    note: str | None = None

    @property
    def point(self) -> float:
        """The middle of the range: the one number the bill is computed at."""
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Gpu:
    key: str
    name: str
    memory_gb: float
    bandwidth_gbs: float
    tflops: dict[str, float]
    source_url: str
    as_of: str
    checked_via: str | None
    price: GpuPrice | None

    def peak(self, precision: str) -> tuple[float, str]:
        """Dense peak TFLOP/s for the matrix products at this weight precision, and the precision
        they actually run at: int4 is weight-only (products in bf16); no fp8 units means bf16."""
        run = precision if precision in self.tflops and precision != "int4" else "bf16"
        return self.tflops[run], run


@lru_cache(maxsize=1)
def load_gpus() -> dict[str, Gpu]:
    text = resources.files("trueopen.advise").joinpath("data/gpus.yaml").read_text(encoding="utf-8")
    data = safeyaml.loads(text, "trueopen/advise/data/gpus.yaml")
    out = {}
    for key, g in data["gpus"].items():
        p = g.get("price")
        price = (GpuPrice(float(p["low"]), float(p["high"]), p["url"], str(p["stated"]), str(p["as_of"]),
                          p.get("note")) if p else None)
        out[key] = Gpu(key, g["name"], float(g["memory_gb"]), float(g["bandwidth_gbs"]),
                       {k: float(v) for k, v in g["tflops"].items()}, g["source"]["url"],
                       str(g["source"]["as_of"]), g.get("checked_via"), price)
    return out


def gpu(key: str) -> Gpu:
    table = load_gpus()
    for k, g in table.items():
        if k.lower() == key.lower():
            return g
    raise InputError("--gpu", f"'{key}' is not in the GPU table; known: {', '.join(table)}")


# ---- assumptions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumptions:
    """Everything the estimate assumes; the CLI has one option per field."""

    tokens: int = 1_000_000_000  # per month, input and output together
    input_share: float = 0.75
    precision: str = "bf16"
    context: int = 4096  # tokens held per sequence (prompt and answer)
    concurrency: int = 16  # sequences served at once per replica (the decode batch)
    gpu: str = "H100"
    gpu_price: float | None = None  # USD per GPU-hour; None: the middle of the table's range
    bandwidth_efficiency: float = 0.6  # share of peak memory bandwidth decode achieves
    compute_efficiency: float = 0.4  # share of dense peak FLOP/s prefill achieves
    memory_usable: float = 0.9  # share of GPU memory left for weights and KV cache
    busy_share: float = 0.5  # share of the month's hours the GPUs serve at the full batch
    kv_rule_kib: float = 16  # KV KiB per token per billion parameters, when the architecture is unknown
    hours_per_month: float = 730  # 365 x 24 / 12

    def __post_init__(self) -> None:
        if self.precision not in PRECISION_BYTES:
            raise InputError("--precision", f"'{self.precision}' is not one of {', '.join(PRECISIONS)}")
        for name in ("input_share", "bandwidth_efficiency", "compute_efficiency", "memory_usable", "busy_share"):
            v = getattr(self, name)
            if not 0 < v <= 1 and not (name == "input_share" and v == 0):
                raise InputError(f"--{name.replace('_', '-')}", f"{v} must be between 0 and 1")
        for name in ("tokens", "context", "concurrency", "kv_rule_kib", "hours_per_month"):
            if getattr(self, name) <= 0:
                raise InputError(f"--{name.replace('_', '-')}", "must be more than zero")
        if self.gpu_price is not None and self.gpu_price < 0:
            raise InputError("--gpu-price", "must not be negative")

    @property
    def input_tokens(self) -> Fraction:
        return self.tokens * Fraction(str(self.input_share))

    @property
    def output_tokens(self) -> Fraction:
        return self.tokens - self.input_tokens

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ---- API --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCost:
    input_usd: Fraction
    output_usd: Fraction
    input_per_mtok: float
    output_per_mtok: float
    currency: str
    source_url: str | None
    as_of: str | None

    @property
    def monthly(self) -> Fraction:
        return self.input_usd + self.output_usd

    def to_json(self) -> dict[str, Any]:
        return {"monthly_usd": float(self.monthly), "input_usd": float(self.input_usd),
                "output_usd": float(self.output_usd), "input_per_mtok": self.input_per_mtok,
                "output_per_mtok": self.output_per_mtok, "currency": self.currency,
                "source": self.source_url, "as_of": self.as_of}


def api_cost(release: Release, a: Assumptions) -> ApiCost | None:
    """The bill at the recorded per-million-token prices, in exact fractions (no float drift)."""
    p = release.pricing
    if p is None:
        return None
    src = release.sources.get(p.source)
    million = Fraction(10**6)
    return ApiCost(a.input_tokens / million * Fraction(str(p.input_per_mtok)),
                   a.output_tokens / million * Fraction(str(p.output_per_mtok)),
                   p.input_per_mtok, p.output_per_mtok, p.currency,
                   src.url if src else None, src.as_of.isoformat() if src else None)


# ---- self-hosting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfHost:
    gpu: Gpu
    precision: str
    compute_precision: str
    total_params: int
    active_params: int
    weights_bytes: float
    kv_bytes_per_token: float
    kv_basis: str  # "architecture" or "rule of thumb"
    kv_bytes: float
    gpus: int  # per replica
    decode_tps: float
    decode_bound: str  # "memory" or "compute"
    prefill_tps: float
    capacity_tokens: float  # per replica and month, at the busy share
    replicas: int
    gpu_hours: float
    price: float | None  # USD per GPU-hour the bill uses
    price_low: float | None
    price_high: float | None

    @property
    def memory_bytes(self) -> float:
        return self.weights_bytes + self.kv_bytes

    @property
    def monthly(self) -> float | None:
        return None if self.price is None else self.gpu_hours * self.price

    def to_json(self) -> dict[str, Any]:
        g = self.gpu
        return {
            "gpu": g.key, "gpu_name": g.name, "gpus": self.gpus, "replicas": self.replicas,
            "monthly_usd": self.monthly,
            "monthly_usd_low": None if self.price_low is None else self.gpu_hours * self.price_low,
            "monthly_usd_high": None if self.price_high is None else self.gpu_hours * self.price_high,
            "gpu_price_usd_per_hour": self.price, "gpu_hours": self.gpu_hours,
            "precision": self.precision, "compute_precision": self.compute_precision,
            "parameters": {"total": self.total_params, "active": self.active_params},
            "memory": {"weights_bytes": self.weights_bytes, "kv_cache_bytes": self.kv_bytes,
                       "kv_bytes_per_token": self.kv_bytes_per_token, "kv_basis": self.kv_basis,
                       "total_bytes": self.memory_bytes},
            "throughput": {"decode_tokens_per_s": self.decode_tps, "decode_bound": self.decode_bound,
                           "prefill_tokens_per_s": self.prefill_tps,
                           "tokens_per_replica_month": self.capacity_tokens},
            "gpu_source": {"url": g.source_url, "as_of": g.as_of, "checked_via": g.checked_via},
            "price_source": ({"url": g.price.url, "stated": g.price.stated, "as_of": g.price.as_of,
                              "low": g.price.low, "high": g.price.high}
                             if g.price else None),
        }


def kv_per_token(release: Release, a: Assumptions) -> tuple[float, str]:
    """Bytes of KV cache one token holds: from the attention shape when recorded, else the rule."""
    arch = release.architecture
    if arch is not None:
        return float(2 * arch.layers * arch.kv_heads * arch.head_dim * KV_BYTES), "architecture"
    p = release.parameters
    billions = ((p.active or p.total) if p else 0) / 1e9  # type: ignore[operator]
    return a.kv_rule_kib * 1024 * billions, "rule of thumb"


def self_host_blocker(release: Release) -> str | None:
    """Why no self-host estimate can be made, or None."""
    if release.weights_unreleased:
        return "the weights are not released: it runs only on the producer's service"
    if release.parameters is None or release.parameters.total is None:
        return "the parameter count is not recorded, so memory and speed cannot be estimated"
    return None


def self_host(release: Release, a: Assumptions, g: Gpu | None = None) -> SelfHost | None:
    if self_host_blocker(release) is not None:
        return None
    g = g or gpu(a.gpu)
    p = release.parameters
    total = p.total  # type: ignore[union-attr]
    active = p.active or total  # type: ignore[union-attr]
    nbytes = float(PRECISION_BYTES[a.precision])
    weights = total * nbytes  # mixture-of-experts: every expert is held in memory
    kv_tok, basis = kv_per_token(release, a)
    kv = kv_tok * a.context * a.concurrency
    usable = g.memory_gb * 1e9 * a.memory_usable
    n = max(1, math.ceil((weights + kv) / usable))
    peak, run = g.peak(a.precision)
    flops = n * peak * 1e12 * a.compute_efficiency
    # decode: each step reads the active weights once and each sequence's KV (half full on average)
    step_bytes = active * nbytes + a.concurrency * kv_tok * a.context / 2
    mem_time = step_bytes / (n * g.bandwidth_gbs * 1e9 * a.bandwidth_efficiency)
    compute_time = 2 * active * a.concurrency / flops
    step = max(mem_time, compute_time)
    decode = a.concurrency / step
    prefill = flops / (2 * active)
    seconds_per_token = a.input_share / prefill + (1 - a.input_share) / decode
    capacity = a.hours_per_month * 3600 * a.busy_share / seconds_per_token
    replicas = max(1, math.ceil(a.tokens / capacity))
    hours = replicas * n * a.hours_per_month
    if a.gpu_price is not None:
        price = low = high = a.gpu_price
    elif g.price is not None:
        price, low, high = g.price.point, g.price.low, g.price.high
    else:
        price = low = high = None
    return SelfHost(g, a.precision, run, total, active, weights, kv_tok, basis, kv, n, decode,
                    "memory" if mem_time >= compute_time else "compute", prefill, capacity, replicas, hours,
                    price, low, high)


def break_even(api: ApiCost | None, sh: SelfHost | None, a: Assumptions) -> int | None:
    """The monthly volume from which renting GPUs costs no more than the API: one replica's
    monthly rent divided by the API's price per token, when one replica can serve that much."""
    if api is None or sh is None or sh.price is None or api.monthly == 0:
        return None
    per_token = api.monthly / a.tokens
    replica_rent = Fraction(str(sh.gpus * sh.price)) * Fraction(str(a.hours_per_month))
    volume = replica_rent / per_token
    if volume > Fraction(sh.capacity_tokens):
        return None  # the API is cheaper per token than a fully busy replica: no break-even
    return math.ceil(volume)


# ---- one model's estimate -------------------------------------------------------------------


@dataclass
class Estimate:
    release: Release
    api: ApiCost | None
    self_host: SelfHost | None
    break_even_tokens: int | None
    notes: list[str] = field(default_factory=list)

    @property
    def cheapest(self) -> tuple[str, float] | None:
        """('api' | 'self-host', USD per month), the cheaper of the two that have a price."""
        options = []
        if self.api is not None:
            options.append(("api", float(self.api.monthly)))
        if self.self_host is not None and self.self_host.monthly is not None:
            options.append(("self-host", self.self_host.monthly))
        return min(options, key=lambda o: o[1]) if options else None

    def to_json(self) -> dict[str, Any]:
        r = self.release
        return {"id": r.id, "name": r.name,
                "api": self.api.to_json() if self.api else None,
                "self_host": self.self_host.to_json() if self.self_host else None,
                "break_even_tokens": self.break_even_tokens, "notes": self.notes}


def estimate(release: Release, a: Assumptions, g: Gpu | None = None) -> Estimate:
    api = api_cost(release, a)
    sh = self_host(release, a, g)
    notes = []
    if api is None:
        notes.append("no API price recorded")
    blocker = self_host_blocker(release)
    if blocker:
        notes.append(f"no self-host estimate: {blocker}")
    elif sh is not None:
        if sh.kv_basis != "architecture":
            notes.append(f"KV cache from the rule of thumb ({a.kv_rule_kib:g} KiB per token per billion "
                         "parameters): the attention shape is not recorded")
        if sh.price is None:
            notes.append(f"no rental price on record for {sh.gpu.key}: pass --gpu-price")
        if sh.compute_precision != sh.precision:
            notes.append(f"matrix products run at {sh.compute_precision} on {sh.gpu.key} "
                         f"({sh.precision} weights are converted on the fly)")
        ctx = release.context_length.tokens if release.context_length else None
        if ctx is not None and a.context > ctx:
            notes.append(f"--context {a.context:,} is more than the model's {ctx:,} tokens")
    return Estimate(release, api, sh, break_even(api, sh, a), notes)


def weights_bytes(release: Release, precision: str) -> float | None:
    """Bytes the weights take at a precision (all experts of a mixture-of-experts)."""
    p = release.parameters
    if p is None or p.total is None:
        return None
    return p.total * float(PRECISION_BYTES[precision])


def compare_rows(releases: list[Release], a: Assumptions | None = None) -> list:
    """`compare`'s cost rows: the API bill and the self-host estimate at the default assumptions."""
    from .compare import Row

    a = a or Assumptions()
    ests = [estimate(r, a) for r in releases]
    vol = f"{a.tokens / 1e9:g}B tokens/month"

    def api(e: Estimate) -> str:
        return f"USD {float(e.api.monthly):,.0f} a month" if e.api else "no API price recorded"

    def own(e: Estimate) -> str:
        sh = e.self_host
        if sh is None:
            blocker = self_host_blocker(e.release) or ""
            return "not possible: weights not released" if "not released" in blocker else "parameters not recorded"
        bill = f", USD {sh.monthly:,.0f} a month" if sh.monthly is not None else ""
        return f"{sh.gpus * sh.replicas} x {sh.gpu.key} at {sh.precision}{bill}"

    return [Row("cost", f"API bill ({vol})", tuple(api(e) for e in ests)),
            Row("cost", f"self-hosted ({vol}; trueopen cost)", tuple(own(e) for e in ests))]

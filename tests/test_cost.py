"""`trueopen cost`: expected values are computed here from the catalog's facts and the GPU table,
then compared with what the real CLI prints."""

from __future__ import annotations

import math
from fractions import Fraction

from trueopen import safeyaml
from trueopen.catalog import loader

from pathlib import Path

GPU_TABLE = Path(__file__).parent.parent / "trueopen" / "advise" / "data" / "gpus.yaml"


def _gpus() -> dict:
    return safeyaml.loads(GPU_TABLE.read_text(encoding="utf-8"), str(GPU_TABLE))["gpus"]


def _priced_open_moe():
    """A catalog release with an API price, downloadable weights and a parameter count."""
    for r in loader.load():
        if (r.pricing and r.parameters and r.parameters.total and r.parameters.active
                and r.access and r.access.weights == "download"):
            return r
    raise AssertionError("the catalog has no priced open-weights mixture-of-experts release")


def test_api_bill_is_exact_from_the_recorded_prices(cli):
    r = cli("cost", "gpt-4o", "--tokens", "1B", "--format", "json")
    assert r.code == 0, r.err
    m = r.json()["models"][0]
    price = loader.find("gpt-4o").pricing
    inp, out = Fraction(750_000_000), Fraction(250_000_000)
    expected_in = inp / 10**6 * Fraction(str(price.input_per_mtok))
    expected_out = out / 10**6 * Fraction(str(price.output_per_mtok))
    assert m["api"]["input_usd"] == float(expected_in)
    assert m["api"]["output_usd"] == float(expected_out)
    assert m["api"]["monthly_usd"] == float(expected_in + expected_out)
    release = loader.find("gpt-4o")
    assert m["api"]["source"] == release.sources[price.source].url
    assert m["api"]["as_of"] == release.sources[price.source].as_of.isoformat()
    assert m["self_host"] is None and "not released" in m["notes"][0]


def test_input_share_changes_the_split_exactly(cli):
    m = cli("cost", "gpt-4o", "--tokens", "2.5M", "--input-share", "0.4", "--format", "json").json()["models"][0]
    price = loader.find("gpt-4o").pricing
    exp = (Fraction(1_000_000) * Fraction(str(price.input_per_mtok))
           + Fraction(1_500_000) * Fraction(str(price.output_per_mtok))) / 10**6
    assert m["api"]["monthly_usd"] == float(exp)


def test_llama_3_3_70b_needs_at_least_two_80gb_gpus_at_bf16(cli):
    data = cli("cost", "llama-3.3-70b", "--precision", "bf16", "--format", "json").json()
    sh = data["models"][0]["self_host"]
    release = loader.find("llama-3.3-70b")
    h100 = _gpus()["H100"]
    a = data["assumptions"]
    weights = release.parameters.total * 2
    arch = release.architecture
    kv = 2 * arch.layers * arch.kv_heads * arch.head_dim * 2 * a["context"] * a["concurrency"]
    assert sh["memory"]["weights_bytes"] == weights
    assert sh["memory"]["kv_cache_bytes"] == kv and sh["memory"]["kv_basis"] == "architecture"
    assert sh["gpus"] == math.ceil((weights + kv) / (h100["memory_gb"] * 1e9 * a["memory_usable"]))
    assert sh["gpus"] >= 2 and weights > 80e9
    # the same on every 80 GB GPU of the table
    for key, g in _gpus().items():
        if g["memory_gb"] == 80:
            other = cli("cost", "llama-3.3-70b", "--gpu", key, "--format", "json").json()
            assert other["models"][0]["self_host"]["gpus"] >= 2


def test_mixture_of_experts_memory_from_total_speed_from_active(cli):
    r = _priced_open_moe()
    sh = cli("cost", r.id, "--format", "json").json()["models"][0]["self_host"]
    assert sh["memory"]["weights_bytes"] == r.parameters.total * 2
    g = _gpus()["H100"]
    expected_prefill = sh["gpus"] * g["tflops"]["bf16"] * 1e12 * 0.4 / (2 * r.parameters.active)
    assert math.isclose(sh["throughput"]["prefill_tokens_per_s"], expected_prefill, rel_tol=1e-12)


def test_bill_grows_with_volume_and_break_even_holds(cli):
    r = _priced_open_moe()
    volumes = ["10M", "1B", "10B", "100B", "1T"]
    api, own = [], []
    for v in volumes:
        m = cli("cost", r.id, "--tokens", v, "--format", "json").json()["models"][0]
        api.append(m["api"]["monthly_usd"])
        own.append(m["self_host"]["monthly_usd"])
    assert api == sorted(api) and len(set(api)) == len(api)
    assert own == sorted(own) and own[-1] > own[0]


def test_break_even_where_one_exists_and_none_where_the_api_always_wins(cli):
    priced = [r.id for r in loader.load() if r.pricing and r.parameters and r.parameters.total
              and r.access and r.access.weights != "none"]
    data = cli("cost", *priced, "--format", "json").json()["models"]
    with_be = [m for m in data if m["break_even_tokens"] is not None]
    without = [m for m in data if m["break_even_tokens"] is None]
    assert with_be, "no priced open-weights release pays off at any volume"
    for m in with_be[:2]:
        be = m["break_even_tokens"]
        at = cli("cost", m["id"], "--tokens", str(be), "--format", "json").json()["models"][0]
        below = cli("cost", m["id"], "--tokens", str(int(be * 0.9)), "--format", "json").json()["models"][0]
        assert at["self_host"]["monthly_usd"] <= at["api"]["monthly_usd"] + 0.01
        assert below["self_host"]["monthly_usd"] > below["api"]["monthly_usd"]
    for m in without[:1]:  # no break-even: even a fully busy replica costs more per token than the API
        sh = m["self_host"]
        rent = sh["gpus"] * sh["gpu_price_usd_per_hour"] * 730
        per_token = m["api"]["monthly_usd"] / 1e9
        assert rent > per_token * sh["throughput"]["tokens_per_replica_month"]


def test_gpu_price_override_sets_the_bill(cli):
    sh = cli("cost", "mistral-7b", "--gpu", "L40S", "--gpu-price", "1.25",
             "--format", "json").json()["models"][0]["self_host"]
    assert sh["gpu"] == "L40S" and sh["gpu_price_usd_per_hour"] == 1.25
    assert math.isclose(sh["monthly_usd"], sh["gpu_hours"] * 1.25)
    assert sh["gpu_hours"] == sh["gpus"] * sh["replicas"] * 730


def test_no_price_on_record_leaves_the_bill_open():
    """A GPU without a recorded range: the GPU-hours are still counted, the bill is left to
    --gpu-price (every bundled GPU has a range now, so the record is made without one here)."""
    import dataclasses

    from trueopen.advise import cost

    bare = dataclasses.replace(cost.gpu("RTX-4090"), price=None)
    sh = cost.self_host(loader.find("mistral-7b"), cost.Assumptions(gpu="RTX-4090"), bare)
    assert sh is not None and sh.gpu_hours > 0
    assert sh.price is None and sh.monthly is None
    priced = cost.self_host(loader.find("mistral-7b"), cost.Assumptions(gpu="RTX-4090", gpu_price=0.5), bare)
    assert math.isclose(priced.monthly, priced.gpu_hours * 0.5)


def test_rtx_4090_is_billed_at_its_recorded_range(cli):
    """The RTX 4090 used to need --gpu-price; the bill now uses the middle of its sourced range."""
    p = _gpus()["RTX-4090"]["price"]
    assert p["url"].startswith("https://") and p["stated"] and str(p["as_of"]) == "2026-11-28"
    r = cli("cost", "mistral-7b", "--gpu", "RTX-4090", "--format", "json")
    assert r.code == 0, r.err
    [row] = r.json()["models"]
    sh = row["self_host"]
    assert math.isclose(sh["gpu_price_usd_per_hour"], (p["low"] + p["high"]) / 2)
    assert math.isclose(sh["monthly_usd"], sh["gpu_hours"] * (p["low"] + p["high"]) / 2)
    assert sh["price_source"]["url"] == p["url"]


def test_gpu_table_facts_carry_sources():
    for key, g in _gpus().items():
        assert g["source"]["url"].startswith("https://") and g["source"]["as_of"], key
        assert g["memory_gb"] > 0 and g["bandwidth_gbs"] > 0 and g["tflops"]["bf16"] > 0, key
        if "price" in g:
            p = g["price"]
            assert 0 < p["low"] <= p["high"] and p["url"].startswith("https://") and p["stated"], key


def test_table_reads_in_80_columns_and_prints_assumptions(cli):
    r = cli("cost", "gpt-4o", "llama-3.3-70b", "mixtral-8x7b", env={"COLUMNS": "80"})
    assert r.code == 0, r.err
    for line in r.out.splitlines():
        if "https://" not in line:
            assert len(line) <= 80, line
    for opt in ("--tokens", "--input-share", "--precision", "--context", "--concurrency", "--gpu",
                "--gpu-price", "--bandwidth-efficiency", "--compute-efficiency", "--memory-usable",
                "--busy-share", "--kv-rule"):
        assert opt in r.out, opt


def test_bad_input_is_one_line_and_exit_2(cli):
    for args in (("cost", "gpt-4o", "--gpu", "TPU9"), ("cost", "gpt-4o", "--tokens", "lots"),
                 ("cost", "no-such-model-xyz")):
        r = cli(*args)
        assert r.code == 2, (args, r.out, r.err)
        assert "Traceback" not in r.err


def test_compare_shows_the_same_estimate_as_cost(cli):
    rows = cli("compare", "gpt-4o", "llama-3.3-70b", "--format", "json").json()["rows"]
    cost_rows = {r["label"]: r["values"] for r in rows if r["section"] == "cost"}
    models = cli("cost", "gpt-4o", "llama-3.3-70b", "--format", "json").json()["models"]
    api = next(v for k, v in cost_rows.items() if k.startswith("API bill"))
    own = next(v for k, v in cost_rows.items() if k.startswith("self-hosted"))
    assert api[0] == f"USD {models[0]['api']['monthly_usd']:,.0f} a month" and api[1] == "no API price recorded"
    sh = models[1]["self_host"]
    assert own[0].startswith("not possible") and own[1].startswith(f"{sh['gpus'] * sh['replicas']} x H100")
    assert f"USD {sh['monthly_usd']:,.0f}" in own[1]


def test_architecture_facts_cite_the_config_they_were_read_from():
    with_arch = [r for r in loader.load() if r.architecture is not None]
    assert len(with_arch) >= 6
    for r in with_arch:
        src = r.sources[r.architecture.source]
        assert src.url.endswith("/config.json") and "huggingface.co" in src.url, r.id
        assert r.access is not None and r.access.weights != "none", r.id

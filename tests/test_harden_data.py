"""Data from YAML, TOML and JSON we did not write (issue 17, items 5 and 6): property tests for
safeyaml (card front matter, model-index, MOF files), the models.dev reader, and the escaping of
what reaches the output. Each property is "only a one-line InputError, never another exception,
and what is returned can be printed and serialised"."""

from __future__ import annotations

import json
import math
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trueopen import safeyaml
from trueopen.catalog.importers import modelsdev, mof
from trueopen.errors import InputError
from trueopen.evidence import card as cardmod
from trueopen.report.safe_text import json_dumps, json_text, jsonable, printable

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- YAML documents built from pieces that have broken loaders ---------------------------------

HUGE = "9" * 5000
SCALARS = st.sampled_from([
    "2024-13-45", "2023-02-30", "2024-01-01", "2024-01-01 25:61:00", "2001-12-14t21:59:43.10-05:00",
    "!!int x", "!!int 12", "!!float abc", "!!float .nan", ".inf", "-.inf", ".nan", "!!bool maybe", "!!bool yes",
    "!!timestamp soon", "!!timestamp 2024-02-30", "!!binary aGVsbG8=", "!!binary '!!!'", "!!str 5", "!!null x",
    "!!set {a, b}", "!!set {}", "!!omap [a: 1, b: [2]]", "!!pairs [a: 1, a: 2]", HUGE, "-" + HUGE, "0x" + "f" * 4000,
    "0b" + "1" * 20000, "1" + ":59" * 3000, "1:20", "0o777", "1_000", "~", "null", "yes", "No", "'quoted'",
    '"esc\\e[8m\\u202e\\x9b"', "[]", "{}", "[1, [2, [3]]]", "{a: {b: {c: d}}}", "!!python/object/apply:os.system ['x']",
    "!custom x", "!<tag:yaml.org,2002:int> 7", "*undefined", "&a 1", "<<", "? complex", "|\n  block", ">\n  folded",
])
KEYS = st.sampled_from(["license", "datasets", "model-index", "name", "value", "2024-13-45", HUGE[:50], "!!int x",
                        "!!set {a}", "? [a]", "<<", "language", "tags", "base_model"])


@st.composite
def yaml_docs(draw) -> str:
    """A mapping of tricky keys to tricky values, some of them anchored and aliased, some nested."""
    lines, anchors = [], []
    for i in range(draw(st.integers(1, 8))):
        key = draw(KEYS)
        kind = draw(st.sampled_from(["scalar", "flow-list", "block-list", "anchor", "alias", "merge", "nested"]))
        if kind == "scalar":
            lines.append(f"{key}: {draw(SCALARS)}")
        elif kind == "flow-list":
            lines.append(f"{key}: [{', '.join(draw(st.lists(SCALARS, max_size=4)))}]")
        elif kind == "block-list":
            lines.append(f"{key}:")
            lines += [f"  - {v}" for v in draw(st.lists(SCALARS, max_size=3))]
        elif kind == "anchor":
            anchors.append(f"a{i}")
            lines.append(f"{key}: &a{i} {draw(SCALARS)}")
        elif kind == "alias" and anchors:
            lines.append(f"{key}: [{', '.join('*' + draw(st.sampled_from(anchors)) for _ in range(draw(st.integers(1, 5))))}]")
        elif kind == "merge" and anchors:
            lines.append(f"{key}: {{<<: *{draw(st.sampled_from(anchors))}}}")
        else:
            depth = draw(st.integers(1, 80))
            lines.append(f"{key}: " + "[" * depth + draw(SCALARS).split("\n")[0] + "]" * depth)
    return "\n".join(lines) + "\n"


def _plain(obj: object, depth: int = 0) -> None:
    """Only JSON-like values (and dates) reach callers: no sets, bytes or tuples, every integer
    printable, every key a plain scalar."""
    assert depth <= safeyaml.MAX_DEPTH + 1
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert isinstance(k, (str, int, float, bool, date)) or k is None, type(k)
            _plain(k, depth + 1)
            _plain(v, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            _plain(v, depth + 1)
    else:
        assert obj is None or isinstance(obj, (str, int, float, bool, date)), type(obj)
        if isinstance(obj, int):
            str(obj)  # raises past Python's 4,300-digit limit


def _one_line_input_error(exc: InputError, source: str) -> None:
    text = str(exc)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text
    assert text.startswith(printable(source) + ":")


@SETTINGS
@given(doc=yaml_docs())
def test_yaml_documents_load_as_plain_data_or_one_line_error(doc: str) -> None:
    try:
        data = safeyaml.loads(doc, "card.md")
    except InputError as exc:
        _one_line_input_error(exc, "card.md")
        return
    _plain(data)
    json.loads(json_dumps(data))


@SETTINGS
@given(text=st.text(max_size=500))
def test_any_text_loads_or_is_one_line_error(text: str) -> None:
    try:
        data = safeyaml.loads(text, "x.yml")
    except InputError as exc:
        _one_line_input_error(exc, "x.yml")
        return
    _plain(data)


def test_values_that_only_look_typed_stay_strings_and_bad_tags_name_the_field() -> None:
    data = safeyaml.loads(f"a: 2024-13-45\nb: 2023-02-30\nc: {HUGE}\nd: 2024-01-01\ne: !!set {{x, y}}\n"
                          "f: !!binary aGVsbG8=\ng: !!omap [k: 1]\n", "c.yml")
    assert data == {"a": "2024-13-45", "b": "2023-02-30", "c": HUGE, "d": date(2024, 1, 1), "e": ["x", "y"],
                    "f": "aGVsbG8=", "g": [["k", 1]]}
    with pytest.raises(InputError) as info:
        safeyaml.loads("model-index:\n- results:\n  - metrics:\n    - value: !!int x\n", "README.md")
    assert info.value.field == "model-index[0].results[0].metrics[0].value"
    assert "line 4" in info.value.problem and "!!int x" in info.value.problem


def test_aliases_that_multiply_text_are_refused_before_anyone_prints_them() -> None:
    doc = 'a: &b "' + "x" * 200_000 + '"\nc: [' + ", ".join(["*b"] * 99) + "]\n"
    with pytest.raises(InputError, match="characters through aliases"):
        safeyaml.loads(doc, "card.md")
    safeyaml.loads('a: &b "' + "x" * 1000 + '"\nc: [' + ", ".join(["*b"] * 99) + "]\n", "card.md")  # small: fine


# ---- model cards: front matter and model-index -------------------------------------------------


@st.composite
def model_indexes(draw) -> str:
    metrics = "\n".join(f"    - {{type: {draw(SCALARS).splitlines()[0]}, value: {draw(SCALARS).splitlines()[0]}}}"
                        for _ in range(draw(st.integers(1, 3))))
    return (f"model-index:\n- name: {draw(SCALARS).splitlines()[0]}\n  results:\n"
            f"  - task: {{type: {draw(SCALARS).splitlines()[0]}}}\n"
            f"    dataset: {{name: {draw(SCALARS).splitlines()[0]}, type: d}}\n    metrics:\n{metrics}\n")


@SETTINGS
@given(front=st.one_of(yaml_docs(), model_indexes()))
def test_card_front_matter_never_breaks_the_card_or_its_json(front: str) -> None:
    card = cardmod.parse(f"---\n{front}---\n# Model\n\n## Evaluation\n\n| a | b |\n", "README.md")
    for p in card.problems:
        assert "\n" not in p
    json.loads(json_dumps({"data": card.data, "eval_results": card.eval_results}))
    assert card.completeness  # the body is still read


# ---- MOF release files --------------------------------------------------------------------------

MOF_FIELDS = ["framework.name", "framework.version", "framework.date", "release.name", "release.producer",
              "release.date", "release.type", "release.license", "release.components"]
MOF_GOOD = {"framework": {"name": "Model Openness Framework", "version": "'1.0'", "date": "'2024-12-15'"},
            "release": {"name": "Tiny", "producer": "Us", "license": "{distribution: {name: Apache-2.0}}",
                        "components": "[{name: Model architecture}, {name: Model parameters (Final)}]"}}


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(MOF_FIELDS), st.one_of(SCALARS, yaml_docs().map(lambda d: "{" + d.splitlines()[0] + "}")),
                               max_size=3))
def test_mof_files_import_or_give_one_line_error(changes: dict[str, str]) -> None:
    doc = {k: dict(v) for k, v in MOF_GOOD.items()}
    for path, value in changes.items():
        top, key = path.split(".")
        doc[top][key] = value.splitlines()[0]
    text = "".join(f"{top}:\n" + "".join(f"  {k}: {v}\n" for k, v in fields.items()) for top, fields in doc.items())
    try:
        result = mof.parse(safeyaml.loads(text, "m.yml"), "m.yml")
    except InputError as exc:
        _one_line_input_error(exc, "m.yml")
        return
    assert result.release.name


def test_mof_unquoted_date_is_still_told_apart_from_a_quoted_one() -> None:
    """Dates stay dates so MOT's rule (quote them) can still be checked; impossible ones are strings."""
    base = "framework: {name: Model Openness Framework, version: '1.0', date: %s}\nrelease: {name: T, producer: U, " \
           "license: {}, components: [{name: Model architecture}]}\n"
    with pytest.raises(InputError, match="unquoted date"):
        mof.parse(safeyaml.loads(base % "2024-12-15", "m.yml"), "m.yml")
    with pytest.raises(InputError, match="'2023-02-30' is not a valid date") as info:
        mof.parse(safeyaml.loads(base % "2023-02-30", "m.yml"), "m.yml")
    assert info.value.field == "framework.date"


# ---- models.dev TOML and api.json ---------------------------------------------------------------

TOML_VALUES = st.one_of(
    st.integers(-(10**30), 10**30).map(str), st.sampled_from(["nan", "inf", "-inf", "1e400", HUGE[:400], HUGE]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr), st.booleans().map(lambda b: str(b).lower()),
    st.text(max_size=20).map(json.dumps), st.sampled_from(["2025-01-01", "2025-02-30", "07:32:00", "1979-05-27T07:32:00Z",
                                                           '"2025-06"', '"later"', "[]", "{}", "[1, 'a']", "{a = 1}"]),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n), st.integers(1, 2000).map(lambda n: "{a = " * n + "1" + "}" * n),
)
TOML_KEYS = st.sampled_from(["name", "family", "release_date", "last_updated", "open_weights", "limit", "limit.context",
                             "limit.output", "weights", "benchmarks", "cost", "cost.input", "cost.output", "x"])


@st.composite
def toml_files(draw) -> str:
    lines = []
    for key in draw(st.lists(TOML_KEYS, unique=True, max_size=6)):
        lines.append(f"{key} = {draw(TOML_VALUES)}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(model=toml_files(), price=st.one_of(st.none(), toml_files()))
def test_models_dev_files_import_or_give_one_line_error_naming_file(model: str, price: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "models" / "acme").mkdir(parents=True)
        (root / "models" / "acme" / "m.toml").write_text(model, encoding="utf-8")
        if price is not None:
            (root / "providers" / "acme" / "models").mkdir(parents=True)
            (root / "providers" / "acme" / "models" / "m.toml").write_text(price, encoding="utf-8")
        try:
            records = modelsdev.read(root)
        except InputError as exc:
            text = str(exc)
            assert "\n" not in text and text.split(":")[0] in ("models/acme/m.toml", "providers/acme/models/m.toml")
            return
        snap = modelsdev.snapshot(records, "abc", date(2026, 11, 28))
        assert json.loads(json_dumps(snap)) == json.loads(json.dumps(snap))  # plain JSON already
        for r in records:
            for v in (r.context, r.output, r.input_per_mtok, r.output_per_mtok):
                assert v is None or (math.isfinite(v) and v >= 0)


@pytest.mark.parametrize("text, where", [
    ("[" * 100_000 + "]" * 100_000, None),
    ('{"acme": {"models": {"m": {"name": "M", "limit": {"context": ' + HUGE + "}}}}}", None),
    ('{"acme": {"models": {"m": {"name": "M", "limit": [1]}}}}', "limit"),
    ('{"acme": {"models": {"m": {"name": "M", "x": ' + "[" * 40 + "]" * 40 + "}}}}", "acme.models.m.x"),
])
def test_api_json_of_the_wrong_shape_is_one_error_naming_the_key(tmp_path: Path, text: str, where: str | None) -> None:
    p = tmp_path / "api.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        modelsdev.read(p)
    assert "\n" not in str(info.value)
    if where:
        assert (info.value.field or "").startswith(where)


def test_deep_toml_names_the_key() -> None:
    with pytest.raises(InputError) as info:
        modelsdev._parse('name = "M"\ndeep = ' + "[" * 5000 + "]" * 5000 + "\n", "m.toml", modelsdev.tomllib.loads,
                         modelsdev.tomllib.TOMLDecodeError, "TOML")
    assert info.value.field == "deep" and "nested too deeply" in info.value.problem


# ---- what reaches the output --------------------------------------------------------------------

UNSAFE = "\x00\x07\x08\x1b\x7f\x85\x9b\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@SETTINGS
@given(s=st.text(alphabet=st.one_of(st.characters(), st.sampled_from(UNSAFE + "\n\t\r"))))
def test_printable_escapes_every_control_and_bidi_character_and_nothing_else(s: str) -> None:
    out = printable(s)
    assert not any(c in out for c in UNSAFE + "\n\t\r")
    assert printable(out) == out
    if not any(c in s for c in UNSAFE + "\n\t\r") and all(c.isprintable() or c == " " for c in s):
        assert out == s


@SETTINGS
@given(value=st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.dates(),
                                    st.binary(max_size=20)),
                          lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=5), kids, max_size=4),
                                                 st.frozensets(st.integers(), max_size=3)), max_leaves=20))
def test_json_output_serialises_any_value_and_escapes_c1_and_bidi(value: object) -> None:
    text = json_dumps(value)
    assert not any(c in text for c in UNSAFE)
    assert json.loads(text) == json.loads(json.dumps(jsonable(value), allow_nan=True))


@SETTINGS
@given(s=st.text(alphabet=st.one_of(st.characters(), st.sampled_from(UNSAFE))))
def test_json_text_round_trips_the_exact_string(s: str) -> None:
    dumped = json_text(json.dumps({"k": s}, ensure_ascii=False))
    assert json.loads(dumped) == {"k": s}
    assert not any(c in dumped for c in UNSAFE)


def test_huge_integers_and_non_finite_numbers_become_text_in_json() -> None:
    out = json.loads(json_dumps({"big": 10**5000, "nan": float("nan"), "inf": float("-inf"), "ok": 10**30}))
    assert out["big"].startswith("an integer of") and out["nan"] == "nan" and out["inf"] == "-inf"
    assert out["ok"] == 10**30


def test_input_errors_are_one_escaped_line() -> None:
    exc = InputError("dir/evil\x1b[8m\nname.yml", "bad\u202evalue\r\n", field="a\x9bb")
    assert str(exc) == "dir/evil\\x1b[8m\\nname.yml: a\\x9bb: bad\\u202evalue\\r\\n"

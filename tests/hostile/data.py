"""Hostile data: YAML in model cards, MOF files and the Index's project files, models.dev TOML and
JSON, and escape codes in file names and arguments.

Every builder writes text files only, under the folder it is given, and returns the arguments of
`trueopen`. Inputs that try to run a command aim it at writing a PWNED file, which the runner looks
for. The runner also checks that no raw control or bidi character reaches stdout or stderr and that
`--format json` prints JSON, so the escape-code cases need no checks of their own.
"""

from __future__ import annotations

from pathlib import Path

from . import Case

HUGE_INT = "9" * 5000  # past Python's 4,300-digit limit on int <-> str
ESC_NAME = "model\x1b[8m.bin"  # ESC[8m: "hidden" text on a terminal, after the name
BIDI = "\u202e"  # right-to-left override: the rest of the line shows reversed
MOF = """framework:
  name: Model Openness Framework
  version: '1.0'
  date: {date}
release:
  name: {name}
  producer: Us
  license:
    distribution: {{name: Apache-2.0}}
  components:
    - name: Model architecture
    - name: Model parameters (Final)
"""
PWN = "touch PWNED"


def _card(folder: Path, front: str, body: str = "# Model\n\nA model.\n") -> Path:
    d = folder / "model"
    d.mkdir(parents=True, exist_ok=True)
    (d / "README.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return d


def card_cases() -> list[Case]:
    """A model card whose front matter holds values the YAML loader used to choke on."""
    fronts = {
        # plain values that only look like dates or numbers: strings now, the card is read
        "card-values-that-only-look-typed": (f"license: mit\ndatasets: [2024-13-45]\nrelease: 2024-13-45\n"
                                             f"created: 2023-02-30\nparameters: {HUGE_INT}\n{HUGE_INT}: x\n"
                                             f"seed: 0x{'f' * 4000}\nsteps: 1{':59' * 3000}"),
        # explicit tags that do not fit: the front matter is not read, the body still is
        "card-explicit-int-tag": "license: mit\nparameters: !!int x",
        "card-explicit-bool-timestamp-float": "license: mit\na: !!bool maybe\nb: !!timestamp soon\nc: !!float many",
        "card-cyclic-alias": "license: mit\ntags: &a [x, *a]",
        "card-python-tag-runs-nothing": f"license: mit\nx: !!python/object/apply:os.system ['{PWN}']",
        "card-raw-escape-in-yaml": "license: \"mit\x1b[8m\"",
    }
    # JSON: the runner then also checks that what is printed parses (the table paths are covered
    # by the escape cases below)
    return [Case(name, lambda f, front=front: ["audit", str(_card(f, front)), "--format", "json"], exits=(0, 1))
            for name, front in fronts.items()]


def card_model_index_odd_values(folder: Path) -> list[str]:
    """model-index metrics and datasets holding a date, a set and binary: `--format json` used to
    fail with "Object of type date is not JSON serializable"."""
    front = ("license: mit\nmodel-index:\n- name: m\n  results:\n"
             "  - task: {type: 2024-01-01}\n    dataset: {name: !!set {a, b}, type: d}\n"
             "    metrics:\n    - {type: acc, value: !!binary aGVsbG8=}\n    - {type: when, value: 2024-01-02}\n"
             "    - {type: inf, value: .inf}\n    - {type: nan, value: .nan}\n"
             "datasets: [!!set {x}, 2024-01-01, !!binary aGk=]\nlanguage: !!omap [en: 1]")
    return ["audit", str(_card(folder, front)), "--format", "json"]


def card_alias_output_bomb(folder: Path) -> list[str]:
    """A 2 MB card: one 1.9 MB string and 99 aliases of it (was 600 MB of output)."""
    front = 'license: mit\nblob: &b "' + "a" * 1_900_000 + '"\ntags: [' + ", ".join(["*b"] * 99) + "]"
    return ["audit", str(_card(folder, front)), "--format", "json"]


def card_escapes_everywhere(folder: Path) -> list[str]:
    """Escape codes and a bidi override in the card's fields (as YAML escapes), a license file name
    and a pickle's name: the pickle's warning must stay readable."""
    front = ('license: "apache-2.0\\e[8m"\nlicense_name: "x\\u202eevil"\ndatasets: ["d\\e[2J\\e[H"]\n'
             'base_model: "org/b\\e]0;title\\a"\nlanguage: ["en\\x9b31m"]')
    d = _card(folder, front, body="# Model\n\n## Training data\n\nSee \x1b[8mhidden\x1b[0m.\n")
    (d / ESC_NAME).write_bytes(b"\x80\x04K\x01.")  # a pickle of the int 1 (protocol 4); never loaded
    (d / f"LICENSE{BIDI}txt").write_text("Apache License\nVersion 2.0, January 2004\n", encoding="utf-8")
    return ["audit", str(d)]


def _escape_fmt(fmt: str):
    def build(folder: Path) -> list[str]:
        return [*card_escapes_everywhere(folder), "--format", fmt, "--evidence"] if fmt != "md" else \
            [*card_escapes_everywhere(folder), "--format", "md"]
    return build


def license_escapes(folder: Path) -> list[str]:
    """`trueopen license` on the same folder: paths and titles in its table."""
    d = Path(card_escapes_everywhere(folder)[1])
    return ["license", str(d)]


def _mof(folder: Path, text: str, name: str = "release.yml") -> list[str]:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return ["import", "mof", str(p)]


def mof_cases() -> list[Case]:
    """MOF files with bad values: each is a one-line error naming the field (exit 2)."""
    texts = {
        "mof-date-month-13": MOF.format(date="2024-13-45", name="Tiny"),
        "mof-explicit-int-tag": MOF.format(date="'2024-12-15'", name="!!int x"),
        "mof-set-as-name": MOF.format(date="'2024-12-15'", name="!!set {a, b}"),
        "mof-cyclic-components": MOF.format(date="'2024-12-15'", name="Tiny").replace(
            "  components:\n", "  components: &c\n    - *c\n"),
        "mof-python-tag-runs-nothing": MOF.format(date="'2024-12-15'", name=f"!!python/object/apply:os.system ['{PWN}']"),
        "mof-escape-in-name": MOF.format(date="'2024-12-15'", name='"Tiny\\e[8m\\u202e"') + "  type: \"x\\e[2J\"\n",
        "mof-deep-nesting": MOF.format(date="'2024-12-15'", name="Tiny") + "  extra: " + "[" * 3000 + "]" * 3000 + "\n",
    }
    cases = [Case(name, lambda f, t=text: _mof(f, t), exits=(2,)) for name, text in texts.items()]
    # a plain 5,000-digit number or binary where the schema wants a string is a string: imported
    huge = MOF.format(date="'2024-12-15'", name=HUGE_INT)
    binary = MOF.format(date="'2024-12-15'", name="!!binary aGVsbG8=")
    return [*cases, Case("mof-5000-digit-name", lambda f: _mof(f, huge), exits=(0,)),
            Case("mof-binary-as-name", lambda f: _mof(f, binary), exits=(0,))]


def mof_escapes_imported(folder: Path, fmt: str) -> list[str]:
    """A MOF file that imports (exit 1: an unknown component) with escape codes in its name,
    producer, licenses and component name, and in its own file name: they reach every renderer."""
    text = MOF.format(date="'2024-12-15'", name='"Tiny\\e[8m\\u202e"').replace("producer: Us", 'producer: "Us\\e[2J"')
    text = text.replace("{name: Apache-2.0}", '{name: "Apache-2.0\\e[8m"}')
    text += '    - {name: "Model architecturE\\e[8m", license: "MIT\\x9b"}\n'
    return [*_mof(folder, text, name="r\x1b[8m.yml"), "--format", fmt]


def mof_escape_in_file_name(folder: Path) -> list[str]:
    return _mof(folder, "release: [", name="bad\x1b[8m\u202e.yml")


def osai_index_bad_values(folder: Path) -> list[str]:
    """The Index's project files with a 5,000-digit integer, an impossible date, an `!!int` that is
    not one, and a name that is a list: each reported, one good file still imported."""
    d = folder / "index"
    d.mkdir(parents=True, exist_ok=True)
    (d / "Good.yaml").write_text("system: {name: Good, releasedate: 2023-02-30}\nlicenses: {class: open}\n")
    (d / "Huge.yaml").write_text(f"system: {{name: {HUGE_INT}}}\nlicenses: {{class: {HUGE_INT}}}\n")
    (d / "Tag.yaml").write_text("system: {name: T, link: !!int x}\n")
    (d / "List.yaml").write_text("system: {name: [a, b]}\n")
    (d / "Esc\x1b[8m.yaml").write_text('system: {name: "E\\e[8m"}\nlicenses: {class: "open\\e[8m"}\n')
    return ["import", "osai-index", str(d), "--revision", "abc"]


def osai_index_all_bad(folder: Path) -> list[str]:
    d = folder / "index"
    d.mkdir(parents=True, exist_ok=True)
    (d / "Only.yaml").write_text("system: !!set {a}\n")
    return ["import", "osai-index", str(d), "--revision", "abc"]


def _models_dev(folder: Path, toml: str, price: str | None = None) -> list[str]:
    root = folder / "models.dev"
    (root / "models" / "acme").mkdir(parents=True, exist_ok=True)
    (root / "models" / "acme" / "m.toml").write_text(toml, encoding="utf-8")
    if price is not None:
        (root / "providers" / "acme" / "models").mkdir(parents=True, exist_ok=True)
        (root / "providers" / "acme" / "models" / "m.toml").write_text(price, encoding="utf-8")
    return ["import", "models.dev", str(root), "--revision", "abc"]


def models_dev_cases() -> list[Case]:
    """models.dev files of the wrong types or shapes: one line naming the file and key (exit 2)."""
    tomls = {
        "modelsdev-limit-is-string": ('name = "M"\nlimit = "lots"\n', None),
        "modelsdev-weights-is-int": ('name = "M"\nweights = 5\n', None),
        "modelsdev-benchmarks-is-table": ('name = "M"\n[benchmarks]\nx = 1\n', None),
        "modelsdev-cost-is-list": ('name = "M"\n', "cost = [1, 2]\n"),
        "modelsdev-price-nan": ('name = "M"\n', "[cost]\ninput = nan\noutput = 1\n"),
        "modelsdev-context-400-digits": ('name = "M"\n[limit]\ncontext = ' + "9" * 400 + "\n", None),
        "modelsdev-5000-digit-integer": (f'name = "M"\nx = {HUGE_INT}\n', None),
        "modelsdev-date-is-time": ('name = "M"\nrelease_date = 07:32:00\n', None),
        "modelsdev-name-is-table": ("[name]\nx = 1\n", None),
        "modelsdev-deep-array": ('name = "M"\nx = ' + "[" * 5000 + "]" * 5000 + "\n", None),
        "modelsdev-deep-inline-table": ('name = "M"\nx = ' + "{a = " * 3000 + "1" + "}" * 3000 + "\n", None),
    }
    return [Case(name, lambda f, t=t, p=p: _models_dev(f, t, p), exits=(2,)) for name, (t, p) in tomls.items()]


def models_dev_escapes(folder: Path) -> list[str]:
    """Escape codes in a models.dev name and family: imported (exit 0), escaped in the JSON."""
    return _models_dev(folder, 'name = "M\\u001b[8m\\u009b31m\\u202e"\nfamily = "f\\u2066"\n')


def _api_json(folder: Path, text: str) -> list[str]:
    p = folder / "api.json"
    p.write_text(text, encoding="utf-8")
    return ["import", "models.dev", str(p)]


def api_json_cases() -> list[Case]:
    texts = {
        "apijson-deep": "[" * 100_000 + "]" * 100_000,
        "apijson-5000-digit-integer": '{"acme": {"models": {"m": {"name": "M", "limit": {"context": ' + HUGE_INT + "}}}}}",
        "apijson-limit-is-list": '{"acme": {"models": {"m": {"name": "M", "limit": [1]}}}}',
        "apijson-top-is-list": "[1, 2]",
        "apijson-nested-40": '{"acme": {"models": {"m": {"name": "M", "x": ' + "[" * 40 + "]" * 40 + "}}}}",
    }
    return [Case(name, lambda f, t=t: _api_json(f, t), exits=(2,)) for name, t in texts.items()]


def argument_cases() -> list[Case]:
    """Echoed arguments with escape codes and newlines: one escaped line on stderr, exit 2."""
    args = {
        "arg-license-escape-newline": ["license", "no-such\x1b[8m\nsecond line"],
        "arg-show-osc-title": ["show", "x\x1b]0;pwned\x07y"],
        "arg-can-bidi": ["can", "--distill", f"llama{BIDI}2"],
        "arg-import-mof-missing-escape": ["import", "mof", "gone\x1b[8m\u202e.yml"],
        "arg-audit-c1-csi": ["audit", "./missing\x9b31m"],
    }
    return [Case(name, lambda f, a=a: list(a), exits=(2,)) for name, a in args.items()]


CASES = [
    *card_cases(),
    Case("card-model-index-date-set-binary-json", card_model_index_odd_values, exits=(0, 1)),
    Case("card-99-aliases-of-1.9MB", card_alias_output_bomb, exits=(0, 1)),
    Case("escapes-in-names-and-card-table", _escape_fmt("table"), exits=(1,)),
    Case("escapes-in-names-and-card-md", _escape_fmt("md"), exits=(1,)),
    Case("escapes-in-names-and-card-json", _escape_fmt("json"), exits=(1,)),
    Case("escapes-license-table", license_escapes, exits=(0, 1)),
    *mof_cases(),
    Case("mof-escape-in-file-name", mof_escape_in_file_name, exits=(2,)),
    *(Case(f"mof-escapes-imported-{fmt}", lambda f, fmt=fmt: mof_escapes_imported(f, fmt), exits=(1,))
      for fmt in ("table", "md", "json")),
    *(Case(f"validate-mof-escapes-{fmt}", lambda f, fmt=fmt: ["validate", *mof_escapes_imported(f, fmt)[2:]], exits=(1,))
      for fmt in ("table", "json")),
    Case("osai-index-bad-values", osai_index_bad_values, exits=(1,)),
    Case("osai-index-all-bad", osai_index_all_bad, exits=(2,)),
    *models_dev_cases(),
    Case("modelsdev-escapes-in-names", models_dev_escapes, exits=(0,)),
    *api_json_cases(),
    *argument_cases(),
]

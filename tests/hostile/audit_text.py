"""Hostile text for the audit: model cards and code that made the old patterns backtrack for
minutes, and config.json files that json.loads cannot turn into Python values.

Each builder writes one folder under the folder it is given and returns the arguments of
`trueopen audit` for it. A card or code file that is merely long is a fine input (exit 0, or 1
when the folder is otherwise odd); a config.json that cannot be read is a finding (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path

from . import Case

MB = 1024 * 1024


def _folder(root: Path, name: str = "repo") -> Path:
    d = root / name
    d.mkdir(parents=True, exist_ok=True)
    return d


def _fill(unit: str, size: int = MB) -> str:
    return unit * (size // len(unit) + 1)


def card_heading_spaces(root: Path) -> list[str]:
    """A 1 MB card of headings '# a', 6,000 spaces, 'b' (one such line took 151 s)."""
    d = _folder(root)
    (d / "README.md").write_text(_fill("# a" + " " * 6000 + "b\n"))
    return ["audit", str(d)]


def card_one_long_heading(root: Path) -> list[str]:
    """One heading line of a million spaces, then closing hashes and trailing spaces."""
    d = _folder(root)
    (d / "README.md").write_text("## a" + " " * MB + "b ## " + " " * 1000 + "\n")
    return ["audit", str(d)]


def card_links_and_tables(root: Path) -> list[str]:
    """A 1 MB card of half-links: Hub, arXiv, DOI and badge fragments that never complete."""
    d = _folder(root)
    unit = ("| [paper](https://arxiv.org/abs/2401." + "1" * 200 + " huggingface.co/" + "a-" * 300
            + " <a href=\"https://doi.org/10.1234/" + "x" * 300 + "\n**" + "b" * 500 + "\n")
    (d / "README.md").write_text(_fill(unit))
    return ["audit", str(d)]


def code_shard_token(root: Path) -> list[str]:
    """A 1 MB train.py of 'shard' words with no 'token' after them (256 KB of it took 47 s)."""
    d = _folder(root)
    (d / "train.py").write_text(_fill("shard " * 4000 + "\n"))
    return ["audit", str(d)]


def code_map_and_classes(root: Path) -> list[str]:
    """A 1 MB prepare_data.py: '.map(' without 'token' after it, and very long class lines."""
    d = _folder(root)
    (d / "prepare_data.py").write_text(_fill(".map( " * 3000 + "\nclass " + "A" * 20000 + "(\n"))
    return ["audit", str(d)]


def config_huge_integer(root: Path) -> list[str]:
    """A config.json with a 5,000-digit integer: json.loads raises ValueError, not JSONDecodeError."""
    d = _folder(root)
    (d / "config.json").write_text('{"architectures": ["LlamaForCausalLM"], "vocab_size": ' + "9" * 5000 + "}")
    return ["audit", str(d)]


def tokenizer_config_huge_integer(root: Path) -> list[str]:
    d = _folder(root)
    (d / "tokenizer_config.json").write_text('{"model_max_length": ' + "1" * 5000 + "}")
    return ["audit", str(d)]


def config_deep_nesting(root: Path) -> list[str]:
    d = _folder(root)
    (d / "config.json").write_text("[" * 200_000 + "]" * 200_000)
    return ["audit", str(d)]


def config_auto_map_hostile(root: Path) -> list[str]:
    """auto_map with odd values: non-strings, nested lists, a 100 KB class name."""
    d = _folder(root)
    (d / "config.json").write_text(json.dumps({"auto_map": {"AutoModel": "m." + "A" * 100_000, "AutoConfig": [None, 3, {"x": 1}],
                                                            "AutoTokenizer": ["a--b", None]}, "trust_remote_code": True}))
    return ["audit", str(d)]


def gitmodules_hostile(root: Path) -> list[str]:
    """A 1 MB .gitmodules: thousands of submodules, credentials in URLs, lines without values."""
    d = _folder(root)
    unit = ('[submodule "training/x"]\n\tpath = training/x\n\turl = https://user:secret@example.org/x.git\n'
            "\turl =\n[submodule \"" + "y" * 400 + "\"]\n")
    (d / ".gitmodules").write_text(_fill(unit))
    return ["audit", str(d)]


def card_model_index_odd_types(root: Path) -> list[str]:
    """YAML dates, sets and binary where a model-index holds names and values, audited as JSON."""
    d = _folder(root)
    (d / "README.md").write_text(
        "---\nmodel-index:\n- name: 2024-01-01\n  results:\n"
        "  - task: {type: 2024-01-01, name: !!binary aGVsbG8=}\n"
        "    dataset: {name: !!set {x, y}, type: 2023-02-03}\n"
        "    metrics:\n    - {type: !!binary aGVsbG8=, value: 2024-05-06}\n---\n# Card\n")
    return ["audit", str(d), "--format", "json"]


CASES = [
    Case("card-heading-spaces", card_heading_spaces, exits=(0, 1)),
    Case("card-one-long-heading", card_one_long_heading, exits=(0, 1)),
    Case("card-links-and-tables", card_links_and_tables, exits=(0, 1)),
    Case("code-shard-token", code_shard_token, exits=(0, 1)),
    Case("code-map-and-classes", code_map_and_classes, exits=(0, 1)),
    Case("config-huge-integer", config_huge_integer, exits=(1,)),
    Case("tokenizer-config-huge-integer", tokenizer_config_huge_integer, exits=(1,)),
    Case("config-deep-nesting", config_deep_nesting, exits=(1,)),
    Case("config-auto-map-hostile", config_auto_map_hostile, exits=(1,)),
    Case("gitmodules-hostile", gitmodules_hostile, exits=(0, 1)),
    Case("card-model-index-odd-types", card_model_index_odd_types, exits=(0, 1)),
]

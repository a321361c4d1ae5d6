"""License identification on real texts, tags and expressions; terms records; `trueopen license`."""

from __future__ import annotations

import json

import pytest

from conftest import license_body
from trueopen.licenses import corpus, identify, names, terms, words
from trueopen.licenses.rights import QUESTIONS

# (ScanCode key in scancode-toolkit 32.5, trueopen key): every AI license text ScanCode carries.
AI_TEXTS = [
    ("llama-2-license-2023", "LicenseRef-llama2"),
    ("llama-3.1-license-2024", "LicenseRef-llama3.1"),
    ("llama-3.2-license-2024", "LicenseRef-llama3.2"),
    ("llama-3.3-license-2024", "LicenseRef-llama3.3"),
    ("llama-4-cla-2025", "LicenseRef-llama4"),
    ("llama-4-license-2025", "LicenseRef-llama4-aup"),
    ("gemma-tou-2024-04-01", "LicenseRef-gemma"),
    ("gemma-tou-2025-03-24", "LicenseRef-gemma"),
    ("gemma-pup-2024-02-21", "LicenseRef-gemma-prohibited-use"),
    ("qwen-2024", "LicenseRef-qwen"),
    ("tongyi-qianwen-2023", "LicenseRef-tongyi-qianwen"),
    ("deepseek-la-1.0", "LicenseRef-deepseek"),
    ("falcon-2-11b-1.0", "LicenseRef-falcon-2-11b"),
    ("flux-1-nc", "LicenseRef-flux-1-dev-nc"),
    ("nvidia-open-model-2025-04-28", "LicenseRef-nvidia-open-model"),
    ("openmdw-1.0", "OpenMDW-1.0"),
    ("bigscience-rail-1.0", "LicenseRef-bigscience-bloom-rail-1.0"),
    ("bigscience-open-rail-m", "LicenseRef-bigscience-openrail-m"),
    ("bigscience-open-rail-m2", "LicenseRef-bigscience-openrail-m"),
    ("stable-diffusion-2022-08-22", "LicenseRef-creativeml-openrail-m"),
    ("bigcode-open-rail-m-v1", "LicenseRef-bigcode-openrail-m"),
    ("stability-ai-community-2024", "LicenseRef-stability-ai-community"),
    ("openai-tou-20241211", "LicenseRef-openai-terms"),
    ("moonshot-ai-modified-mit-2025", "LicenseRef-kimi-modified-mit"),
    ("llama-license-2023", "LicenseRef-llama1"),
    ("apple-ml-ferret-2023", "LicenseRef-apple-ascl"),
    ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
    ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
]

HF_TAGS = ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "openrail", "openrail++",
           "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0", "bigcode-openrail-m",
           "deepfloyd-if-license", "grok2-community", "apple-ascl", "apple-amlr", "openmdw-1.0", "openmdw-1.1",
           "apache-2.0", "mit", "cc-by-nc-4.0", "gpl-3.0", "odc-by"]
LICENSE_NAMES = {"qwen": "LicenseRef-qwen", "qwen-research": "LicenseRef-qwen-research", "tongyi-qianwen-research": "LicenseRef-tongyi-qianwen-research", "tongyi-qianwen": "LicenseRef-tongyi-qianwen",
                 "deepseek": "LicenseRef-deepseek", "mrl": "LicenseRef-mistral-research",
                 "mnpl": "LicenseRef-mistral-non-production", "yi-license": "LicenseRef-yi",
                 "baichuan2": "LicenseRef-baichuan2", "glm-4": "LicenseRef-glm-4", "chatglm-6b": "LicenseRef-chatglm-6b",
                 "internlm": "LicenseRef-internlm", "nvidia-open-model-license": "LicenseRef-nvidia-open-model",
                 "flux-1-dev-non-commercial-license": "LicenseRef-flux-1-dev-nc", "falcon-llm-license": "LicenseRef-tii-falcon"}


@pytest.mark.parametrize("scancode_key,expected", AI_TEXTS)
def test_ai_license_text_is_identified_exactly(scancode_licenses, scancode_key, expected):
    text = license_body(scancode_licenses / f"{scancode_key}.LICENSE")
    found = identify.in_text(text)
    assert [f.key for f in found] == [expected], [(f.key, f.match, f.evidence) for f in found]
    assert found[0].match == "exact" and found[0].confidence == 1.0
    # The same text inside a model card: no longer a verbatim copy, so the matcher must find it.
    card = "# Model\n\nThe weights are released under the terms below.\n\n" + text.strip() + "\n\nQuestions: see the repo.\n"
    found = identify.in_text(card)
    assert [f.key for f in found] == [expected], [(f.key, f.match, f.evidence) for f in found]
    assert found[0].match == "exact" and found[0].start_line == 5


def test_openmdw_1_1_is_told_from_1_0(scancode_licenses):
    """OpenMDW 1.1 is 1.0 with a new title and copyright added to the termination clause. We rebuild
    the real 1.1 text from the corpus's 1.0 text and prove it real by the stored fingerprint's hash."""
    v10 = license_body(scancode_licenses / "openmdw-1.0.LICENSE")
    v11 = v10.replace("version 1.0 (OpenMDW-1.0)", "version 1.1 (OpenMDW-1.1)").replace(
        "infringe any patent, then", "infringe any patent or copyright, then")
    assert v11.count("1.1") == 2 and "patent or copyright" in v11
    (fp,) = [f for f in corpus.fingerprints() if f.key == "LicenseRef-openmdw-1.1"]
    assert words.digest(words.WORD.findall(words.normalise(v11))) == fp.sha256
    for text, key in ((v10, "OpenMDW-1.0"), (v11, "LicenseRef-openmdw-1.1")):
        card = "# Nemotron\n\nGoverned by:\n\n" + text.strip() + "\n"
        for found in (identify.in_text(text), identify.in_text(card)):
            assert [(f.key, f.match) for f in found] == [(key, "exact")], [(f.key, f.match) for f in found]


def test_license_in_a_gated_prompt_is_found(tmp_path, scancode_licenses):
    """Gated cards (Meta's, Mistral's) carry the license text in `extra_gated_prompt`, which the Hub shows
    before the download, as an escaped YAML string; it is read decoded, and reported on the field's lines."""
    import yaml

    license_text = license_body(scancode_licenses / "llama-4-cla-2025.LICENSE").strip()
    policy = license_body(scancode_licenses / "llama-4-license-2025.LICENSE").strip()
    front = yaml.safe_dump({"license": "llama4", "extra_gated_prompt": license_text + "\n\n" + policy,
                            "extra_gated_fields": {"Country": "country"}}, sort_keys=False, width=88)
    card = tmp_path / "README.md"
    card.write_text("---\n" + front + "---\n\n# Llama 4\n", encoding="utf-8")
    tag, *body = identify.in_file(card)
    assert (tag.key, tag.match, tag.start_line) == ("LicenseRef-llama4", "tag", 2)
    assert [(f.key, f.match) for f in body] == [("LicenseRef-llama4", "exact"), ("LicenseRef-llama4-aup", "exact")]
    fields_at = {line.split(":")[0]: i for i, line in enumerate(card.read_text().splitlines(), 1) if line[:1].isalpha()}
    span = (fields_at["extra_gated_prompt"], fields_at["extra_gated_fields"] - 1)
    assert all((f.start_line, f.end_line) == span for f in body)


def test_fast_digest_equals_the_word_digest(scancode_licenses):
    """The verbatim lookup's ASCII shortcut must give the regex's words exactly, on real texts of
    every kind (ASCII or not, with underscores, digits, markup) and on edge cases."""
    texts = [license_body(f) for f in sorted(scancode_licenses.glob("*.LICENSE"))[::7]]
    texts += ["", "  ", "snake_case and CamelCase_2 ... --", "naïve café — résumé", "a\tb\r\nc\x0bd\x1fe"]
    assert any(not t.isascii() for t in texts) and any(t.isascii() for t in texts)
    for t in texts:
        norm = words.normalise(t)
        assert words.text_digest(norm) == words.digest(words.WORD.findall(norm)), t[:60]
        assert words.word_bytes(norm) == [w.encode() for w in words.WORD.findall(norm)], t[:60]


def test_corpus_license_texts_are_identified(scancode_licenses):
    """A spread of 60 ordinary licenses from ScanCode's database, identified as themselves."""
    keys = sorted(k for k in corpus.licenses() if (scancode_licenses / f"{k}.LICENSE").exists())[::40]
    wrong = []
    for k in keys:
        text = license_body(scancode_licenses / f"{k}.LICENSE")
        if len(text.split()) < 8:
            continue
        got = [f.key for f in identify.in_text(text)]
        want = names.from_scancode(k).key
        if got[:1] != [want]:
            wrong.append((k, want, got))
    assert len(wrong) <= 2, wrong  # a few ScanCode texts are word-for-word duplicates of another key


def test_dual_license_file_gives_both_with_line_ranges(scancode_licenses):
    mit = license_body(scancode_licenses / "mit.LICENSE").strip()
    apache = license_body(scancode_licenses / "apache-2.0.LICENSE").strip()
    text = "This project is dual-licensed.\n\n" + mit + "\n\n---\n\n" + apache + "\n"
    mit_first = 3
    mit_last = mit_first + mit.count("\n")
    found = identify.in_text(text, "COPYING")
    assert [f.key for f in found] == ["MIT", "Apache-2.0"]
    assert found[0].start_line == mit_first and found[0].end_line <= mit_last
    assert found[1].start_line > mit_last
    assert all(f.match == "exact" and f.path == "COPYING" for f in found)


def test_edited_text_is_a_near_or_partial_match(scancode_licenses):
    lines = license_body(scancode_licenses / "llama-3.1-license-2024.LICENSE").splitlines()
    cut = len(lines) * 6 // 10
    truncated = "\n".join(lines[:cut])  # the last 40% of the lines missing
    (f,) = identify.in_text(truncated)
    assert f.key == "LicenseRef-llama3.1" and f.match == "partial" and 0.4 <= f.confidence < 0.8
    words = "\n".join(lines).split(" ")
    edited = " ".join("changed" if i % 97 == 0 else w for i, w in enumerate(words))
    (f,) = identify.in_text(edited)
    assert f.key == "LicenseRef-llama3.1" and f.match == "near" and 0.8 <= f.confidence < 1.0


def test_notice_in_a_readme_is_found():
    text = "# Tool\n\nSome words.\n\nLicensed under the Apache License, Version 2.0 (the \"License\");\n"
    found = identify.in_text(text)
    assert [(f.key, f.match, f.start_line) for f in found] == [("Apache-2.0", "notice", 5)]


def test_unrelated_text_has_no_license():
    text = "The quick brown fox jumps over the lazy dog. " * 50
    assert identify.in_text(text) == []


@pytest.mark.parametrize("tag", HF_TAGS)
def test_hugging_face_tags_resolve_to_terms(tag):
    f = identify.in_tag(tag)
    assert f is not None and f.match == "tag"
    assert terms.lookup(f.key) is not None, f.key


@pytest.mark.parametrize("name,key", sorted(LICENSE_NAMES.items()))
def test_license_names_resolve(name, key):
    assert names.from_tag(name).key == key


def test_spdx_expressions():
    assert names.from_expression("apache-2.0 OR mit").key == "Apache-2.0 OR MIT"
    assert names.from_expression("MIT AND llama3.1").spdx == "MIT AND LicenseRef-llama3.1"
    assert names.from_expression("GPL-2.0-or-later WITH Classpath-exception-2.0").key.startswith("GPL-2.0-or-later WITH")
    assert names.from_expression("no-such-license-xyz") is None


def test_spdx_licensing_built_once(monkeypatch):
    """Building license-expression's SPDX licensing costs a tenth of a second or more; naming
    many expressions (a catalog, a folder of cards) must build it once, not per call."""
    import license_expression

    built = []
    real = license_expression.get_spdx_licensing

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(license_expression, "get_spdx_licensing", counting)
    names._spdx_licensing.cache_clear()
    try:
        got = [names.from_expression(e) for e in ("apache-2.0 OR mit", "MIT AND llama3.1", "BSD-3-Clause", "nope-xyz")]
    finally:
        names._spdx_licensing.cache_clear()
    assert [n and n.key for n in got] == ["Apache-2.0 OR MIT", "MIT AND LicenseRef-llama3.1", "BSD-3-Clause", None]
    assert len(built) == 1


def test_model_card_front_matter(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nlanguage: [en]\nlicense: other\nlicense_name: qwen\nlicense_link: LICENSE\n---\n\n# Model\n",
                    encoding="utf-8")
    found = identify.in_file(card)
    assert [(f.key, f.match, f.start_line) for f in found] == [("LicenseRef-qwen", "tag", 4)]
    card.write_text("---\nlicense: [apache-2.0, cc-by-nc-4.0]\n---\n", encoding="utf-8")
    assert [f.key for f in identify.in_file(card)] == ["Apache-2.0", "CC-BY-NC-4.0"]
    card.write_text("---\nlicense: made-up-license\n---\n", encoding="utf-8")
    (only,) = identify.in_file(card)  # the text matcher must not read the front matter again
    assert only.key == "unknown" and only.confidence == 0.0


# `license_name` and `license_link` values as real model cards spell them (a public collection of
# Hugging Face cards, github.com/YinanWusoymilk/hf-readme @1ab39f2), with the license each means.
CARD_VALUES = [
    ("gemma-terms-of-use", "LicenseRef-gemma"), ("google-gemma-terms-of-use", "LicenseRef-gemma"),
    ("tongyi-qianwen-license-agreement", "LicenseRef-tongyi-qianwen"), ("flux-dev-license", "LicenseRef-flux-1-dev-nc"),
    ("llama-3", "LicenseRef-llama3"), ("baichuan2-community-license", "LicenseRef-baichuan2"),
    ("apple-sample-code-license", "LicenseRef-apple-ascl"),
    ("https://ai.google.dev/gemma/terms", "LicenseRef-gemma"),
    ("https://llama.meta.com/llama3/license/", "LicenseRef-llama3"),
    ("https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct/raw/main/LICENSE", "LicenseRef-llama3"),
    ("https://ai.meta.com/llama/license/", "LicenseRef-llama2"),
    ("https://huggingface.co/black-forest-labs/FLUX.1-dev/resolve/main/LICENSE.md", "LicenseRef-flux-1-dev-nc"),
    ("https://github.com/deepseek-ai/DeepSeek-V2/blob/main/LICENSE-MODEL", "LicenseRef-deepseek"),
    ("https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT", "LicenseRef-tongyi-qianwen"),
    ("https://mistral.ai/licenses/MRL-0.1.md", "LicenseRef-mistral-research"),
    ("https://mistral.ai/licences/MNPL-0.1.md", "LicenseRef-mistral-non-production"),
    ("https://developer.download.nvidia.com/licenses/nvidia-open-model-license-agreement-june-2024.pdf",
     "LicenseRef-nvidia-open-model"),
    ("https://huggingface.co/baichuan-inc/Baichuan2-7B-Chat/blob/main/Community%20License%20for%20Baichuan2%20Model.pdf",
     "LicenseRef-baichuan2"),
    ("https://huggingface.co/THUDM/glm-4-9b-chat/blob/main/LICENSE", "LicenseRef-glm-4"),
]


@pytest.mark.parametrize("value,expected", CARD_VALUES)
def test_card_license_names_and_links(value, expected):
    assert names.from_tag(value).key == expected


def test_license_link_in_a_card(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: other\nlicense_link: https://mistral.ai/licences/MNPL-0.1.md\n---\n", encoding="utf-8")
    (f,) = identify.in_file(card)
    assert (f.key, f.match, f.start_line, f.evidence) == ("LicenseRef-mistral-non-production", "tag", 3,
                                                          "license_link: https://mistral.ai/licences/MNPL-0.1.md")
    # A link names a document, not whatever a similar URL holds: another repo's LICENSE is unknown.
    assert names.from_tag("https://huggingface.co/Qwen/Qwen2.5-7B/blob/main/LICENSE") is None
    assert names.link_key("HTTPS://www.Example.org/a%20b/?x=1#top") == "example.org/a b"


def test_every_model_license_record_answers_every_question():
    for t in terms.custom().values():
        if t.key.endswith("-aup") or t.key.endswith("prohibited-use"):
            continue  # use policies restrict; the license that incorporates them grants
        missing = [q for q in QUESTIONS if q not in ("users", "on_prem") and q not in t.rights]
        assert not missing, (t.key, missing)
        assert t.url and t.as_of, t.key


def test_fingerprints_store_hashes_not_texts():
    raw = (corpus.resources.files("trueopen.licenses") / "data" / "fingerprints.json").read_text(encoding="utf-8")
    for rec in json.loads(raw):
        assert set(rec) <= {"key", "title", "url", "as_of", "scancode_key", "n_words", "sha256", "shingles"}
        assert terms.lookup(rec["key"]) is not None, rec["key"]
    assert "Built with Llama" not in raw and "royalty-free limited license" not in raw


# --- the command ---------------------------------------------------------------------------------

def test_cli_license_folder_json(cli, tmp_path, scancode_licenses):
    (tmp_path / "LICENSE").write_text(license_body(scancode_licenses / "llama-3.3-license-2024.LICENSE"), encoding="utf-8")
    (tmp_path / "USE_POLICY.md").write_text("Use it kindly.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("---\nlicense: llama3.3\n---\n# Llama 3.3\n", encoding="utf-8")
    (tmp_path / "model.safetensors").write_bytes(b"\x00" * 64)  # not a license file: not read
    r = cli("license", str(tmp_path), "--format", "json")
    assert r.code == 0, r.err
    rows = r.json()
    assert {tuple(sorted(x)) for x in rows} == {("confidence", "end_line", "evidence", "key", "match", "path", "spdx",
                                                  "start_line", "title")}
    assert [(x["key"], x["match"], x["path"].rsplit("/", 1)[-1]) for x in rows] == [
        ("LicenseRef-llama3.3", "exact", "LICENSE"), ("LicenseRef-llama3.3", "tag", "README.md")]


def test_cli_license_stdin_and_tag(cli, scancode_licenses):
    r = cli("license", "-", "--format", "json", stdin=license_body(scancode_licenses / "deepseek-la-1.0.LICENSE"))
    assert r.code == 0 and r.json()[0]["key"] == "LicenseRef-deepseek"
    r = cli("license", "gemma")
    assert r.code == 0 and "LicenseRef-gemma" in r.out


def test_cli_license_errors(cli, tmp_path):
    r = cli("license", str(tmp_path / "nope"))
    assert r.code == 2 and r.err.startswith("trueopen: error: ") and "nope" in r.err and "Traceback" not in r.err
    binary = tmp_path / "LICENSE.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    r = cli("license", str(binary))
    assert r.code == 2 and "LICENSE.bin" in r.err and "binary" in r.err
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("license", str(empty))
    assert r.code == 1 and "No license found" in r.out
    bomb = tmp_path / "README.md"
    laughs = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    laughs += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    bomb.write_text("---\n" + "\n".join(laughs) + "\nlicense: mit\n---\n", encoding="utf-8")
    r = cli("license", str(bomb))
    assert r.code == 2 and "README.md" in r.err and "Traceback" not in r.err


def test_stale_license_indexes_beyond_the_newest_few_are_removed_when_one_is_saved(tmp_path):
    """Checkouts sharing a cache keep their own index; older builds go, a build in progress stays."""
    import os

    from trueopen.licenses import index

    names = [f"license-index-0ld{i}0ld0ld0ld0ld0" for i in range(4)] + ["license-index-n3wn3wn3wn3wn3wn"]
    for age, name in enumerate([names[-1], *names[:-1]]):  # the new one newest, 0ld0 next, 0ld3 oldest
        (tmp_path / name).mkdir()
        (tmp_path / name / "docs.json").write_text("{}")
        (tmp_path / name / "starts.npy").write_bytes(b"x")
        os.utime(tmp_path / name / "docs.json", (1e9 - age * 100, 1e9 - age * 100))
    building = tmp_path / "license-index-n3wn3wn3wn3wn3wn.abc123"  # another process's build in progress
    building.mkdir()
    (tmp_path / "unrelated").mkdir()
    index._remove_stale(tmp_path / "license-index-n3wn3wn3wn3wn3wn")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        "license-index-n3wn3wn3wn3wn3wn", "license-index-n3wn3wn3wn3wn3wn.abc123", "unrelated",
        *names[:index.KEEP_INDEXES - 1]])
    index._remove_stale(tmp_path / "license-index-n3wn3wn3wn3wn3wn", keep=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "license-index-n3wn3wn3wn3wn3wn", "license-index-n3wn3wn3wn3wn3wn.abc123", "unrelated"]


def test_derived_tables_are_cached_keyed_by_their_inputs(tmp_path, monkeypatch):
    from trueopen.licenses import cache

    monkeypatch.setenv("TRUEOPEN_CACHE", str(tmp_path))
    built = []
    assert cache.json_table("t", ("v1",), lambda: built.append(1) or {"n": 1}) == {"n": 1}
    assert cache.json_table("t", ("v1",), lambda: built.append(1) or {"n": 2}) == {"n": 1}  # read back
    assert cache.json_table("t", ("v2",), lambda: built.append(1) or {"n": 3}) == {"n": 3}
    assert len(built) == 2 and len(list(tmp_path.glob("t-*.json"))) == 1  # the v1 table is gone


def test_unwritable_cache_still_names_licenses(cli, tmp_path, scancode_licenses):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    lic = tmp_path / "LICENSE"
    lic.write_text(license_body(scancode_licenses / "apache-2.0.LICENSE"), encoding="utf-8")
    r = cli("license", str(lic), "--format", "json", env={"TRUEOPEN_CACHE": str(blocker / "cache")})
    assert r.code == 0, r.err
    assert [(f["key"], f["match"]) for f in r.json()] == [("Apache-2.0", "exact")]


def test_a_fingerprinted_text_wins_over_a_generic_rule_with_the_same_words():
    """ScanCode files some AI licenses (DeepFloyd IF's among them) as generic proprietary-license
    rules; the specific license we fingerprinted must name those texts, copied or embedded."""
    from trueopen.licenses import words

    ours = {fp.sha256: fp.key for fp in corpus.fingerprints()}
    shared = []
    for path in sorted((corpus.data_dir() / "rules").glob("*.RULE")):
        _, text = corpus._split(path.read_text(encoding="utf-8", errors="replace"))
        key = ours.get(words.digest(words.split(text)))
        if key:
            shared.append((path.name, key, text))
    assert any(key == "LicenseRef-deepfloyd-if" for _, key, _ in shared), [n for n, _, _ in shared]
    for name, key, text in shared:
        assert [f.key for f in identify.in_text(text)] == [key], name
        assert [f.key for f in identify.in_text("# Model\n\nTerms:\n\n" + text)] == [key], name


def test_a_damaged_verbatim_table_falls_back_to_the_matcher(tmp_path, scancode_licenses, monkeypatch):
    from trueopen.licenses import verbatim, words

    lic = license_body(scancode_licenses / "mit.LICENSE")
    assert verbatim.table().get(words.digest(words.split(lic))) is not None  # normally one lookup
    damaged = tmp_path / verbatim.FILE
    damaged.write_bytes(b"not a database" * 100)
    monkeypatch.setattr(verbatim, "_table", verbatim.Table(damaged))
    assert verbatim.table().get(words.digest(words.split(lic))) is None
    found = identify.in_text(lic)
    assert [(f.key, f.match) for f in found] == [("MIT", "exact")] and "licenses/mit.LICENSE" in found[0].evidence


def test_license_table_is_current():
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    render = runpy.run_path(str(root / "scripts" / "write_license_table.py"))["render"]
    assert (root / "docs" / "licenses.md").read_text(encoding="utf-8") == render(), "run: python scripts/write_license_table.py"


def test_front_matter_field_spans():
    """Unindented list items and comments belong to the field above; blank lines end none."""
    front = ("language:\n- en\n- fr\nlicense: other\nmodel-index:\n- name: X\n  results: []\n"
             "extra_gated_prompt: \"a\\\n  \\ b\"\n\nextra_gated_fields:\n  Country: country")
    assert identify.field_spans(front) == {"language": (2, 4), "license": (5, 5), "model-index": (6, 8),
                                           "extra_gated_prompt": (9, 10), "extra_gated_fields": (12, 13)}


def test_first_run_says_on_stderr_that_it_builds_the_index(cli, tmp_path, scancode_licenses):
    """With an empty cache, `license` builds the index (once: the second run reuses it), says so
    in one line on stderr with the corpus version and the times, and keeps stdout pure JSON."""
    import re

    from trueopen.licenses import cache, progress

    lic = tmp_path / "LICENSE"
    lic.write_text(license_body(scancode_licenses / "bsd-new.LICENSE"), encoding="utf-8")
    env = {"TRUEOPEN_CACHE": str(tmp_path / "cache")}
    first = cli("license", str(lic), "--format", "json", env=env)
    assert first.code == 0, first.err
    notice = re.fullmatch(r"building the license index from licensedcode-data (\S+) \(first run, ~(\d+) s\)\.\.\. "
                          r"done in (\d+\.\d) s\n", first.err)
    assert notice, first.err
    assert notice[1] == cache.corpus_version() and int(notice[2]) == progress.DEFAULT_SECONDS
    assert [(f["key"], f["match"]) for f in first.json()] == [("BSD-3-Clause", "exact")]
    # the build's time is kept and becomes the next estimate
    assert progress.expected_seconds(tmp_path / "cache") == max(1, round(float(notice[3])))
    again = cli("license", str(lic), "--format", "json", env=env)
    assert again.code == 0 and again.err == "" and again.json() == first.json()


def test_build_notice_on_a_closed_stderr_does_not_fail_the_build(tmp_path):
    import io

    from trueopen.licenses import progress

    stream = io.StringIO()
    stream.close()
    with progress.Building("the license index", 10, 3, stream) as report:
        report.advance(10)
    assert progress.expected_seconds(tmp_path) == progress.DEFAULT_SECONDS  # nothing kept yet
    progress.remember(tmp_path, 7.6)
    assert progress.expected_seconds(tmp_path) == 8

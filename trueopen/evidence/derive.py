"""From a snapshot's files to a Release: run every detector, keep the evidence of each fact, and
build the same Release type the catalog holds, so the same frameworks judge it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from .. import components as mofc
from .. import safeio
from ..errors import InputError
from ..licenses import cache as license_cache
from ..licenses import identify
from ..release import (Access, BaseModelRef, Component, ContextLength, DocLink, Evidence, GlobalLicense, Licenses,
                       Origin, Parameters, Release, Source, TrainingData)
from . import card as cardmod
from . import code as codemod
from . import weights as wmod
from .files import FileEntry, read_head, read_text
from .sources import Snapshot

CARD_NAMES = ("model_card.md", "modelcard.md", "model-card.md", "readme.md")
DATA_CARD = re.compile(r"^(datasheet|data[_-]?card|dataset[_-]?card|data[_-]?sheet)[\w.-]*\.(md|pdf|txt|html)$", re.I)
DATA_FILE = re.compile(r"\.(parquet|arrow|jsonl|jsonl\.gz|jsonl\.zst|json\.gz|tfrecord|csv|tsv|txt\.gz)$", re.I)
DATA_DIR = re.compile(r"(^|/)(data|dataset|datasets|corpus|train_data|training_data)/", re.I)
USE_POLICY = re.compile(r"(use[_-]?policy|acceptable[_-]?use|prohibited[_-]?use)", re.I)
REPORT_PDF = re.compile(r"(report|technical|tech[_-]|whitepaper|system[_-]card)", re.I)
PAPER_PDF = re.compile(r"(paper|arxiv|preprint|(^|[^\d])\d{4}\.\d{4,5}([^\d]|$))", re.I)
# A PDF or image in a folder or with a name like these is a figure, not a report (Pythia's
# case-studies/*_plots/*.pdf); guides, slides and policies are documents, but not reports either.
NOT_REPORT = re.compile(r"(^|[/_.\s-])(plots?|figures?|figs?|charts?|graphs?|diagrams?|images?|imgs?|assets|"
                        r"slides?|posters?|guide|policy|license|terms)(?=$|[/_.\s\d-])", re.I)
DOCS_DIR = re.compile(r"^(docs?|papers?|reports?|documentation)/[^/]+$", re.I)
# Result files of evaluations: JSON/CSV/JSONL in a folder named for evaluations or results.
EVAL_DIR = re.compile(r"(^|/)(eval[\w.-]*|results?|benchmarks?[\w.-]*)/", re.I)
RESULT_FILE = re.compile(r"\.(json|jsonl|csv|tsv)$", re.I)
NOT_RESULT = re.compile(r"(^|/)(package(-lock)?\.json|tsconfig\.json|[^/]*config[^/]*|[^/]*schema[^/]*)$", re.I)
CONFIG_CONTEXT_KEYS = ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length", "n_ctx",
                       "max_seq_len", "model_max_length")
PIPELINE_TYPES = {
    "text-generation": "language", "text2text-generation": "language", "fill-mask": "language",
    "text-classification": "language", "token-classification": "language", "question-answering": "language",
    "summarization": "language", "translation": "language", "conversational": "language",
    "sentence-similarity": "embedding", "feature-extraction": "embedding",
    "image-classification": "vision", "object-detection": "vision", "image-segmentation": "vision",
    "zero-shot-image-classification": "vision", "depth-estimation": "vision",
    "text-to-image": "image", "image-to-image": "image", "unconditional-image-generation": "image",
    "automatic-speech-recognition": "audio", "text-to-speech": "audio", "text-to-audio": "audio",
    "audio-classification": "audio", "text-to-video": "video", "image-to-video": "video",
    "image-text-to-text": "multimodal", "visual-question-answering": "multimodal", "any-to-any": "multimodal",
}
PAPER_URL = {"arxiv": "https://arxiv.org/abs/{}", "doi": "https://doi.org/{}", "acl": "https://aclanthology.org/{}",
             "openreview": "https://openreview.net/forum?id={}"}
# Lines that link a model as the base of this one, not as where this one's weights are.
BASE_LINK = re.compile(r"\b(base[ _-]?model|based on|fine-?tuned (from|on)|built on|derived from)\b", re.I)
# Folder names that say nothing about which model is inside (a Hub cache snapshot is a commit hash).
GENERIC_FOLDERS = re.compile(r"^(model|models|weights|checkpoints?|snapshots?|main|repo|src|files|download|"
                             r"[0-9a-f]{40})$", re.I)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Notice:
    """Something the user should look at: a problem with a file, or a disagreement."""

    level: str  # warning | info
    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"level": self.level, "path": self.path, "message": self.message}


@dataclass
class Fact:
    value: object
    evidence: list[Evidence]

    def to_json(self) -> dict[str, object]:
        return {"value": self.value, "evidence": [e.model_dump(exclude_none=True) for e in self.evidence]}


@dataclass
class Audit:
    snapshot: Snapshot
    release: Release
    weights: wmod.WeightsSummary
    weight_files: list[wmod.WeightFile]
    card: cardmod.Card | None
    licenses: list[identify.Finding]
    code: list[codemod.CodeHit]
    frameworks: list[codemod.CodeHit]
    facts: dict[str, Fact]
    notices: list[Notice] = field(default_factory=list)

    def component_rows(self) -> list[dict[str, object]]:
        """All 17 MOF components: released or not, the license that governs it, and the evidence."""
        rows = []
        for spec in mofc.COMPONENTS:
            comp = self.release.component(spec.name)
            rows.append({"name": spec.name, "released": comp is not None,
                         "license": self.release.effective_license(spec.name) if comp else None,
                         "location": comp.location if comp else None,
                         "evidence": [e.model_dump(exclude_none=True) for e in comp.evidence] if comp else []})
        return rows


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return s or "model"


def audit(snap: Snapshot, progress: Progress | None = None, today: date | None = None) -> Audit:
    """Every detector over the snapshot's files. Bad files become notices; only an unreadable
    source is an error."""
    say = progress or (lambda _msg: None)
    notices = [Notice("info", p, m) for p, m in snap.listing.notices]
    notices += [Notice("warning", p, m) for p, m in snap.listing.warnings]
    if snap.listing.truncated:
        notices.append(Notice("warning", ".", f"more than {len(snap.listing.files):,} files: the rest were not read"))
    files = snap.listing.files
    if not files:
        raise InputError(snap.spec, "no files to audit (empty folder?)")
    by_rel = {f.rel: f for f in files}

    say(f"reading weight headers ({sum(1 for f in files if wmod.is_weight_file(f)):,} files)")
    weight_files = _weights(snap, files, notices)
    summary = wmod.summarize(weight_files, snap.branches)
    _check_indexes(files, by_rel, notices)

    say("reading the model card")
    card, card_entry, card_text = _card(snap, files, notices)
    readme = next((f for f in files if f.rel.lower() == "readme.md"), None)
    extra_docs = cardmod.parse(read_text(readme) or "", readme.rel) if readme is not None and readme is not card_entry else None

    say("identifying licenses" + ("" if license_cache.index_ready() else " (building the license index, once: about 10 s)"))
    licenses = _licenses(files, card_entry, notices)
    if card is not None:  # the front matter parsed once, by the card reader (or by the Hub)
        licenses[:0] = [*identify.in_card_data(card.data, card.path, card.field_lines),
                        *identify.in_gated_prompt(card.data, card.path, card.field_spans.get("extra_gated_prompt"))]
        if card_text is not None:
            licenses.extend(identify.in_text(identify.without_front_matter(card_text), card.path))

    code_files = [f for f in files if codemod.is_code(f) and f.readable]
    if len(code_files) > codemod.MAX_CODE_FILES:
        notices.append(Notice("info", ".", f"{len(code_files):,} code files: the {codemod.MAX_CODE_FILES:,} "
                                           "nearest the top were classified"))
        code_files = sorted(code_files, key=lambda f: (f.rel.count("/"), f.rel))[: codemod.MAX_CODE_FILES]
    say(f"classifying code ({len(code_files):,} files)")
    code_hits = codemod.strongest_first([h for f in code_files for h in codemod.classify(f)])
    frameworks = [h for f in files if codemod.DEPENDENCY_FILES.match(f.name) and f.rel.count("/") <= 1
                  and f.readable for h in codemod.dependencies(f)]
    gitmodules = by_rel.get(".gitmodules")
    subs = codemod.submodules(gitmodules) if gitmodules is not None and gitmodules.readable else []

    configs = _configs(files, notices)
    release, facts = _derive(snap, files, summary, weight_files, card, card_entry, extra_docs, licenses, code_hits,
                             subs, configs, notices, today or date.today())
    return Audit(snap, release, summary, weight_files, card, licenses, code_hits, frameworks, facts, notices)


# ---- detectors over the file list --------------------------------------------------------------

def _weights(snap: Snapshot, files: list[FileEntry], notices: list[Notice]) -> list[wmod.WeightFile]:
    remote = {w.rel: w for w in snap.remote_weights}
    out = []
    for f in files:
        if not wmod.is_weight_file(f):
            continue
        if f.readable:
            wf = wmod.read(f)
        else:
            wf = remote.get(f.rel) or wmod.from_listing(f)
        out.append(wf)
        if wf.problem:
            notices.append(Notice("warning", wf.rel, wf.problem))
        if wf.unsafe:
            notices.append(Notice("warning", wf.rel, "pickle-based format: loading it can run code; prefer a "
                                                      "safetensors copy (trueopen did not load it)"))
        if wf.format == "lfs-pointer":
            notices.append(Notice("info", wf.rel, "Git LFS pointer: weights not present locally"))
    return out


def _check_indexes(files: list[FileEntry], by_rel: dict[str, FileEntry], notices: list[Notice]) -> None:
    for f in files:
        if not f.name.endswith(".safetensors.index.json") or not f.readable:
            continue
        info, problem = wmod.read_index(f)
        if problem:
            notices.append(Notice("warning", f.rel, problem))
            continue
        folder = f.rel.rsplit("/", 1)[0] + "/" if "/" in f.rel else ""
        missing = [s for s in info["shards"] if folder + s not in by_rel]  # type: ignore[union-attr]
        if missing:
            notices.append(Notice("warning", f.rel, f"index names {len(missing)} shard(s) that are not here: "
                                                     + ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")))


def _card(snap: Snapshot, files: list[FileEntry],
          notices: list[Notice]) -> tuple[cardmod.Card | None, FileEntry | None, str | None]:
    """The model card, the file it came from and its text (None when only the Hub's metadata was read)."""
    top = {f.rel.lower(): f for f in files if "/" not in f.rel}
    entry = next((top[n] for n in CARD_NAMES if n in top), None)
    if entry is None or not entry.readable:
        if snap.card_data:
            c = cardmod.Card("README.md (the Hub's metadata)", data=dict(snap.card_data))
            c.eval_results = cardmod.eval_results_from(c.data.get("model-index"), c)
            return c, None, None
        return None, None, None
    if entry.size > cardmod.CARD_LIMIT:
        notices.append(Notice("warning", entry.rel, f"{entry.size:,} bytes is too large for a model card; not read"))
        return None, None, None
    text = read_text(entry, cardmod.CARD_LIMIT)
    if text is None:
        notices.append(Notice("warning", entry.rel, "binary file where a model card was expected; not read"))
        return None, None, None
    card = cardmod.parse(text, entry.rel)
    notices.extend(Notice("warning", entry.rel, p) for p in card.problems)
    return card, entry, text


def _licenses(files: list[FileEntry], card_entry: FileEntry | None, notices: list[Notice]) -> list[identify.Finding]:
    """License files and use policies (the card is read by the card reader, not again here)."""
    wanted = [f for f in files if f.readable and f.rel.count("/") <= 1 and f is not card_entry and
              (identify.LICENSE_FILE.match(f.name) or f.rel.split("/")[0].lower() in ("licenses", "license"))
              and f.name.lower() != "readme.md"]
    found = []
    for f in wanted:
        if f.suffix in (".pdf", ".png", ".jpg", ".docx"):
            notices.append(Notice("info", f.rel, f"{f.suffix} license document not read as text"))
            continue
        try:
            found.extend(identify.in_file(f.local, f.rel) if f.local is not None else _member_licenses(f))
        except InputError as exc:
            notices.append(Notice("warning", f.rel, exc.problem))
    return found


def _member_licenses(f: FileEntry) -> list[identify.Finding]:
    """identify.in_file for an archive member: the same size limit, the same text reading."""
    raw = read_head(f, identify.MAX_BYTES + 1)
    if len(raw) > identify.MAX_BYTES:
        raise InputError(f.location, f"{f.size:,} bytes is too large for a license or model card "
                                     f"(limit {identify.MAX_BYTES:,})")
    if b"\x00" in raw[:8192]:
        raise InputError(f.location, "binary file, not a license text")
    text = safeio.text_of(raw)
    return [*identify.in_front_matter(text, f.rel), *identify.in_text(identify.without_front_matter(text), f.rel)]


def _configs(files: list[FileEntry], notices: list[Notice]) -> dict[str, tuple[str, dict]]:
    """config.json-like files at the top: name -> (path, parsed)."""
    out = {}
    for f in sorted(files, key=lambda f: (f.rel.count("/"), f.rel)):
        if f.name in ("config.json", "params.json", "generation_config.json", "tokenizer_config.json") \
                and f.rel.count("/") <= 1 and f.readable and f.name not in out:
            if f.size > 4 * 1024 * 1024:
                continue
            try:
                data = json.loads(read_text(f) or "")
            except json.JSONDecodeError as exc:
                notices.append(Notice("warning", f.rel, f"malformed JSON: {exc}"[:200]))
                continue
            except RecursionError:
                notices.append(Notice("warning", f.rel, "malformed JSON: nested too deeply to read"))
                continue
            except ValueError:  # an integer over Python's 4,300-digit limit: not a config a model reads
                notices.append(Notice("warning", f.rel, "malformed JSON: a number too long to read "
                                                         "(more than 4,300 digits)"))
                continue
            if isinstance(data, dict):
                out[f.name] = (f.rel, data)
                notices.extend(_remote_code(f.rel, data, files))
    return out


def _remote_code(rel: str, data: dict, files: list[FileEntry]) -> list[Notice]:
    """`auto_map` (or a remote-code flag) means a loader that is allowed to run repository code
    would import this repository's own Python: worth a warning before anyone loads it that way.
    The names are read from the JSON only; nothing is imported."""
    auto_map = data.get("auto_map")
    classes: list[str] = []
    if isinstance(auto_map, dict):
        for value in list(auto_map.values())[:50]:
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and ref.strip() and ref not in classes:
                    classes.append(ref.strip())
    flag = data.get("trust_remote_code") is True
    if not classes and not flag and not isinstance(auto_map, dict):
        return []
    here = {f.rel for f in files}
    folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
    shown = []
    for ref in classes[:6]:
        module = ref.split("--", 1)[-1].rsplit(".", 1)[0]
        where = "from another repository" if "--" in ref else \
            ("here" if f"{folder}{module.replace('.', '/')}.py" in here else "file not here")
        shown.append(f"{_short(ref)} ({where})")
    what = ("auto_map names " + ", ".join(shown) + (f" and {len(classes) - 6} more" if len(classes) > 6 else "")) \
        if shown else ("trust_remote_code is set" if flag else "auto_map is set")
    return [Notice("warning", rel, f"this model asks to run its own code: {what}; trueopen did not import it, "
                                   "and a loader allowed to run repository code would run it")]


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


# ---- from detections to a Release --------------------------------------------------------------

def _derive(snap, files, summary, weight_files, card, card_entry, extra_docs, licenses, code_hits, subs, configs,
            notices, today):
    facts: dict[str, Fact] = {}
    comps: dict[str, list[Evidence]] = {}
    locations: dict[str, str] = {}

    def add(component: str, ev: Evidence, location: str | None = None) -> None:
        comps.setdefault(component, []).append(ev)
        if location and component not in locations:
            locations[component] = location

    # weights
    chosen = set(summary.files)
    final = [w for w in weight_files if w.rel in chosen]
    for w in final[:20]:
        detail = f"{w.format}, {w.bytes:,} bytes" + (f", {w.parameters:,} parameters in {w.tensors} tensors"
                                                     if w.parameters is not None else "")
        add(mofc.WEIGHTS, Evidence(path=w.rel, field="header" if w.parameters is not None else None,
                                   detail=detail + (f"; {w.detail}" if w.detail else "")), w.rel)
    for cp in summary.checkpoints[:20]:
        where = "branch" if cp in snap.branches else "folder"
        add(mofc.CHECKPOINTS, Evidence(path=cp, detail=f"intermediate checkpoint ({where})"), cp)
    if summary.parameters:
        facts["parameters"] = Fact(summary.parameters, [Evidence(path=w.rel, field="header",
                                                                 detail=f"{w.parameters:,} parameters")
                                                        for w in final if w.parameters][:20])

    # architecture and metadata from configs and GGUF
    gguf_meta = next((w.metadata for w in final if w.format == "gguf"), {})
    cfg = configs.get("config.json") or configs.get("params.json")
    if cfg is not None:
        path, data = cfg
        arch = data.get("architectures") or data.get("model_type")
        if arch:
            add(mofc.ARCHITECTURE, Evidence(path=path, field="architectures" if data.get("architectures") else "model_type",
                                            detail=f"architecture {', '.join(map(str, arch)) if isinstance(arch, list) else arch}, configured in {path}"), path)
        add(mofc.MODEL_METADATA, Evidence(path=path, detail="model configuration"), path)
        for key in CONFIG_CONTEXT_KEYS:
            v = data.get(key)
            if isinstance(v, int) and 0 < v < 100_000_000:
                facts["context_length"] = Fact(v, [Evidence(path=path, field=key, detail=f"{key} = {v}")])
                break
    if gguf_meta.get("general.architecture"):
        g = final[0].rel
        add(mofc.ARCHITECTURE, Evidence(path=g, field="general.architecture",
                                        detail=f"architecture {gguf_meta['general.architecture']}"), g)
        add(mofc.MODEL_METADATA, Evidence(path=g, field="general.*", detail="GGUF metadata"), g)
        ctx = gguf_meta.get(f"{gguf_meta['general.architecture']}.context_length")
        if isinstance(ctx, int) and ctx > 0:
            facts["context_length"] = Fact(ctx, [Evidence(path=g, field=f"{gguf_meta['general.architecture']}.context_length",
                                                          detail=f"context length {ctx}")])
    for h in code_hits:
        add(codemod.KIND_COMPONENT[h.kind], Evidence(path=h.path, line=h.line, detail=h.detail), h.path)
    declared = _submodule_code(subs, files, add)

    # model card and documentation
    if card is not None:
        add(mofc.MODEL_CARD, Evidence(path=card.path, detail=f"model card, {round(card.score * 100)}% of the expected "
                                                              "sections"), card.path)
        if card.data:
            add(mofc.MODEL_METADATA, Evidence(path=card.path, line=1, detail="card front matter"), card.path)
        comp_json = card.completeness
        facts["card_completeness"] = Fact(
            {"score": round(card.score, 3), "sections": {k: v["present"] for k, v in comp_json.items()}},
            [Evidence(path=card.path, line=v["line"], detail=f"{cardmod.SECTION_TITLES[k]}: {v['detail']}")
             for k, v in comp_json.items() if v["present"]])
        if card.eval_results:
            add(mofc.EVALUATION_RESULTS, Evidence(path=card.path, line=card.field_lines.get("model-index"),
                                                  field="model-index",
                                                  detail=f"{len(card.eval_results)} results in model-index"), card.path)
        elif card.eval_table_line is not None:
            add(mofc.EVALUATION_RESULTS, Evidence(path=card.path, line=card.eval_table_line,
                                                  detail="results table under an evaluation heading"), card.path)
    result_files: dict[str, list[FileEntry]] = {}
    for f in files:
        if DATA_CARD.match(f.name):
            add(mofc.DATA_CARD, Evidence(path=f.rel, detail="data card / datasheet"), f.rel)
        elif f.suffix == ".pdf":
            comp = pdf_kind(f.rel)
            if comp is not None:
                add(comp, Evidence(path=f.rel, detail=f"PDF document ({f.size:,} bytes)"), f.rel)
        elif DATA_FILE.search(f.name) and DATA_DIR.search(f.rel):
            target = mofc.EVALUATION_DATA if re.search(r"(^|/)(eval|evals|evaluation|benchmark)s?/", f.rel, re.I) else mofc.DATASETS
            add(target, Evidence(path=f.rel, detail=f"data file ({f.size:,} bytes)"), f.rel)
        elif (m := EVAL_DIR.search(f.rel)) and RESULT_FILE.search(f.name) and not NOT_RESULT.search(f.rel) \
                and not codemod.VENDORED.search(f.rel) and not codemod.TEST_FILE.search(f.rel):
            result_files.setdefault(f.rel[: m.end()], []).append(f)
    for folder, found in sorted(result_files.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:20]:
        detail = f"{len(found):,} result file(s) (JSON, JSONL, CSV or TSV) under {folder}"
        add(mofc.EVALUATION_RESULTS, Evidence(path=found[0].rel, detail=detail), folder)
    documentation: list[DocLink] = []
    link_sources = [c for c in (card, extra_docs) if c is not None]
    seen_links = set()
    for c in link_sources:
        for link in c.links:
            if link.kind not in cardmod.PAPER_KINDS or not link.describes_model or (link.kind, link.value) in seen_links:
                continue
            seen_links.add((link.kind, link.value))
            url = PAPER_URL[link.kind].format(link.value)
            add(mofc.RESEARCH_PAPER, Evidence(path=c.path, line=link.line, detail=f"links {url}"), url)
            documentation.append(DocLink(kind="preprint" if link.kind == "arxiv" else "research-paper", url=url,
                                         as_of=today))
    if card is not None:
        documentation.insert(0, DocLink(kind="model-card", url=_file_url(snap, card.path), as_of=today))

    # use policies: a file of their own, named or not by a known text
    for f in files:
        if USE_POLICY.search(f.name) and f.rel.count("/") <= 1:
            known = [x for x in licenses if x.path == f.rel]
            ev = [Evidence(path=f.rel, line=x.start_line, detail=f"{x.title} ({x.match})") for x in known] or \
                 [Evidence(path=f.rel, detail="use policy file (text not one trueopen knows)")]
            facts.setdefault("use_policy", Fact(known[0].key if known else f.rel, []))
            facts["use_policy"].evidence.extend(ev)
            documentation.append(DocLink(kind="use-policy", url=_file_url(snap, f.rel), as_of=today))

    # datasets named
    named = list(dict.fromkeys(card.strings("datasets") if card else []))
    ds_ev = [Evidence(path=card.path, line=card.field_lines.get("datasets"), field="datasets",
                      detail=f"{len(named)} datasets named")] if named else []
    for c in link_sources:
        for link in c.links:
            if link.kind == "dataset" and link.value not in named:
                named.append(link.value)
                ds_ev.append(Evidence(path=c.path, line=link.line, detail=f"links dataset {link.value}"))
    if named:
        facts["datasets"] = Fact(named, ds_ev)
    if card is not None:
        for key in ("language", "pipeline_tag", "library_name"):
            values = card.strings(key)
            if values:
                facts[key] = Fact(values if key == "language" else values[0],
                                  [Evidence(path=card.path, line=card.field_lines.get(key), field=key, detail=", ".join(values[:10]))])

    # licenses: the card's declaration governs the weights; a LICENSE text at the top governs code
    weights_lic, code_lic = _license_roles(licenses, card.path if card else None, gguf_meta, final, facts, notices)
    base = card.strings("base_model")[:1] if card else []
    if not base and gguf_meta.get("general.base_model.0.name"):
        base = [str(gguf_meta["general.base_model.0.name"])]
        facts["base_model"] = Fact(base[0], [Evidence(path=final[0].rel, field="general.base_model.0.name", detail=base[0])])
    elif base:
        facts["base_model"] = Fact(base[0], [Evidence(path=card.path, line=card.field_lines.get("base_model"),  # type: ignore[union-attr]
                                                      field="base_model", detail=base[0])])

    # weights linked on the Hub, when none are here. A LICENSE file covers the repository's own
    # files; the linked weights carry the license the card declares, else one not read here.
    linked_license_unknown = False
    if not final:
        linked = _hub_links(link_sources, card)
        if linked:
            if not any(x.path == (card.path if card else None) and x.match == "tag" for x in licenses):
                linked_license_unknown = True
                facts.pop("weights_license", None)
            facts["weights_linked"] = Fact([f"https://huggingface.co/{r}" for r, _ in linked][:50],
                                           [ev for _, ev in linked][:50])
            for _, ev in linked[:20]:
                add(mofc.WEIGHTS, ev, f"https://huggingface.co/{linked[0][0]}")

    # access
    has_weights = bool(final)
    if snap.kind == "hub" and has_weights:
        access = Access(weights="gated" if snap.gated else "download", approval=snap.gated == "manual", source="audit")
        facts["access"] = Fact(access.weights, [Evidence(path=snap.url, field="gated", detail=f"gated: {snap.gated or 'no'}")])
    elif has_weights:
        access = Access(weights="download", source="audit")
    else:
        access = None  # code or docs alone do not show whether, or how, the weights are published
        notices.append(Notice("info", ".", "no weight files here: how the weights are published is not known "
                                           "from these files (try --against CATALOG_ID)" if "weights_linked" not in facts
                              else f"no weight files here; the README links {len(facts['weights_linked'].value):,} "  # type: ignore[arg-type]
                                   "model(s) on the Hugging Face Hub: linked, not shipped (their files were not read)"))

    code_kinds = {codemod.KIND_COMPONENT[h.kind] for h in code_hits}
    components = []
    for spec in mofc.COMPONENTS:
        if spec.name not in comps:
            continue
        note = None
        if spec.name in (mofc.WEIGHTS, mofc.CHECKPOINTS):
            lic = None if linked_license_unknown and spec.name == mofc.WEIGHTS else weights_lic
            if not final and spec.name == mofc.WEIGHTS:
                note = "linked on the Hugging Face Hub, not shipped in these files" + \
                    ("; their license was not read" if linked_license_unknown else "")
        elif spec.name in code_kinds:
            lic = code_lic
        else:
            lic = None  # documents inherit the release-wide license
        if linked_license_unknown and lic is None and spec.content_type == "data" and spec.name != mofc.WEIGHTS:
            lic = code_lic  # data files in the repository, under its license as before
        if spec.name in declared and spec.name not in code_kinds:
            note = "declared as a git submodule, not shipped here; its own license was not read"
        components.append(Component(name=spec.name, license=lic, location=locations.get(spec.name), note=note,
                                    evidence=comps[spec.name][:50], source="audit"))

    name = release_name(snap, card, gguf_meta)
    producer = snap.producer or (str(gguf_meta["general.organization"]) if gguf_meta.get("general.organization") else None) \
        or "unknown"
    pipeline = card.data.get("pipeline_tag") if card else None
    dist = None if linked_license_unknown else weights_lic or code_lic
    repo_lic = GlobalLicense(name=code_lic) if linked_license_unknown and code_lic else None
    release = Release(
        id=slug(name if snap.repo_id is None else snap.name),
        name=name,
        producer=producer,
        type=PIPELINE_TYPES.get(pipeline) if isinstance(pipeline, str) else None,
        summary=f"Derived by trueopen from the files of {snap.spec}" + (f" at {snap.revision[:12]}" if snap.revision else "") + ".",
        parameters=Parameters(total=summary.parameters, source="audit") if summary.parameters else None,
        context_length=ContextLength(tokens=facts["context_length"].value, source="audit") if "context_length" in facts else None,  # type: ignore[arg-type]
        base_model=BaseModelRef(id=base[0], source="audit") if base else None,
        access=access,
        license=Licenses(distribution=GlobalLicense(name=dist) if dist else None,
                         code=GlobalLicense(name=code_lic) if code_lic and code_lic != dist else None,
                         document=repo_lic,
                         source="audit"),
        components=components,
        training_data=TrainingData(disclosure="partial", datasets=named[:200], source="audit",
                                   summary="datasets named in the model card; their content is not in the release")
        if named else None,
        documentation=documentation[:50],
        sources={"audit": Source(url=snap.url + (f"@{snap.revision}" if snap.revision else ""), as_of=today,
                                 title=f"trueopen audit of {snap.spec}")},
        origin=Origin(kind="audit", path=snap.spec),
    )
    return release, facts


def _file_url(snap: Snapshot, rel: str) -> str:
    if snap.kind in ("hub", "hf-cache") and snap.repo_id:
        return f"https://huggingface.co/{snap.repo_id}/blob/{snap.revision or 'main'}/{rel}"
    if snap.root is not None:
        return (snap.root / rel).resolve().as_uri()
    entry = next((f for f in snap.listing.files if f.rel == rel and f.member is not None), None)
    return entry.member.uri if entry is not None and entry.member is not None else rel


def _license_roles(licenses, card_path, gguf_meta, final, facts, notices) -> tuple[str | None, str | None]:
    """Which license governs the weights and which the code, with the evidence for each, and a
    warning when the card declares one license and the license files say another."""
    declared = [f for f in licenses if f.path == card_path and f.match == "tag"]
    texts = [f for f in licenses if f.path != card_path and f.match in ("exact", "near", "partial", "notice")
             and f.key != "unknown"]
    model_texts = [f for f in texts if re.search(r"model|weights|use[_-]?policy", f.path, re.I)
                   and not re.search(r"use[_-]?policy", f.path, re.I)]
    top_texts = [f for f in texts if "/" not in f.path and f not in model_texts and not re.search(r"use[_-]?policy|readme", f.path, re.I)]

    def key(fs) -> str | None:
        keys = list(dict.fromkeys(_lic_id(f) for f in fs))
        return " AND ".join(keys) if keys else None

    weights_lic = key(declared)
    ev = [Evidence(path=f.path, line=f.start_line, field="license" if f.match == "tag" else None,
                   detail=f"{f.key} ({f.match}, {round(f.confidence * 100)}%)") for f in declared]
    if weights_lic is None and gguf_meta.get("general.license"):
        f = identify.in_tag(str(gguf_meta["general.license"]), final[0].rel, "general.license")
        weights_lic = _lic_id(f) if f else f"LicenseRef-{gguf_meta['general.license']}"
        ev.append(Evidence(path=final[0].rel, field="general.license", detail=str(gguf_meta["general.license"])))
    if weights_lic is None:
        weights_lic = key(model_texts) or key(top_texts)
        ev += [Evidence(path=f.path, line=f.start_line, detail=f"{f.key} ({f.match})") for f in model_texts or top_texts]
    code_lic = key(top_texts) or weights_lic
    if weights_lic:
        facts["weights_license"] = Fact(weights_lic, ev)
    if code_lic:
        facts["code_license"] = Fact(code_lic, [Evidence(path=f.path, line=f.start_line, detail=f"{f.key} ({f.match})")
                                                for f in top_texts] or ev)
    file_keys = {_lic_id(f) for f in model_texts or top_texts}
    decl_keys = {_lic_id(f) for f in declared}
    if decl_keys and file_keys and not decl_keys & file_keys:
        notices.append(Notice("warning", card_path or ".",
                              f"the card declares {', '.join(sorted(decl_keys))} but the license file says "
                              f"{', '.join(sorted(file_keys))}"))
    return weights_lic, code_lic


def _lic_id(f: identify.Finding) -> str:
    return f.spdx if f.key == "unknown" else f.key


def release_name(snap: Snapshot, card: cardmod.Card | None, gguf_meta: dict) -> str:
    """What the release calls itself: the card's model_name or model-index name, the GGUF name, the
    Hub repository, else the repository's or folder's name. A card's heading is taken only when the
    folder's name says nothing (model/, a snapshot hash) and the heading is not a section's title:
    llama's card opens with "Model Details", which names a section, not the model."""
    if card is not None:
        declared = card.data.get("model_name")
        if isinstance(declared, str) and declared.strip():
            return declared.strip()[:200]
        if (indexed := cardmod.model_index_name(card)) is not None:
            return indexed
    if gguf_meta.get("general.name"):
        return str(gguf_meta["general.name"])[:200]
    if snap.repo_id:
        return snap.name
    folder = snap.name
    if folder in ("", ".", "..") and snap.root is not None:
        folder = snap.root.resolve().name if snap.kind != "file" else folder
    if folder and not GENERIC_FOLDERS.match(folder) and folder not in (".", ".."):
        return folder
    return _title(card) or folder or "model"


GENERIC_HEADINGS = re.compile(r"^(model (details|description|information|overview|summary|card)|overview|"
                              r"introduction|description|about|summary|readme|table of contents|contents|"
                              r"getting started|installation|quick ?start|usage|news|updates?)\b", re.I)


def _title(card: cardmod.Card | None) -> str | None:
    """A card's first top-level heading, when it reads like a name rather than a sentence or a
    section's title."""
    heading = next((text for text, _, level in card.headings if level == 1), "") if card else ""
    if not 0 < len(heading) <= 80 or GENERIC_HEADINGS.match(heading) or cardmod.section_kind(heading):
        return None
    return heading


def pdf_kind(rel: str) -> str | None:
    """Which document a PDF is, from its name and folder: a technical report or a research paper
    when it looks like one; a plot, figure, guide or slide deck is neither. A PDF with a plain
    name counts as a report only at the top of the release or in its docs/ or paper/ folder."""
    name = rel.rsplit("/", 1)[-1]
    if NOT_REPORT.search(rel):
        return None
    if PAPER_PDF.search(name) and not REPORT_PDF.search(name):
        return mofc.RESEARCH_PAPER
    if REPORT_PDF.search(name) or "/" not in rel or DOCS_DIR.match(rel):
        return mofc.TECHNICAL_REPORT
    return None


def _submodule_code(subs: list[codemod.Submodule], files: list[FileEntry], add) -> set[str]:
    """Code declared as git submodules: the component, the .gitmodules line as evidence, and
    whether the submodule's files are here (checked out) or only declared."""
    found: set[str] = set()
    for sub in subs:
        if sub.kind is None:
            continue
        prefix = sub.path.rstrip("/") + "/"
        shipped = any(f.rel.startswith(prefix) for f in files)
        words = codemod.KIND_COMPONENT[sub.kind].lower().replace("model ", "")
        how = f"checked out at {sub.path}" if shipped else "declared, not shipped"
        comp = codemod.KIND_COMPONENT[sub.kind]
        add(comp, Evidence(path=".gitmodules", line=sub.line,
                           detail=f"{words}: {sub.project}, a git submodule; {how}"
                                  + (f" ({_short(sub.url, 120)})" if sub.url else "")), sub.url or sub.path)
        if not shipped:
            found.add(comp)
    return found


def _hub_links(sources: list[cardmod.Card], card: cardmod.Card | None) -> list[tuple[str, Evidence]]:
    """Model repositories on the Hugging Face Hub that the card or README links: where the weights
    are published when this repository holds only code. Links to a base model are left out."""
    bases = {b.lower() for b in card.strings("base_model")} if card else set()
    out: dict[str, tuple[str, Evidence]] = {}
    for c in sources:
        for link in c.links:
            key = link.value.lower()
            if link.kind != "hub" or key in out or key in bases:
                continue
            at = link.context.find(link.value)
            if BASE_LINK.search(link.context[max(0, at - 60):at] if at >= 0 else link.context):
                continue
            out[key] = (link.value, Evidence(path=c.path, line=link.line, detail=f"links https://huggingface.co/"
                                                                                 f"{link.value}: weights linked, not shipped"))
    return list(out.values())

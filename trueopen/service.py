"""What the CLI (and later the web app) do, as plain functions: look up, assess, list, import."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from .assessment import Assessment, assess
from .catalog import loader
from .errors import NotFound, TrueopenError
from .licenses import terms
from .release import Release
from . import views
from .views import ListFilter

if TYPE_CHECKING:  # the audit modules load only when an audit runs
    from .catalog import producers
    from .evidence.against import Difference
    from .evidence.derive import Audit


_INDEX: list = [None]  # (catalog, by id, by name or alias) of the catalog last looked in


def _by_name(query: str, catalog: tuple[Release, ...]) -> Release | None:
    """loader.find without its 'did you mean' (a base model outside the catalog is common, and
    ranking suggestions for it cost more than the assessment): the release with this id, else
    this name or alias, from an index built once per catalog."""
    from .catalog import names

    held = _INDEX[0]
    if held is None or held[0] is not catalog:
        ids: dict[str, Release] = {}
        named: dict[str, Release] = {}
        for r in catalog:
            ids.setdefault(names.normalize(r.id), r)
            for k in names.keys(r):
                named.setdefault(k, r)
        held = _INDEX[0] = (catalog, ids, named)
    wanted = names.normalize(query)
    return held[1].get(wanted) or held[2].get(wanted)


def assess_release(release: Release, catalog: tuple[Release, ...] | None = None, _depth: int = 0) -> Assessment:
    """Assess a release; a fine-tune's base model is assessed first when the catalog has it."""
    base = None
    if release.base_model is not None and _depth < 5:
        base_release = _by_name(release.base_model.id, loader.load() if catalog is None else catalog)
        if base_release is not None and base_release.id != release.id:
            base = assess_release(base_release, catalog, _depth + 1)
    return assess(release, base)


def show(query: str) -> Assessment:
    return assess_release(loader.find(query))


@dataclass
class FamilyView:
    """What `show` answers for a family name: its releases with verdicts, oldest first."""

    name: str
    families: tuple[str, ...]
    assessments: list[Assessment]

    @property
    def summary(self) -> str:
        return family_summary(self.name, [a.verdict.level for a in self.assessments])


VERDICT_ORDER = ("open-source", "open-weights", "restricted-weights", "closed", "unknown")


def family_summary(name: str, levels: list[str]) -> str:
    """One line on how open a family is, from the same verdicts `list` shows."""
    counts = [f"{levels.count(v)} {v}" for v in VERDICT_ORDER if levels.count(v)]
    n = len(levels)
    open_source = levels.count("open-source")
    lead = (f"all {n} are open source" if open_source == n and n > 1 else
            f"{open_source} of {n} open source" if open_source else "none is open source")
    return f"{name}: {n} release{'s' if n != 1 else ''} ({', '.join(counts)}); {lead}."


def lookup(query: str, assessed: "Mapping[str, Assessment] | None" = None) -> "Assessment | FamilyView":
    """`show`: a release by id, name or alias; else a family by name ("llama-2", "qwen").
    `assessed` (id -> assessment) lets a long-running caller (the web app) assess once."""
    catalog = loader.load()
    get = (lambda r: assessed[r.id]) if assessed is not None else (lambda r: assess_release(r, catalog))
    try:
        return get(loader.find(query, catalog))
    except NotFound:
        fam = loader.find_family(query, catalog)
        if fam is None:
            raise
    return FamilyView(fam.name, fam.families, [get(r) for r in fam.releases])


def all_assessments() -> list[Assessment]:
    return list(_assessed().values())


_ASSESSED: list[tuple[tuple[Release, ...], dict[str, Assessment]]] = []  # (catalog, its assessments)


def _assessed() -> dict[str, Assessment]:
    """Every bundled release's assessment, by id, in catalog order: read from the user cache
    (keyed by the compiled catalog's inputs and the frameworks' code), else computed and saved,
    so that `list` and `producers` do not assess 141 releases on every start (`gap` assesses
    only the releases with a score, which costs less than reading them all). Kept for the
    process while `loader.load()` gives the same catalog; a reloaded catalog is assessed anew."""
    catalog = loader.load()
    if not (_ASSESSED and _ASSESSED[0][0] is catalog):
        _ASSESSED[:] = [(catalog, _assess_catalog(catalog))]
    return _ASSESSED[0][1]


def forget_assessments() -> None:
    """Drop this process's assessments: the next call reads the cache file or assesses again."""
    _ASSESSED.clear()


def _assess_catalog(catalog: tuple[Release, ...]) -> dict[str, Assessment]:
    from . import cache, views

    by_id = {r.id: r for r in catalog}
    inputs = views.assessment_inputs()

    def read(rows: list) -> dict[str, Assessment]:
        make = cache.unplainer(Assessment, {Release: by_id.__getitem__})
        out = {row["release"]: make(row) for row in rows}
        if list(out) != list(by_id):
            raise KeyError("not this catalog's assessments")
        return out

    computed: dict[str, Assessment] = {}

    def build() -> list:
        computed.update((r.id, assess_release(r, catalog)) for r in catalog)
        return [cache.plain(a, lambda v: v.id if isinstance(v, Release) else None) for a in computed.values()]

    found = cache.sealed_table("assessments", inputs, build, read)
    return found if found is not None else computed


SORT_KEYS = ("name", "date", "producer", "verdict", "mof")


def list_assessments(flt: ListFilter, sort: str = "name",
                     assessed: "Sequence[Assessment] | None" = None) -> list[Assessment]:
    """`list`'s assessments: its filters and order applied to each one's listing row, as the
    command applies them to the rows it keeps in the cache (views.select)."""
    from . import views

    pool = all_assessments() if assessed is None else list(assessed)
    by_id = {a.release.id: a for a in pool}
    return [by_id[r["id"]] for r in views.select([views.row(a) for a in pool], flt, sort)]


@dataclass
class ProducerSummary:
    producer: "producers.Producer"
    strategy: str
    releases: list[Assessment]  # oldest first


def producer_summaries(query: str | None = None,
                       assessed: "Mapping[str, Assessment] | None" = None) -> list[ProducerSummary]:
    """Every producer with catalog releases (or the one asked for), its releases in date order."""
    from .catalog import producers  # reads producers.yaml: only where needed
    catalog = loader.load()
    assessed = _assessed() if assessed is None else assessed
    get = lambda r: assessed[r.id]  # noqa: E731
    chosen = [producers.find(query)] if query else list(producers.load())
    out = []
    for p in chosen:
        mine = [get(r) for r in producers.releases_of(p, catalog)]
        if mine or query:
            # read off the same verdicts `list` shows
            history = [(a.release.released.date, a.verdict.level) for a in mine if a.release.released]
            out.append(ProducerSummary(p, producers.strategy(history), mine))
    return out


GapRow = views.GapRow


def benchmark_gap(benchmark: str) -> list[GapRow]:
    """Best published score per year among open releases (open-source, open-weights), among
    restricted-weights ones and among closed ones: the open/closed gap over time, by the same
    verdicts `list` shows (unknown is left out). Scores come as producers and leaderboards
    reported them, with settings that can differ; each row names the release and setting."""
    return views.gap_rows(views.scores(_assessed().values()), benchmark)


@dataclass
class ImportResult:
    path: str
    assessment: Assessment | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def import_catalog(kind: str, path: Path, revision: str | None, retrieved=None) -> tuple[dict, list[str]]:
    """A snapshot of models.dev or the Open Source AI Index, ready to commit, and the files
    that could not be read. The revision pins every fact's URL to the commit it was read at."""
    from datetime import date as _date

    from .catalog import snapshots
    from .catalog.importers import modelsdev, osai_index
    from .errors import InputError
    from .evidence.sources import git_head

    retrieved = retrieved or _date.today()
    if revision is None and (path / ".git").is_dir():
        revision = git_head(path / ".git")
    api_json = kind == snapshots.MODELS_DEV and path.is_file()
    # read first: a wrong folder is a clearer error than a missing revision
    records = modelsdev.read(path) if kind == snapshots.MODELS_DEV else None
    profiles, problems = ([], []) if records is not None else osai_index.read_dir(path)
    if revision is None and not api_json:
        raise InputError(str(path), "cannot tell which commit this is; pass --revision COMMIT so every fact cites it")
    if records is not None:
        return modelsdev.snapshot(records, revision or retrieved.isoformat(), retrieved, from_api_json=api_json), []
    return osai_index.snapshot(profiles, revision, retrieved), problems


def import_mof(paths: list[Path]) -> list[ImportResult]:
    """Read each MOF file on its own: one bad file does not stop the others."""
    from .catalog.importers import mof as mof_import

    out = []
    for p in paths:
        try:
            mf = mof_import.read(p)
        except TrueopenError as exc:
            out.append(ImportResult(str(p), error=str(exc)))
            continue
        out.append(ImportResult(str(p), assessment=assess(mf.release), warnings=mf.warnings))
    return out


@dataclass
class ValidationResult:
    path: str
    kind: str  # catalog / mof
    findings: list[str] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # differences from other catalogs; not findings


def validate_release(release: Release) -> list[str]:
    """Problems that do not stop loading but make an entry untrustworthy."""
    from .catalog import producers  # reads producers.yaml: only where needed
    from .catalog import consistency, crosscheck

    findings = [f"dated in the future: {d}" for d in loader.future_dates(release)]
    findings += license_findings(release.model_dump(mode="json", exclude_none=True))
    names = [c.name for c in release.components]
    for n in sorted({n for n in names if names.count(n) > 1}):
        findings.append(f"component '{n}' is listed more than once")
    if release.access is None:
        findings.append("no access facts (download / gated / API / product)")
    if producers.of(release) is None:
        findings.append(f"producer '{release.producer}' is not in producers.yaml")
    findings += crosscheck.misquoted(release)
    findings += consistency.check(release)
    return findings


def license_findings(data: object) -> list[str]:
    """Every license string in one spelling, with a terms record: the field, what is written,
    and what to write instead."""
    from .release import license_fields

    out = []
    for fld, given in license_fields(data):
        canonical = terms.canonical(given)
        if canonical is None:
            out.append(f"{fld}: license '{given}' has no terms record (add one to licenses/data/terms.yaml)")
        elif canonical != given:
            out.append(f"{fld}: license '{given}' is not the canonical spelling; write '{canonical}'")
    return out


def validate(paths: list[Path]) -> list[ValidationResult]:
    """Validate catalog entries or MOF files; with no paths, the whole bundled catalog."""
    from . import safeyaml
    from .catalog import crosscheck
    from .catalog.importers import mof as mof_import
    from .release import release_from_data

    if not paths:
        paths = sorted(loader.data_dir().glob("*.yaml"))
        try:
            loader.read_dir(loader.data_dir())
        except TrueopenError as exc:
            return [ValidationResult(str(loader.data_dir()), "catalog", error=str(exc))]
    out = []
    given: dict[str, tuple[Release, ValidationResult]] = {}
    for p in paths:
        try:
            data = safeyaml.load_file(p)
            if isinstance(data, dict) and "framework" in data:
                mf = mof_import.parse(data, str(p))
                out.append(ValidationResult(str(p), "mof", findings=mf.warnings))
                continue
            release = release_from_data(data, str(p))
            findings = [f for f in license_findings(data) if "canonical" in f] + validate_release(release)
            notes = crosscheck.differences(release)
            if p.parent == loader.data_dir() and release.id != p.stem:
                findings.append(f"id '{release.id}' differs from the file name '{p.stem}'")
            out.append(ValidationResult(str(p), "catalog", findings=findings, notes=notes))
            given[release.id] = (release, out[-1])
        except TrueopenError as exc:
            out.append(ValidationResult(str(p), "unknown", error=str(exc)))
    _name_clashes(given)
    return out


def _name_clashes(given: "dict[str, tuple[Release, ValidationResult]]") -> None:
    """A name or alias that another entry (given, or in the bundled catalog) answers to is a
    finding: `show` would then pick one of the two silently."""
    from .catalog import names

    try:
        bundled = [r for r in loader.load() if r.id not in given]
    except TrueopenError:
        bundled = []
    for shown, first, second in names.clashes([*(r for r, _ in given.values()), *bundled]):
        for rid, other in ((second, first), (first, second)):
            if rid in given:
                given[rid][1].findings.append(f"name '{shown}' is also used by '{other}'")
                break


def can(subject: str, questions: list[str], users: int | None = None):
    """`trueopen can SUBJECT`: a catalog model's rights (through its weights' license) or a license's."""
    from .errors import InputError, NotFound
    from .licenses import names, rights

    try:
        return rights.for_release(loader.find(subject), questions, users)
    except NotFound as not_model:
        named = names.from_tag(subject) or names.from_expression(subject)
        if named is not None and terms.lookup(named.key) is not None:
            return rights.for_license(named.key, questions, users)
        if named is not None and terms.canonical(named.key) is not None:  # Apache-2.0 OR MIT
            return rights.for_expression(named.key, questions, users)
        if named is not None:
            raise InputError(subject, f"trueopen has no terms on record for {named.key}") from None
        raise NotFound(subject, not_model.suggestions + _close_license_names(subject), "model or license") from None


def _close_license_names(subject: str) -> list[str]:
    """License ids and names `can` knows that look like `subject`: typos and near names."""
    from difflib import get_close_matches

    known: dict[str, str] = {}
    for t in terms.custom().values():
        for a in (*t.hf_tags, t.key, *t.names):  # a spelling that is also a tag shows as the tag
            known.setdefault(a.lower(), a)
    return [known[k] for k in get_close_matches(subject.lower(), known, n=3, cutoff=0.75)]


@dataclass
class AuditResult:
    audit: "Audit"
    assessment: Assessment
    against: "tuple[str, list[Difference]] | None" = None

    @property
    def has_warnings(self) -> bool:
        return any(n.level == "warning" for n in self.audit.notices) or bool(self.against and self.against[1])


def audit(source: str, against: str | None = None, offline: bool | None = None, progress=None) -> AuditResult:
    """`trueopen audit SOURCE`: derive a Release from the files and assess it like a catalog entry."""
    from .evidence import against as against_mod
    from .evidence import derive, sources

    catalog_release = loader.find(against) if against else None  # a bad id fails before any slow work
    if progress:
        progress(f"opening {source}")  # a clone or a Hub listing can take a while
    with sources.open_source(source, offline=offline) as snap:
        if progress:
            progress(f"{snap.kind}: {len(snap.listing.files):,} files")
        result = derive.audit(snap, progress)
    a = assess_release(result.release)
    diff = (catalog_release.id, against_mod.compare(result, catalog_release)) if catalog_release else None
    return AuditResult(result, a, diff)


def compare(queries: list[str], users: int | None = None, extra_rows=None):
    """`trueopen compare`: the same assessments and rights `show` and `can` give, side by side."""
    from .advise import compare as compare_mod
    from .errors import InputError
    from .licenses import rights

    if len(queries) < 2:
        raise InputError("compare", "name at least two models to compare")
    catalog = loader.load()
    releases = [loader.find(q, catalog) for q in queries]
    dup = {r.id for r in releases if sum(x.id == r.id for x in releases) > 1}
    if dup:
        raise InputError("compare", f"{', '.join(sorted(dup))} is named more than once")
    questions = [q for q in rights.QUESTIONS if q != "users" or users is not None]
    assessments = [assess_release(r, catalog) for r in releases]
    answers = [rights.for_release(r, questions, users) for r in releases]
    from .advise import cost as cost_mod

    return compare_mod.build(assessments, answers, cost_mod.compare_rows(releases) + list(extra_rows or []))


@dataclass
class CostResult:
    assumptions: "object"  # advise.cost.Assumptions
    gpu: "object"  # advise.cost.Gpu
    estimates: list  # advise.cost.Estimate, in the order asked


def cost(queries: list[str], assumptions) -> CostResult:
    """`trueopen cost`: the API bill and the self-host estimate for each model, same assumptions."""
    from .advise import cost as cost_mod

    catalog = loader.load()
    releases = [loader.find(q, catalog) for q in queries]
    g = cost_mod.gpu(assumptions.gpu)
    seen: set[str] = set()
    unique = [r for r in releases if not (r.id in seen or seen.add(r.id))]
    return CostResult(assumptions, g, [cost_mod.estimate(r, assumptions, g) for r in unique])


@dataclass
class ChooseResult:
    needs: "object"  # advise.choose.Needs
    ranking: str
    candidates: list  # advise.choose.Verdict, best first
    ruled_out: list  # advise.choose.Verdict, in catalog order


def choose(needs) -> ChooseResult:
    """`trueopen choose`: every catalog release checked against the needs with the same rights,
    assessments and cost estimates `can`, `show` and `cost` give."""
    from .advise import choose as choose_mod
    from .advise import cost as cost_mod
    from .errors import InputError
    from .licenses import rights

    if needs.budget is not None and needs.tokens is None:
        raise InputError("--budget", "a monthly budget needs --tokens, the volume it has to pay for")
    if needs.task is not None and needs.task not in choose_mod.TASKS:
        raise InputError("--task", f"'{needs.task}' is not one of {', '.join(choose_mod.TASKS)}")
    catalog = loader.load()
    questions = list(dict.fromkeys([*needs.rights_questions, "commercial", "on_prem"]))
    assumptions = (cost_mod.Assumptions(tokens=needs.tokens, precision=needs.precision, gpu=needs.gpu)
                   if needs.tokens is not None else None)
    g = cost_mod.gpu(needs.gpu)
    verdicts = []
    for r in catalog:
        est = cost_mod.estimate(r, assumptions, g) if assumptions is not None else None
        verdicts.append(choose_mod.evaluate(assess_release(r, catalog), rights.for_release(r, questions, needs.users),
                                            est, needs))
    fitting = [v for v in verdicts if v.fits]
    return ChooseResult(needs, choose_mod.ranking_text(needs), choose_mod.rank(fitting, needs),
                        [v for v in verdicts if not v.fits])


def benchmark_names() -> list[tuple[str, int]]:
    """`gap --list`: every benchmark with a recorded score, and how many releases report it."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for r in loader.load():
        for key in {loader.normalize(b.name): b.name for b in r.benchmarks}.items():
            counts[key[0]] = counts.get(key[0], 0) + 1
            shown.setdefault(key[0], key[1])
    return sorted(((shown[k], n) for k, n in counts.items()), key=lambda x: (-x[1], x[0].lower()))


def gap_plot(benchmark: str, path: Path) -> dict:
    """`gap --plot`: the best open, restricted-weights and closed score per quarter, as a picture."""
    from .advise import plots

    benchmark_gap(benchmark)  # an unknown benchmark fails here, with close names
    series = plots.gap_series(all_assessments(), benchmark)
    units = {b.unit for r in loader.load() for b in r.benchmarks if loader.normalize(b.name) == loader.normalize(benchmark)}
    plots.write_gap(series, benchmark, path, unit=units.pop() if len(units) == 1 else "%")
    return series


def producers_plot(query: str | None, path: Path) -> list:
    """`producers --plot`: each producer's releases on a time axis, coloured by verdict."""
    from .advise import plots

    rows = plots.timeline(producer_summaries(query))
    plots.write_timeline(rows, path)
    return rows


# ---- gate: bom and check ------------------------------------------------------------------------

def gate_subject(target: str, offline: bool | None = None, progress=None):
    """A catalog model by id, name or alias; else an audited source (folder, file, hf:, git URL).
    A local path always means its files, even when a catalog id has the same name."""
    from .gate import subject as gs

    if not Path(target).exists():
        catalog = loader.load()
        try:
            return gs.from_catalog(target, assess_release(loader.find(target, catalog), catalog))
        except NotFound:
            if "/" not in target and ":" not in target:
                raise
    result = audit(target, offline=offline, progress=progress)
    return gs.from_audit(target, result.assessment, result.audit)


def bom(targets: list[str], fmt: str = "cyclonedx", hash_files: bool = True, on_hash=None,
        offline: bool | None = None, progress=None) -> dict:
    """`trueopen bom`: one CycloneDX 1.6 or SPDX 3.0 document for the models given. `on_hash(total,
    rel, n)` hears of each chunk hashed (total bytes first, with rel None), for a progress bar."""
    from .gate import bom_cyclonedx, bom_spdx, facts, hashing

    subjects = [gate_subject(t, offline, progress) for t in targets]
    todo = [(s, w) for s in subjects if s.audit is not None and hash_files for w in s.audit.weight_files
            if w.format != "lfs-pointer" and w.rel in s.local]
    if on_hash:
        on_hash(sum(w.bytes for _, w in todo), None, 0)
    hashes: dict[int, dict[str, str]] = {}
    for s, w in todo:
        advance = (lambda n, rel=w.rel: on_hash(0, rel, n)) if on_hash else None
        hashes.setdefault(id(s), {})[w.rel] = hashing.sha256(s.local[w.rel], advance)
    gathered = []
    for s in subjects:
        base = None
        if s.assessment.release.base_model is not None:
            try:
                base = loader.find(s.assessment.release.base_model.id)
            except TrueopenError:
                base = None
        gathered.append(facts.gather(s, hashes.get(id(s)), base))
    return bom_spdx.build(gathered) if fmt == "spdx" else bom_cyclonedx.build(gathered)


def check(targets: list[str], policy_path: Path, offline: bool | None = None, progress=None, today=None):
    """`trueopen check`: the policy (read first: a bad policy fails before any slow work) against
    each model. Returns one report per target."""
    from .gate import check as check_mod
    from .gate import policy as policy_mod

    pol = policy_mod.load(policy_path)
    return [check_mod.evaluate(pol, gate_subject(t, offline, progress), today) for t in targets]

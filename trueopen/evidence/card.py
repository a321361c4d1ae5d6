"""Model cards: the YAML front matter the Hugging Face Hub reads, the sections people read, and how
complete the card is. Front matter is parsed by trueopen's bounded safe loader, then interpreted
with huggingface_hub's ModelCardData, the Hub's own reading of those fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import safeyaml
from ..errors import InputError
from ..licenses import identify

CARD_LIMIT = 2 * 1024 * 1024  # a card is prose; two megabytes is far past any real one
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
# An ATX heading: hashes, space, text. The closing hashes are stripped with str methods: a single
# pattern doing both (`(.+?)\s*#*\s*$`) backtracks cubically on a long line of spaces.
_HEADING = re.compile(r"(#{1,6})\s+(\S.*)")
HEADING_LIMIT = 300  # a heading people read is a line, not a page
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_BOLD_LEAD = re.compile(r"^\s*\*\*([^*]{3,60})\*\*")
_FENCE = re.compile(r"^\s*(```|~~~)")

# The sections a complete card has (after Mitchell et al., "Model Cards for Model Reporting", and the
# Hub's card template), with the heading words that name them. First match wins, in this order.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("environmental_impact", ("environmental", "carbon", "emission", "co2", "energy consumption", "footprint")),
    ("training_data", ("training data", "pretraining data", "pre-training data", "train data", "dataset", "data sources",
                       "data mixture", "corpus")),
    ("limitations", ("limitation", "bias", "risk", "ethic", "safety", "caveat", "out-of-scope", "out of scope",
                     "misuse", "responsible")),
    ("evaluation", ("evaluation", "results", "benchmark", "performance", "metrics")),
    ("intended_use", ("intended use", "intended uses", "uses", "use case", "direct use", "downstream use", "applications")),
    ("training_procedure", ("training procedure", "training details", "training", "pre-training", "pretraining",
                            "fine-tuning", "finetuning", "hyperparameter", "hyper parameter")),
)
SECTION_TITLES = {"intended_use": "intended use", "limitations": "limitations", "training_data": "training data",
                  "training_procedure": "training procedure", "evaluation": "evaluation",
                  "environmental_impact": "environmental impact"}
_OWN_PAPER_HEADING = re.compile(r"citation|cite|paper|publication|technical report|tech report|bibtex", re.I)
_OWN_PAPER_LINE = re.compile(r"\b(our|the|this|technical|tech)\s+(paper|report)\b|\bpaper\s*:|\breport\s*:", re.I)
_LINKS = {
    "arxiv": re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z-]+/\d{7})(?:v\d+)?", re.I),
    "doi": re.compile(r"(?:doi\.org/|\bdoi:\s*)(10\.\d{4,9}/[^\s\)\]\"'>,;]+)", re.I),
    "dataset": re.compile(r"huggingface\.co/datasets/([\w.-]+/[\w.-]+|[\w.-]+)", re.I),
    "github": re.compile(r"github\.com/([\w.-]+/[\w.-]+)", re.I),
    "acl": re.compile(r"(?:aclanthology\.org|aclweb\.org/anthology)/(\d{4}\.[\w-]+\.\d+|[A-Z]\d{2}-\d{4})", re.I),
    "openreview": re.compile(r"openreview\.net/(?:forum|pdf)\?id=([\w-]{4,40})", re.I),
    "hub": re.compile(r"(?<![\w.-])(?:huggingface|hf)\.co/([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96})", re.I),
}
PAPER_KINDS = ("arxiv", "doi", "acl", "openreview")
# First parts of huggingface.co paths that are the site's own pages, not ORG/NAME model repositories.
HUB_PAGES = frozenset({"datasets", "spaces", "docs", "blog", "papers", "models", "collections", "organizations",
                       "settings", "join", "login", "learn", "tasks", "api", "new", "pricing", "enterprise", "chat",
                       "posts", "courses", "search", "changelog", "hardware", "inference-endpoints", "inference-api",
                       "storage", "welcome", "terms-of-service", "privacy", "support", "transformers"})
_PAPER_LABEL = re.compile(r"\b(paper|arxiv|preprint|publication|technical report|tech report)\b", re.I)
_MD_LABEL = re.compile(r"\[([^\[\]]{1,100})\]\(\s*<?(?:https?://)?(?:www\.)?$")
_HTML_LABEL = re.compile(r"""alt\s*=\s*["']([^"'<>]{1,100})["']|>([^<>]{1,100})</a>""", re.I)


@dataclass(frozen=True)
class Section:
    kind: str
    heading: str
    line: int


@dataclass(frozen=True)
class Link:
    kind: str  # arxiv | doi | dataset | github
    value: str
    line: int
    heading: str = ""  # the heading the link sits under
    context: str = ""  # the line around the link: up to 200 characters before it and 60 after
    label: str = ""  # the link's own text: [label](url), or an HTML link's text or image alt
    before: str = ""  # the end of the line before: a wrapped paragraph's "our" may sit there
    in_table: bool = False  # on a table row: a table of datasets cites their papers

    @property
    def describes_model(self) -> bool:
        """A paper about this model, rather than one it cites (datasets, methods): it sits under a
        citation or paper heading, its own text says paper or arXiv (a "[paper](...)" link, a badge),
        or its line calls it the paper or report, outside a table."""
        if _OWN_PAPER_HEADING.search(self.heading):
            return True
        said = _OWN_PAPER_LINE.search(f"{self.before} {self.context[:self.context.find(self.value)]}"
                                      if self.before and self.value in self.context else self.context)
        return bool(said or _OWN_PAPER_LINE.search(self.context) or _PAPER_LABEL.search(self.label)) \
            and not self.in_table


@dataclass
class Card:
    path: str
    data: dict[str, object] = field(default_factory=dict)  # front matter as parsed
    field_spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # first and last line of each field
    headings: list[tuple[str, int, int]] = field(default_factory=list)  # text, line, level (7: bold lead)
    sections: list[Section] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    eval_results: list[dict[str, object]] = field(default_factory=list)
    eval_table_line: int | None = None
    problems: list[str] = field(default_factory=list)

    def first(self, kind: str) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def strings(self, key: str) -> list[str]:
        """A front-matter field that may be a string or a list of strings."""
        v = self.data.get(key)
        items = v if isinstance(v, list) else [v] if v is not None else []
        return [str(x) for x in items if isinstance(x, (str, int, float)) and str(x).strip()]

    @property
    def field_lines(self) -> dict[str, int]:
        return {k: first for k, (first, _) in self.field_spans.items()}

    @property
    def completeness(self) -> dict[str, dict[str, object]]:
        """Each expected section: present or not, and what shows it (a heading or a front-matter field)."""
        out: dict[str, dict[str, object]] = {}
        for kind, _ in SECTIONS:
            sec = self.first(kind)
            if sec is not None:
                out[kind] = {"present": True, "line": sec.line, "detail": f"heading '{sec.heading}'"}
            elif kind == "evaluation" and self.eval_results:
                out[kind] = {"present": True, "line": self.field_lines.get("model-index"), "detail": "model-index results"}
            elif kind == "training_data" and self.strings("datasets"):
                out[kind] = {"present": True, "line": self.field_lines.get("datasets"), "detail": "datasets field"}
            elif kind == "environmental_impact" and "co2_eq_emissions" in self.data:
                out[kind] = {"present": True, "line": self.field_lines.get("co2_eq_emissions"), "detail": "co2_eq_emissions field"}
            else:
                out[kind] = {"present": False, "line": None, "detail": "no such section"}
        order = [k for k in SECTION_TITLES if k in out]
        return {k: out[k] for k in order}

    @property
    def score(self) -> float:
        c = self.completeness
        return sum(1 for v in c.values() if v["present"]) / len(c)


def parse(text: str, path: str) -> Card:
    """Read a model card's text; a malformed front matter is a problem on the card, not a crash."""
    card = Card(path)
    body_start = 0
    m = FRONT_MATTER.match(text)
    if m:
        body_start = m.group(0).count("\n")
        try:
            data = safeyaml.loads(m.group(1), path)
        except InputError as exc:
            card.problems.append(f"front matter not read: {exc.problem}")
            data = None
        if isinstance(data, dict):
            card.data = {str(k): v for k, v in data.items()}
            card.field_spans = {k: v for k, v in identify.field_spans(m.group(1)).items() if k in card.data}
            card.eval_results = eval_results_from(card.data.get("model-index"), card)
        elif data is not None:
            card.problems.append("front matter is not a mapping of fields")
    lines = text.splitlines()
    in_fence = False
    current = ""
    for i, line in enumerate(lines[body_start:], start=body_start + 1):
        for kind, rx in _LINKS.items():
            for lm in rx.finditer(line):
                if len(card.links) >= MAX_LINKS:
                    break
                value = lm.group(1).rstrip(".)}")
                if kind == "hub" and (value.split("/", 1)[0].lower() in HUB_PAGES or not _valid_repo_id(value)):
                    continue
                around = line[max(0, lm.start() - 200):lm.end() + 60].strip()
                card.links.append(Link(kind, value, i, current, around, _label(line, lm.start(), lines, i),
                                       lines[i - 2].strip()[-80:] if i >= 2 and lm.start() < 80 else "",
                                       line.lstrip().startswith("|")))
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        h = _HEADING.match(line)
        heading, level = (_heading_text(h.group(2)), len(h.group(1))) if h else (None, 0)
        if heading is None and i - 2 >= body_start and _SETEXT.match(line) and lines[i - 2].strip():
            heading, level, i = lines[i - 2].strip(), 1 if line.lstrip().startswith("=") else 2, i - 1
        if heading is None and (b := _BOLD_LEAD.match(line)):
            heading, level = b.group(1), 7  # "**Training Factors** We used..." reads as a small heading
        if heading is None:
            if card.eval_table_line is None and line.lstrip().startswith(("|", "<table")) and _in_evaluation_section(card):
                card.eval_table_line = i
            continue
        heading = re.sub(r"<[^>]{0,200}>|[*_`\[\]]", "", heading[:HEADING_LIMIT]).strip()
        current = heading
        card.headings.append((heading, i, level))
        kind = section_kind(heading)
        if kind:
            card.sections.append(Section(kind, heading, i))
    return card


def _heading_text(raw: str) -> str:
    """An ATX heading's text without its optional closing hashes ("## Title ##" -> "Title")."""
    body = raw.rstrip()
    return body.rstrip("#").rstrip() or body[:1]


MAX_LINKS = 5000


def _label(line: str, start: int, lines: list[str], lineno: int) -> str:
    """The text a link is shown with: "[label](url)", or an HTML link's text or image alt on this
    line or the next two (a README's badges: <a href=...><img alt="Paper"></a>)."""
    if m := _MD_LABEL.search(line[max(0, start - 140):start]):
        return m.group(1)
    before = line[max(0, start - 40):start].lower()
    if "href" in before:
        rest = " ".join([line[start:start + 300], *(x[:300] for x in lines[lineno:lineno + 2])])
        if m := _HTML_LABEL.search(rest):
            return (m.group(1) or m.group(2) or "").strip()
    return ""


def _valid_repo_id(value: str) -> bool:
    """The Hub's own rule for a repository id (huggingface_hub's validator)."""
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(value)
    except HFValidationError:
        return False
    return True


def model_index_name(card: Card) -> str | None:
    """The model's name as the card's model-index gives it (the Hub's results widget)."""
    mi = card.data.get("model-index")
    first = mi[0] if isinstance(mi, list) and mi else None
    name = first.get("name") if isinstance(first, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() and len(name) <= 200 else None


def section_kind(heading: str) -> str | None:
    low = heading.lower()
    if low.strip() in ("usage", "how to use", "quickstart", "quick start", "citation", "license"):
        return None
    for kind, words in SECTIONS:
        if any(re.search(r"(?<![a-z])" + re.escape(w), low) for w in words):
            return kind
    return None


def _in_evaluation_section(card: Card) -> bool:
    return bool(card.sections) and card.sections[-1].kind == "evaluation"


def eval_results_from(model_index: object, card: Card) -> list[dict[str, object]]:
    if not isinstance(model_index, list):
        return []
    from huggingface_hub.repocard_data import model_index_to_eval_results

    try:
        _, results = model_index_to_eval_results(model_index)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        card.problems.append(f"model-index not read: {type(exc).__name__} {exc}"[:200])
        return []
    out = []
    for r in results[:500]:
        out.append({"task": _plain(r.task_type), "dataset": _plain(r.dataset_name or r.dataset_type),
                    "metric": _plain(r.metric_type), "value": _plain(r.metric_value)})
    return out


def _plain(value: object) -> object:
    """A value as JSON can hold it: YAML dates, sets and binary in a model-index become text."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)[:200]

"""The summary at the end of a scan: counts by verdict, license and weight format, and the sources
with warnings or errors. Counts only, so memory stays flat however many sources are scanned."""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field

from ..report.safe_text import printable
from .records import Brief

SHOWN_PROBLEMS = 50  # listed by name; the rest are counted (the output file has them all)


@dataclass
class Summary:
    verdicts: Counter = field(default_factory=Counter)
    licenses: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)
    clean: int = 0
    warnings: int = 0
    errors: int = 0
    skipped: int = 0  # already in the output (--resume)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, source, text)

    @property
    def total(self) -> int:
        return self.clean + self.warnings + self.errors

    def add(self, source: str, b: Brief) -> None:
        if b.error:
            self.errors += 1
        else:
            self.verdicts[b.verdict or "unknown"] += 1
            self.licenses[b.license or "(none found)"] += 1
            self.formats[b.format or "(no weights)"] += 1
            if b.clean:
                self.clean += 1
            else:
                self.warnings += 1
        if b.problem is not None and len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(("error" if b.error else "warning", source, b.problem))


def _fit(text: str, width: int) -> str:
    """Cut in the middle with '...', keeping the end of a path (its most telling part)."""
    text = printable(text)
    if len(text) <= width:
        return text
    keep = width - 3
    return text[: keep // 3] + "..." + text[len(text) - (keep - keep // 3):]


def _counts(title: str, counts: Counter, width: int) -> list[str]:
    if not counts:
        return []
    lines = [f"{title:<{width - 9}}{'sources':>9}"]
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {_fit(str(key), width - 12):<{width - 11}}{n:>9,}")
    return lines + [""]


def render(s: Summary, seconds: float, width: int = 80) -> str:
    """The summary as plain text lines of at most `width` columns."""
    rate = f" ({s.total / seconds:,.1f}/s)" if seconds > 0 and s.total else ""
    head = f"Scanned {s.total:,} source{'s' if s.total != 1 else ''} in {seconds:,.1f} s{rate}"
    tally = f"{s.clean:,} clean, {s.warnings:,} with warnings, {s.errors:,} errors"
    if s.skipped:
        tally += f"; {s.skipped:,} already done (--resume)"
    lines = [_fit(head, width), _fit(tally, width), ""]
    lines += _counts("verdict", s.verdicts, width)
    lines += _counts("weights license", s.licenses, width)
    lines += _counts("weight format", s.formats, width)
    if s.problems:
        lines.append(f"Warnings and errors ({s.warnings + s.errors:,})")
        for kind, source, text in s.problems:
            lines.append(f"  {kind:<8}{_fit(source, width - 10)}")
            lines += [f"          {part}" for part in textwrap.wrap(printable(text), width - 10, max_lines=3,
                                                                  break_on_hyphens=False)]
        more = s.warnings + s.errors - len(s.problems)
        if more > 0:
            lines.append(f"  (+{more:,} more in the output file: the records whose error is set or")
            lines.append("  whose notices hold a warning)")
    return "\n".join(lines).rstrip("\n") + "\n"

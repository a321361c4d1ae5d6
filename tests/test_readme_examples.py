"""README.md's example outputs are what the commands print: regenerated from the real CLI and
compared, so a change to a renderer, a verdict reason or the catalog shows up here until
`python scripts/write_readme_examples.py` is rerun."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "write_readme_examples.py"


def check(readme: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--check", "--readme", str(readme)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)


def test_readme_examples_are_the_commands_output():
    res = check(ROOT / "README.md")
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr


def _block(text: str, marker: str) -> str:
    start = text.index(marker)
    return text[start:text.index("```\n", text.index("```text", start) + 7) + 4]


def test_a_stale_example_is_caught_and_the_script_rewrites_it(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count("<!-- example") >= 5, "the README shows its examples"
    marker = "<!-- example: trueopen can llama-2-7b --users 800M --distill -->"
    committed = _block(text, marker)
    stale = tmp_path / "README.md"
    stale.write_text(f"# one example\n\n{marker}\n```text\n$ trueopen can llama-2-7b --users 800M --distill\n"
                     "allowed, all of it\n```\n\nafter\n", encoding="utf-8")
    res = check(stale)
    assert res.returncode == 1 and "-allowed, all of it" in res.stdout and "+(exit 1)" in res.stdout
    subprocess.run([sys.executable, str(SCRIPT), "--readme", str(stale)], check=True, capture_output=True,
                   timeout=900, cwd=ROOT)
    fixed = stale.read_text(encoding="utf-8")
    assert _block(fixed, marker) == committed, "regenerating gives the committed example"
    assert fixed.startswith("# one example\n") and fixed.endswith("\nafter\n"), "text around it is kept"

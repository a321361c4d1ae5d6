"""Regenerate docs/disagreements.md from the catalog, the imported Open Source AI Index and the
imported Model Openness Tool files."""

from pathlib import Path

from trueopen import service
from trueopen.catalog import disagreements, loader

OUT = Path(__file__).resolve().parent.parent / "docs" / "disagreements.md"


def render() -> str:
    catalog = loader.load()
    listed = [service.assess_release(r) for r in catalog if "osai-index" in r.listed_in]
    return disagreements.markdown(disagreements.rows(listed), listed) + disagreements.mot_markdown(list(catalog))


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")

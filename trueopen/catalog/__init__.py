"""Bundled knowledge: one YAML file per release, and importers from other formats."""

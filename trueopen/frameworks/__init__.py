"""Openness frameworks: each a pure function of a Release, citing the framework's version."""

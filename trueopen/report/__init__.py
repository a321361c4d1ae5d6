"""Renderers: they only format an Assessment; no judgement happens here."""

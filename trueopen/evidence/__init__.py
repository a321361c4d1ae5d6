"""Collectors (folder, Hugging Face cache, Hub, git) and detectors (weights, card, code, docs).

The only code besides the license reader that touches a model's files. Nothing here executes what
it reads: weights are read by their headers only, pickles never, YAML safely, text within bounds.
"""

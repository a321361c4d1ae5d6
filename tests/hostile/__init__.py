"""Hostile inputs for the CLI: each case writes its input under a folder and returns the arguments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], list[str]]
    exits: tuple[int, ...] = (1, 2)

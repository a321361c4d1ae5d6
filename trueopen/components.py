"""The 17 components of the Model Openness Framework (MOF 1.0).

Names are the exact strings MOF release files use; MOT matches them case-sensitively.
The class is the lowest (entry-level is III) class that requires the component.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ContentType = Literal["code", "data", "document"]


@dataclass(frozen=True)
class ComponentSpec:
    id: int
    name: str
    content_type: ContentType
    mof_class: int  # 3, 2 or 1
    required: bool


# Order is MOT's component order (its lookup of an unknown name lands on the first one).
COMPONENTS: tuple[ComponentSpec, ...] = (
    ComponentSpec(15, "Datasets", "data", 1, True),
    ComponentSpec(16, "Data preprocessing code", "code", 1, True),
    ComponentSpec(9, "Model architecture", "code", 3, True),
    ComponentSpec(10, "Model parameters (Final)", "data", 3, True),
    ComponentSpec(12, "Evaluation results", "document", 3, True),
    ComponentSpec(13, "Model card", "document", 3, True),
    ComponentSpec(14, "Data card", "document", 3, True),
    ComponentSpec(11, "Technical report", "document", 3, True),
    ComponentSpec(20, "Sample model outputs", "document", 3, False),
    ComponentSpec(7, "Training code", "code", 2, True),
    ComponentSpec(8, "Inference code", "code", 2, True),
    ComponentSpec(18, "Evaluation code", "code", 2, True),
    ComponentSpec(19, "Evaluation data", "data", 2, True),
    ComponentSpec(22, "Supporting libraries and tools", "code", 2, False),
    ComponentSpec(24, "Model parameters (Intermediate)", "data", 1, True),
    ComponentSpec(21, "Research paper", "document", 1, True),
    ComponentSpec(17, "Model metadata", "data", 1, False),
)

BY_NAME: dict[str, ComponentSpec] = {c.name: c for c in COMPONENTS}
BY_ID: dict[int, ComponentSpec] = {c.id: c for c in COMPONENTS}
NAMES: tuple[str, ...] = tuple(c.name for c in COMPONENTS)

# Short names for code and filters.
ARCHITECTURE = "Model architecture"
WEIGHTS = "Model parameters (Final)"
CHECKPOINTS = "Model parameters (Intermediate)"
DATASETS = "Datasets"
PREPROCESSING_CODE = "Data preprocessing code"
TRAINING_CODE = "Training code"
INFERENCE_CODE = "Inference code"
EVALUATION_CODE = "Evaluation code"
EVALUATION_DATA = "Evaluation data"
EVALUATION_RESULTS = "Evaluation results"
SUPPORTING_LIBRARIES = "Supporting libraries and tools"
MODEL_CARD = "Model card"
DATA_CARD = "Data card"
TECHNICAL_REPORT = "Technical report"
RESEARCH_PAPER = "Research paper"
SAMPLE_OUTPUTS = "Sample model outputs"
MODEL_METADATA = "Model metadata"


def required_for(mof_class: int) -> list[ComponentSpec]:
    """Required components a class adds on top of the classes below it."""
    return [c for c in COMPONENTS if c.required and c.mof_class == mof_class]


def suggest(name: str) -> str | None:
    """The component name a user most likely meant (case and punctuation ignored)."""
    def norm(s: str) -> str:
        return "".join(ch for ch in s.lower() if ch.isalnum())

    wanted = norm(name)
    for c in COMPONENTS:
        if norm(c.name) == wanted:
            return c.name
    return None

"""Plain frozen records the store hands to its callers (no SQLAlchemy objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

LABEL_STATUSES: tuple[str, ...] = ("machine", "confirmed", "corrected", "manual")
"""machine: the machine's unreviewed guess; confirmed: the person agreed with the machine's guess;
corrected: the person chose another class than the machine's guess (a relabel); manual: labelled
by the person with no machine guess."""


@dataclass(frozen=True)
class ProjectInfo:
    """A project as stored, with how many labels and trainings it has."""

    id: int
    name: str
    dataset_spec: str
    pool_size: int
    n_classes: int
    projection: str
    config: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    n_labels: int
    n_iterations: int


@dataclass(frozen=True)
class LabelRecord:
    """The label in force for one sample."""

    sample: int
    label: int
    confidence: float
    status: str
    predicted: int | None
    probability: float | None
    iteration: int
    updated_at: datetime


@dataclass(frozen=True)
class LabelChange:
    """One label to write with `Store.set_labels` (the same fields as `Store.set_label`).

    `iteration` is required and keyword-only, as in `Store.set_label`.
    """

    sample: int
    label: int
    confidence: float
    status: str
    predicted: int | None = None
    probability: float | None = None
    iteration: int = field(kw_only=True)


@dataclass(frozen=True, eq=False)
class LabelArrays:
    """All labels of a project as numpy arrays, sorted by sample.

    `predicted` is -1 where there was no machine guess, `probability` NaN where there was none.
    """

    samples: np.ndarray  # int64
    labels: np.ndarray  # int64
    confidences: np.ndarray  # float32
    statuses: np.ndarray  # str
    predicted: np.ndarray  # int64, -1 = none
    probability: np.ndarray  # float32, nan = none
    iterations: np.ndarray  # int64

    def __len__(self) -> int:
        return int(self.samples.shape[0])


@dataclass(frozen=True)
class IterationRecord:
    """One training of a project."""

    number: int  # 1, 2, ... (the n-th training of the project)
    n_labels: int  # labels used for this training
    selection: str  # how this iteration's new samples were chosen, e.g. "LCRS", "LCRS+manual"
    classifier: str  # "cnn" | "logreg"
    guide: str  # scheme whose model guides the machine after this iteration
    accuracies: dict[str, float | None]  # scheme -> test accuracy in [0, 1], None without test set
    relabels: int  # corrected labels among the labels given for this iteration
    seconds: float  # wall time of the training
    confusion: list[list[int]] | None  # guide model's confusion matrix on the test set
    details: dict[str, Any] = field(default_factory=dict)  # free JSON
    created_at: datetime | None = None

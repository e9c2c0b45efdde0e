"""The project store: projects, labels, training history, models and pool probabilities.

Imports only numpy, SQLAlchemy and the standard library (never TensorFlow, Keras, UMAP or Dash).
"""

from __future__ import annotations

from activate_dash.store.records import (
    LABEL_STATUSES,
    IterationRecord,
    LabelArrays,
    LabelChange,
    LabelRecord,
    ProjectInfo,
)
from activate_dash.store.store import Store

__all__ = [
    "LABEL_STATUSES",
    "IterationRecord",
    "LabelArrays",
    "LabelChange",
    "LabelRecord",
    "ProjectInfo",
    "Store",
]

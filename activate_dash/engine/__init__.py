"""The learning engine: selection, projections, training schemes, the loop and the bench.

It knows nothing of Dash. TensorFlow/Keras load only when a model is trained or loaded, UMAP only
when a UMAP projection is computed.
"""

from __future__ import annotations

from activate_dash.engine.selection import (
    SELECTION_SCHEMES,
    Selection,
    SelectionFallbackWarning,
    select,
    select_samples,
)

__all__ = [
    "SELECTION_SCHEMES",
    "Selection",
    "SelectionFallbackWarning",
    "select",
    "select_samples",
]

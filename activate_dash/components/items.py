"""Plain builders for the class board's props: classes, items and image thumbnails.

No Dash here, so the web layer and the tests can build and check props without a browser.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

import numpy as np

BOARD_STATUSES = ("machine", "confirmed", "corrected", "manual", "unlabelled")


def class_colors(n_classes: int) -> list[str]:
    """`n_classes` distinct colours (Plotly's T10, then Alphabet for more than ten)."""
    from plotly.colors import qualitative

    palette = qualitative.T10 if n_classes <= len(qualitative.T10) else qualitative.Alphabet
    return [palette[i % len(palette)] for i in range(n_classes)]


def board_classes(names: Sequence[str], colors: Sequence[str] | None = None) -> list[dict]:
    """The board's `classes` prop: the i-th class has value i and label `names[i]`."""
    colors = list(colors) if colors is not None else class_colors(len(names))
    return [{"value": i, "label": str(name), "color": colors[i]} for i, name in enumerate(names)]


def image_data_uri(image: np.ndarray) -> str:
    """A PNG data URI of one image: (h, w), (h, w, 1) or (h, w, 3), floats in [0, 1] or uint8."""
    from PIL import Image

    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.dtype != np.uint8:
        array = (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def board_item(
    sample_id: int | str,
    src: str,
    *,
    probabilities: Sequence[float] | np.ndarray | None = None,
    column: int | None = None,
    confidence: float | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """One board item.

    With probabilities and no label it is the machine's guess: in the predicted column at the
    predicted probability. With a `column` it is the person's label (status `manual`,
    `confirmed` or `corrected` unless given). With neither it is unlabelled.
    """
    predicted = None
    probs = None
    if probabilities is not None:
        probs = [round(float(p), 4) for p in np.asarray(probabilities, dtype=float)]
        predicted = int(np.argmax(probs))
    if column is None and predicted is not None and status in (None, "machine"):
        column, confidence, status = predicted, probs[predicted], "machine"
    elif column is None:
        confidence, status = 0.0, "unlabelled"
    elif status is None:
        if predicted is None:
            status = "manual"
        else:
            status = "confirmed" if column == predicted else "corrected"
    if status not in BOARD_STATUSES:
        raise ValueError(f"unknown board status {status!r}; expected one of {BOARD_STATUSES}")
    return {
        "id": sample_id,
        "src": src,
        "column": column,
        "confidence": round(float(confidence if confidence is not None else 0.5), 3),
        "status": status,
        "predicted": predicted,
        "probabilities": probs,
    }

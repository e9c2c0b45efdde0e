"""Plotly figures for the views, built from plain arrays and records (no Dash).

The pool figure has fixed traces so that updates can patch one small trace at a time:
POOL (every point, grey, never sent again), LABELLED (class colours), BOARD (samples on the
board; machine-chosen ones as diamonds) and HIGHLIGHT (a confusion-matrix cell's samples).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

if TYPE_CHECKING:
    from activate_dash.store import IterationRecord

POOL, LABELLED, BOARD, HIGHLIGHT = range(4)
GREY = "rgba(140, 140, 140, 0.35)"
SCHEME_COLOURS = {"SIL": "#0072b2", "IL": "#009e73", "IDA": "#e69f00", "CBA": "#cc79a7"}
UIREVISION = "pool"  # zoom and pan survive every update


def labelled_trace_update(
    points: np.ndarray, samples: np.ndarray, labels: np.ndarray, colours: Sequence[str]
) -> dict:
    """x, y, colours and ids of the labelled samples (for the LABELLED trace)."""
    samples = np.asarray(samples, dtype=np.int64)
    return {
        "x": points[samples, 0].tolist(),
        "y": points[samples, 1].tolist(),
        "customdata": samples.tolist(),
        "marker": {"color": [colours[int(c)] for c in labels], "size": 8, "line": {"width": 0}},
    }


def board_trace_update(points: np.ndarray, board: Sequence[int], machine: Sequence[int]) -> dict:
    """x, y, symbols and ids of the samples on the board (for the BOARD trace)."""
    samples = np.asarray(list(board), dtype=np.int64)
    chosen = set(machine)
    return {
        "x": points[samples, 0].tolist(),
        "y": points[samples, 1].tolist(),
        "customdata": samples.tolist(),
        "marker": {
            "symbol": ["diamond-open" if int(s) in chosen else "circle-open" for s in samples],
            "size": 13,
            "color": "#111",
            "line": {"width": 2},
        },
    }


def highlight_trace_update(points: np.ndarray, samples: Sequence[int]) -> dict:
    samples = np.asarray(list(samples), dtype=np.int64)
    return {
        "x": points[samples, 0].tolist(),
        "y": points[samples, 1].tolist(),
        "customdata": samples.tolist(),
    }


def pool_figure(
    points: np.ndarray,
    labelled: dict,
    board: dict,
    *,
    title: str = "",
    confidence: np.ndarray | None = None,
) -> go.Figure:
    """The sample pool as a WebGL scatter with its four traces."""
    xy = np.asarray(points, dtype=np.float32)
    pool_marker: dict = {"color": GREY, "size": 4}
    if confidence is not None:
        pool_marker = confidence_marker(confidence)
    figure = go.Figure(
        [
            go.Scattergl(
                x=xy[:, 0],
                y=xy[:, 1],
                mode="markers",
                name="pool",
                marker=pool_marker,
                hoverinfo="none",
            ),
            go.Scattergl(mode="markers", name="labelled", hoverinfo="none", **labelled),
            go.Scattergl(mode="markers", name="on the board", hoverinfo="none", **board),
            go.Scattergl(
                x=[],
                y=[],
                customdata=[],
                mode="markers",
                name="matrix cell",
                hoverinfo="none",
                marker={"symbol": "x", "size": 7, "color": "#d55e00"},
            ),
        ]
    )
    figure.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 13}},
        uirevision=UIREVISION,
        dragmode="lasso",
        clickmode="event+select",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        plot_bgcolor="white",
        height=520,
    )
    return figure


def confidence_marker(confidence: np.ndarray) -> dict:
    """Colour the pool by the machine's confidence (float32 array sent as a typed array)."""
    return {
        "color": np.asarray(confidence, dtype=np.float32),
        "colorscale": "Viridis",
        "cmin": 0.0,
        "cmax": 1.0,
        "size": 4,
        "colorbar": {"title": {"text": "machine's confidence"}, "thickness": 10},
    }


def accuracy_figure(history: Sequence[IterationRecord]) -> go.Figure:
    """Test accuracy per scheme against labels, the user-effort line and cumulative relabels."""
    figure = go.Figure()
    labels = [r.n_labels for r in history]
    schemes = list(dict.fromkeys(s for r in history for s in r.accuracies))
    for scheme in schemes:
        values = [r.accuracies.get(scheme) for r in history]
        figure.add_scatter(
            x=labels,
            y=[None if v is None else 100 * v for v in values],
            mode="lines+markers",
            name=scheme,
            line={"color": SCHEME_COLOURS.get(scheme)},
        )
    previous = [0, *labels][: len(labels)]
    effort = [
        100 * r.relabels / max(1, n - p) for r, n, p in zip(history, labels, previous, strict=True)
    ]
    figure.add_scatter(
        x=labels,
        y=effort,
        mode="lines",
        name="user effort (% relabelled)",
        line={"dash": "dash", "color": "#555"},
    )
    relabels_total = np.cumsum([r.relabels for r in history]).tolist()
    figure.add_bar(
        x=labels,
        y=relabels_total,
        name="relabels (total)",
        yaxis="y2",
        marker={"color": "rgba(213, 94, 0, 0.25)"},
    )
    figure.update_layout(
        xaxis={"title": {"text": "labels"}},
        yaxis={"title": {"text": "test accuracy / effort (%)"}, "range": [0, 100]},
        yaxis2={
            "title": {"text": "relabels"},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            # whole relabels only: about five ticks, never 0.2 of a relabel
            "tick0": 0,
            "dtick": max(1, math.ceil(max(relabels_total, default=0) / 5)),
        },
        margin={"l": 50, "r": 50, "t": 10, "b": 40},
        # below the plot: inside it the legend hid the first iterations' points
        legend={"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
        height=360,
    )
    return figure


def confusion_figure(confusion: list[list[int]] | None, class_names: Sequence[str]) -> go.Figure:
    """The guide model's confusion matrix as a heatmap with counts (rows: true class)."""
    import plotly.express as px

    names = [str(n) for n in class_names]
    matrix = np.zeros((len(names), len(names)), dtype=int) if confusion is None else confusion
    figure = px.imshow(
        np.asarray(matrix),
        x=names,
        y=names,
        text_auto=True,
        color_continuous_scale="Blues",
        labels={"x": "predicted", "y": "true", "color": "samples"},
        aspect="equal",
    )
    figure.update_layout(margin={"l": 40, "r": 10, "t": 20, "b": 40}, height=360)
    figure.update_xaxes(side="bottom", type="category")
    figure.update_yaxes(type="category")
    return figure

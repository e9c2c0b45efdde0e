"""Metrics: test accuracy, the paper's learning-curve AUC, relabels and the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def accuracy(truth: np.ndarray, predictions: np.ndarray) -> float:
    """The fraction of predictions equal to the truth, in [0, 1]."""
    truth = np.asarray(truth)
    return float(np.mean(truth == np.asarray(predictions))) if truth.size else 0.0


def learning_curve_auc(accuracies: Sequence[float | None]) -> float | None:
    """Area under the learning curve as the paper reports it.

    The mean of the per-iteration test accuracies in percentage points (0-100): with one
    iteration per 10 labels, the area under accuracy-against-labels divided by the labels' range.
    The paper's best, LCRS with IL, is 77.85. Iterations without an accuracy are left out.
    """
    values = [a for a in accuracies if a is not None]
    return round(100.0 * float(np.mean(values)), 2) if values else None


def count_relabels(labels: np.ndarray, predicted: np.ndarray) -> int:
    """How many of the person's labels differ from the machine's guess at the time.

    `predicted` is -1 where the machine had no guess (no model yet): those are not relabels.
    """
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    return int(np.sum((predicted >= 0) & (predicted != labels)))


def confusion(truth: np.ndarray, predictions: np.ndarray, n_classes: int) -> list[list[int]]:
    """Confusion matrix as lists: rows are the true classes, columns the predicted ones."""
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(truth, predictions, labels=np.arange(n_classes))
    return matrix.astype(int).tolist()

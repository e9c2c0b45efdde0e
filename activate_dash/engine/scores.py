"""Uncertainty scores: pure functions over a (n_samples, n_classes) probability matrix.

Each returns one score per row where a *higher* score means *more uncertain*, so that every
uncertainty strategy is "take the n highest scores".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _as_probabilities(probabilities: np.ndarray) -> np.ndarray:
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"expected a (n_samples, n_classes >= 2) matrix, got shape {p.shape}")
    return p


def least_confidence(probabilities: np.ndarray) -> np.ndarray:
    """1 - the top class probability (LC): high when the machine's best guess is weak."""
    return 1.0 - _as_probabilities(probabilities).max(axis=1)


def margin_uncertainty(probabilities: np.ndarray) -> np.ndarray:
    """The negated gap between the two highest probabilities (MC): high when two classes tie."""
    top_two = np.sort(_as_probabilities(probabilities), axis=1)[:, -2:]
    return -(top_two[:, 1] - top_two[:, 0])


def entropy(probabilities: np.ndarray) -> np.ndarray:
    """Shannon entropy in nats (EC): high when the probability is spread over many classes."""
    p = _as_probabilities(probabilities)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p), 0.0)
    return -terms.sum(axis=1)


UNCERTAINTY_SCORES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "LC": least_confidence,
    "MC": margin_uncertainty,
    "EC": entropy,
}


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n highest scores, highest first (ties keep their original order)."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    return order[:n]

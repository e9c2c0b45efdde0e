"""The paper's eight machine selection schemes: RS, DS and LC/MC/EC over RS or DS candidates.

Pure numpy and scikit-learn. A scheme picks among the *unlabelled* samples only, and returns
exactly `n` distinct pool indices (fewer only when fewer samples are unlabelled).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from activate_dash.engine.scores import UNCERTAINTY_SCORES, top_n
from activate_dash.errors import SelectionError

SELECTION_SCHEMES: tuple[str, ...] = ("RS", "DS", "LCRS", "LCDS", "MCRS", "MCDS", "ECRS", "ECDS")
SELECTION_NAMES: dict[str, str] = {
    "RS": "random",
    "DS": "distance-based (farthest point)",
    "LCRS": "least confidence over random candidates",
    "LCDS": "least confidence over distance-based candidates",
    "MCRS": "margin over random candidates",
    "MCDS": "margin over distance-based candidates",
    "ECRS": "entropy over random candidates",
    "ECDS": "entropy over distance-based candidates",
}

PredictProba = Callable[[np.ndarray], np.ndarray]


class SelectionFallbackWarning(UserWarning):
    """An uncertainty scheme ran without a model and used its candidate method alone."""


@dataclass(frozen=True)
class Selection:
    """What a selection returned, and which method actually chose it."""

    indices: np.ndarray
    scheme: str
    used: str
    note: str | None = None


def select(
    scheme: str,
    n: int,
    *,
    points: np.ndarray,
    labelled: np.ndarray,
    predict_proba: PredictProba | None = None,
    seed: int | None = None,
) -> np.ndarray:
    """Pool indices of `n` unlabelled samples chosen by `scheme` (see `select_samples`).

    A fallback (an uncertainty scheme with no model) is reported as a `SelectionFallbackWarning`.
    """
    result = select_samples(
        scheme, n, points=points, labelled=labelled, predict_proba=predict_proba, seed=seed
    )
    if result.note:
        warnings.warn(result.note, SelectionFallbackWarning, stacklevel=2)
    return result.indices


def select_samples(
    scheme: str,
    n: int,
    *,
    points: np.ndarray,
    labelled: np.ndarray,
    predict_proba: PredictProba | None = None,
    seed: int | None = None,
) -> Selection:
    """Choose `n` unlabelled samples with one of `SELECTION_SCHEMES`.

    `points` (N, d) is the space distances are measured in, `labelled` a boolean mask of length N
    (samples to leave alone), `predict_proba(indices)` the machine's class probabilities.
    """
    scheme = _check_scheme(scheme)
    points, labelled, n = _check_inputs(points, labelled, n)
    rng = np.random.default_rng(seed)
    unlabelled = np.flatnonzero(~labelled)
    n = min(n, unlabelled.size)
    if n == 0:
        return Selection(np.empty(0, dtype=np.int64), scheme, scheme)

    candidate_method = scheme[-2:]
    if scheme in ("RS", "DS"):
        return Selection(_choose(candidate_method, n, points, labelled, rng), scheme, scheme)
    if predict_proba is None:
        note = f"{scheme} needs a trained model; none yet, so {candidate_method} chose instead."
        indices = _choose(candidate_method, n, points, labelled, rng)
        return Selection(indices, scheme, candidate_method, note)

    n_candidates = min(n * n, unlabelled.size)
    if n_candidates == unlabelled.size:
        candidates = unlabelled
    else:
        candidates = _choose(candidate_method, n_candidates, points, labelled, rng)
    probabilities = _checked_probabilities(predict_proba, candidates)
    scores = UNCERTAINTY_SCORES[scheme[:2]](probabilities)
    return Selection(candidates[top_n(scores, n)], scheme, scheme)


def _choose(
    method: str, n: int, points: np.ndarray, labelled: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    unlabelled = np.flatnonzero(~labelled)
    if method == "RS":
        return rng.choice(unlabelled, size=n, replace=False)
    return farthest_points(points, labelled, n, rng)


def farthest_points(
    points: np.ndarray, labelled: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Iterative farthest-point choice of `n` unlabelled samples.

    Each step takes the unlabelled sample whose distance to the nearest labelled or already chosen
    sample is largest. With nothing labelled the first pick is random.
    """
    unlabelled = np.flatnonzero(~labelled)
    # One contiguous row per dimension: each step is a few vector operations over the pool.
    coordinates = np.ascontiguousarray(np.asarray(points[unlabelled], dtype=np.float64).T)
    chosen: list[int] = []
    if labelled.any():
        min_sq = _nearest_distances(coordinates.T, np.asarray(points[labelled])) ** 2
    else:
        first = int(rng.integers(coordinates.shape[1]))
        chosen.append(first)
        min_sq = _squared_distances(coordinates, first)
        min_sq[first] = -1.0
    while len(chosen) < n:
        pick = int(np.argmax(min_sq))
        chosen.append(pick)
        np.minimum(min_sq, _squared_distances(coordinates, pick), out=min_sq)
        min_sq[pick] = -1.0  # never again, even where duplicates make every distance 0
    return unlabelled[np.asarray(chosen, dtype=np.int64)]


def _nearest_distances(queries: np.ndarray, references: np.ndarray) -> np.ndarray:
    """Distance from each query point to its nearest reference point.

    A k-d tree in low dimensions (a 60,000-point projection: ~20 ms), brute force in chunks
    where trees stop paying off.
    """
    if queries.shape[1] <= 16:
        from scipy.spatial import cKDTree

        distances, _ = cKDTree(references).query(queries)
        return np.asarray(distances, dtype=np.float64)
    from sklearn.metrics import pairwise_distances_argmin_min

    _, distances = pairwise_distances_argmin_min(queries, references)
    return distances.astype(np.float64)


def _squared_distances(coordinates: np.ndarray, column: int) -> np.ndarray:
    """Squared distances from point `column` to every point of a (d, N) coordinate array."""
    total = np.square(coordinates[0] - coordinates[0, column])
    for axis in range(1, coordinates.shape[0]):
        total += np.square(coordinates[axis] - coordinates[axis, column])
    return total


def _check_scheme(scheme: str) -> str:
    name = str(scheme).strip().upper()
    if name not in SELECTION_SCHEMES:
        raise SelectionError(
            f"Unknown selection scheme {scheme!r}; choose one of {', '.join(SELECTION_SCHEMES)}."
        )
    return name


def _check_inputs(
    points: np.ndarray, labelled: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, int]:
    points = np.asarray(points)
    labelled = np.asarray(labelled)
    if points.ndim != 2:
        raise SelectionError(f"points must be an (N, d) array, got shape {points.shape}.")
    if labelled.dtype != bool or labelled.shape != (points.shape[0],):
        raise SelectionError(
            f"labelled must be a boolean mask of length {points.shape[0]}, "
            f"got {labelled.dtype} of shape {labelled.shape}."
        )
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise SelectionError(f"The number of samples must be a whole number >= 0, got {n!r}.")
    return points, labelled, int(n)


def _checked_probabilities(predict_proba: PredictProba, candidates: np.ndarray) -> np.ndarray:
    probabilities = np.asarray(predict_proba(candidates), dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[0] != candidates.size:
        raise SelectionError(
            f"predict_proba returned shape {probabilities.shape} for {candidates.size} samples."
        )
    if not np.isfinite(probabilities).all():
        raise SelectionError("predict_proba returned non-finite probabilities.")
    return probabilities

"""Inferred labels (IL): labels for the whole pool from the few the person gave.

Methods:
- `nearest` (the paper's): each pool sample takes the label of its nearest labelled sample.
- `spreading`: label spreading (Zhou et al., 2004) over a symmetric k-nearest-neighbour graph of
  the whole pool, so that a label travels along dense regions instead of jumping a gap.
- `spreading+model` (default): the same, seeded also with a trained model's class probabilities
  for every pool sample, so that the graph corrects the model where its neighbours disagree.
The space is chosen by the caller: pixels (PCA-50), the 2-D projection, or a CNN's features.

scikit-learn's `LabelSpreading` takes only hard seeds (no model prior) and scored 3 points lower
than this on the bundled pool (docs/results.md), hence the few lines of sparse algebra here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from activate_dash.errors import TrainingError

IL_METHODS: dict[str, str] = {
    "nearest": "1-nearest labelled neighbour (the paper)",
    "spreading": "label spreading over a 10-nearest-neighbour graph",
    "spreading+model": "label spreading seeded with the person's labels and a model's guesses",
}
NEIGHBOURS = 10
ALPHA = 0.95  # how far labels travel along the graph (0: not at all, 1: only the graph counts)
STEPS = 30
PERSON_WEIGHT = 5.0  # a person's label outweighs a model guess in the seeds


@dataclass(frozen=True)
class InferredLabels:
    labels: np.ndarray  # (N,) int64, the person's labels kept where given
    certainty: np.ndarray  # (N,) float32 in [0, 1]: the winning class's share; 1 where labelled


def infer_labels(
    points: np.ndarray,
    labelled: np.ndarray,
    labels: np.ndarray,
    n_classes: int,
    method: str = "spreading+model",
    prior: np.ndarray | None = None,
) -> InferredLabels:
    """Labels for every row of `points` from `labels` given at pool indices `labelled`.

    `prior` (N, n_classes) is a model's class probabilities, used by `spreading+model` only
    (without it that method is plain `spreading`).
    """
    if method not in IL_METHODS:
        raise TrainingError(f"Unknown IL method {method!r}; choose one of {', '.join(IL_METHODS)}.")
    points = np.asarray(points, dtype=np.float32).reshape(len(points), -1)
    labelled = np.asarray(labelled, dtype=np.int64)
    labels = np.asarray(labels, dtype=np.int64)
    if labelled.size == 0:
        raise TrainingError("IL needs at least one labelled sample.")
    if method == "nearest" or len(points) <= NEIGHBOURS:
        inferred = _nearest(points, labelled, labels)
        certainty = np.ones(len(points), dtype=np.float32)
    else:
        seeds = np.zeros((len(points), n_classes), dtype=np.float64)
        if method == "spreading+model" and prior is not None:
            seeds += np.asarray(prior, dtype=np.float64)
        seeds[labelled] = 0.0
        seeds[labelled, labels] = PERSON_WEIGHT
        spread = spread_labels(points, seeds)
        totals = spread.sum(axis=1)
        inferred = spread.argmax(axis=1).astype(np.int64)
        unreached = totals <= 0  # no label reaches this sample's part of the graph
        if unreached.any():
            inferred[unreached] = _nearest(points, labelled, labels)[unreached]
        certainty = np.divide(
            spread.max(axis=1), totals, out=np.zeros_like(totals), where=totals > 0
        )
        certainty = certainty.astype(np.float32)
    inferred[labelled] = labels
    certainty[labelled] = 1.0
    return InferredLabels(inferred, certainty)


def spread_labels(
    points: np.ndarray, seeds: np.ndarray, k: int = NEIGHBOURS, alpha: float = ALPHA
) -> np.ndarray:
    """Iterate F <- alpha * S F + (1 - alpha) * Y on the normalised symmetric kNN graph S."""
    from scipy import sparse
    from sklearn.neighbors import kneighbors_graph

    graph = kneighbors_graph(points, k, mode="connectivity", include_self=False)
    graph = graph.maximum(graph.T)
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sparse.diags(1.0 / np.sqrt(np.maximum(degree, 1e-12)))
    normalised = (scale @ graph @ scale).tocsr()
    spread = seeds.copy()
    for _ in range(STEPS):
        spread = alpha * (normalised @ spread) + (1.0 - alpha) * seeds
    return spread


def _nearest(points: np.ndarray, labelled: np.ndarray, labels: np.ndarray) -> np.ndarray:
    from sklearn.neighbors import KNeighborsClassifier

    knn = KNeighborsClassifier(n_neighbors=1).fit(points[labelled], labels)
    return knn.predict(points).astype(np.int64)

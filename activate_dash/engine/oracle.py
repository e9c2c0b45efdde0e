"""The simulated person of the bench: answers with a label and a confidence.

Ambiguity is measured from the ground truth of each sample's 10 nearest neighbours in the pool
(pixels reduced by PCA-50): `disagreement` is the fraction whose true class differs from the
sample's own. A sample deep inside its class has 0; one among another class's samples near 1.

- `perfect`: always the true class; confidence `1 - 0.7 * disagreement` (1 for a clear sample,
  0.3 for one surrounded by another class), plus a little jitter.
- `noisy`: errs with probability `0.6 * disagreement`, answering the class most common among the
  disagreeing neighbours (the plausible confusion, e.g. a 4 for a 9). Confidence as above, and
  halved when it errs (a person who gets an ambiguous digit wrong is rarely sure of it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from activate_dash.errors import ActivateError

ORACLES: dict[str, str] = {
    "perfect": "always right; less confident on ambiguous samples",
    "noisy": "errs on ambiguous samples, with lower confidence there",
}
NEIGHBOURS = 10
ERROR_RATE = 0.6
CONFIDENCE_DROP = 0.7
JITTER = 0.05


@dataclass(frozen=True)
class Answer:
    labels: np.ndarray  # int64
    confidences: np.ndarray  # float64 in [0, 1]


class SimulatedPerson:
    """Answers for pool samples from the pool's ground truth."""

    def __init__(
        self, pool_space: np.ndarray, truth: np.ndarray, kind: str = "perfect", seed: int = 0
    ) -> None:
        if kind not in ORACLES:
            raise ActivateError(f"Unknown oracle {kind!r}; choose one of {', '.join(ORACLES)}.")
        self.kind = kind
        self.truth = np.asarray(truth, dtype=np.int64)
        self.rng = np.random.default_rng(seed)
        self.disagreement, self.confusion = neighbour_disagreement(pool_space, self.truth)

    def answer(self, indices: np.ndarray) -> Answer:
        indices = np.asarray(indices, dtype=np.int64)
        disagreement = self.disagreement[indices]
        labels = self.truth[indices].copy()
        confidences = 1.0 - CONFIDENCE_DROP * disagreement
        if self.kind == "noisy":
            errs = self.rng.random(indices.size) < ERROR_RATE * disagreement
            labels[errs] = self.confusion[indices[errs]]
            confidences[errs] *= 0.5
        confidences += self.rng.normal(0.0, JITTER, indices.size)
        return Answer(labels, np.clip(confidences, 0.0, 1.0))


def neighbour_disagreement(
    pool_space: np.ndarray, truth: np.ndarray, k: int = NEIGHBOURS
) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: the fraction of its k neighbours of another class, and that likeliest class."""
    from sklearn.neighbors import NearestNeighbors

    k = min(k, len(truth) - 1)
    _, neighbours = NearestNeighbors(n_neighbors=k + 1).fit(pool_space).kneighbors(pool_space)
    neighbour_classes = truth[neighbours[:, 1:]]
    other = neighbour_classes != truth[:, None]
    disagreement = other.mean(axis=1)
    n_classes = int(truth.max()) + 1
    counts = np.zeros((len(truth), n_classes), dtype=np.int64)
    np.add.at(counts, (np.repeat(np.arange(len(truth)), k), neighbour_classes.ravel()), 1)
    counts[np.arange(len(truth)), truth] = -1  # never "confuse" a sample with its own class
    return disagreement, counts.argmax(axis=1)

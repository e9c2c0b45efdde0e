"""Training sets of the augmentation schemes: how many copies of each labelled sample.

IDA duplicates every labelled sample by the same constant; CBA in proportion to the person's
confidence. Both make exactly `copies * N` samples for N labels, so that neither scheme is
favoured by size; the copies are then shifted at random while training (see `models.fit`).
"""

from __future__ import annotations

import numpy as np

DEFAULT_COPIES = 32


def ida_counts(n_labels: int, copies: int = DEFAULT_COPIES) -> np.ndarray:
    """IDA: `copies` of every labelled sample."""
    return np.full(n_labels, copies, dtype=np.int64)


def cba_counts(confidences: np.ndarray, copies: int = DEFAULT_COPIES) -> np.ndarray:
    """CBA: copies in proportion to confidence, `copies * N` in all.

    Every label keeps at least one copy (a doubtful label weighs less but is not thrown away, as
    the paper argues); the remaining `(copies - 1) * N` are shared in proportion to confidence by
    the largest-remainder method, so the total is exact. All-zero confidence shares equally.
    """
    weights = np.clip(np.asarray(confidences, dtype=np.float64), 0.0, 1.0)
    n = weights.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    spare = (copies - 1) * n
    if weights.sum() <= 0:
        weights = np.ones(n)
    quotas = spare * weights / weights.sum()
    counts = np.floor(quotas).astype(np.int64)
    short = spare - int(counts.sum())
    if short > 0:
        remainders = quotas - counts
        counts[np.argsort(-remainders, kind="stable")[:short]] += 1
    return counts + 1


def repeat_samples(
    x: np.ndarray, y: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row of `x` and `y` repeated `counts` times."""
    return np.repeat(x, counts, axis=0), np.repeat(y, counts)

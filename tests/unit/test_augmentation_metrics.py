"""IDA / CBA set sizes and proportions, and the metrics."""

from __future__ import annotations

import numpy as np
import pytest

from activate_dash.engine.augmentation import cba_counts, ida_counts, repeat_samples
from activate_dash.engine.metrics import (
    confusion,
    count_relabels,
    learning_curve_auc,
)


@pytest.mark.parametrize("n", [1, 7, 100])
def test_ida_makes_32_copies_of_each(n):
    counts = ida_counts(n)
    assert counts.sum() == 32 * n and set(counts.tolist()) == {32}


@pytest.mark.parametrize("n", [1, 10, 100])
def test_cba_has_the_same_total_as_ida(n):
    confidences = np.random.default_rng(n).uniform(0, 1, n)
    assert cba_counts(confidences).sum() == ida_counts(n).sum() == 32 * n


def test_cba_copies_follow_confidence():
    confidences = np.array([1.0, 0.5, 0.25, 0.0])
    counts = cba_counts(confidences)
    assert counts.sum() == 128
    # One copy each, the other 124 in proportion 1 : 0.5 : 0.25 : 0 -> 70.9, 35.4, 17.7, 0.
    assert counts.tolist() == [1 + 71, 1 + 35, 1 + 18, 1]
    assert np.all(np.diff(counts) <= 0)


def test_cba_keeps_every_label_and_shares_equally_without_confidence():
    assert cba_counts(np.zeros(4)).tolist() == [32, 32, 32, 32]
    assert cba_counts(np.array([1.0, 0.0])).min() == 1
    assert cba_counts(np.array([])).size == 0


def test_repeat_samples_repeats_rows_and_labels_together():
    x = np.arange(6).reshape(3, 2)
    y = np.array([7, 8, 9])
    xs, ys = repeat_samples(x, y, np.array([2, 0, 1]))
    assert xs.tolist() == [[0, 1], [0, 1], [4, 5]] and ys.tolist() == [7, 7, 9]


def test_learning_curve_auc_is_the_mean_accuracy_in_points():
    assert learning_curve_auc([0.5, 0.7, 0.9]) == pytest.approx(70.0)
    assert learning_curve_auc([None, 0.8]) == pytest.approx(80.0)
    assert learning_curve_auc([]) is None


def test_relabels_skip_labels_given_without_a_model():
    labels = np.array([1, 2, 3, 4])
    predicted = np.array([1, 5, -1, -1])  # agree, differ, no model, no model
    assert count_relabels(labels, predicted) == 1


def test_confusion_matrix_counts_truth_by_prediction():
    matrix = confusion(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), 3)
    assert matrix == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]

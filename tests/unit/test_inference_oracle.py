"""Inferred labels (IL) and the simulated person."""

from __future__ import annotations

import numpy as np
import pytest

from activate_dash.engine.inference import infer_labels
from activate_dash.engine.oracle import SimulatedPerson
from activate_dash.errors import ActivateError, TrainingError


def two_moons(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_moons

    points, truth = make_moons(n, noise=0.05, random_state=0)
    return points, truth


def test_spreading_follows_the_manifold_where_nearest_jumps_the_gap():
    points, truth = two_moons()
    # One label per moon, at each moon's tip: nearest neighbour splits the moons by distance.
    labelled = np.array([int(np.argmin(points[:, 0])), int(np.argmax(points[:, 0]))])
    labels = truth[labelled]
    nearest = infer_labels(points, labelled, labels, 2, method="nearest")
    spreading = infer_labels(points, labelled, labels, 2, method="spreading")
    assert np.mean(spreading.labels == truth) > 0.95
    assert np.mean(spreading.labels == truth) > np.mean(nearest.labels == truth) + 0.1


def test_given_labels_are_kept_and_certain():
    points, truth = two_moons(100)
    labelled = np.arange(10)
    wrong = (truth[labelled] + 1) % 2  # the person is always right, even against the graph
    result = infer_labels(points, labelled, wrong, 2)
    assert result.labels[labelled].tolist() == wrong.tolist()
    assert np.all(result.certainty[labelled] == 1.0)
    assert result.certainty.min() >= 0 and result.certainty.max() <= 1


def test_a_model_prior_fills_in_where_the_graph_has_no_label():
    # Two far-apart clusters; only cluster A is labelled; the model knows cluster B is class 1.
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(50, 0.1, (50, 2))])
    prior = np.zeros((100, 2))
    prior[:50, 0] = 1.0
    prior[50:, 1] = 1.0
    result = infer_labels(points, np.array([0]), np.array([0]), 2, "spreading+model", prior)
    assert result.labels[:50].tolist() == [0] * 50 and result.labels[50:].tolist() == [1] * 50


def test_infer_labels_rejects_bad_requests():
    with pytest.raises(TrainingError, match="Unknown IL method"):
        infer_labels(np.zeros((5, 2)), np.array([0]), np.array([0]), 2, method="magic")
    with pytest.raises(TrainingError, match="at least one"):
        infer_labels(np.zeros((5, 2)), np.array([], dtype=int), np.array([], dtype=int), 2)


def overlapping_classes(n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    points = rng.normal(size=(n, 2))
    return points, (points[:, 0] + 0.8 * rng.normal(size=n) > 0).astype(int)


def test_perfect_person_is_always_right_and_less_sure_of_ambiguous_samples():
    points, truth = overlapping_classes()
    person = SimulatedPerson(points, truth, "perfect", seed=0)
    answer = person.answer(np.arange(len(truth)))
    assert np.array_equal(answer.labels, truth)
    clear = person.disagreement == 0
    assert answer.confidences[clear].mean() > answer.confidences[~clear].mean()
    assert answer.confidences.min() >= 0 and answer.confidences.max() <= 1


def test_noisy_person_errs_on_ambiguous_samples_with_low_confidence():
    points, truth = overlapping_classes()
    person = SimulatedPerson(points, truth, "noisy", seed=0)
    answer = person.answer(np.arange(2000))
    wrong = answer.labels != truth
    assert 0.02 < wrong.mean() < 0.5
    assert person.disagreement[wrong].mean() > person.disagreement[~wrong].mean()
    assert answer.confidences[wrong].mean() < answer.confidences[~wrong].mean()
    assert np.all(answer.labels[wrong] != truth[wrong])


def test_unknown_oracle_is_refused():
    with pytest.raises(ActivateError, match="Unknown oracle"):
        SimulatedPerson(np.zeros((20, 2)), np.zeros(20, dtype=int), "psychic")

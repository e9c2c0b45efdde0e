"""Contracts of the eight selection schemes and the uncertainty scores."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from activate_dash.engine import SELECTION_SCHEMES, SelectionFallbackWarning, select
from activate_dash.engine.scores import entropy, least_confidence, margin_uncertainty
from activate_dash.engine.selection import select_samples
from activate_dash.errors import SelectionError

N_POOL = 300


@pytest.fixture
def pool() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    points = rng.normal(size=(N_POOL, 2))
    labelled = np.zeros(N_POOL, dtype=bool)
    labelled[rng.choice(N_POOL, 40, replace=False)] = True
    probabilities = rng.dirichlet(np.ones(10), size=N_POOL)
    return points, labelled, probabilities


@pytest.mark.parametrize("scheme", SELECTION_SCHEMES)
def test_every_scheme_returns_n_distinct_unlabelled(scheme, pool):
    points, labelled, probabilities = pool
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a model is given: no fallback
        chosen = select(
            scheme,
            10,
            points=points,
            labelled=labelled,
            predict_proba=lambda idx: probabilities[idx],
            seed=1,
        )
    assert chosen.shape == (10,)
    assert len(set(chosen.tolist())) == 10
    assert not labelled[chosen].any()


@pytest.mark.parametrize("scheme", SELECTION_SCHEMES)
def test_fewer_unlabelled_than_asked_returns_all_of_them(scheme, pool):
    points, _, probabilities = pool
    labelled = np.ones(N_POOL, dtype=bool)
    labelled[[3, 77, 150]] = False
    chosen = select(
        scheme, 10, points=points, labelled=labelled, predict_proba=lambda i: probabilities[i]
    )
    assert sorted(chosen.tolist()) == [3, 77, 150]


@pytest.mark.parametrize("scheme", SELECTION_SCHEMES)
def test_same_seed_same_choice(scheme, pool):
    points, labelled, probabilities = pool
    kwargs = {"points": points, "labelled": labelled, "predict_proba": lambda i: probabilities[i]}
    first = select(scheme, 5, seed=7, **kwargs)
    assert np.array_equal(first, select(scheme, 5, seed=7, **kwargs))


@pytest.mark.parametrize("scheme", ["LCRS", "LCDS", "MCRS", "MCDS", "ECRS", "ECDS"])
def test_uncertainty_without_model_falls_back_and_says_so(scheme, pool):
    points, labelled, _ = pool
    with pytest.warns(SelectionFallbackWarning, match="no"):
        chosen = select(scheme, 6, points=points, labelled=labelled, seed=3)
    assert len(set(chosen.tolist())) == 6 and not labelled[chosen].any()
    result = select_samples(scheme, 6, points=points, labelled=labelled, seed=3)
    assert result.used == scheme[-2:] and result.note


# A hand-made probability matrix: rows 0-3 are the answers of LC, MC and EC.
HAND = np.array(
    [
        [0.98, 0.01, 0.01],  # 0 sure
        [0.40, 0.35, 0.25],  # 1 lowest top probability, spread out: LC and EC
        [0.50, 0.49, 0.01],  # 2 smallest margin: MC
        [0.90, 0.05, 0.05],  # 3 fairly sure
    ]
)


def test_scores_on_hand_made_matrix():
    assert np.argmax(least_confidence(HAND)) == 1
    assert np.argmax(margin_uncertainty(HAND)) == 2
    assert np.argmax(entropy(HAND)) == 1
    assert entropy(np.array([[1.0, 0.0]]))[0] == pytest.approx(0.0)
    assert entropy(np.array([[0.5, 0.5]]))[0] == pytest.approx(np.log(2))


@pytest.mark.parametrize(("scheme", "expected"), [("LCRS", 1), ("MCRS", 2), ("ECRS", 1)])
def test_uncertainty_schemes_pick_the_right_sample(scheme, expected):
    points = np.arange(8, dtype=float).reshape(4, 2)
    labelled = np.zeros(4, dtype=bool)
    chosen = select(scheme, 2, points=points, labelled=labelled, predict_proba=lambda i: HAND[i])
    # n^2 = 4 candidates = every unlabelled sample, so the best score must win.
    assert chosen[0] == expected


def test_candidates_capped_by_unlabelled_count_use_all_unlabelled():
    probabilities = np.tile([0.99, 0.01], (50, 1))
    probabilities[42] = [0.5, 0.5]  # the one uncertain sample
    points = np.random.default_rng(0).normal(size=(50, 2))
    labelled = np.zeros(50, dtype=bool)
    labelled[:5] = True
    # n = 8: n^2 = 64 > 45 unlabelled, so every unlabelled sample is a candidate.
    for scheme in ("LCRS", "LCDS", "MCDS", "ECRS"):
        chosen = select(
            scheme, 8, points=points, labelled=labelled, predict_proba=lambda i: probabilities[i]
        )
        assert chosen[0] == 42


def test_ds_takes_the_farthest_points_on_a_hand_made_layout():
    # Labelled at the origin; unlabelled along a line and one far corner.
    points = np.array([[0, 0], [1, 0], [2, 0], [10, 0], [0, 9], [5, 5]], dtype=float)
    labelled = np.array([True, False, False, False, False, False])
    chosen = select("DS", 3, points=points, labelled=labelled)
    # (10,0) is farthest from the origin; then (0,9) from both; then (5,5), whose nearest
    # chosen point is sqrt(41) away, against 2 for (2,0).
    assert chosen.tolist() == [3, 4, 5]


def test_ds_with_nothing_labelled_starts_at_random_and_spreads():
    points = np.array([[0, 0], [0.1, 0], [10, 10], [10, 10.1]], dtype=float)
    chosen = select("DS", 2, points=points, labelled=np.zeros(4, dtype=bool), seed=0)
    # Whatever the random start, the second pick lies in the other cluster.
    assert {int(c) // 2 for c in chosen} == {0, 1}


def test_ds_with_duplicate_points_still_distinct():
    points = np.zeros((20, 2))
    chosen = select("DS", 15, points=points, labelled=np.zeros(20, dtype=bool), seed=0)
    assert len(set(chosen.tolist())) == 15


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "XYZ"}, "Unknown selection scheme"),
        ({"n": -1}, "whole number"),
        ({"n": 2.5}, "whole number"),
        ({"labelled": np.zeros(5, dtype=bool)}, "boolean mask"),
        ({"labelled": np.zeros(N_POOL, dtype=int)}, "boolean mask"),
        ({"points": np.zeros(N_POOL)}, "(N, d)"),
        ({"predict_proba": lambda i: np.zeros((1, 3))}, "returned shape"),
        ({"predict_proba": lambda i: np.full((len(i), 3), np.nan)}, "non-finite"),
    ],
)
def test_bad_requests_get_a_clear_error(kwargs, message, pool):
    points, labelled, _ = pool
    arguments = {"scheme": "LCRS", "n": 3, "points": points, "labelled": labelled}
    arguments |= {"predict_proba": lambda i: np.full((len(i), 3), 1 / 3)}
    arguments |= kwargs
    scheme, n = arguments.pop("scheme"), arguments.pop("n")
    with pytest.raises(SelectionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        select(scheme, n, **arguments)


def test_scheme_names_are_case_insensitive(pool):
    points, labelled, _ = pool
    assert select("rs", 4, points=points, labelled=labelled, seed=0).shape == (4,)


def test_ds_in_many_dimensions_takes_the_farthest_point():
    rng = np.random.default_rng(0)
    points = rng.normal(0, 0.1, size=(200, 50))
    points[123] += 10.0  # one point far from everything
    labelled = np.zeros(200, dtype=bool)
    labelled[:5] = True
    assert select("DS", 1, points=points, labelled=labelled)[0] == 123

"""Real Keras training on scikit-learn's digits: learning, reproducibility, saving, warm start."""

from __future__ import annotations

import numpy as np
import pytest

from activate_dash.data import load_dataset
from activate_dash.engine import models
from activate_dash.engine.training import (
    GUIDE_TEST_PREDICTIONS,
    LabelledSet,
    TrainingCancelledError,
    TrainingConfig,
    TrainingData,
    choose_guide,
    train_iteration,
)
from activate_dash.errors import TrainingError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data() -> TrainingData:
    return TrainingData(load_dataset("digits"))


def labelled_set(data: TrainingData, n: int, seed: int = 0) -> LabelledSet:
    rng = np.random.default_rng(seed)
    indices = rng.choice(data.dataset.pool_size, n, replace=False)
    return LabelledSet(indices, data.dataset.pool_labels[indices], rng.uniform(0.2, 1.0, n))


FAST = {"epochs": 1, "min_steps": 100, "seed": 0}


@pytest.mark.parametrize("classifier", ["cnn", "logreg"])
def test_more_labels_train_a_better_classifier(data, classifier):
    config = TrainingConfig(schemes=("SIL", "IDA"), classifier=classifier, **FAST)
    few = train_iteration(data, labelled_set(data, 10), config)
    many = train_iteration(data, labelled_set(data, 300), config)
    for scheme in ("SIL", "IDA"):
        assert many.accuracies[scheme] > few.accuracies[scheme] + 0.1
        assert many.accuracies[scheme] > 0.6  # chance is 0.1
    n_test = len(data.dataset.test_labels)
    assert len(many.confusion) == 10 and sum(map(sum, many.confusion)) == n_test
    # the guide's test predictions are kept: they rebuild the matrix cell by cell
    predicted = np.asarray(many.details[GUIDE_TEST_PREDICTIONS])
    cell = (data.dataset.test_labels == 3) & (predicted == 5)
    assert cell.sum() == many.confusion[3][5]


def test_all_four_schemes_train_and_il_scores_its_inferred_labels(data):
    config = TrainingConfig(**FAST)
    progress: list[tuple[str, int, int]] = []
    outcome = train_iteration(
        data, labelled_set(data, 50), config, progress=lambda *a: progress.append(a)
    )
    assert list(outcome.outcomes) == ["SIL", "IL", "IDA", "CBA"]
    assert outcome.outcomes["IL"].train_size == data.dataset.pool_size
    assert outcome.outcomes["IDA"].train_size == outcome.outcomes["CBA"].train_size == 32 * 50
    assert 0.5 < outcome.details["IL"]["inferred_accuracy"] <= 1.0
    assert {stage for stage, _, _ in progress} == {"SIL", "IL", "IDA", "CBA"}
    assert outcome.pool_probabilities.shape == (data.dataset.pool_size, 10)
    assert np.allclose(outcome.pool_probabilities.sum(axis=1), 1.0, atol=1e-3)
    assert outcome.guide == max(outcome.accuracies, key=lambda s: outcome.accuracies[s])


def test_training_is_reproducible_with_a_seed(data):
    config = TrainingConfig(schemes=("SIL", "CBA"), **FAST)
    labels = labelled_set(data, 40)
    first = train_iteration(data, labels, config)
    second = train_iteration(data, labels, config)
    assert first.accuracies == second.accuracies
    assert np.array_equal(first.pool_probabilities, second.pool_probabilities)


def test_models_round_trip_as_keras_bytes(data):
    outcome = train_iteration(
        data, labelled_set(data, 30), TrainingConfig(schemes=("SIL",), **FAST)
    )
    model = outcome.outcomes["SIL"].model
    loaded = models.model_from_bytes(models.model_to_bytes(model))
    x = data.test_x[:50]
    assert np.allclose(models.predict_proba(model, x), models.predict_proba(loaded, x), atol=1e-6)


def test_unsafe_model_bytes_are_refused(tmp_path):
    keras = models.keras_backend()
    inputs = keras.Input((4,))
    unsafe = keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2)(inputs))
    path = tmp_path / "unsafe.keras"
    unsafe.save(path)  # a model carrying Python code: safe_mode must refuse to load it
    with pytest.raises(TrainingError, match="Could not load"):
        models.model_from_bytes(path.read_bytes())
    with pytest.raises(TrainingError, match="Could not load"):
        models.model_from_bytes(b"not a keras file")


def test_warm_start_continues_from_the_previous_weights(data):
    labels = labelled_set(data, 30)
    first = train_iteration(data, labels, TrainingConfig(schemes=("SIL",), min_steps=300))
    trained = first.outcomes["SIL"].model.get_weights()[0]
    saved = {"SIL": models.model_to_bytes(first.outcomes["SIL"].model)}
    one_step = {"schemes": ("SIL",), "epochs": 1, "min_steps": 1}
    warm = train_iteration(data, labels, TrainingConfig(**one_step), previous=saved)
    cold = train_iteration(
        data, labels, TrainingConfig(**one_step, warm_start=False), previous=saved
    )
    # One step from the saved weights stays near them; a cold start is one step from scratch.
    assert np.abs(warm.outcomes["SIL"].model.get_weights()[0] - trained).max() < 0.01
    assert np.abs(cold.outcomes["SIL"].model.get_weights()[0] - trained).max() > 0.05


def test_cancel_stops_between_schemes(data):
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(TrainingCancelledError, match="cancelled"):
        train_iteration(data, labelled_set(data, 20), TrainingConfig(**FAST), should_stop=stop)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schemes": ("SIL", "XYZ")}, "Unknown training scheme"),
        ({"schemes": ()}, "at least one"),
        ({"classifier": "svm"}, "Unknown classifier"),
        ({"il_method": "magic"}, "Unknown IL method"),
        ({"il_space": "moon"}, "Unknown IL neighbour space"),
        ({"augmentation": "blur"}, "Unknown augmentation"),
        ({"guide": "XYZ"}, "Unknown guide"),
        ({"epochs": 0}, "at least 1"),
    ],
)
def test_bad_configuration_is_refused(data, change, message):
    with pytest.raises(TrainingError, match=message):
        train_iteration(data, labelled_set(data, 5), TrainingConfig(**change))


def test_no_labels_is_refused(data):
    empty = LabelledSet(np.array([], dtype=int), np.array([], dtype=int), np.array([]))
    with pytest.raises(TrainingError, match="Label at least one"):
        train_iteration(data, empty, TrainingConfig())


def test_guide_is_the_chosen_scheme_or_the_most_accurate():
    class Outcome:
        def __init__(self, accuracy):
            self.accuracy = accuracy

    outcomes = {"SIL": Outcome(0.5), "IL": Outcome(0.9), "IDA": Outcome(0.8)}
    assert choose_guide("auto", outcomes) == "IL"
    assert choose_guide("IDA", outcomes) == "IDA"
    assert choose_guide("CBA", outcomes) == "IL"  # not trained: fall back to auto
    no_test = {name: Outcome(None) for name in ("SIL", "IL", "IDA")}
    assert choose_guide("auto", no_test) == "IDA"

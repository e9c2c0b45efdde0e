"""The loop object end to end on digits: ask, label, train, relabels, persist, resume."""

from __future__ import annotations

import numpy as np
import pytest

from activate_dash.data import load_dataset
from activate_dash.engine.loop import ActiveLearningLoop, label_status
from activate_dash.engine.projection import project
from activate_dash.engine.training import TrainingConfig
from activate_dash.errors import InvalidLabelError
from activate_dash.store import Store

pytestmark = pytest.mark.slow

CONFIG = TrainingConfig(schemes=("SIL", "IDA"), epochs=1, min_steps=60, seed=0)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset("digits")


@pytest.fixture(scope="module")
def points(dataset):
    return project(dataset.pool_images, "pca")


def new_loop(dataset, points, store: Store | None = None) -> ActiveLearningLoop:
    project_id = None
    if store is not None:
        info = store.create_project(
            name="test",
            dataset_spec="digits",
            pool_size=dataset.pool_size,
            n_classes=dataset.n_classes,
            projection="pca",
        )
        project_id = info.id
    return ActiveLearningLoop(dataset, points, config=CONFIG, store=store, project_id=project_id)


def test_status_of_a_label():
    assert label_status(-1, 3) == "manual"
    assert label_status(3, 3) == "confirmed"
    assert label_status(2, 3) == "corrected"


def test_loop_persists_every_label_and_iteration_and_resumes(dataset, points, tmp_path):
    store = Store(data_dir=tmp_path)
    loop = new_loop(dataset, points, store)
    first = loop.ask("LCRS", 20, seed=0)  # no model yet: falls back to RS and says so
    assert first.used == "RS" and first.note
    truth = dataset.pool_labels
    assert set(loop.label(first.indices, truth[first.indices], np.full(20, 0.9))) == {"manual"}
    record = loop.train()
    assert record.number == 1 and record.relabels == 0  # no model existed: no relabels
    assert record.selection == "LCRS" and record.n_labels == 20

    second = loop.ask("MCRS", 20, seed=1)
    assert second.used == "MCRS" and not loop.labelled[second.indices].any()
    guesses, _ = loop.machine_guess(second.indices)
    # The person corrects where the machine was wrong and confirms where it was right.
    statuses = loop.label(second.indices, truth[second.indices], np.full(20, 0.7))
    wrong = int(np.sum(guesses != truth[second.indices]))
    assert statuses.count("corrected") == wrong and statuses.count("confirmed") == 20 - wrong
    record = loop.train()
    assert record.relabels == wrong and record.n_labels == 40

    # A fresh process (a new Store on the same file) finds everything and goes on.
    store.close()
    reopened = Store(data_dir=tmp_path)
    resumed = ActiveLearningLoop.resume(reopened, loop.project_id, dataset, points, CONFIG)
    assert resumed.iteration == 2 and np.array_equal(resumed.labels, loop.labels)
    assert np.allclose(resumed.pool_probabilities, loop.pool_probabilities, atol=1e-3)
    assert sorted(resumed.models) == ["IDA", "SIL"]
    stored = {r.sample: r for r in reopened.labels(loop.project_id)}
    assert len(stored) == 40 and {r.status for r in stored.values()} <= {
        "manual",
        "confirmed",
        "corrected",
    }
    resumed.ask("ECDS", 10, seed=2)
    third = resumed.train()  # continues from the stored models
    assert third.number == 3 and len(reopened.iterations(loop.project_id)) == 3
    reopened.close()


def test_bad_labels_are_refused_and_change_nothing(dataset, points):
    loop = new_loop(dataset, points)
    for samples, labels, confidences, message in [
        ([10**6], [1], [0.5], "Sample ids"),
        ([1], [10], [0.5], "Labels must"),
        ([1], [1], [7.0], "Confidences"),
        ([1, 2], [1], [0.5], "same length"),
    ]:
        with pytest.raises(InvalidLabelError, match=message):
            loop.label(np.array(samples), np.array(labels), np.array(confidences))
    assert not loop.labelled.any()


def test_learning_curve_rises_over_iterations(dataset, points):
    loop = new_loop(dataset, points)
    accuracies = []
    for iteration in range(3):
        chosen = loop.ask("RS", 30, seed=iteration)
        loop.label(chosen.indices, dataset.pool_labels[chosen.indices], np.ones(30))
        accuracies.append(loop.train().accuracies["IDA"])
    assert accuracies[-1] > accuracies[0] and accuracies[-1] > 0.6

"""The active-learning loop as one object: ask, label, train; optionally persisted in a Store.

`ActiveLearningLoop` holds one project's state in memory (labels as arrays, the latest models,
the guide model's pool probabilities, the history). With a `Store` and a project id every label
and every iteration is written through at once, one transaction each. The machine's guesses
(placement, relabels, LC/MC/EC scores) are looked up in the guide model's stored pool
probabilities, so asking and labelling never run TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from activate_dash.engine.metrics import count_relabels
from activate_dash.engine.selection import Selection, select_samples
from activate_dash.engine.training import (
    LabelledSet,
    Progress,
    TrainingConfig,
    TrainingData,
    train_iteration,
)
from activate_dash.errors import ActivateError, InvalidLabelError

if TYPE_CHECKING:
    from activate_dash.data import Dataset
    from activate_dash.store import IterationRecord, Store

UNLABELLED = -1


class ActiveLearningLoop:
    """One labelling project: query the pool, take the person's labels, train the schemes."""

    def __init__(
        self,
        dataset: Dataset,
        points: np.ndarray,
        *,
        config: TrainingConfig | None = None,
        store: Store | None = None,
        project_id: int | None = None,
    ) -> None:
        if len(points) != dataset.pool_size:
            raise ActivateError(
                f"The projection has {len(points)} points for a pool of {dataset.pool_size}."
            )
        self.dataset = dataset
        self.points = np.asarray(points)
        self.config = (config or TrainingConfig()).validated()
        self.data = TrainingData(dataset, projection=self.points)
        self.store, self.project_id = store, project_id
        n = dataset.pool_size
        self.labels = np.full(n, UNLABELLED, dtype=np.int64)
        self.confidences = np.zeros(n, dtype=np.float64)
        self.predicted = np.full(n, UNLABELLED, dtype=np.int64)
        self.label_iteration = np.zeros(n, dtype=np.int64)
        self.history: list[IterationRecord] = []
        self.models: dict[str, Any] = {}  # scheme -> keras.Model or .keras bytes
        self.pool_probabilities: np.ndarray | None = None
        self._selections: list[str] = []

    @classmethod
    def resume(
        cls,
        store: Store,
        project_id: int,
        dataset: Dataset,
        points: np.ndarray,
        config: TrainingConfig | None = None,
    ) -> ActiveLearningLoop:
        """The loop of a stored project: its labels, history, latest models and probabilities."""
        loop = cls(dataset, points, config=config, store=store, project_id=project_id)
        arrays = store.label_arrays(project_id)
        person = arrays.statuses != "machine"
        samples = arrays.samples[person]
        loop.labels[samples] = arrays.labels[person]
        loop.confidences[samples] = arrays.confidences[person]
        loop.predicted[samples] = arrays.predicted[person]
        loop.label_iteration[samples] = arrays.iterations[person]
        loop.history = store.iterations(project_id)
        latest = loop.history[-1] if loop.history else None
        if latest is not None:
            loop.models = {
                scheme: store.model_bytes(project_id, latest.number, scheme)
                for scheme in store.model_schemes(project_id, latest.number)
            }
            probabilities = store.pool_probabilities(project_id, latest.guide, latest.number)
            if probabilities is not None:
                loop.pool_probabilities = probabilities.astype(np.float32)
        return loop

    @property
    def iteration(self) -> int:
        """Trainings done so far; new labels count towards iteration `iteration + 1`."""
        return len(self.history)

    @property
    def labelled(self) -> np.ndarray:
        return self.labels != UNLABELLED

    def predict_proba(self, indices: np.ndarray) -> np.ndarray:
        """The guide model's class probabilities for pool samples (a lookup, no TensorFlow)."""
        if self.pool_probabilities is None:
            raise ActivateError("No model has been trained yet.")
        return self.pool_probabilities[np.asarray(indices, dtype=np.int64)]

    def ask(self, scheme: str, n: int, *, seed: int | None = None) -> Selection:
        """`n` unlabelled samples chosen by the machine with `scheme`."""
        lookup = self.predict_proba if self.pool_probabilities is not None else None
        selection = select_samples(
            scheme, n, points=self.points, labelled=self.labelled, predict_proba=lookup, seed=seed
        )
        self._selections.append(selection.scheme)
        return selection

    def machine_guess(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The guide's predicted class and its probability per sample (-1 and nan: no model)."""
        indices = np.asarray(indices, dtype=np.int64)
        if self.pool_probabilities is None:
            return np.full(indices.size, UNLABELLED), np.full(indices.size, np.nan)
        probabilities = self.predict_proba(indices)
        return probabilities.argmax(axis=1), probabilities.max(axis=1)

    def label(self, indices: np.ndarray, labels: np.ndarray, confidences: np.ndarray) -> list[str]:
        """Record the person's labels; returns each one's status (confirmed/corrected/manual)."""
        indices = np.asarray(indices, dtype=np.int64)
        labels = np.asarray(labels, dtype=np.int64)
        confidences = np.asarray(confidences, dtype=np.float64)
        self._check_labels(indices, labels, confidences)
        predicted, probability = self.machine_guess(indices)
        statuses = [
            label_status(int(p), int(lab)) for p, lab in zip(predicted, labels, strict=True)
        ]
        if self.store is not None and self.project_id is not None:
            self._persist_labels(indices, labels, confidences, statuses, predicted, probability)
        self.labels[indices] = labels
        self.confidences[indices] = confidences
        self.predicted[indices] = predicted
        self.label_iteration[indices] = self.iteration + 1
        return statuses

    def train(
        self,
        config: TrainingConfig | None = None,
        *,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> IterationRecord:
        """Train every scheme on the labels so far; stores the iteration when persisted."""
        from activate_dash.store import IterationRecord

        config = (config or self.config).validated()
        indices = np.flatnonzero(self.labelled)
        labelled = LabelledSet(indices, self.labels[indices], self.confidences[indices])
        outcome = train_iteration(
            self.data,
            labelled,
            config,
            previous=self.models,
            progress=progress,
            should_stop=should_stop,
        )
        new = self.label_iteration == self.iteration + 1
        record = IterationRecord(
            number=self.iteration + 1,
            n_labels=len(labelled),
            selection="+".join(dict.fromkeys(self._selections)) or "manual",
            classifier=config.classifier,
            guide=outcome.guide,
            accuracies=outcome.accuracies,
            relabels=count_relabels(self.labels[new], self.predicted[new]),
            seconds=round(outcome.seconds, 3),
            confusion=outcome.confusion,
            details=outcome.details,
        )
        if self.store is not None and self.project_id is not None:
            record = self.store.add_iteration(
                self.project_id,
                record,
                models=outcome.model_bytes(),
                pool_probabilities={outcome.guide: outcome.pool_probabilities},
            )
        self.models = {name: o.model for name, o in outcome.outcomes.items()}
        self.pool_probabilities = outcome.pool_probabilities
        self.history.append(record)
        self._selections = []
        self.config = config
        return record

    def _check_labels(
        self, indices: np.ndarray, labels: np.ndarray, confidences: np.ndarray
    ) -> None:
        if not (indices.shape == labels.shape == confidences.shape):
            raise InvalidLabelError("Samples, labels and confidences must have the same length.")
        if indices.size and (indices.min() < 0 or indices.max() >= self.dataset.pool_size):
            raise InvalidLabelError(f"Sample ids must lie in 0..{self.dataset.pool_size - 1}.")
        if labels.size and (labels.min() < 0 or labels.max() >= self.dataset.n_classes):
            raise InvalidLabelError(f"Labels must lie in 0..{self.dataset.n_classes - 1}.")
        if confidences.size and not np.all((confidences >= 0) & (confidences <= 1)):
            raise InvalidLabelError("Confidences must lie in [0, 1].")

    def _persist_labels(
        self,
        indices: np.ndarray,
        labels: np.ndarray,
        confidences: np.ndarray,
        statuses: list[str],
        predicted: np.ndarray,
        probability: np.ndarray,
    ) -> None:
        from activate_dash.store import LabelChange

        changes = [
            LabelChange(
                int(sample),
                int(label),
                float(confidence),
                status,
                predicted=None if guess < 0 else int(guess),
                probability=None if np.isnan(p) else float(p),
                iteration=self.iteration + 1,
            )
            for sample, label, confidence, status, guess, p in zip(
                indices, labels, confidences, statuses, predicted, probability, strict=True
            )
        ]
        assert self.store is not None and self.project_id is not None
        self.store.set_labels(self.project_id, changes)


def label_status(predicted: int, label: int) -> str:
    """`manual` with no machine guess, `confirmed` when the person agreed, else `corrected`."""
    if predicted < 0:
        return "manual"
    return "confirmed" if predicted == label else "corrected"


__all__ = ["ActiveLearningLoop", "label_status"]

"""One training iteration: every chosen scheme trains its own model on the current labels.

Schemes (the paper's four):
- SIL: the labelled samples alone.
- IL: labels inferred for the whole pool (see `inference`), then the whole pool.
- IDA: every labelled sample `copies` times, shifted at random.
- CBA: copies in proportion to the person's confidence (same total as IDA), shifted at random.

Across iterations a scheme *continues* from its previous model's weights (warm start), and every
run takes at least `min_steps` gradient steps, so that 10-100 labels still train a useful CNN.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from activate_dash.engine import models
from activate_dash.engine.augmentation import DEFAULT_COPIES, cba_counts, ida_counts, repeat_samples
from activate_dash.engine.inference import IL_METHODS, infer_labels
from activate_dash.engine.metrics import accuracy, confusion
from activate_dash.errors import TrainingError

if TYPE_CHECKING:
    import keras

    from activate_dash.data import Dataset

TRAINING_SCHEMES: dict[str, str] = {
    "SIL": "single-instance labels",
    "IL": "inferred labels for the whole pool",
    "IDA": "image data augmentation",
    "CBA": "confidence-based augmentation",
}
GUIDE_PREFERENCE = ("CBA", "IDA", "IL", "SIL")  # guide without a test set
GUIDE_TEST_PREDICTIONS = "guide_test_predictions"  # key in details: the guide's test classes
IL_SPACES: dict[str, str] = {
    "features": "the feature space of this iteration's augmented CNN",
    "pixels": "pixels reduced to 50 dimensions by PCA",
    "projection": "the 2-D projection shown to the person",
}

Progress = Callable[[str, int, int], None]  # (stage, step done, steps in all)


class TrainingCancelledError(TrainingError):
    """The caller asked to stop; nothing of the unfinished iteration is kept."""


@dataclass(frozen=True)
class TrainingConfig:
    """How one iteration trains. Every field can change between iterations."""

    schemes: tuple[str, ...] = ("SIL", "IL", "IDA", "CBA")
    classifier: str = "cnn"
    epochs: int = 5
    min_steps: int = 100
    batch_size: int = 64
    il_batch_size: int = 256
    copies: int = DEFAULT_COPIES
    augmentation: str = "affine"
    il_method: str = "spreading+model"
    il_space: str = "features"
    guide: str = "auto"
    warm_start: bool = True
    seed: int = 0

    def validated(self) -> TrainingConfig:
        schemes = tuple(dict.fromkeys(s.strip().upper() for s in self.schemes))
        _check_choice("training scheme", schemes, TRAINING_SCHEMES)
        _check_choice("classifier", (self.classifier,), models.CLASSIFIERS)
        _check_choice("IL method", (self.il_method,), IL_METHODS)
        _check_choice("augmentation", (self.augmentation,), models.AUGMENTATIONS)
        _check_choice("IL neighbour space", (self.il_space,), IL_SPACES)
        if self.guide != "auto":
            _check_choice("guide scheme", (self.guide,), TRAINING_SCHEMES)
        if not schemes:
            raise TrainingError("Choose at least one training scheme.")
        for name in ("epochs", "batch_size", "il_batch_size", "copies"):
            if int(getattr(self, name)) < 1:
                raise TrainingError(f"{name} must be at least 1.")
        return replace(self, schemes=schemes)


@dataclass(frozen=True)
class LabelledSet:
    """The person's labels: pool indices, classes and confidences in [0, 1]."""

    indices: np.ndarray
    labels: np.ndarray
    confidences: np.ndarray

    def __len__(self) -> int:
        return int(self.indices.size)


@dataclass
class SchemeOutcome:
    scheme: str
    model: Any  # keras.Model
    seconds: float
    epochs: int
    train_size: int
    accuracy: float | None = None
    test_predictions: np.ndarray | None = None
    inferred_accuracy: float | None = None  # IL only, when the pool's truth is known
    pool_features: np.ndarray | None = None  # filled by `pool_outputs`, once
    pool_probabilities: np.ndarray | None = None

    def pool_outputs(self, pool_x: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
        """The model's features and probabilities for the pool, computed once and kept."""
        if self.pool_probabilities is None:
            self.pool_features, self.pool_probabilities = models.features_and_proba(
                self.model, pool_x
            )
        return self.pool_features, self.pool_probabilities


@dataclass
class IterationOutcome:
    """What one iteration produced: a model per scheme, the guide and its pool probabilities."""

    outcomes: dict[str, SchemeOutcome]
    guide: str
    pool_probabilities: np.ndarray  # the guide model's (N, n_classes), float32
    confusion: list[list[int]] | None
    seconds: float
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def accuracies(self) -> dict[str, float | None]:
        return {name: o.accuracy for name, o in self.outcomes.items()}

    def model_bytes(self) -> dict[str, bytes]:
        return {name: models.model_to_bytes(o.model) for name, o in self.outcomes.items()}


class TrainingData:
    """A dataset turned into model inputs once (on first use), reused by every iteration.

    Nothing is converted until training needs it, so a process that only asks and labels
    (the web process) never holds the float copy of the pool.
    """

    def __init__(self, dataset: Dataset, projection: np.ndarray | None = None) -> None:
        self.dataset = dataset
        self.projection = projection

    @cached_property
    def pool_x(self) -> np.ndarray:
        return models.to_model_input(self.dataset.pool_images)

    @cached_property
    def test_x(self) -> np.ndarray | None:
        if not self.dataset.has_test:
            return None
        return models.to_model_input(self.dataset.test_images)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.pool_x.shape[1:])

    @cached_property
    def pixel_space(self) -> np.ndarray:
        """The pool's pixels reduced to 50 dimensions by PCA."""
        from sklearn.decomposition import PCA

        flat = self.pool_x.reshape(len(self.pool_x), -1)
        n_components = min(50, flat.shape[0], flat.shape[1])
        return PCA(n_components, random_state=0).fit_transform(flat)


def train_iteration(
    data: TrainingData,
    labelled: LabelledSet,
    config: TrainingConfig,
    *,
    previous: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> IterationOutcome:
    """Train every scheme of `config` on `labelled`; `previous` maps scheme to its last model
    (a `keras.Model` or `.keras` bytes) to continue from."""
    config = config.validated()
    if len(labelled) == 0:
        raise TrainingError("Label at least one sample before training.")
    started = time.perf_counter()
    previous = previous or {}
    outcomes: dict[str, SchemeOutcome] = {}
    # IL comes last: it may infer its labels in the feature space of this iteration's CNN.
    order = sorted(config.schemes, key=lambda s: s == "IL")
    for position, scheme in enumerate(order):
        if should_stop is not None and should_stop():
            raise TrainingCancelledError(f"Training was cancelled before {scheme}.")
        models.set_seed(config.seed * 1009 + position)
        model = _start_model(scheme, data, config, previous.get(scheme))
        outcomes[scheme] = _train_scheme(scheme, model, data, labelled, config, outcomes, progress)
    outcomes = {scheme: outcomes[scheme] for scheme in config.schemes}  # the order asked for
    _evaluate(outcomes, data)
    guide = choose_guide(config.guide, outcomes)
    _, pool_probabilities = outcomes[guide].pool_outputs(data.pool_x)
    guide_predictions = outcomes[guide].test_predictions
    matrix = None
    if guide_predictions is not None and data.dataset.test_labels is not None:
        matrix = confusion(data.dataset.test_labels, guide_predictions, data.dataset.n_classes)
    details = {
        name: {"seconds": round(o.seconds, 3), "epochs": o.epochs, "train_size": o.train_size}
        for name, o in outcomes.items()
    }
    if "IL" in outcomes and outcomes["IL"].inferred_accuracy is not None:
        details["IL"]["inferred_accuracy"] = outcomes["IL"].inferred_accuracy
    if guide_predictions is not None:  # which test samples fall in which cell of the matrix
        details[GUIDE_TEST_PREDICTIONS] = np.asarray(guide_predictions).astype(int).tolist()
    return IterationOutcome(
        outcomes=outcomes,
        guide=guide,
        pool_probabilities=pool_probabilities,
        confusion=matrix,
        seconds=time.perf_counter() - started,
        details=details,
    )


def choose_guide(requested: str, outcomes: Mapping[str, SchemeOutcome]) -> str:
    """The scheme whose model guides the machine (placement, relabels, LC/MC/EC scores).

    A scheme the person chose, if it was trained; otherwise ("auto") the scheme with the best
    test accuracy, ties and test-less datasets going by `GUIDE_PREFERENCE`.
    """
    if requested in outcomes:
        return requested
    ranked = [s for s in GUIDE_PREFERENCE if s in outcomes]
    with_accuracy = [s for s in ranked if outcomes[s].accuracy is not None]
    if with_accuracy:
        return max(with_accuracy, key=lambda s: outcomes[s].accuracy or 0.0)
    return ranked[0]


def _start_model(
    scheme: str, data: TrainingData, config: TrainingConfig, previous: Any
) -> keras.Model:
    n_classes = data.dataset.n_classes
    if config.warm_start and previous is not None:
        # A model still in memory keeps its optimizer state and traced functions.
        loaded = isinstance(previous, bytes)
        model = models.model_from_bytes(previous) if loaded else previous
        if model.name == config.classifier and tuple(model.input_shape[1:]) == data.input_shape:
            return models.compiled(model) if loaded else model
    return models.build_model(config.classifier, data.input_shape, n_classes)


def _train_scheme(
    scheme: str,
    model: keras.Model,
    data: TrainingData,
    labelled: LabelledSet,
    config: TrainingConfig,
    done: Mapping[str, SchemeOutcome],
    progress: Progress | None,
) -> SchemeOutcome:
    started = time.perf_counter()
    x_labelled = data.pool_x[labelled.indices]
    inferred_accuracy = None
    weights = None
    batch_size = config.batch_size
    augmentation = config.augmentation if scheme in ("IDA", "CBA") else None
    if scheme == "SIL":
        x, y = x_labelled, labelled.labels
        batch_size = min(batch_size, len(x))
    elif scheme == "IDA":
        x, y = repeat_samples(x_labelled, labelled.labels, ida_counts(len(labelled), config.copies))
    elif scheme == "CBA":
        counts = cba_counts(labelled.confidences, config.copies)
        x, y = repeat_samples(x_labelled, labelled.labels, counts)
    else:
        space, prior = _il_space(config.il_space, data, done)
        inferred = infer_labels(
            space,
            labelled.indices,
            labelled.labels,
            data.dataset.n_classes,
            config.il_method,
            prior,
        )
        x, y = data.pool_x, inferred.labels
        # A doubtful inferred label weighs less (measured: +0.5 points on the bundled pool).
        weights = inferred.certainty**2
        batch_size = config.il_batch_size
        truth = data.dataset.pool_labels
        if truth is not None:
            inferred_accuracy = round(float(np.mean(inferred.labels == truth)), 4)

    def report(epoch: int, epochs: int) -> None:
        if progress is not None:
            progress(scheme, epoch, epochs)

    epochs = models.fit(
        model,
        x,
        y,
        epochs=config.epochs,
        batch_size=batch_size,
        min_steps=config.min_steps,
        sample_weight=weights,
        augmentation=augmentation,
        seed=config.seed,
        on_epoch=report,
    )
    return SchemeOutcome(
        scheme=scheme,
        model=model,
        seconds=time.perf_counter() - started,
        epochs=epochs,
        train_size=len(x),
        inferred_accuracy=inferred_accuracy,
    )


def _il_space(
    space: str, data: TrainingData, done: Mapping[str, SchemeOutcome]
) -> tuple[np.ndarray, np.ndarray | None]:
    """The space IL's neighbours are measured in, and a model prior for `spreading+model`.

    The prior is the mean pool probabilities of this iteration's augmented models (CBA, IDA;
    else SIL); `features` concatenates their CNN feature spaces.
    """
    sources = [done[s] for s in ("CBA", "IDA") if s in done] or [
        done[s] for s in ("SIL",) if s in done
    ]
    outputs = [source.pool_outputs(data.pool_x) for source in sources]
    prior = np.mean([proba for _, proba in outputs], axis=0) if outputs else None
    found = [feature for feature, _ in outputs if feature is not None]
    if space == "features" and found:
        return np.hstack(found), prior
    if space == "projection" and data.projection is not None:
        return data.projection, prior
    return data.pixel_space, prior


def _evaluate(outcomes: Mapping[str, SchemeOutcome], data: TrainingData) -> None:
    if data.test_x is None or data.dataset.test_labels is None:
        return
    for outcome in outcomes.values():
        predictions = models.predict_proba(outcome.model, data.test_x).argmax(axis=1)
        outcome.test_predictions = predictions
        outcome.accuracy = accuracy(data.dataset.test_labels, predictions)


def _check_choice(what: str, values: tuple[str, ...], allowed: Mapping[str, str]) -> None:
    for value in values:
        if value not in allowed:
            raise TrainingError(f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}.")

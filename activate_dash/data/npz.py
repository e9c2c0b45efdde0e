"""NumPy `.npz` datasets, read without ever unpickling.

Two layouts: `x_train, y_train` (+ optional `x_test, y_test`), or `X, y` which is split
stratified 80/20 into pool and test with a fixed seed. Without labels (`X` alone, or `x_train`
alone) the pool is unlabelled and has no test set. An optional `class_names` string array names
the classes: integer labels index into it, string labels must be among it. Without it the
classes are the sorted distinct label values.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from activate_dash.data.arrays import (
    check_class_names,
    encode_labels,
    stratified_split,
    to_uint8_images,
)
from activate_dash.data.dataset import Dataset
from activate_dash.errors import DatasetError

LAYOUTS = "keys x_train, y_train (and optionally x_test, y_test), or X and optionally y"


def load_npz(path: Path, spec: str) -> Dataset:
    """A dataset from an `.npz` file (see the module docstring for the layouts)."""
    arrays = _read_arrays(path)
    if "x_train" in arrays:
        return _from_split_layout(path, spec, arrays)
    if "X" in arrays or "x" in arrays:
        return _from_xy_layout(path, spec, arrays)
    raise DatasetError(f"{path}: found keys {sorted(arrays)}; expected {LAYOUTS}")


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of the file, refusing pickled (object) arrays."""
    if not _is_zip(path):
        raise DatasetError(f"{path}: not an .npz file (not a zip archive); {LAYOUTS}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object arrays" in str(exc).lower():
            raise DatasetError(
                f"{path}: holds pickled (object) arrays, which are refused for safety;"
                " save plain numeric or string arrays"
            ) from exc
        raise DatasetError(f"{path}: not a readable .npz file ({exc})") from exc
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError) as exc:
        raise DatasetError(f"{path}: not a readable .npz file ({exc})") from exc


def _is_zip(path: Path) -> bool:
    """Whether the file is a zip archive (what np.savez writes)."""
    try:
        return zipfile.is_zipfile(path)
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from exc


def _class_names(path: Path, arrays: dict[str, np.ndarray]) -> tuple[str, ...] | None:
    """The optional `class_names` array as strings."""
    if "class_names" not in arrays:
        return None
    names = arrays["class_names"]
    if names.ndim != 1 or names.dtype.kind not in "US":
        raise DatasetError(f"{path}: class_names must be a 1-D array of strings")
    if names.dtype.kind == "S":
        names = np.char.decode(names, "utf-8", errors="replace")
    return check_class_names(names.tolist(), f"{path} (class_names)")


def _from_split_layout(path: Path, spec: str, arrays: dict[str, np.ndarray]) -> Dataset:
    """Layout x_train, y_train, optional x_test, y_test."""
    pool = to_uint8_images(arrays["x_train"], f"{path} (x_train)")
    has_test = "x_test" in arrays or "y_test" in arrays
    if has_test and not ("x_test" in arrays and "y_test" in arrays):
        raise DatasetError(f"{path}: has only one of x_test / y_test; give both or neither")
    if has_test and "y_train" not in arrays:
        raise DatasetError(f"{path}: has a test set but no y_train")
    test = to_uint8_images(arrays["x_test"], f"{path} (x_test)") if has_test else None
    if test is not None and test.shape[1:] != pool.shape[1:]:
        raise DatasetError(
            f"{path}: x_test images are {test.shape[1:]} but x_train images are {pool.shape[1:]}"
        )
    label_sets = [(pool, arrays.get("y_train"), "y_train")]
    if test is not None:
        label_sets.append((test, arrays["y_test"], "y_test"))
    return _build(path, spec, arrays, label_sets)


def _from_xy_layout(path: Path, spec: str, arrays: dict[str, np.ndarray]) -> Dataset:
    """Layout X, y: split stratified 80/20 with a fixed seed (X alone: unlabelled pool)."""
    key = "X" if "X" in arrays else "x"
    images = to_uint8_images(arrays[key], f"{path} ({key})")
    labels = arrays.get("y")
    if labels is None:
        return _build(path, spec, arrays, [(images, None, "y")])
    _check_length(path, images, labels, "y")
    pool_index, test_index = stratified_split(np.asarray(labels))
    parts = [(images[pool_index], labels[pool_index], "y")]
    if len(test_index):
        parts.append((images[test_index], labels[test_index], "y"))
    return _build(path, spec, arrays, parts)


def _check_length(path: Path, images: np.ndarray, labels: np.ndarray, key: str) -> None:
    """Labels must be 1-D with one label per image."""
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise DatasetError(
            f"{path}: {key} has shape {labels.shape}; expected ({images.shape[0]},), one label"
            " per image"
        )


def _build(
    path: Path,
    spec: str,
    arrays: dict[str, np.ndarray],
    parts: list[tuple[np.ndarray, np.ndarray | None, str]],
) -> Dataset:
    """The Dataset from (images, labels, key) for the pool and optionally the test part."""
    names = _class_names(path, arrays)
    pool_images, pool_labels, _ = parts[0]
    if pool_labels is None:
        if names is None:
            raise DatasetError(
                f"{path}: no labels, so a class_names array is needed to name the classes"
            )
        return Dataset(path.stem, pool_images, names, spec=spec)
    for images, labels, key in parts:
        _check_length(path, images, labels, key)
    codes, names = encode_labels([labels for _, labels, _ in parts], str(path), names)
    return Dataset(
        name=path.stem,
        pool_images=pool_images,
        class_names=names,
        pool_labels=codes[0],
        test_images=parts[1][0] if len(parts) > 1 else None,
        test_labels=codes[1] if len(parts) > 1 else None,
        spec=spec,
    )

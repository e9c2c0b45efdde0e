"""IDX files (the original MNIST format), plain or gzipped, and folders of them.

An IDX file is two zero bytes, a dtype code, the number of dimensions, each dimension as a
big-endian uint32, then the values in C order, big-endian.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from activate_dash.data.arrays import encode_labels, to_uint8_images
from activate_dash.data.dataset import Dataset
from activate_dash.errors import DatasetError

IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"


def read_idx(path: Path) -> np.ndarray:
    """The array stored in one IDX file (gzipped when the name ends in .gz)."""
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise DatasetError(
            f"{path}: not an IDX file (magic bytes {raw[:4].hex() or 'missing'};"
            " expected 00 00, a dtype code and the number of dimensions)"
        )
    dtype, ndim = IDX_DTYPES[raw[2]], raw[3]
    header_size = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header_size:
        raise DatasetError(f"{path}: truncated IDX header ({len(raw)} bytes, {ndim} dimensions)")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = math.prod(shape) * dtype.itemsize
    found = len(raw) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "has extra bytes"
        raise DatasetError(
            f"{path}: IDX file {problem}: shape {shape} needs {expected} bytes of data,"
            f" found {found}"
        )
    values = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzipped."""
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from exc


def find_idx_file(folder: Path, stem: str) -> Path | None:
    """`stem`, `stem.gz` or the common dotted variant (train-images.idx3-ubyte) in `folder`."""
    dotted = stem.replace("-idx", ".idx")
    for name in (stem, f"{stem}.gz", dotted, f"{dotted}.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def is_idx_folder(folder: Path) -> bool:
    """Whether `folder` holds MNIST-style training images in IDX format."""
    return find_idx_file(folder, TRAIN_IMAGES) is not None


def load_idx_folder(folder: Path, spec: str) -> Dataset:
    """A dataset from a folder of MNIST-style IDX files; the t10k test files are optional."""
    pool_images, pool_labels = _read_pair(folder, TRAIN_IMAGES, TRAIN_LABELS, required=True)
    test = _read_pair(folder, TEST_IMAGES, TEST_LABELS, required=False)
    label_sets = [pool_labels] if test is None else [pool_labels, test[1]]
    codes, class_names = encode_labels(label_sets, str(folder))
    return Dataset(
        name=folder.name or str(folder),
        pool_images=pool_images,
        class_names=class_names,
        pool_labels=codes[0],
        test_images=None if test is None else test[0],
        test_labels=None if test is None else codes[1],
        spec=spec,
    )


def _read_pair(
    folder: Path, images_stem: str, labels_stem: str, *, required: bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """Images (as uint8) and labels of one part, checked to have the same length."""
    images_path = find_idx_file(folder, images_stem)
    labels_path = find_idx_file(folder, labels_stem)
    if images_path is None and labels_path is None and not required:
        return None
    if images_path is None or labels_path is None:
        missing = images_stem if images_path is None else labels_stem
        raise DatasetError(f"{folder / missing}: missing (neither plain nor .gz found)")
    images = to_uint8_images(read_idx(images_path), str(images_path))
    labels = read_idx(labels_path)
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise DatasetError(
            f"{labels_path}: labels have shape {labels.shape}; expected ({images.shape[0]},)"
            f" to match {images_path.name}"
        )
    return images, labels

"""The one dataset type the engine and the app work on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """An image pool to label, with optional ground truth and an optional test set.

    `pool_images` and `test_images` are uint8 arrays shaped (N, H, W) or (N, H, W, C).
    `pool_labels` is the pool's ground truth: never shown to the person, used only by the
    simulated person of the bench and to score inferred labels. Without `test_images` no accuracy
    can be reported (`has_test` tells callers).
    """

    name: str
    pool_images: np.ndarray
    class_names: tuple[str, ...]
    pool_labels: np.ndarray | None = None
    test_images: np.ndarray | None = None
    test_labels: np.ndarray | None = None
    spec: str = ""
    skipped: tuple[str, ...] = field(default=())  # "file: reason" for each file left out

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def pool_size(self) -> int:
        return int(self.pool_images.shape[0])

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one image: (H, W) or (H, W, C)."""
        return tuple(int(s) for s in self.pool_images.shape[1:])

    @property
    def has_test(self) -> bool:
        return self.test_images is not None and self.test_labels is not None

    @property
    def has_pool_labels(self) -> bool:
        return self.pool_labels is not None

    def content_hash(self) -> str:
        """A stable hex digest of the pool images (shape, dtype, bytes): projection cache key."""
        return hash_array(self.pool_images)


def hash_array(array: np.ndarray) -> str:
    """A stable hex digest of an array's shape, dtype and bytes."""
    digest = hashlib.sha256(repr((array.shape, str(array.dtype))).encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:32]

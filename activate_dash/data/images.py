"""Folders of image files (PNG, JPEG, BMP, GIF, WEBP, TIFF, PNM).

Three layouts:

- one subfolder per class (`cats/`, `dogs/`): labelled pool, class names = the subfolder names
  sorted;
- `train/` and optionally `test/`, each with one subfolder per class: labelled pool and a
  test set (test classes must be among the train classes);
- a flat folder of images: an unlabelled pool, whose class names come from `classes.txt`
  in the folder (one name per line).

All images get one shape: grayscale (N, H, W) if every image is grayscale, otherwise RGB
(N, H, W, 3) (alpha dropped). The size is the most common (width, height) among the images
(from their headers, ties to the first in sorted file order), scaled down so that the longer
side is at most 64 px; every image is resized (stretched, not cropped) to it. A file that
cannot be read is left out, logged, and named in `Dataset.skipped` as "path: reason".
Hidden files and files without an image extension are ignored.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from activate_dash.data.arrays import check_class_names
from activate_dash.data.dataset import Dataset
from activate_dash.errors import DatasetError

logger = logging.getLogger(__name__)

IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pbm"}
)
MAX_SIDE = 64
CLASSES_FILE = "classes.txt"
GRAY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
HIGH_BIT_GRAY_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
_READ_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)

Entry = tuple[Path, int | None]  # an image file and its class index (None: unlabelled)


@dataclass(frozen=True)
class _Probe:
    """What an image's header says, read before any pixel is decoded."""

    path: Path
    label: int | None
    size: tuple[int, int]
    gray: bool


def load_image_folder(folder: Path, spec: str) -> Dataset:
    """A dataset from a folder of images (see the module docstring for layouts and sizing)."""
    class_names, pool_entries, test_entries = _layout(folder)
    skipped: list[str] = []
    pool_probes = _probe_all(folder, pool_entries, skipped)
    test_probes = _probe_all(folder, test_entries or [], skipped)
    if not pool_probes:
        raise DatasetError(f"{folder}: no usable image ({_skip_summary(skipped)})")
    size, gray = _target(pool_probes + test_probes)
    pool_images, pool_labels = _decode_all(folder, pool_probes, size, gray, skipped)
    if pool_images is None:
        raise DatasetError(f"{folder}: no usable image ({_skip_summary(skipped)})")
    test_images, test_labels = _decode_all(folder, test_probes, size, gray, skipped)
    return Dataset(
        name=folder.resolve().name or str(folder),
        pool_images=pool_images,
        class_names=class_names,
        pool_labels=pool_labels,
        test_images=test_images,
        test_labels=test_labels,
        spec=spec,
        skipped=tuple(skipped),
    )


def _layout(folder: Path) -> tuple[tuple[str, ...], list[Entry], list[Entry] | None]:
    """Class names, pool entries and test entries (None: no test set) of the folder."""
    subfolders = {sub.name: sub for sub in _visible(folder) if sub.is_dir()}
    if "train" in subfolders and set(subfolders) <= {"train", "test"}:
        class_names, pool = _class_folders(subfolders["train"])
        if "test" not in subfolders:
            return class_names, pool, None
        test_names, test = _class_folders(subfolders["test"])
        unknown = sorted(set(test_names) - set(class_names))
        if unknown:
            raise DatasetError(f"{subfolders['test']}: classes {unknown} are not in train/")
        remap = [class_names.index(name) for name in test_names]
        return class_names, pool, [(path, remap[label]) for path, label in test]
    if subfolders:
        _warn_loose_images(folder)
        class_names, pool = _class_folders(folder)
        return class_names, pool, None
    return _read_classes_file(folder), [(path, None) for path in _image_files(folder)], None


def _visible(folder: Path) -> list[Path]:
    """The folder's entries, sorted, without hidden ones."""
    try:
        return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))
    except OSError as exc:
        raise DatasetError(f"{folder}: cannot list the folder ({exc})") from exc


def _image_files(folder: Path) -> list[Path]:
    """Files directly in `folder` with an image extension, sorted."""
    return [
        entry
        for entry in _visible(folder)
        if entry.suffix.lower() in IMAGE_EXTENSIONS and entry.is_file()
    ]


def _class_folders(folder: Path) -> tuple[tuple[str, ...], list[Entry]]:
    """Class names (sorted subfolder names) and the images of each subfolder."""
    subfolders = [sub for sub in _visible(folder) if sub.is_dir()]
    if not subfolders:
        raise DatasetError(f"{folder}: expected one subfolder per class, found none")
    class_names = check_class_names([sub.name for sub in subfolders], str(folder))
    entries = [(path, label) for label, sub in enumerate(subfolders) for path in _image_files(sub)]
    return class_names, entries


def _warn_loose_images(folder: Path) -> None:
    """Images beside the class subfolders belong to no class: say they are ignored."""
    loose = _image_files(folder)
    if loose:
        logger.warning(
            "%s: %d image(s) outside the class subfolders are ignored (e.g. %s)",
            folder,
            len(loose),
            loose[0].name,
        )


def _read_classes_file(folder: Path) -> tuple[str, ...]:
    """Class names of a flat (unlabelled) folder, one per line of classes.txt."""
    if not _image_files(folder):
        raise DatasetError(
            f"{folder}: no image files ({', '.join(sorted(IMAGE_EXTENSIONS))}) and no class"
            " subfolders"
        )
    path = folder / CLASSES_FILE
    if not path.is_file():
        raise DatasetError(
            f"{folder}: a flat folder of images is an unlabelled pool and needs {CLASSES_FILE}"
            " (one class name per line); or put the images in one subfolder per class"
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from exc
    return check_class_names([line for line in lines if line.strip()], str(path))


def _probe_all(folder: Path, entries: list[Entry], skipped: list[str]) -> list[_Probe]:
    """Probes of every readable header; unreadable files go to `skipped`."""
    probes = []
    for path, label in entries:
        try:
            with Image.open(path) as image:
                probes.append(_Probe(path, label, image.size, _is_gray(image)))
        except _READ_ERRORS as exc:
            _skip(folder, path, exc, skipped)
    return probes


def _is_gray(image: Image.Image) -> bool:
    """Whether the image is grayscale (a gray mode, or a palette of grays only)."""
    if image.mode in GRAY_MODES:
        return True
    if image.mode != "P":
        return False
    palette = np.asarray(image.getpalette() or [0, 0, 1], dtype=np.int64).reshape(-1, 3)
    return bool((palette == palette[:, :1]).all())


def _target(probes: list[_Probe]) -> tuple[tuple[int, int], bool]:
    """The common (width, height), scaled to at most MAX_SIDE, and whether all are gray."""
    width, height = Counter(probe.size for probe in probes).most_common(1)[0][0]
    scale = min(1.0, MAX_SIDE / max(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return size, all(probe.gray for probe in probes)


def _decode_all(
    folder: Path,
    probes: list[_Probe],
    size: tuple[int, int],
    gray: bool,
    skipped: list[str],
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Decoded images (uint8, one shape) and labels; None, None when nothing could be read."""
    shape = (len(probes), size[1], size[0]) if gray else (len(probes), size[1], size[0], 3)
    images = np.zeros(shape, dtype=np.uint8)
    kept = np.zeros(len(probes), dtype=bool)
    for index, probe in enumerate(probes):
        try:
            images[index] = _decode(probe.path, size, gray)
            kept[index] = True
        except _READ_ERRORS as exc:
            _skip(folder, probe.path, exc, skipped)
    if not kept.any():
        return None, None
    labels = [probe.label for probe, keep in zip(probes, kept, strict=True) if keep]
    if any(label is None for label in labels):
        return images[kept], None
    return images[kept], np.asarray(labels, dtype=np.int64)


def _decode(path: Path, size: tuple[int, int], gray: bool) -> np.ndarray:
    """One image's pixels as uint8 (H, W) or (H, W, 3), resized to `size`."""
    with warnings.catch_warnings(), Image.open(path) as image:
        warnings.simplefilter("ignore")  # e.g. palette transparency notes
        image.load()
        converted = _high_bit_to_l(image) if image.mode in HIGH_BIT_GRAY_MODES else image
        converted = converted.convert("L" if gray else "RGB")
    if converted.size != size:
        converted = converted.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(converted, dtype=np.uint8)


def _high_bit_to_l(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit or float grayscale to 8-bit: /257 for 16-bit, else min-max if needed."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode.startswith("I;16"):
        values = values / 257
    elif values.size and (values.min() < 0 or values.max() > 255):
        low, high = values.min(), values.max()
        values = (values - low) * (255 / (high - low)) if high > low else values * 0
    return Image.fromarray(np.rint(np.clip(values, 0, 255)).astype(np.uint8))


def _skip(folder: Path, path: Path, exc: BaseException, skipped: list[str]) -> None:
    """Record and log a file left out."""
    name = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
    reason = "not a recognised image" if isinstance(exc, UnidentifiedImageError) else str(exc)
    entry = f"{name}: {reason or type(exc).__name__}"
    skipped.append(entry)
    logger.warning("skipped %s", entry)


def _skip_summary(skipped: list[str]) -> str:
    """A short account of what was left out, for an error message."""
    if not skipped:
        return "no image files found"
    more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
    return "skipped " + "; ".join(skipped[:3]) + more

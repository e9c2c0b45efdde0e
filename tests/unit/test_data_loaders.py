"""load_dataset on every source: small files written in tmp_path, the bundled MNIST, errors."""

from __future__ import annotations

import gzip
import logging
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import activate_dash
from activate_dash.data import DEFAULT_SPEC, Dataset, builtin, load_dataset
from activate_dash.errors import DatasetError

IDX_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D}


# --- helpers -------------------------------------------------------------------------------


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Write `array` as an IDX file (gzipped when the name ends in .gz)."""
    header = bytes([0, 0, IDX_CODES[array.dtype], array.ndim])
    header += np.asarray(array.shape, dtype=">u4").tobytes()
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(payload))
    else:
        path.write_bytes(payload)
    return path


def make_idx_folder(folder: Path, *, gz: bool, with_test: bool) -> Path:
    """A tiny MNIST-style IDX folder: 12 train and 6 test 5x4 images over labels 0..2."""
    folder.mkdir()
    rng = np.random.default_rng(1)
    suffix = ".gz" if gz else ""
    parts = [("train", 12)] + ([("t10k", 6)] if with_test else [])
    for prefix, n in parts:
        images = rng.integers(0, 256, size=(n, 5, 4), dtype=np.uint8)
        labels = (np.arange(n) % 3).astype(np.uint8)
        write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
    return folder


def save_image(path: Path, size: tuple[int, int], mode: str, value: int = 128) -> Path:
    """A solid image of (width, height) in `mode`, saved in the format its suffix names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    color = value if mode == "L" else (value, 255 - value, 7)
    Image.new(mode, size, color).save(path)
    return path


class _TouchOnUnpickle:
    """Unpickling this creates a marker file: proof that the loader never unpickles."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


# --- built-in names ------------------------------------------------------------------------


def test_default_spec_is_bundled_mnist() -> None:
    assert DEFAULT_SPEC == "mnist"


def test_bundled_mnist_shapes_and_stratification() -> None:
    dataset = load_dataset("mnist")
    assert isinstance(dataset, Dataset)
    assert dataset.spec == "mnist"
    assert dataset.pool_images.shape == (8000, 28, 28)
    assert dataset.test_images.shape == (2000, 28, 28)
    assert dataset.pool_images.dtype == np.uint8 and dataset.test_images.dtype == np.uint8
    assert dataset.pool_labels.dtype == np.int64 and dataset.test_labels.dtype == np.int64
    assert dataset.class_names == tuple(str(d) for d in range(10))
    pool_counts = np.bincount(dataset.pool_labels, minlength=10)
    test_counts = np.bincount(dataset.test_labels, minlength=10)
    assert (pool_counts > 0).all() and (test_counts > 0).all()
    np.testing.assert_allclose(test_counts / (pool_counts + test_counts), 0.2, atol=0.01)
    assert dataset.pool_images.max() == 255 and dataset.pool_images.min() == 0


def test_bundled_mnist_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from activate_dash.data import load_dataset\n"
        "load_dataset('mnist')\n"
        "heavy = ('tensorflow', 'keras', 'umap', 'sklearn')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    repo_root = Path(activate_dash.__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=repo_root,
    )
    assert result.stdout.strip() == "[]"


def test_digits_split_and_scaling() -> None:
    dataset = load_dataset("digits")
    assert dataset.pool_size + len(dataset.test_images) == 1797
    assert dataset.image_shape == (8, 8)
    assert dataset.pool_images.dtype == np.uint8 and dataset.pool_images.max() == 255
    assert len(dataset.test_images) == pytest.approx(0.2 * 1797, abs=10)
    assert set(np.unique(dataset.test_labels)) == set(range(10))


def test_mnist_full_offline_without_cache_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(builtin, "KERAS_TMP_DIR", tmp_path / "tmp-keras")
    monkeypatch.setattr(builtin, "_can_reach", lambda host: False)
    with pytest.raises(DatasetError) as info:
        load_dataset("mnist-full")
    message = str(info.value)
    assert "mnist.npz" in message and "'mnist'" in message and "internet" in message


def test_network_probe_fails_fast_on_a_closed_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert builtin._can_reach("127.0.0.1", port) is False


def test_unknown_spec_lists_what_is_accepted() -> None:
    with pytest.raises(DatasetError, match=r"no-such-dataset.*accepted: 'mnist'"):
        load_dataset("no-such-dataset")


def test_empty_spec_and_unsupported_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="empty"):
        load_dataset("  ")
    csv = tmp_path / "data.csv"
    csv.write_text("1,2\n")
    with pytest.raises(DatasetError, match=r"data\.csv.*unsupported"):
        load_dataset(str(csv))


# --- IDX -------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_idx_folder_with_test(tmp_path: Path, gz: bool) -> None:
    folder = make_idx_folder(tmp_path / "idx", gz=gz, with_test=True)
    dataset = load_dataset(str(folder))
    assert dataset.pool_images.shape == (12, 5, 4) and dataset.pool_images.dtype == np.uint8
    assert dataset.test_images.shape == (6, 5, 4)
    assert dataset.class_names == ("0", "1", "2")
    np.testing.assert_array_equal(dataset.pool_labels, np.arange(12) % 3)
    assert dataset.name == "idx" and dataset.spec == str(folder)


def test_idx_folder_without_test_and_float_images(tmp_path: Path) -> None:
    folder = tmp_path / "idx"
    folder.mkdir()
    write_idx(folder / "train-images-idx3-ubyte", np.full((4, 3, 3), 0.5, dtype=np.float32))
    write_idx(folder / "train-labels-idx1-ubyte", np.array([7, 9, 7, 9], dtype=np.int32))
    dataset = load_dataset(str(folder))
    assert not dataset.has_test
    assert dataset.class_names == ("7", "9")
    np.testing.assert_array_equal(dataset.pool_labels, [0, 1, 0, 1])
    assert (dataset.pool_images == 128).all()


def test_idx_truncated_names_the_file(tmp_path: Path) -> None:
    folder = make_idx_folder(tmp_path / "idx", gz=False, with_test=False)
    images = folder / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-7])
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte: IDX file truncated"):
        load_dataset(str(folder))


def test_idx_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    folder = make_idx_folder(tmp_path / "idx", gz=True, with_test=False)
    labels = folder / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:15])
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte\.gz: cannot read"):
        load_dataset(str(folder))


def test_idx_wrong_magic_names_the_file(tmp_path: Path) -> None:
    folder = make_idx_folder(tmp_path / "idx", gz=False, with_test=False)
    labels = folder / "train-labels-idx1-ubyte"
    labels.write_bytes(b"\x1f\x8b\x08\x01" + labels.read_bytes()[4:])
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte: not an IDX file"):
        load_dataset(str(folder))


def test_idx_label_count_mismatch(tmp_path: Path) -> None:
    folder = make_idx_folder(tmp_path / "idx", gz=False, with_test=False)
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros(5, dtype=np.uint8))
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte: labels have shape \(5,\)"):
        load_dataset(str(folder))


# --- npz -------------------------------------------------------------------------------------


def test_npz_split_layout_with_class_names(tmp_path: Path) -> None:
    path = tmp_path / "split.npz"
    np.savez(
        path,
        x_train=np.zeros((6, 4, 4), dtype=np.uint8),
        y_train=np.array([0, 1, 2, 0, 1, 2]),
        x_test=np.ones((3, 4, 4, 1), dtype=np.uint8),
        y_test=np.array([2, 1, 0]),
        class_names=np.array(["cat", "dog", "owl"]),
    )
    dataset = load_dataset(str(path))
    assert dataset.class_names == ("cat", "dog", "owl")
    assert dataset.test_images.shape == (3, 4, 4)
    np.testing.assert_array_equal(dataset.test_labels, [2, 1, 0])
    assert dataset.name == "split"


def test_npz_xy_layout_string_labels_split_stratified(tmp_path: Path) -> None:
    path = tmp_path / "xy.npz"
    labels = np.array(["dog"] * 30 + ["cat"] * 20)
    np.savez(path, X=np.zeros((50, 3, 3, 3), dtype=np.uint8), y=labels)
    dataset = load_dataset(str(path))
    assert dataset.class_names == ("cat", "dog")
    assert dataset.pool_size == 40 and len(dataset.test_images) == 10
    np.testing.assert_array_equal(np.bincount(dataset.test_labels), [4, 6])
    assert dataset.image_shape == (3, 3, 3)
    again = load_dataset(str(path))
    np.testing.assert_array_equal(again.pool_labels, dataset.pool_labels)


def test_npz_unlabelled_pool_needs_class_names(tmp_path: Path) -> None:
    path = tmp_path / "pool.npz"
    np.savez(path, X=np.zeros((5, 3, 3), dtype=np.uint8))
    with pytest.raises(DatasetError, match=r"pool\.npz: no labels.*class_names"):
        load_dataset(str(path))
    np.savez(path, X=np.zeros((5, 3, 3), dtype=np.uint8), class_names=np.array(["a", "b"]))
    dataset = load_dataset(str(path))
    assert dataset.pool_labels is None and not dataset.has_test
    assert dataset.class_names == ("a", "b")


@pytest.mark.parametrize(
    ("images", "expected"),
    [
        (np.full((2, 2, 2), 0.5, dtype=np.float32), 128),
        (np.full((2, 2, 2), 200.0), 200),
        (np.full((2, 2, 2), 17, dtype=np.int64), 17),
        (np.full((2, 2, 2, 4), 0.2), 51),
    ],
)
def test_npz_image_scaling(tmp_path: Path, images: np.ndarray, expected: int) -> None:
    path = tmp_path / "scaled.npz"
    np.savez(path, x_train=images, y_train=np.array([3, 5]))
    dataset = load_dataset(str(path))
    assert dataset.pool_images.dtype == np.uint8
    assert (dataset.pool_images == expected).all()
    assert dataset.pool_images.shape[-1] != 4
    assert dataset.class_names == ("3", "5")


@pytest.mark.parametrize(
    ("images", "problem"),
    [
        (np.full((2, 2, 2), 300.0), r"range over \[300, 300\]"),
        (np.full((2, 2, 2), -1, dtype=np.int16), r"range over \[-1, -1\]"),
        (np.zeros((2, 4)), r"shape \(2, 4\)"),
        (np.zeros((2, 2, 2, 2)), "2 channels"),
    ],
)
def test_npz_bad_images(tmp_path: Path, images: np.ndarray, problem: str) -> None:
    path = tmp_path / "bad.npz"
    np.savez(path, x_train=images, y_train=np.array([0, 1]))
    with pytest.raises(DatasetError, match=rf"bad\.npz \(x_train\): .*{problem}"):
        load_dataset(str(path))


def test_npz_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"this is not a zip archive at all")
    with pytest.raises(DatasetError, match=r"garbage\.npz: not an \.npz file"):
        load_dataset(str(path))


def test_npz_refuses_pickled_arrays_without_unpickling(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled.marker"
    path = tmp_path / "pickled.npz"
    objects = np.array([_TouchOnUnpickle(marker), _TouchOnUnpickle(marker)], dtype=object)
    np.savez(path, x_train=np.zeros((2, 3, 3), dtype=np.uint8), y_train=objects)
    with pytest.raises(DatasetError, match=r"pickled\.npz: holds pickled"):
        load_dataset(str(path))
    assert not marker.exists()


def test_npz_wrong_keys_and_mismatched_labels(tmp_path: Path) -> None:
    path = tmp_path / "keys.npz"
    np.savez(path, images=np.zeros((2, 3, 3), dtype=np.uint8))
    with pytest.raises(DatasetError, match=r"keys\.npz: found keys \['images'\]"):
        load_dataset(str(path))
    np.savez(path, x_train=np.zeros((2, 3, 3), dtype=np.uint8), y_train=np.array([0, 1, 1]))
    with pytest.raises(DatasetError, match=r"keys\.npz: y_train has shape \(3,\)"):
        load_dataset(str(path))


def test_tilde_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    np.savez(tmp_path / "home.npz", x_train=np.zeros((2, 3, 3)), y_train=np.array([0, 1]))
    dataset = load_dataset("~/home.npz")
    assert dataset.spec == "~/home.npz" and dataset.pool_size == 2


# --- image folders ---------------------------------------------------------------------------


def test_class_folders_mixed_modes_and_sizes(tmp_path: Path) -> None:
    root = tmp_path / "pets"
    for i in range(3):
        save_image(root / "dogs" / f"d{i}.png", (20, 10), "RGB")
    save_image(root / "cats" / "c0.png", (20, 10), "L")
    save_image(root / "cats" / "c1.jpg", (30, 30), "L")
    save_image(root / "cats" / "c2.bmp", (20, 10), "L")
    (root / "cats" / "notes.txt").write_text("not an image")
    dataset = load_dataset(str(root))
    assert dataset.class_names == ("cats", "dogs")
    assert dataset.pool_images.shape == (6, 10, 20, 3)
    np.testing.assert_array_equal(dataset.pool_labels, [0, 0, 0, 1, 1, 1])
    assert dataset.skipped == () and not dataset.has_test and dataset.name == "pets"


def test_all_grayscale_stays_2d_and_large_images_shrink(tmp_path: Path) -> None:
    root = tmp_path / "gray"
    save_image(root / "a" / "0.png", (128, 96), "L")
    save_image(root / "b" / "1.gif", (128, 96), "L")
    dataset = load_dataset(str(root))
    assert dataset.pool_images.shape == (2, 48, 64)


def test_flat_folder_with_classes_txt(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    for i in range(3):
        save_image(root / f"{i}.png", (8, 8), "L")
    (root / "classes.txt").write_text("zero\n\none\ntwo\n")
    dataset = load_dataset(str(root))
    assert dataset.pool_labels is None
    assert dataset.class_names == ("zero", "one", "two")
    assert dataset.pool_images.shape == (3, 8, 8)


def test_flat_folder_without_classes_txt(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    save_image(root / "0.png", (8, 8), "L")
    with pytest.raises(DatasetError, match=r"flat.*needs classes\.txt"):
        load_dataset(str(root))


def test_train_test_layout(tmp_path: Path) -> None:
    root = tmp_path / "split"
    for name in ("ant", "bee", "cat"):
        save_image(root / "train" / name / "0.png", (6, 6), "RGB")
        save_image(root / "train" / name / "1.png", (6, 6), "RGB")
    save_image(root / "test" / "cat" / "t.png", (6, 6), "RGB")
    dataset = load_dataset(str(root))
    assert dataset.class_names == ("ant", "bee", "cat")
    assert dataset.pool_images.shape == (6, 6, 6, 3)
    assert dataset.test_images.shape == (1, 6, 6, 3)
    np.testing.assert_array_equal(dataset.test_labels, [2])


def test_corrupt_images_are_skipped_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "pets"
    save_image(root / "cats" / "good.png", (8, 8), "RGB")
    save_image(root / "dogs" / "good.png", (8, 8), "RGB")
    (root / "dogs" / "garbage.png").write_bytes(b"\x00garbage bytes, not a PNG")
    truncated = save_image(root / "cats" / "truncated.png", (8, 8), "RGB", value=3)
    truncated.write_bytes(truncated.read_bytes()[:40])
    with caplog.at_level(logging.WARNING):
        dataset = load_dataset(str(root))
    assert dataset.pool_size == 2
    assert any(entry.startswith("dogs/garbage.png: ") for entry in dataset.skipped)
    assert any(entry.startswith("cats/truncated.png: ") for entry in dataset.skipped)
    assert "garbage.png" in caplog.text


def test_folder_of_only_garbage(tmp_path: Path) -> None:
    root = tmp_path / "junk"
    root.mkdir()
    (root / "a.png").write_bytes(b"nope")
    (root / "b.jpg").write_bytes(b"nope")
    (root / "classes.txt").write_text("x\ny\n")
    with pytest.raises(DatasetError, match=r"junk: no usable image .*a\.png"):
        load_dataset(str(root))


def test_empty_folder(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    with pytest.raises(DatasetError, match="empty: no image files"):
        load_dataset(str(root))

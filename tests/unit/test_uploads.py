"""New projects on uploaded files: stored, loaded, refused with clear words, nothing left over."""

from __future__ import annotations

import base64
import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from activate_dash.errors import DatasetError
from activate_dash.store import Store
from activate_dash.web import uploads
from activate_dash.web.uploads import (
    discard_upload,
    resolve_upload,
    save_upload,
    upload_stem,
    upload_summary,
)
from activate_dash.web.workspace import Workspace

CLASSES = ("cats", "dogs", "owls")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    with Workspace(Store(data_dir=tmp_path), tmp_path) as opened:
        yield opened


def png(value: int, size: tuple[int, int] = (6, 4)) -> bytes:
    """A tiny solid grey PNG."""
    buffer = io.BytesIO()
    Image.new("L", size, value).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(data: bytes, mime: str = "application/zip") -> str:
    """What `dcc.Upload` hands over: a base64 data URL."""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def zip_bytes(files: dict[str, bytes | str], compression: int = zipfile.ZIP_STORED) -> bytes:
    """A zip archive of `{member name: content}`, in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def class_folders(prefix: str = "", per_class: int = 3) -> dict[str, bytes | str]:
    """Members for one folder per class, `per_class` images each."""
    return {
        f"{prefix}{name}/{i}.png": png(40 * c + i)
        for c, name in enumerate(CLASSES)
        for i in range(per_class)
    }


def npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def left_over(data_dir: Path) -> list[str]:
    """Everything under uploads/, temporary folders included."""
    folder = data_dir / "uploads"
    return sorted(entry.name for entry in folder.iterdir()) if folder.exists() else []


def test_zip_of_class_folders_makes_a_project(workspace: Workspace) -> None:
    token = workspace.new_project_from_upload("photos.zip", data_url(zip_bytes(class_folders())))
    project = workspace.resolve(token)
    info = workspace.info(project)
    dataset = workspace.dataset(project)
    assert info.name == "photos" and info.dataset_spec.startswith("upload:")
    assert dataset.class_names == CLASSES and dataset.pool_size == 9
    assert dataset.spec == info.dataset_spec  # the relative spec, not a server path
    assert sorted(dataset.pool_labels.tolist()) == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert not any(name.startswith(".") for name in left_over(workspace.data_dir))


def test_single_top_folder_is_the_root_and_junk_is_skipped(workspace: Workspace) -> None:
    files = class_folders("holiday/")
    files["__MACOSX/holiday/cats/._0.png"] = b"resource fork"
    files["holiday/.DS_Store"] = b"finder"
    files["holiday/cats/.hidden.png"] = b"not an image"
    token = workspace.new_project_from_upload("Holiday.ZIP", data_url(zip_bytes(files)))
    dataset = workspace.dataset(workspace.resolve(token))
    assert dataset.class_names == CLASSES and dataset.pool_size == 9 and not dataset.skipped
    assert workspace.info(workspace.resolve(token)).name == "Holiday"


def test_flat_folder_with_classes_file(workspace: Workspace) -> None:
    files: dict[str, bytes | str] = {f"pool/{i}.png": png(20 * i) for i in range(5)}
    files["pool/classes.txt"] = "cat\ndog\n"
    token = workspace.new_project_from_upload("pool.zip", data_url(zip_bytes(files)))
    dataset = workspace.dataset(workspace.resolve(token))
    assert dataset.class_names == ("cat", "dog") and dataset.pool_size == 5
    assert dataset.pool_labels is None


def test_npz_upload(workspace: Workspace) -> None:
    rng = np.random.default_rng(0)
    data = npz_bytes(
        x_train=rng.integers(0, 255, (12, 8, 8), dtype=np.uint8),
        y_train=np.arange(12) % 3,
        x_test=rng.integers(0, 255, (6, 8, 8), dtype=np.uint8),
        y_test=np.arange(6) % 3,
    )
    token = workspace.new_project_from_upload(
        "scans.npz", data_url(data, "application/octet-stream")
    )
    project = workspace.resolve(token)
    dataset = workspace.dataset(project)
    assert dataset.pool_size == 12 and dataset.n_classes == 3 and dataset.has_test
    assert resolve_upload(workspace.data_dir, workspace.info(project).dataset_spec).suffix == ".npz"


def test_the_same_upload_twice_reuses_the_folder(workspace: Workspace) -> None:
    contents = data_url(zip_bytes(class_folders()))
    first = workspace.new_project_from_upload("a.zip", contents)
    second = workspace.new_project_from_upload("b.zip", contents)
    spec = workspace.info(workspace.resolve(first)).dataset_spec
    assert first != second and workspace.info(workspace.resolve(second)).dataset_spec == spec
    assert left_over(workspace.data_dir) == [spec.removeprefix("upload:")]
    assert save_upload(workspace.data_dir, "c.zip", contents) == spec


def test_project_on_an_upload_survives_a_restart_and_a_moved_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with Workspace(Store(data_dir=data_dir), data_dir) as workspace:
        token = workspace.new_project_from_upload("p.zip", data_url(zip_bytes(class_folders())))
    for where in (data_dir, tmp_path / "moved"):
        if where != data_dir:
            shutil.copytree(data_dir, where)
        with Workspace(Store(data_dir=where), where) as again:
            dataset = again.dataset(again.resolve(token))
            assert dataset.class_names == CLASSES and dataset.pool_size == 9


def test_a_deleted_upload_is_named_in_the_error(workspace: Workspace) -> None:
    spec = save_upload(workspace.data_dir, "p.zip", data_url(zip_bytes(class_folders())))
    discard_upload(workspace.data_dir, spec)
    assert left_over(workspace.data_dir) == []
    with pytest.raises(DatasetError, match="no longer"):
        resolve_upload(workspace.data_dir, spec)
    with pytest.raises(DatasetError, match="not an upload"):
        resolve_upload(workspace.data_dir, "upload:../../etc")


def evil_zip() -> bytes:
    return zip_bytes({**class_folders(), "../evil.png": png(1)})


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in class_folders().items():
            archive.writestr(name, content)
        link = zipfile.ZipInfo("cats/link.png")
        link.external_attr = (0o120777 << 16) | 0o777
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "contents", "problem"),
    [
        ("photos.rar", data_url(b"Rar!"), r"photos\.rar: only \.zip .* and \.npz"),
        ("photos.zip", "data:application/zip;base64,@@not base64@@", "bad base64"),
        ("photos.zip", "just text", "did not arrive as a file"),
        ("photos.zip", data_url(b""), "empty"),
        ("photos.zip", data_url(b"this is no zip at all"), r"photos\.zip: not a zip archive"),
        ("photos.zip", data_url(evil_zip()), r"photos\.zip: refused.*\.\./evil\.png"),
        ("photos.zip", data_url(zip_bytes({"/abs.png": png(1)})), "absolute path"),
        ("photos.zip", data_url(symlink_zip()), "symbolic link"),
        ("empty.zip", data_url(zip_bytes({"notes/readme.txt": "hi"})), r"empty\.zip.*no image"),
        ("pool.zip", data_url(zip_bytes({"a.png": png(1), "b.png": png(2)})), "classes.txt"),
        ("bad.npz", data_url(b"PK\x03\x04 broken"), r"bad\.npz: not an \.npz file"),
        ("keys.npz", data_url(npz_bytes(images=np.zeros((2, 3, 3)))), r"keys\.npz: found keys"),
        (None, data_url(b"x"), "without a file name"),
    ],
)
def test_refusals_are_clear_and_leave_nothing(
    workspace: Workspace, filename: str | None, contents: str, problem: str
) -> None:
    with pytest.raises(DatasetError, match=problem) as caught:
        workspace.new_project_from_upload(filename, contents)
    assert str(workspace.data_dir) not in str(caught.value)  # no server path in the message
    assert left_over(workspace.data_dir) == []
    assert workspace.store.list_projects() == []
    assert not (workspace.data_dir / "evil.png").exists()


def test_too_large_uploads_are_refused(workspace: Workspace, monkeypatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1_000)
    with pytest.raises(
        DatasetError, match=r"big\.zip: is 5,000 bytes, more than the limit of 1,000 bytes"
    ):
        workspace.new_project_from_upload("big.zip", data_url(bytes(5_000)))
    small_but_unpacks_big = zip_bytes(
        {"cats/0.png": bytes(600), "dogs/0.png": bytes(600)}, zipfile.ZIP_DEFLATED
    )
    assert len(small_but_unpacks_big) < 1_000
    with pytest.raises(DatasetError, match=r"bomb\.zip: would unpack to .* more than the limit"):
        workspace.new_project_from_upload("bomb.zip", data_url(small_but_unpacks_big))
    monkeypatch.setattr(uploads, "MAX_ZIP_MEMBERS", 2)
    with pytest.raises(DatasetError, match=r"many\.zip: holds 3 files"):
        workspace.new_project_from_upload("many.zip", data_url(zip_bytes(class_folders("", 1))))
    assert left_over(workspace.data_dir) == [] and workspace.store.list_projects() == []


def test_npz_arrays_that_claim_too_much_memory_are_refused(
    workspace: Workspace, monkeypatch
) -> None:
    # A small file whose .npy header claims a huge array: the loader would try to allocate it.
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|u1", "fortran_order": False, "shape": (10**6, 28, 28)}
    )
    data = zip_bytes({"x_train.npy": header.getvalue(), "y_train.npy": b""})
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10**6)
    with pytest.raises(DatasetError, match=r"big\.npz: the array 'x_train' would take"):
        workspace.new_project_from_upload("big.npz", data_url(data))
    assert left_over(workspace.data_dir) == []


def test_skipped_files_are_mentioned(workspace: Workspace) -> None:
    files = {**class_folders(), "dogs/broken.png": b"not a png"}
    token = workspace.new_project_from_upload("mixed.zip", data_url(zip_bytes(files)))
    dataset = workspace.dataset(workspace.resolve(token))
    text = upload_summary(token, "mixed.zip", dataset)
    assert text.startswith(f"Started project {token} on mixed.zip: 9 images, 3 classes")
    assert "1 file(s) skipped (dogs/broken.png" in text


def test_upload_stem() -> None:
    assert upload_stem("photos.zip") == "photos"
    assert upload_stem("C:\\Users\\me\\my.data.npz") == "my.data"

"""Datasets uploaded from the page: checked, stored under the data dir, named by a spec (no Dash).

`dcc.Upload` hands over a file as a base64 data URL. An upload is a `.zip` of images (one
folder per class, `train/` and `test/`, or a flat folder with `classes.txt`; a single top-level
folder is taken as the dataset's root) or an `.npz`. It is stored under
`<data dir>/uploads/<hash>/` (the hash of its kind and bytes, so the same file uploaded twice
is stored once) as `dataset/` (a zip, unpacked) or `dataset.npz`, and named by the spec
`upload:<hash>`: relative, so a moved data dir still works. Everything is written into a
temporary folder beside it and renamed into place at the end, so a half-written upload never
looks complete. Every refusal is a `DatasetError` naming the file and the problem.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

import numpy as np

from activate_dash.errors import DatasetError

if TYPE_CHECKING:
    from activate_dash.data.dataset import Dataset

MAX_UPLOAD_BYTES = 200_000_000  # the file, decoded; also the sum of a zip's unpacked sizes
MAX_ZIP_MEMBERS = 100_000
UPLOAD_PREFIX = "upload:"
UPLOADS_DIR = "uploads"
DATASET_DIR = "dataset"  # an unpacked zip, inside uploads/<hash>/
DATASET_NPZ = "dataset.npz"  # an .npz, inside uploads/<hash>/
KINDS = (".zip", ".npz")
ACCEPTED = "only .zip (folders of images) and .npz files can be uploaded."

_HASH_LENGTH = 16
_SPEC_PATTERN = re.compile(rf"^{UPLOAD_PREFIX}([0-9a-f]{{{_HASH_LENGTH}}})$")
_CHUNK = 1 << 20
_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
_UNPACK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    OSError,
    ValueError,
)


def is_upload(spec: str) -> bool:
    """Whether a dataset spec names an upload (`upload:<hash>`)."""
    return isinstance(spec, str) and spec.startswith(UPLOAD_PREFIX)


def upload_name(filename: object) -> str:
    """The uploaded file's own name (no folders); DatasetError when it is missing."""
    if not isinstance(filename, str) or not filename.strip():
        raise DatasetError("The upload came without a file name; choose a .zip or .npz file.")
    return PurePosixPath(filename.strip().replace("\\", "/")).name or filename.strip()


def upload_stem(filename: str) -> str:
    """A project name for an upload: the file's name without its extension."""
    name = upload_name(filename)
    return name[: -len(Path(name).suffix)] if Path(name).suffix else name


def save_upload(data_dir: Path, filename: str, contents: str) -> str:
    """Check an upload (`contents`: a base64 data URL), store it; returns its spec."""
    spec, _created = _save(Path(data_dir), filename, contents)
    return spec


def resolve_upload(data_dir: Path, spec: str) -> Path:
    """The folder (unpacked zip) or `.npz` file to give `load_dataset` for an upload spec."""
    folder = _folder(Path(data_dir), spec)
    for candidate in (folder / DATASET_DIR, folder / DATASET_NPZ):
        if candidate.exists():
            return candidate
    raise DatasetError(
        f"{spec}: the uploaded file is no longer in {folder.parent}; it may have been deleted"
        " or the data folder moved without it."
    )


def discard_upload(data_dir: Path, spec: str) -> None:
    """Remove a stored upload (moved aside first, so it never looks half there)."""
    folder = _folder(Path(data_dir), spec)
    if not folder.exists():
        return
    aside = Path(tempfile.mkdtemp(prefix=".gone-", dir=folder.parent))
    with contextlib.suppress(OSError):  # someone else removed it first
        folder.rename(aside / folder.name)
    shutil.rmtree(aside, ignore_errors=True)


def new_upload_dataset(
    data_dir: Path, filename: str, contents: str, load: Callable[[str], Dataset]
) -> str:
    """Store an upload and load it with `load(spec)`; returns the spec.

    When it cannot be loaded (a corrupt `.npz`, no images, ...) the stored copy is removed
    again and the loader's DatasetError is raised with the file's name in place of its path.
    """
    data_dir = Path(data_dir)
    name = upload_name(filename)
    spec, created = _save(data_dir, name, contents)
    path = resolve_upload(data_dir, spec)
    try:
        load(spec)
    except Exception as exc:
        if created:
            discard_upload(data_dir, spec)
        if isinstance(exc, DatasetError):
            raise DatasetError(str(exc).replace(str(path), name)) from exc
        raise
    return spec


def upload_summary(token: str, filename: str, dataset: Dataset) -> str:
    """Words for the person once a project was started on an upload."""
    text = (
        f"Started project {token} on {upload_name(filename)}: {dataset.pool_size:,} images,"
        f" {dataset.n_classes} classes"
    )
    if dataset.has_test and dataset.test_images is not None:
        text += f", {len(dataset.test_images):,} test images"
    if dataset.skipped:
        shown = "; ".join(dataset.skipped[:3])
        more = f" and {len(dataset.skipped) - 3} more" if len(dataset.skipped) > 3 else ""
        text += f"; {len(dataset.skipped):,} file(s) skipped ({shown}{more})"
    return text + "."


# ---------------------------------------------------------------- storing


def _save(data_dir: Path, filename: str, contents: str) -> tuple[str, bool]:
    """Check and store an upload; returns (spec, whether it was stored now)."""
    name = upload_name(filename)
    kind = Path(name).suffix.lower()
    if kind not in KINDS:
        raise DatasetError(f"{name}: {ACCEPTED}")
    data = _decode(name, contents)
    digest = hashlib.sha256(kind.encode() + b"\0" + data).hexdigest()[:_HASH_LENGTH]
    spec = UPLOAD_PREFIX + digest
    final = _folder(data_dir, spec)
    if final.is_dir():
        return spec, False
    archive = _open_zip(name, data, kind)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=final.parent))
    try:
        if kind == ".npz":
            _check_npz(name, archive)
            (temporary / DATASET_NPZ).write_bytes(data)
        else:
            _unpack(name, archive, temporary)
        try:
            temporary.rename(final)
        except OSError:
            if not final.is_dir():
                raise
            shutil.rmtree(temporary, ignore_errors=True)  # the same file, stored meanwhile
            return spec, False
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise DatasetError(f"{name}: cannot be stored on the server ({exc}).") from exc
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return spec, True


def _folder(data_dir: Path, spec: str) -> Path:
    """An upload's folder under the data dir; DatasetError for a malformed spec."""
    found = _SPEC_PATTERN.match(spec) if isinstance(spec, str) else None
    if found is None:
        raise DatasetError(f"{spec!r} is not an upload (expected {UPLOAD_PREFIX}<hash>).")
    return data_dir / UPLOADS_DIR / found.group(1)


def _decode(name: str, contents: object) -> bytes:
    """The file's bytes from a data URL, within the size limit."""
    if not isinstance(contents, str) or "," not in contents:
        raise DatasetError(f"{name}: the upload did not arrive as a file; try again.")
    header, _, payload = contents.partition(",")
    if not header.startswith("data:") or not header.endswith(";base64"):
        raise DatasetError(f"{name}: the upload did not arrive as base64 data; try again.")
    decoded_size = len(payload) // 4 * 3 - payload[-2:].count("=")
    if decoded_size > MAX_UPLOAD_BYTES:  # refused before decoding it
        raise _too_large(name, decoded_size)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DatasetError(f"{name}: the upload arrived damaged (bad base64: {exc}).") from exc
    if not data:
        raise DatasetError(f"{name}: the file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(name, len(data))
    return data


def _too_large(name: str, size: int, what: str = "is") -> DatasetError:
    return DatasetError(
        f"{name}: {what} {_megabytes(size)}, more than the limit of {_megabytes(MAX_UPLOAD_BYTES)}."
    )


def _megabytes(size: int) -> str:
    """A size for a person: '200 MB', '1.5 MB', or bytes when small."""
    if size < 100_000:
        return f"{size:,} bytes"
    return f"{size / 1e6:,.1f} MB".replace(".0 MB", " MB")


def _open_zip(name: str, data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive (an .npz is a zip too), its member count and unpacked size checked."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        what = "an .npz file" if kind == ".npz" else "a zip archive"
        raise DatasetError(f"{name}: not {what} (the file could not be opened as one).") from exc
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise DatasetError(
            f"{name}: holds {len(members):,} files, more than the limit of {MAX_ZIP_MEMBERS:,}."
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UPLOAD_BYTES:
        raise _too_large(name, total, "would unpack to")
    return archive


def _check_npz(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse an .npz whose arrays claim more memory than the limit (read from their headers)."""
    for member in archive.infolist():
        if not member.filename.endswith(".npy"):
            continue
        try:
            with archive.open(member) as stream:
                version = np.lib.format.read_magic(stream)
                read_header = _HEADER_READERS.get(version)
                if read_header is None:
                    continue  # a rare newer format: the loader checks it
                shape, _fortran, dtype = read_header(stream)
        except _UNPACK_ERRORS as exc:
            raise DatasetError(f"{name}: not a readable .npz file ({exc}).") from exc
        size = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
        if size > MAX_UPLOAD_BYTES:
            raise DatasetError(
                f"{name}: the array {member.filename[:-4]!r} would take {_megabytes(size)},"
                f" more than the limit of {_megabytes(MAX_UPLOAD_BYTES)}."
            )


def _unpack(name: str, archive: zipfile.ZipFile, target: Path) -> None:
    """Unpack the archive's members into `target/dataset` (the single top folder as root)."""
    unpacked = target / "unpacked"
    unpacked.mkdir()
    budget = MAX_UPLOAD_BYTES
    for member, parts in _members(name, archive):
        path = unpacked.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, path.open("wb") as sink:
                budget -= _copy(source, sink, budget)
        except _UNPACK_ERRORS as exc:
            raise DatasetError(f"{name}: cannot unpack {member.filename!r} ({exc}).") from exc
        if budget < 0:
            raise DatasetError(
                f"{name}: unpacks to more than the limit of {_megabytes(MAX_UPLOAD_BYTES)}."
            )
    entries = list(unpacked.iterdir())
    root = entries[0] if len(entries) == 1 and entries[0].is_dir() else unpacked
    root.rename(target / DATASET_DIR)
    shutil.rmtree(unpacked, ignore_errors=True)


def _members(name: str, archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """The files to unpack with their path parts; refuses unsafe members, skips hidden ones."""
    kept = []
    for member in archive.infolist():
        raw = member.filename.replace("\\", "/")
        parts = PurePosixPath(raw).parts
        if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or ".." in parts:
            raise DatasetError(
                f"{name}: refused, the member {member.filename!r} points outside the archive"
                " (an absolute path or '..')."
            )
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            raise DatasetError(
                f"{name}: refused, the member {member.filename!r} is a symbolic link."
            )
        if member.flag_bits & 0x1:
            raise DatasetError(f"{name}: {member.filename!r} is password-protected.")
        if member.is_dir() or not parts or parts[0] == "__MACOSX":
            continue
        if any(part.startswith(".") for part in parts):
            continue
        kept.append((member, parts))
    return kept


def _copy(source: IO[bytes], sink: IO[bytes], budget: int) -> int:
    """Copy until the end or just past `budget` bytes; returns the bytes copied."""
    copied = 0
    while chunk := source.read(_CHUNK):
        sink.write(chunk)
        copied += len(chunk)
        if copied > budget:
            break
    return copied

"""Checking what callers hand the store, and converting between table rows and records.

Validation raises StoreError, InvalidLabelError or UnknownProjectError with a message that names
the problem. Rows go out as the plain frozen records of `records`; arrays go in and out as raw
bytes with dtype and shape (never pickled). Only numpy, SQLAlchemy (the table classes) and the
standard library are imported here.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from activate_dash.errors import InvalidLabelError, StoreError, UnknownProjectError
from activate_dash.store.records import (
    LABEL_STATUSES,
    IterationRecord,
    LabelArrays,
    LabelChange,
    LabelRecord,
    ProjectInfo,
)
from activate_dash.store.schema import (
    IterationRow,
    LabelRow,
    ModelRow,
    ProbabilitiesRow,
    ProjectRow,
)

PROBABILITY_DTYPE = np.dtype("<f2")
"""Pool probabilities are stored as little-endian float16."""

ShapedBytes = tuple[tuple[int, ...], bytes]
"""An array as (shape, raw bytes)."""

_MAX_ID = 2**63 - 1

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive ones)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def is_int(value: object) -> bool:
    """True for whole numbers (numpy's included), False for bools."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _json_default(value: object) -> Any:
    """Turn numpy scalars and arrays into plain JSON values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _plain_json(value: object, what: str) -> Any:
    """A deep copy of `value` made only of JSON types, or StoreError naming `what`."""
    try:
        return json.loads(json.dumps(value, default=_json_default))
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"The {what} cannot be saved: it must be plain JSON data ({exc})."
        ) from exc


def project_key(project_id: object) -> int:
    """A project id as an int, or UnknownProjectError for anything that cannot be one."""
    key: int | None = None
    if is_int(project_id):
        key = int(project_id)  # type: ignore[arg-type]
    elif isinstance(project_id, str) and project_id.strip().isascii():
        text_id = project_id.strip()
        key = int(text_id) if text_id.isdigit() else None
    if key is None or not 1 <= key <= _MAX_ID:
        raise UnknownProjectError(
            f"There is no project {project_id!r}: project ids are positive whole numbers."
        )
    return key


def check_name(name: object, what: str, max_len: int) -> str:
    """`name` if it is a non-empty text of at most `max_len` characters, else StoreError."""
    if not isinstance(name, str) or not name.strip():
        raise StoreError(f"The {what} must be a non-empty text; got {name!r}.")
    if len(name) > max_len:
        raise StoreError(f"The {what} is too long ({len(name)} characters, at most {max_len}).")
    return name


def dict_or_empty(config: Mapping[str, Any] | None, what: str) -> dict[str, Any]:
    """A plain-JSON copy of the mapping `config` ({} for None), else StoreError naming `what`."""
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise StoreError(f"The {what} must be a dictionary; got {type(config).__name__}.")
    return _plain_json(dict(config), what)


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------


def project_info(row: ProjectRow, *, n_labels: int, n_iterations: int) -> ProjectInfo:
    """A project row as a record, with its label and training counts."""
    return ProjectInfo(
        id=row.id,
        name=row.name,
        dataset_spec=row.dataset_spec,
        pool_size=row.pool_size,
        n_classes=row.n_classes,
        projection=row.projection,
        config=dict(row.config),
        created_at=_as_utc(row.created_at),
        updated_at=_as_utc(row.updated_at),
        n_labels=n_labels,
        n_iterations=n_iterations,
    )


# --------------------------------------------------------------------------------------------
# Label validation and conversion
# --------------------------------------------------------------------------------------------


def validated_change(change: LabelChange, pool_size: int, n_classes: int) -> LabelChange:
    """The change with plain Python types, or InvalidLabelError naming the sample and problem."""
    sample = checked_sample(change.sample, pool_size)
    where = f"Sample {sample}"
    classes = f"a class number from 0 to {n_classes - 1}"
    if not is_int(change.label) or not 0 <= int(change.label) < n_classes:
        raise InvalidLabelError(f"{where}: the label must be {classes}; got {change.label!r}.")
    confidence = change.confidence
    if not _is_real(confidence) or not math.isfinite(confidence) or not 0 <= confidence <= 1:
        raise InvalidLabelError(
            f"{where}: the confidence must be a number from 0 to 1; got {confidence!r}."
        )
    if change.status not in LABEL_STATUSES:
        raise InvalidLabelError(
            f"{where}: the status must be one of {', '.join(LABEL_STATUSES)}; "
            f"got {change.status!r}."
        )
    predicted = change.predicted
    if predicted is not None and (not is_int(predicted) or not 0 <= predicted < n_classes):
        raise InvalidLabelError(
            f"{where}: the machine's guess must be {classes} or None; got {predicted!r}."
        )
    probability = change.probability
    if probability is not None and (
        not _is_real(probability) or not math.isfinite(probability) or not 0 <= probability <= 1
    ):
        raise InvalidLabelError(
            f"{where}: the machine's probability must be a number from 0 to 1 or None; "
            f"got {probability!r}."
        )
    if not is_int(change.iteration) or change.iteration < 1:
        raise InvalidLabelError(
            f"{where}: the iteration must be a whole number from 1 up; got {change.iteration!r}."
        )
    return LabelChange(
        sample=sample,
        label=int(change.label),
        confidence=float(confidence),
        status=str(change.status),
        predicted=None if predicted is None else int(predicted),
        probability=None if probability is None else float(probability),
        iteration=int(change.iteration),
    )


def checked_sample(sample: object, pool_size: int) -> int:
    """`sample` as an int, or InvalidLabelError if it is not a sample of the pool."""
    if not is_int(sample) or not 0 <= int(sample) < pool_size:  # type: ignore[call-overload]
        raise InvalidLabelError(
            f"Sample {sample!r} is not in the pool: samples are numbered 0 to {pool_size - 1}."
        )
    return int(sample)  # type: ignore[call-overload]


def label_state(row: LabelRow) -> dict[str, Any]:
    """A label row's state as JSON, as kept in the undo log."""
    return {
        "label": row.label,
        "confidence": row.confidence,
        "status": row.status,
        "predicted": row.predicted,
        "probability": row.probability,
        "iteration": row.iteration,
        "updated_at": _as_utc(row.updated_at).isoformat(),
    }


def restore_label(row: LabelRow, state: Mapping[str, Any]) -> None:
    """Put a state from the undo log (see `label_state`) back into a label row."""
    row.label = int(state["label"])
    row.confidence = float(state["confidence"])
    row.status = str(state["status"])
    row.predicted = state["predicted"]
    row.probability = state["probability"]
    row.iteration = int(state["iteration"])
    row.updated_at = datetime.fromisoformat(state["updated_at"])


def label_record(row: LabelRow) -> LabelRecord:
    """A label row as a record."""
    return LabelRecord(
        sample=row.sample,
        label=row.label,
        confidence=row.confidence,
        status=row.status,
        predicted=row.predicted,
        probability=row.probability,
        iteration=row.iteration,
        updated_at=_as_utc(row.updated_at),
    )


def label_arrays_of(rows: Sequence[Any]) -> LabelArrays:
    """Label rows (anything with LabelRow's column attributes) as numpy arrays, in row order."""
    return LabelArrays(
        samples=np.asarray([r.sample for r in rows], dtype=np.int64),
        labels=np.asarray([r.label for r in rows], dtype=np.int64),
        confidences=np.asarray([r.confidence for r in rows], dtype=np.float32),
        statuses=np.asarray([r.status for r in rows], dtype=np.str_),
        predicted=np.asarray(
            [-1 if r.predicted is None else r.predicted for r in rows], dtype=np.int64
        ),
        probability=np.asarray(
            [np.nan if r.probability is None else r.probability for r in rows],
            dtype=np.float32,
        ),
        iterations=np.asarray([r.iteration for r in rows], dtype=np.int64),
    )


# --------------------------------------------------------------------------------------------
# Iteration conversion
# --------------------------------------------------------------------------------------------


def _accuracy(value: object, scheme: str) -> float | None:
    if value is None:
        return None
    if not _is_real(value):
        raise StoreError(f"The accuracy of {scheme!r} must be a number or None; got {value!r}.")
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def iteration_row(project_id: int, record: IterationRecord, now: datetime) -> IterationRow:
    """A new iteration row for the record (StoreError for accuracies or details it cannot keep)."""
    confusion = None
    if record.confusion is not None:
        confusion = np.asarray(record.confusion).astype(np.int64).tolist()
    return IterationRow(
        project_id=project_id,
        number=int(record.number),
        n_labels=int(record.n_labels),
        selection=str(record.selection),
        classifier=str(record.classifier),
        guide=str(record.guide),
        accuracies={str(k): _accuracy(v, str(k)) for k, v in record.accuracies.items()},
        relabels=int(record.relabels),
        seconds=float(record.seconds),
        confusion=confusion,
        details=_plain_json(dict(record.details), "iteration details"),
        created_at=now,
    )


def iteration_record(row: IterationRow) -> IterationRecord:
    """An iteration row as a record."""
    return IterationRecord(
        number=row.number,
        n_labels=row.n_labels,
        selection=row.selection,
        classifier=row.classifier,
        guide=row.guide,
        accuracies=dict(row.accuracies),
        relabels=row.relabels,
        seconds=row.seconds,
        confusion=row.confusion,
        details=dict(row.details),
        created_at=_as_utc(row.created_at),
    )


# --------------------------------------------------------------------------------------------
# Models and pool probabilities as bytes
# --------------------------------------------------------------------------------------------


def model_blobs(models: Mapping[str, bytes]) -> dict[str, bytes]:
    """The `.keras` bytes of each scheme's model, or StoreError for anything that is not bytes."""
    blobs: dict[str, bytes] = {}
    for scheme, data in models.items():
        if not isinstance(data, bytes | bytearray | memoryview):
            raise StoreError(
                f"The {scheme!r} model must be given as .keras file bytes; "
                f"got {type(data).__name__}."
            )
        blobs[str(scheme)] = bytes(data)
    return blobs


def probability_blobs(probabilities: Mapping[str, np.ndarray]) -> dict[str, ShapedBytes]:
    """Each scheme's pool probabilities as (shape, float16 bytes)."""
    blobs: dict[str, ShapedBytes] = {}
    for scheme, array in probabilities.items():
        values = np.ascontiguousarray(np.asarray(array), dtype=PROBABILITY_DTYPE)
        blobs[str(scheme)] = (tuple(int(s) for s in values.shape), values.tobytes())
    return blobs


def check_probability_shapes(blobs: Mapping[str, ShapedBytes], project: ProjectRow) -> None:
    """StoreError unless every scheme's probabilities are (pool size, classes) of the project."""
    expected = (project.pool_size, project.n_classes)
    for scheme, (shape, _data) in blobs.items():
        if shape != expected:
            raise StoreError(
                f"The {scheme!r} pool probabilities have shape {shape}; project "
                f"{project.id} needs (pool size, classes) = {expected}."
            )


def blob_rows(
    row: IterationRow,
    models: Mapping[str, bytes],
    probabilities: Mapping[str, ShapedBytes],
) -> list[ModelRow | ProbabilitiesRow]:
    """The model and probability rows of one iteration."""
    key = {"project_id": row.project_id, "iteration": row.number}
    blobs: list[ModelRow | ProbabilitiesRow] = [
        ModelRow(**key, scheme=scheme, data=data) for scheme, data in models.items()
    ]
    blobs.extend(
        ProbabilitiesRow(
            **key,
            scheme=scheme,
            dtype=PROBABILITY_DTYPE.str,
            n_rows=shape[0],
            n_cols=shape[1],
            data=data,
        )
        for scheme, (shape, data) in probabilities.items()
    )
    return blobs


def probabilities_array(row: ProbabilitiesRow) -> np.ndarray:
    """A probabilities row's (pool_size, n_classes) float16 array (a fresh, writable copy)."""
    array = np.frombuffer(bytes(row.data), dtype=np.dtype(row.dtype))
    return array.reshape(row.n_rows, row.n_cols).astype(np.float16, copy=True)

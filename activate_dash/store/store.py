"""The project store: projects, labels, training history, models and pool probabilities.

A real database through SQLAlchemy: a SQLite file in the data directory by default, any
SQLAlchemy URL by configuration. Every change is one transaction, so a crash or kill never loses a
label whose write returned. Arrays are kept as raw bytes with dtype and shape, models as `.keras`
bytes; nothing is pickled. Only numpy, SQLAlchemy and the standard library are imported here.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, delete, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

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
    SCHEMA_VERSION,
    Base,
    IterationRow,
    LabelEventRow,
    LabelRow,
    MetaRow,
    ModelRow,
    ProbabilitiesRow,
    ProjectRow,
)

DB_FILENAME = "activate.sqlite"
"""The SQLite file's name inside the data directory."""

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another process's write lock before giving up."""

PROBABILITY_DTYPE = np.dtype("<f2")
"""Pool probabilities are stored as little-endian float16."""

_IMMEDIATE = "activate_dash_sqlite_immediate"
_MAX_ID = 2**63 - 1
_CHUNK = 500  # samples per IN (...) query, well under any backend's parameter limit


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive ones)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _is_int(value: object) -> bool:
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


def _project_key(project_id: object) -> int:
    """A project id as an int, or UnknownProjectError for anything that cannot be one."""
    key: int | None = None
    if _is_int(project_id):
        key = int(project_id)  # type: ignore[arg-type]
    elif isinstance(project_id, str) and project_id.strip().isascii():
        text_id = project_id.strip()
        key = int(text_id) if text_id.isdigit() else None
    if key is None or not 1 <= key <= _MAX_ID:
        raise UnknownProjectError(
            f"There is no project {project_id!r}: project ids are positive whole numbers."
        )
    return key


def _check_name(name: object, what: str, max_len: int) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StoreError(f"The {what} must be a non-empty text; got {name!r}.")
    if len(name) > max_len:
        raise StoreError(f"The {what} is too long ({len(name)} characters, at most {max_len}).")
    return name


def _dict_or_empty(config: Mapping[str, Any] | None, what: str) -> dict[str, Any]:
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise StoreError(f"The {what} must be a dictionary; got {type(config).__name__}.")
    return _plain_json(dict(config), what)


# --------------------------------------------------------------------------------------------
# Label validation and conversion
# --------------------------------------------------------------------------------------------


def _validated(change: LabelChange, pool_size: int, n_classes: int) -> LabelChange:
    """The change with plain Python types, or InvalidLabelError naming the sample and problem."""
    sample = _checked_sample(change.sample, pool_size)
    where = f"Sample {sample}"
    classes = f"a class number from 0 to {n_classes - 1}"
    if not _is_int(change.label) or not 0 <= int(change.label) < n_classes:
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
    if predicted is not None and (not _is_int(predicted) or not 0 <= predicted < n_classes):
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
    if not _is_int(change.iteration) or change.iteration < 1:
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


def _checked_sample(sample: object, pool_size: int) -> int:
    if not _is_int(sample) or not 0 <= int(sample) < pool_size:  # type: ignore[call-overload]
        raise InvalidLabelError(
            f"Sample {sample!r} is not in the pool: samples are numbered 0 to {pool_size - 1}."
        )
    return int(sample)  # type: ignore[call-overload]


def _state(row: LabelRow) -> dict[str, Any]:
    """A label row's state as JSON, as kept in the undo log."""
    return {
        "label": row.label,
        "confidence": row.confidence,
        "status": row.status,
        "predicted": row.predicted,
        "probability": row.probability,
        "iteration": row.iteration,
        "updated_at": _utc(row.updated_at).isoformat(),
    }


def _restore(row: LabelRow, state: Mapping[str, Any]) -> None:
    row.label = int(state["label"])
    row.confidence = float(state["confidence"])
    row.status = str(state["status"])
    row.predicted = state["predicted"]
    row.probability = state["probability"]
    row.iteration = int(state["iteration"])
    row.updated_at = datetime.fromisoformat(state["updated_at"])


def _label_record(row: LabelRow) -> LabelRecord:
    return LabelRecord(
        sample=row.sample,
        label=row.label,
        confidence=row.confidence,
        status=row.status,
        predicted=row.predicted,
        probability=row.probability,
        iteration=row.iteration,
        updated_at=_utc(row.updated_at),
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


def _iteration_row(project_id: int, record: IterationRecord, now: datetime) -> IterationRow:
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


def _iteration_record(row: IterationRow) -> IterationRecord:
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
        created_at=_utc(row.created_at),
    )


def _model_blobs(models: Mapping[str, bytes]) -> dict[str, bytes]:
    blobs: dict[str, bytes] = {}
    for scheme, data in models.items():
        if not isinstance(data, bytes | bytearray | memoryview):
            raise StoreError(
                f"The {scheme!r} model must be given as .keras file bytes; "
                f"got {type(data).__name__}."
            )
        blobs[str(scheme)] = bytes(data)
    return blobs


def _probability_blobs(
    probabilities: Mapping[str, np.ndarray],
) -> dict[str, tuple[tuple[int, ...], bytes]]:
    blobs: dict[str, tuple[tuple[int, ...], bytes]] = {}
    for scheme, array in probabilities.items():
        values = np.ascontiguousarray(np.asarray(array), dtype=PROBABILITY_DTYPE)
        blobs[str(scheme)] = (tuple(int(s) for s in values.shape), values.tobytes())
    return blobs


# --------------------------------------------------------------------------------------------
# Engine set-up
# --------------------------------------------------------------------------------------------


def _resolve_url(url: str | None, data_dir: str | Path | None) -> URL:
    """The database URL: `url` if given, else the SQLite file in `data_dir`."""
    if url is not None and str(url).strip():
        try:
            return make_url(str(url).strip())
        except ArgumentError as exc:
            raise StoreError(
                "The store URL is not a database URL SQLAlchemy understands "
                "(expected e.g. sqlite:///path/to/activate.sqlite or "
                "postgresql://user@host/dbname)."
            ) from exc
    if data_dir is None:
        raise StoreError(
            "The project store needs a database URL or a data directory to keep its SQLite file "
            "in; neither was given."
        )
    directory = Path(data_dir).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create the data directory {directory}: {exc}.") from exc
    return URL.create("sqlite", database=str((directory / DB_FILENAME).resolve()))


def _install_sqlite_pragmas(engine: Engine) -> None:
    """WAL, full sync, foreign keys and a busy timeout on every connection; BEGIN under our control.

    pysqlite's own transaction handling is switched off so that reads run in a real (deferred)
    transaction and writes take the write lock up front (BEGIN IMMEDIATE): a read-then-write
    transaction can then never fail on a snapshot that another process made stale.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _orig_message(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).splitlines()[0]


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


class Store:
    """The project store on one database (see the module docstring)."""

    def __init__(self, url: str | None = None, *, data_dir: str | Path | None = None) -> None:
        """Open (and create if needed) the store at `url`, else `data_dir/activate.sqlite`."""
        self._url = _resolve_url(url, data_dir)
        try:
            self._engine = create_engine(self._url)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"Cannot open the project store {self.url}: {exc}") from exc
        self._sqlite = self._engine.dialect.name == "sqlite"
        if self._sqlite:
            _install_sqlite_pragmas(self._engine)
        writer = self._engine.execution_options(**{_IMMEDIATE: True})
        self._reader = sessionmaker(bind=self._engine, expire_on_commit=False)
        self._writer = sessionmaker(bind=writer, expire_on_commit=False)
        try:
            self._initialise()
        except BaseException:
            self._engine.dispose()
            raise

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """The database URL, with any password masked."""
        return self._url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self._engine.connect() as connection:
                return connection.execute(text("SELECT 1")).scalar() == 1
        except SQLAlchemyError:
            return False

    def _initialise(self) -> None:
        """Create missing tables and record (or check) the schema version."""
        with self._session(write=True, opening=True) as session:
            Base.metadata.create_all(session.connection())
            meta = session.get(MetaRow, "schema_version")
            if meta is None:
                session.add(MetaRow(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(meta.value) > SCHEMA_VERSION:
                raise StoreError(
                    f"The project store {self.url} was written by a newer version of "
                    f"activate_dash (schema {meta.value}, this version knows {SCHEMA_VERSION}); "
                    "upgrade activate_dash to open it."
                )

    @contextmanager
    def _session(self, *, write: bool, opening: bool = False) -> Iterator[Session]:
        """One transaction; database failures become StoreError with a readable message."""
        maker = self._writer if write else self._reader
        try:
            with maker() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            doing = "open" if opening else "use"
            raise StoreError(
                f"Cannot {doing} the project store {self.url}: {_orig_message(exc)}"
            ) from exc

    # ---------------------------------------------------------------- projects

    @staticmethod
    def _project_row(session: Session, project_id: object, *, lock: bool = False) -> ProjectRow:
        key = _project_key(project_id)
        row = session.get(ProjectRow, key, with_for_update=lock or None)
        if row is None:
            raise UnknownProjectError(
                f"There is no project {key} in the store; it may have been deleted."
            )
        return row

    @staticmethod
    def _counts(session: Session, model: type[Any], project_ids: list[int]) -> dict[int, int]:
        query = (
            select(model.project_id, func.count())
            .where(model.project_id.in_(project_ids))
            .group_by(model.project_id)
        )
        return {int(pid): int(n) for pid, n in session.execute(query)}

    def _infos(self, session: Session, rows: Sequence[ProjectRow]) -> list[ProjectInfo]:
        ids = [row.id for row in rows]
        n_labels = self._counts(session, LabelRow, ids) if ids else {}
        n_iterations = self._counts(session, IterationRow, ids) if ids else {}
        return [
            ProjectInfo(
                id=row.id,
                name=row.name,
                dataset_spec=row.dataset_spec,
                pool_size=row.pool_size,
                n_classes=row.n_classes,
                projection=row.projection,
                config=dict(row.config),
                created_at=_utc(row.created_at),
                updated_at=_utc(row.updated_at),
                n_labels=n_labels.get(row.id, 0),
                n_iterations=n_iterations.get(row.id, 0),
            )
            for row in rows
        ]

    def create_project(
        self,
        *,
        name: str,
        dataset_spec: str,
        pool_size: int,
        n_classes: int,
        projection: str = "umap",
        config: dict[str, Any] | None = None,
    ) -> ProjectInfo:
        """Add a project with no labels and no trainings yet."""
        if not _is_int(pool_size) or pool_size < 1:
            raise StoreError(f"A project needs at least one sample in its pool; got {pool_size!r}.")
        if not _is_int(n_classes) or n_classes < 2:
            raise StoreError(f"A project needs at least two classes; got {n_classes!r}.")
        if not isinstance(dataset_spec, str):
            raise StoreError(f"The dataset spec must be text; got {dataset_spec!r}.")
        now = _now()
        row = ProjectRow(
            name=_check_name(name, "project name", 200),
            dataset_spec=dataset_spec,
            pool_size=int(pool_size),
            n_classes=int(n_classes),
            projection=_check_name(projection, "projection", 64),
            config=_dict_or_empty(config, "project configuration"),
            created_at=now,
            updated_at=now,
        )
        with self._session(write=True) as session:
            session.add(row)
            session.flush()
            return self._infos(session, [row])[0]

    def get_project(self, project_id: int) -> ProjectInfo:
        """The project with this id (UnknownProjectError if there is none)."""
        with self._session(write=False) as session:
            return self._infos(session, [self._project_row(session, project_id)])[0]

    def list_projects(self) -> list[ProjectInfo]:
        """Every project, newest first."""
        query = select(ProjectRow).order_by(ProjectRow.created_at.desc(), ProjectRow.id.desc())
        with self._session(write=False) as session:
            return self._infos(session, session.scalars(query).all())

    def update_project(
        self,
        project_id: int,
        *,
        name: str | None = None,
        projection: str | None = None,
        config: dict[str, Any] | None = None,
    ) -> ProjectInfo:
        """Rename, change the projection or replace the configuration of a project."""
        new_name = None if name is None else _check_name(name, "project name", 200)
        new_projection = None if projection is None else _check_name(projection, "projection", 64)
        new_config = None if config is None else _dict_or_empty(config, "project configuration")
        with self._session(write=True) as session:
            row = self._project_row(session, project_id, lock=True)
            if new_name is not None:
                row.name = new_name
            if new_projection is not None:
                row.projection = new_projection
            if new_config is not None:
                row.config = new_config
            row.updated_at = _now()
            session.flush()
            return self._infos(session, [row])[0]

    def delete_project(self, project_id: int) -> None:
        """Delete a project with its labels, undo log, iterations, models and probabilities."""
        with self._session(write=True) as session:
            row = self._project_row(session, project_id, lock=True)
            for model in (LabelEventRow, LabelRow, ProbabilitiesRow, ModelRow, IterationRow):
                session.execute(delete(model).where(model.project_id == row.id))
            session.delete(row)

    # ---------------------------------------------------------------- labels

    def set_label(
        self,
        project_id: int,
        sample: int,
        *,
        label: int,
        confidence: float,
        status: str,
        predicted: int | None = None,
        probability: float | None = None,
        iteration: int,
    ) -> LabelRecord:
        """Label one sample (or change its label); one transaction."""
        change = LabelChange(
            sample=sample,
            label=label,
            confidence=confidence,
            status=status,
            predicted=predicted,
            probability=probability,
            iteration=iteration,
        )
        return self.set_labels(project_id, [change])[0]

    def set_labels(self, project_id: int, changes: Sequence[LabelChange]) -> list[LabelRecord]:
        """Apply many label changes in order, in one transaction: all of them or none."""
        for index, change in enumerate(changes):
            if not isinstance(change, LabelChange):
                raise InvalidLabelError(
                    f"Label change {index} is a {type(change).__name__}, not a LabelChange."
                )
        with self._session(write=True) as session:
            project = self._project_row(session, project_id, lock=True)
            checked = [_validated(c, project.pool_size, project.n_classes) for c in changes]
            if not checked:
                return []
            now = _now()
            rows = self._label_rows(session, project.id, {c.sample for c in checked})
            records = [self._apply(session, project.id, rows, c, now) for c in checked]
            project.updated_at = now
            return records

    @staticmethod
    def _label_rows(session: Session, project_id: int, samples: set[int]) -> dict[int, LabelRow]:
        """The existing label rows of these samples, by sample."""
        ordered = sorted(samples)
        rows: dict[int, LabelRow] = {}
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            query = select(LabelRow).where(
                LabelRow.project_id == project_id, LabelRow.sample.in_(chunk)
            )
            rows.update((row.sample, row) for row in session.scalars(query))
        return rows

    @staticmethod
    def _apply(
        session: Session,
        project_id: int,
        rows: dict[int, LabelRow],
        change: LabelChange,
        now: datetime,
    ) -> LabelRecord:
        """Write one validated change and its undo-log event."""
        row = rows.get(change.sample)
        before = None if row is None else _state(row)
        if row is None:
            row = LabelRow(project_id=project_id, sample=change.sample)
            session.add(row)
            rows[change.sample] = row
        row.label = change.label
        row.confidence = change.confidence
        row.status = change.status
        row.predicted = change.predicted
        row.probability = change.probability
        row.iteration = change.iteration
        row.updated_at = now
        session.add(
            LabelEventRow(
                project_id=project_id,
                sample=change.sample,
                before=before,
                after=_state(row),
                created_at=now,
            )
        )
        return _label_record(row)

    def remove_label(self, project_id: int, sample: int) -> None:
        """Make a sample unlabelled again (nothing happens if it was not labelled)."""
        with self._session(write=True) as session:
            project = self._project_row(session, project_id, lock=True)
            key = _checked_sample(sample, project.pool_size)
            row = session.get(LabelRow, (project.id, key))
            if row is None:
                return
            now = _now()
            session.add(
                LabelEventRow(
                    project_id=project.id,
                    sample=key,
                    before=_state(row),
                    after=None,
                    created_at=now,
                )
            )
            session.delete(row)
            project.updated_at = now

    def labels(self, project_id: int) -> list[LabelRecord]:
        """Every label in force, sorted by sample."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            query = (
                select(LabelRow).where(LabelRow.project_id == project.id).order_by(LabelRow.sample)
            )
            return [_label_record(row) for row in session.scalars(query)]

    def label_arrays(self, project_id: int) -> LabelArrays:
        """Every label in force as numpy arrays, sorted by sample."""
        columns = (
            LabelRow.sample,
            LabelRow.label,
            LabelRow.confidence,
            LabelRow.status,
            LabelRow.predicted,
            LabelRow.probability,
            LabelRow.iteration,
        )
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            query = select(*columns).where(LabelRow.project_id == project.id)
            rows = session.execute(query.order_by(LabelRow.sample)).all()
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

    def undo_last_label(self, project_id: int) -> LabelRecord | None:
        """Revert the most recent label change; the record now in force for that sample, or None."""
        with self._session(write=True) as session:
            project = self._project_row(session, project_id, lock=True)
            query = (
                select(LabelEventRow)
                .where(LabelEventRow.project_id == project.id)
                .order_by(LabelEventRow.id.desc())
                .limit(1)
            )
            last = session.scalars(query).first()
            if last is None:
                return None
            row = session.get(LabelRow, (project.id, last.sample))
            result: LabelRecord | None = None
            if last.before is None:
                if row is not None:
                    session.delete(row)
            else:
                if row is None:
                    row = LabelRow(project_id=project.id, sample=last.sample)
                    session.add(row)
                _restore(row, last.before)
                result = _label_record(row)
            session.delete(last)
            project.updated_at = _now()
            return result

    # ---------------------------------------------------------------- iterations

    def add_iteration(
        self,
        project_id: int,
        record: IterationRecord,
        *,
        models: Mapping[str, bytes],
        pool_probabilities: Mapping[str, np.ndarray],
    ) -> IterationRecord:
        """Record one training with its models and pool probabilities, in one transaction."""
        if not _is_int(record.number):
            raise StoreError(f"The iteration number must be a whole number; got {record.number!r}.")
        model_blobs = _model_blobs(models)
        probability_blobs = _probability_blobs(pool_probabilities)
        with self._session(write=True) as session:
            project = self._project_row(session, project_id, lock=True)
            self._check_next_number(session, project.id, int(record.number))
            self._check_shapes(probability_blobs, project)
            now = _now()
            row = _iteration_row(project.id, record, now)
            session.add(row)
            session.add_all(self._blob_rows(row, model_blobs, probability_blobs))
            project.updated_at = now
            try:
                session.flush()
            except IntegrityError as exc:
                raise StoreError(
                    f"Iteration {row.number} of project {project.id} was already saved: "
                    "another training finished first."
                ) from exc
            return _iteration_record(row)

    @staticmethod
    def _check_next_number(session: Session, project_id: int, number: int) -> None:
        query = select(func.max(IterationRow.number)).where(IterationRow.project_id == project_id)
        done = session.scalar(query) or 0
        if number != done + 1:
            raise StoreError(
                f"Cannot save iteration {number} of project {project_id}: it has {done} "
                f"iteration(s), so the next must be number {done + 1} "
                "(another training may have finished first)."
            )

    @staticmethod
    def _check_shapes(
        blobs: Mapping[str, tuple[tuple[int, ...], bytes]], project: ProjectRow
    ) -> None:
        expected = (project.pool_size, project.n_classes)
        for scheme, (shape, _data) in blobs.items():
            if shape != expected:
                raise StoreError(
                    f"The {scheme!r} pool probabilities have shape {shape}; project "
                    f"{project.id} needs (pool size, classes) = {expected}."
                )

    @staticmethod
    def _blob_rows(
        row: IterationRow,
        models: Mapping[str, bytes],
        probabilities: Mapping[str, tuple[tuple[int, ...], bytes]],
    ) -> list[ModelRow | ProbabilitiesRow]:
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

    def iterations(self, project_id: int) -> list[IterationRecord]:
        """Every training of the project, in order."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            query = (
                select(IterationRow)
                .where(IterationRow.project_id == project.id)
                .order_by(IterationRow.number)
            )
            return [_iteration_record(row) for row in session.scalars(query)]

    def latest_iteration(self, project_id: int) -> IterationRecord | None:
        """The most recent training, or None before the first."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            query = (
                select(IterationRow)
                .where(IterationRow.project_id == project.id)
                .order_by(IterationRow.number.desc())
                .limit(1)
            )
            row = session.scalars(query).first()
            return None if row is None else _iteration_record(row)

    def model_bytes(self, project_id: int, iteration: int, scheme: str) -> bytes:
        """The `.keras` bytes of one scheme's model of one iteration (StoreError if absent)."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            data = None
            if _is_int(iteration):
                query = select(ModelRow.data).where(
                    ModelRow.project_id == project.id,
                    ModelRow.iteration == int(iteration),
                    ModelRow.scheme == scheme,
                )
                data = session.scalar(query)
            if data is None:
                raise StoreError(
                    f"Project {project.id} has no {scheme!r} model from iteration {iteration!r}."
                )
            return bytes(data)

    def model_schemes(self, project_id: int, iteration: int) -> list[str]:
        """The schemes with a stored model for one iteration, sorted."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            if not _is_int(iteration):
                return []
            query = (
                select(ModelRow.scheme)
                .where(ModelRow.project_id == project.id, ModelRow.iteration == int(iteration))
                .order_by(ModelRow.scheme)
            )
            return list(session.scalars(query))

    def pool_probabilities(
        self, project_id: int, scheme: str, iteration: int | None = None
    ) -> np.ndarray | None:
        """One scheme's (pool_size, n_classes) float16 probabilities.

        From `iteration`, or by default from the latest iteration that trained this scheme;
        None when there is none.
        """
        if iteration is not None and not _is_int(iteration):
            raise StoreError(f"The iteration must be a whole number; got {iteration!r}.")
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            query = select(ProbabilitiesRow).where(
                ProbabilitiesRow.project_id == project.id, ProbabilitiesRow.scheme == scheme
            )
            if iteration is not None:
                query = query.where(ProbabilitiesRow.iteration == int(iteration))
            query = query.order_by(ProbabilitiesRow.iteration.desc()).limit(1)
            row = session.scalars(query).first()
            if row is None:
                return None
            array = np.frombuffer(bytes(row.data), dtype=np.dtype(row.dtype))
            return array.reshape(row.n_rows, row.n_cols).astype(np.float16, copy=True)

"""The project store: projects, labels, training history, models and pool probabilities.

A real database through SQLAlchemy: a SQLite file in the data directory by default, any
SQLAlchemy URL by configuration. Every change is one transaction, so a crash or kill never loses a
label whose write returned. Arrays are kept as raw bytes with dtype and shape, models as `.keras`
bytes; nothing is pickled. This module holds the `Store` class only: the connection set-up is in
`database`, the checking of inputs and the row/record conversions in `convert`. Only numpy,
SQLAlchemy and the standard library are imported here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from activate_dash.errors import InvalidLabelError, StoreError, UnknownProjectError
from activate_dash.store.convert import (
    blob_rows,
    check_name,
    check_probability_shapes,
    checked_sample,
    dict_or_empty,
    is_int,
    iteration_record,
    iteration_row,
    label_arrays_of,
    label_record,
    label_state,
    model_blobs,
    probabilities_array,
    probability_blobs,
    project_info,
    project_key,
    restore_label,
    utc_now,
    validated_change,
)
from activate_dash.store.database import (
    error_message,
    masked,
    open_engine,
    resolve_url,
    writer_engine,
)
from activate_dash.store.records import (
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

_CHUNK = 500  # samples per IN (...) query, well under any backend's parameter limit


class Store:
    """The project store on one database (see the module docstring)."""

    def __init__(self, url: str | None = None, *, data_dir: str | Path | None = None) -> None:
        """Open (and create if needed) the store at `url`, else `data_dir/activate.sqlite`."""
        self._url = resolve_url(url, data_dir)
        self._engine = open_engine(self._url)
        self._reader = sessionmaker(bind=self._engine, expire_on_commit=False)
        self._writer = sessionmaker(bind=writer_engine(self._engine), expire_on_commit=False)
        try:
            self._initialise()
        except BaseException:
            self._engine.dispose()
            raise

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """The database URL, with any password masked."""
        return masked(self._url)

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def reopen(self) -> Store:
        """A new Store on the same database with its own connections (for a forked job or
        another process: connections are never shared across a fork)."""
        return Store(self._url)

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
                f"Cannot {doing} the project store {self.url}: {error_message(exc)}"
            ) from exc

    # ---------------------------------------------------------------- projects

    @staticmethod
    def _project_row(session: Session, project_id: object, *, lock: bool = False) -> ProjectRow:
        key = project_key(project_id)
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
            project_info(
                row,
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
        if not is_int(pool_size) or pool_size < 1:
            raise StoreError(f"A project needs at least one sample in its pool; got {pool_size!r}.")
        if not is_int(n_classes) or n_classes < 2:
            raise StoreError(f"A project needs at least two classes; got {n_classes!r}.")
        if not isinstance(dataset_spec, str):
            raise StoreError(f"The dataset spec must be text; got {dataset_spec!r}.")
        now = utc_now()
        row = ProjectRow(
            name=check_name(name, "project name", 200),
            dataset_spec=dataset_spec,
            pool_size=int(pool_size),
            n_classes=int(n_classes),
            projection=check_name(projection, "projection", 64),
            config=dict_or_empty(config, "project configuration"),
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
        new_name = None if name is None else check_name(name, "project name", 200)
        new_projection = None if projection is None else check_name(projection, "projection", 64)
        new_config = None if config is None else dict_or_empty(config, "project configuration")
        with self._session(write=True) as session:
            row = self._project_row(session, project_id, lock=True)
            if new_name is not None:
                row.name = new_name
            if new_projection is not None:
                row.projection = new_projection
            if new_config is not None:
                row.config = new_config
            row.updated_at = utc_now()
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
            checked = [validated_change(c, project.pool_size, project.n_classes) for c in changes]
            if not checked:
                return []
            now = utc_now()
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
        before = None if row is None else label_state(row)
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
                after=label_state(row),
                created_at=now,
            )
        )
        return label_record(row)

    def remove_label(self, project_id: int, sample: int) -> None:
        """Make a sample unlabelled again (nothing happens if it was not labelled)."""
        with self._session(write=True) as session:
            project = self._project_row(session, project_id, lock=True)
            key = checked_sample(sample, project.pool_size)
            row = session.get(LabelRow, (project.id, key))
            if row is None:
                return
            now = utc_now()
            session.add(
                LabelEventRow(
                    project_id=project.id,
                    sample=key,
                    before=label_state(row),
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
            return [label_record(row) for row in session.scalars(query)]

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
        return label_arrays_of(rows)

    def last_changed_sample(self, project_id: int) -> int | None:
        """The sample of the most recent label change that undo would revert (None: none)."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            query = (
                select(LabelEventRow.sample)
                .where(LabelEventRow.project_id == project.id)
                .order_by(LabelEventRow.id.desc())
                .limit(1)
            )
            return session.scalars(query).first()

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
                restore_label(row, last.before)
                result = label_record(row)
            session.delete(last)
            project.updated_at = utc_now()
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
        if not is_int(record.number):
            raise StoreError(f"The iteration number must be a whole number; got {record.number!r}.")
        model_data = model_blobs(models)
        probability_data = probability_blobs(pool_probabilities)
        with self._session(write=True) as session:
            project = self._project_row(session, project_id, lock=True)
            self._check_next_number(session, project.id, int(record.number))
            check_probability_shapes(probability_data, project)
            now = utc_now()
            row = iteration_row(project.id, record, now)
            session.add(row)
            session.add_all(blob_rows(row, model_data, probability_data))
            project.updated_at = now
            try:
                session.flush()
            except IntegrityError as exc:
                raise StoreError(
                    f"Iteration {row.number} of project {project.id} was already saved: "
                    "another training finished first."
                ) from exc
            return iteration_record(row)

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

    def iterations(self, project_id: int) -> list[IterationRecord]:
        """Every training of the project, in order."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            query = (
                select(IterationRow)
                .where(IterationRow.project_id == project.id)
                .order_by(IterationRow.number)
            )
            return [iteration_record(row) for row in session.scalars(query)]

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
            return None if row is None else iteration_record(row)

    def model_bytes(self, project_id: int, iteration: int, scheme: str) -> bytes:
        """The `.keras` bytes of one scheme's model of one iteration (StoreError if absent)."""
        with self._session(write=False) as session:
            project = self._project_row(session, project_id)
            data = None
            if is_int(iteration):
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
            if not is_int(iteration):
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
        if iteration is not None and not is_int(iteration):
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
            return probabilities_array(row)

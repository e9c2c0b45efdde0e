"""The store's tables (SQLAlchemy 2.x declarative), written with portable column types only.

Arrays are kept as raw bytes with dtype and shape columns, models as `.keras` bytes: nothing in
the store is ever pickled. Every child table cascades from `projects` at the database level.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 1
"""Bumped whenever a table changes; stored in `meta` under the key `schema_version`."""

_PROJECT_FK = "projects.id"


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class MetaRow(Base):
    """Small key/value facts about the store itself (the schema version)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class ProjectRow(Base):
    """One labelling project: its dataset, projection and configuration."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    dataset_spec: Mapped[str] = mapped_column(Text)
    pool_size: Mapped[int] = mapped_column(Integer)
    n_classes: Mapped[int] = mapped_column(Integer)
    projection: Mapped[str] = mapped_column(String(64))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LabelRow(Base):
    """The label now in force for one sample of a project."""

    __tablename__ = "labels"

    project_id: Mapped[int] = mapped_column(
        Integer, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), primary_key=True
    )
    sample: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    predicted: Mapped[int | None] = mapped_column(Integer, nullable=True)
    probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    iteration: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LabelEventRow(Base):
    """One label change (set or remove), with the states before and after: the undo log."""

    __tablename__ = "label_events"
    __table_args__ = (Index("ix_label_events_project_id_id", "project_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(Integer, ForeignKey(_PROJECT_FK, ondelete="CASCADE"))
    sample: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IterationRow(Base):
    """One training of a project: what it used and how well each scheme did."""

    __tablename__ = "iterations"

    project_id: Mapped[int] = mapped_column(
        Integer, ForeignKey(_PROJECT_FK, ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    n_labels: Mapped[int] = mapped_column(Integer)
    selection: Mapped[str] = mapped_column(String(64))
    classifier: Mapped[str] = mapped_column(String(32))
    guide: Mapped[str] = mapped_column(String(64))
    accuracies: Mapped[dict[str, Any]] = mapped_column(JSON)
    relabels: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    confusion: Mapped[list[list[int]] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _iteration_fk() -> ForeignKeyConstraint:
    """The (project_id, iteration) reference to `iterations`, cascading on delete."""
    return ForeignKeyConstraint(
        ["project_id", "iteration"],
        ["iterations.project_id", "iterations.number"],
        ondelete="CASCADE",
    )


class ModelRow(Base):
    """One scheme's trained model of one iteration, as `.keras` bytes."""

    __tablename__ = "models"
    __table_args__ = (_iteration_fk(),)

    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iteration: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ProbabilitiesRow(Base):
    """One scheme's class probabilities for the whole pool after one iteration (raw bytes)."""

    __tablename__ = "pool_probabilities"
    __table_args__ = (_iteration_fk(),)

    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iteration: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(64), primary_key=True)
    dtype: Mapped[str] = mapped_column(String(16))
    n_rows: Mapped[int] = mapped_column(Integer)
    n_cols: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)

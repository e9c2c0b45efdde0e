"""The store's database connection: which URL, which engine, and readable database errors.

`resolve_url` picks the configured SQLAlchemy URL or the default SQLite file in the data
directory. `open_engine` creates the engine; on SQLite it sets WAL, full sync, foreign keys and a
busy timeout on every connection and takes transaction control from pysqlite, so that
`writer_engine` transactions start with BEGIN IMMEDIATE. Only SQLAlchemy and the standard library
are imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from activate_dash.errors import StoreError

DB_FILENAME = "activate.sqlite"
"""The SQLite file's name inside the data directory."""

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another process's write lock before giving up."""

_IMMEDIATE = "activate_dash_sqlite_immediate"  # execution option: start with BEGIN IMMEDIATE


def resolve_url(url: str | None, data_dir: str | Path | None) -> URL:
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


def masked(url: URL) -> str:
    """The URL as text, with any password masked."""
    return url.render_as_string(hide_password=True)


def open_engine(url: URL) -> Engine:
    """An engine on `url` (SQLite connections set up as described in the module docstring)."""
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"Cannot open the project store {masked(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _install_sqlite_pragmas(engine)
    return engine


def writer_engine(engine: Engine) -> Engine:
    """`engine` for write transactions: on SQLite they take the write lock up front."""
    return engine.execution_options(**{_IMMEDIATE: True})


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


def error_message(exc: SQLAlchemyError) -> str:
    """The database driver's own message for `exc`, else the first line of SQLAlchemy's."""
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).splitlines()[0]

"""The project store: round trips, resume, validation, undo, transactions and kill safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from activate_dash.errors import InvalidLabelError, StoreError, UnknownProjectError
from activate_dash.store import (
    LABEL_STATUSES,
    IterationRecord,
    LabelChange,
    ProjectInfo,
    Store,
)

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).resolve().with_name("store_writer.py")
DB_NAME = "activate.sqlite"


def _env() -> dict[str, str]:
    """The environment for a subprocess that must import activate_dash from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _record(number: int, **overrides: object) -> IterationRecord:
    fields: dict[str, object] = {
        "number": number,
        "n_labels": 10 * number,
        "selection": "LCRS",
        "classifier": "cnn",
        "guide": "LCRS",
        "accuracies": {"LCRS": 0.5 + number / 100, "random": None},
        "relabels": number - 1,
        "seconds": 1.25,
        "confusion": [[3, 1, 0], [0, 4, 0], [1, 0, 2]],
        "details": {"epochs": 3, "per_scheme_seconds": {"LCRS": 1.0}},
    }
    fields.update(overrides)
    return IterationRecord(**fields)  # type: ignore[arg-type]


def _probabilities(seed: int, pool_size: int = 20, n_classes: int = 3) -> np.ndarray:
    values = np.random.default_rng(seed).random((pool_size, n_classes))
    return values / values.sum(axis=1, keepdims=True)


@pytest.fixture
def store(tmp_path: Path):
    with Store(data_dir=tmp_path) as opened:
        yield opened


@pytest.fixture
def project(store: Store) -> ProjectInfo:
    return store.create_project(
        name="digits", dataset_spec="mnist:small", pool_size=20, n_classes=3, config={"k": 1}
    )


def _label(store: Store, project: ProjectInfo, sample: int, label: int, **kw: object):
    fields: dict[str, object] = {"confidence": 0.8, "status": "manual", "iteration": 1}
    fields.update(kw)
    return store.set_label(project.id, sample, label=label, **fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- round trips


def test_round_trip_of_everything(store: Store, project: ProjectInfo) -> None:
    assert project.n_labels == 0
    assert project.n_iterations == 0
    assert project.config == {"k": 1}
    assert project.projection == "umap"
    assert project.created_at.tzinfo is not None

    _label(store, project, 5, 2, confidence=np.float32(0.5), status="manual")
    _label(store, project, 1, 0, status="confirmed", predicted=0, probability=0.9, iteration=2)
    corrected = store.set_label(
        project.id,
        np.int64(7),
        label=np.int64(1),
        confidence=1.0,
        status="corrected",
        predicted=np.int32(2),
        probability=np.float64(0.7),
        iteration=2,
    )
    assert corrected.sample == 7
    assert type(corrected.label) is int
    assert corrected.predicted == 2

    records = store.labels(project.id)
    assert [r.sample for r in records] == [1, 5, 7]
    assert records[1].confidence == pytest.approx(0.5)
    assert records[1].predicted is None
    assert records[1].probability is None
    assert isinstance(records[0].updated_at, datetime)

    arrays = store.label_arrays(project.id)
    assert len(arrays) == 3
    np.testing.assert_array_equal(arrays.samples, [1, 5, 7])
    np.testing.assert_array_equal(arrays.labels, [0, 2, 1])
    np.testing.assert_array_equal(arrays.predicted, [0, -1, 2])
    np.testing.assert_array_equal(arrays.iterations, [2, 1, 2])
    assert list(arrays.statuses) == ["confirmed", "manual", "corrected"]
    assert np.isnan(arrays.probability[1])
    assert arrays.samples.dtype == np.int64
    assert arrays.confidences.dtype == np.float32
    assert arrays.probability.dtype == np.float32

    probabilities = _probabilities(0)
    saved = store.add_iteration(
        project.id,
        _record(1),
        models={"LCRS": b"keras-bytes-1", "random": b"\x00\x01\x02"},
        pool_probabilities={"LCRS": probabilities, "random": _probabilities(1)},
    )
    assert saved.created_at is not None
    assert saved.accuracies == {"LCRS": 0.51, "random": None}

    (stored,) = store.iterations(project.id)
    assert stored == saved
    assert store.latest_iteration(project.id) == saved
    assert store.model_schemes(project.id, 1) == ["LCRS", "random"]
    assert store.model_bytes(project.id, 1, "random") == b"\x00\x01\x02"
    back = store.pool_probabilities(project.id, "LCRS")
    assert back is not None
    assert back.dtype == np.float16
    assert back.shape == (20, 3)
    np.testing.assert_array_equal(back, probabilities.astype(np.float16))

    info = store.get_project(project.id)
    assert (info.n_labels, info.n_iterations) == (3, 1)
    assert info.updated_at >= project.updated_at


def test_empty_project_reads(store: Store, project: ProjectInfo) -> None:
    assert store.labels(project.id) == []
    arrays = store.label_arrays(project.id)
    assert len(arrays) == 0
    assert arrays.samples.dtype == np.int64
    assert store.iterations(project.id) == []
    assert store.latest_iteration(project.id) is None
    assert store.pool_probabilities(project.id, "LCRS") is None
    assert store.model_schemes(project.id, 1) == []
    assert store.undo_last_label(project.id) is None
    with pytest.raises(StoreError, match="no 'LCRS' model"):
        store.model_bytes(project.id, 1, "LCRS")


def test_pool_probabilities_by_iteration_and_scheme(store: Store, project: ProjectInfo) -> None:
    first, second = _probabilities(1), _probabilities(2)
    store.add_iteration(
        project.id,
        _record(1),
        models={"LCRS": b"m1", "random": b"r1"},
        pool_probabilities={"LCRS": first, "random": first},
    )
    store.add_iteration(
        project.id, _record(2), models={"LCRS": b"m2"}, pool_probabilities={"LCRS": second}
    )
    latest = store.pool_probabilities(project.id, "LCRS")
    earlier = store.pool_probabilities(project.id, "LCRS", iteration=1)
    assert latest is not None
    assert earlier is not None
    np.testing.assert_array_equal(latest, second.astype(np.float16))
    np.testing.assert_array_equal(earlier, first.astype(np.float16))
    # The latest iteration that trained "random" is the first one.
    random_latest = store.pool_probabilities(project.id, "random")
    assert random_latest is not None
    np.testing.assert_array_equal(random_latest, first.astype(np.float16))
    assert store.pool_probabilities(project.id, "random", iteration=2) is None
    assert store.pool_probabilities(project.id, "margin") is None
    assert [it.number for it in store.iterations(project.id)] == [1, 2]
    latest_iteration = store.latest_iteration(project.id)
    assert latest_iteration is not None
    assert latest_iteration.number == 2


def test_many_projects_newest_first(store: Store) -> None:
    made = [
        store.create_project(name=f"p{i}", dataset_spec="s", pool_size=5, n_classes=2)
        for i in range(4)
    ]
    listed = store.list_projects()
    assert [p.id for p in listed] == [p.id for p in reversed(made)]
    store.set_label(made[1].id, 0, label=1, confidence=1.0, status="manual", iteration=1)
    counts = {p.name: p.n_labels for p in store.list_projects()}
    assert counts == {"p0": 0, "p1": 1, "p2": 0, "p3": 0}
    assert store.labels(made[0].id) == []


def test_update_project(store: Store, project: ProjectInfo) -> None:
    updated = store.update_project(project.id, name="renamed", config={"new": [1, 2]})
    assert updated.name == "renamed"
    assert updated.projection == "umap"
    assert updated.config == {"new": [1, 2]}
    updated = store.update_project(project.id, projection="pca")
    assert (updated.name, updated.projection) == ("renamed", "pca")
    assert store.get_project(project.id) == updated


def test_reopen_resumes_everything(tmp_path: Path) -> None:
    with Store(data_dir=tmp_path) as first:
        project = first.create_project(name="p", dataset_spec="s", pool_size=20, n_classes=3)
        first.set_label(project.id, 4, label=2, confidence=0.3, status="manual", iteration=1)
        first.set_label(project.id, 9, label=1, confidence=0.6, status="manual", iteration=1)
        first.add_iteration(project.id, _record(1), models={"LCRS": b"m"}, pool_probabilities={})
        labels_before = first.labels(project.id)
        iterations_before = first.iterations(project.id)

    assert (tmp_path / DB_NAME).is_file()
    with Store(f"sqlite:///{tmp_path / DB_NAME}") as second:
        assert second.labels(project.id) == labels_before
        assert second.iterations(project.id) == iterations_before
        assert second.model_bytes(project.id, 1, "LCRS") == b"m"
        assert second.get_project(project.id).n_labels == 2
        # The undo log survives too.
        undone = second.undo_last_label(project.id)
        assert undone is None
        assert [r.sample for r in second.labels(project.id)] == [4]


def test_sqlite_settings(store: Store) -> None:
    engine = store._engine  # the pragmas are per connection
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert connection.exec_driver_sql("SELECT value FROM meta").scalar() == "1"
    assert store.ping()


# ---------------------------------------------------------------------------- validation


BAD_FIELDS = [
    ({"sample": 20}, "not in the pool"),
    ({"sample": -1}, "not in the pool"),
    ({"sample": 2.0}, "not in the pool"),
    ({"label": 3}, "label"),
    ({"label": -1}, "label"),
    ({"label": "1"}, "label"),
    ({"confidence": 1.5}, "confidence"),
    ({"confidence": -0.1}, "confidence"),
    ({"confidence": float("nan")}, "confidence"),
    ({"confidence": "high"}, "confidence"),
    ({"status": "guessed"}, "status"),
    ({"predicted": 3}, "guess"),
    ({"predicted": 1.5}, "guess"),
    ({"probability": 1.01}, "probability"),
    ({"probability": float("inf")}, "probability"),
    ({"iteration": 0}, "iteration"),
    ({"iteration": None}, "iteration"),
]


@pytest.mark.parametrize(("bad", "problem"), BAD_FIELDS)
def test_invalid_label_writes_nothing(
    store: Store, project: ProjectInfo, bad: dict[str, object], problem: str
) -> None:
    fields: dict[str, object] = {
        "sample": 3,
        "label": 1,
        "confidence": 0.5,
        "status": "manual",
        "predicted": None,
        "probability": None,
        "iteration": 1,
    }
    fields.update(bad)
    sample = fields.pop("sample")
    with pytest.raises(InvalidLabelError, match=problem) as caught:
        store.set_label(project.id, sample, **fields)  # type: ignore[arg-type]
    assert "ample" in str(caught.value)
    assert store.labels(project.id) == []
    assert store.undo_last_label(project.id) is None
    assert store.get_project(project.id).updated_at == project.updated_at


def test_every_status_is_accepted(store: Store, project: ProjectInfo) -> None:
    for sample, status in enumerate(LABEL_STATUSES):
        _label(store, project, sample, 0, status=status)
    assert [r.status for r in store.labels(project.id)] == list(LABEL_STATUSES)


def test_bad_project_arguments(store: Store) -> None:
    with pytest.raises(StoreError, match="two classes"):
        store.create_project(name="p", dataset_spec="s", pool_size=5, n_classes=1)
    with pytest.raises(StoreError, match="at least one sample"):
        store.create_project(name="p", dataset_spec="s", pool_size=0, n_classes=2)
    with pytest.raises(StoreError, match="name"):
        store.create_project(name=" ", dataset_spec="s", pool_size=5, n_classes=2)
    with pytest.raises(StoreError, match="JSON"):
        store.create_project(
            name="p", dataset_spec="s", pool_size=5, n_classes=2, config={"x": object()}
        )
    assert store.list_projects() == []


@pytest.mark.parametrize("bad_id", [999, "abc", None, -1, 1.5, True, "", "12x"])
def test_unknown_project(store: Store, project: ProjectInfo, bad_id: object) -> None:
    with pytest.raises(UnknownProjectError, match="no project"):
        store.get_project(bad_id)  # type: ignore[arg-type]
    with pytest.raises(UnknownProjectError):
        store.labels(bad_id)  # type: ignore[arg-type]
    with pytest.raises(UnknownProjectError):
        store.set_label(bad_id, 0, label=0, confidence=1.0, status="manual", iteration=1)
    assert store.labels(project.id) == []


def test_project_id_as_text(store: Store, project: ProjectInfo) -> None:
    assert store.get_project(str(project.id)).id == project.id
    assert store.get_project(np.int64(project.id)).id == project.id  # type: ignore[arg-type]


def test_store_needs_a_location() -> None:
    with pytest.raises(StoreError, match="URL or a data directory"):
        Store()


def test_url_password_is_masked() -> None:
    with pytest.raises(StoreError) as caught:
        Store("postgresql+nosuchdriver://user:secret@localhost/db")
    assert "secret" not in str(caught.value)


# ---------------------------------------------------------------------------- transactions


def test_set_labels_is_all_or_nothing(store: Store, project: ProjectInfo) -> None:
    _label(store, project, 0, 1)
    changes = [
        LabelChange(0, 2, 0.9, "corrected", predicted=1, probability=0.6, iteration=2),
        LabelChange(1, 1, 0.9, "manual", iteration=2),
        LabelChange(2, 7, 0.9, "manual", iteration=2),  # bad label
    ]
    with pytest.raises(InvalidLabelError, match="Sample 2"):
        store.set_labels(project.id, changes)
    (only,) = store.labels(project.id)
    assert (only.sample, only.label) == (0, 1)

    written = store.set_labels(project.id, changes[:2])
    assert [(r.sample, r.label) for r in written] == [(0, 2), (1, 1)]
    assert store.set_labels(project.id, []) == []
    assert store.get_project(project.id).n_labels == 2


def test_undo_walks_back_step_by_step(store: Store, project: ProjectInfo) -> None:
    first = _label(store, project, 4, 0, confidence=0.4)
    _label(store, project, 4, 2, confidence=0.9, status="corrected", predicted=0, probability=0.7)
    restored = store.undo_last_label(project.id)
    assert restored == first
    assert store.labels(project.id) == [first]
    assert store.undo_last_label(project.id) is None
    assert store.labels(project.id) == []
    assert store.undo_last_label(project.id) is None


def test_undo_of_batch_and_removal(store: Store, project: ProjectInfo) -> None:
    kept = _label(store, project, 1, 1)
    store.set_labels(
        project.id,
        [
            LabelChange(1, 2, 0.5, "manual", iteration=1),
            LabelChange(2, 0, 0.5, "manual", iteration=1),
        ],
    )
    store.remove_label(project.id, 1)
    store.remove_label(project.id, 3)  # not labelled: no error, nothing to undo
    assert [r.sample for r in store.labels(project.id)] == [2]

    back = store.undo_last_label(project.id)  # the removal
    assert back is not None
    assert (back.sample, back.label) == (1, 2)
    assert store.undo_last_label(project.id) is None  # sample 2 was new
    assert store.undo_last_label(project.id) == kept  # sample 1 back to its first label
    assert store.labels(project.id) == [kept]


def test_add_iteration_rejects_a_wrong_number(store: Store, project: ProjectInfo) -> None:
    for wrong in (0, 2):
        with pytest.raises(StoreError, match="next must be number 1"):
            store.add_iteration(project.id, _record(wrong), models={}, pool_probabilities={})
    store.add_iteration(project.id, _record(1), models={"LCRS": b"a"}, pool_probabilities={})
    with pytest.raises(StoreError, match="another training"):
        store.add_iteration(project.id, _record(1), models={"LCRS": b"b"}, pool_probabilities={})
    assert store.model_bytes(project.id, 1, "LCRS") == b"a"
    assert len(store.iterations(project.id)) == 1


def test_add_iteration_rejects_a_wrong_shape(store: Store, project: ProjectInfo) -> None:
    with pytest.raises(StoreError, match="shape"):
        store.add_iteration(
            project.id,
            _record(1),
            models={"LCRS": b"m"},
            pool_probabilities={"LCRS": np.zeros((19, 3))},
        )
    assert store.iterations(project.id) == []
    assert store.model_schemes(project.id, 1) == []


def test_delete_cascades(store: Store, project: ProjectInfo, tmp_path: Path) -> None:
    other = store.create_project(name="other", dataset_spec="s", pool_size=20, n_classes=3)
    for target in (project, other):
        _label(store, target, 0, 1)
        store.remove_label(target.id, 0)
        _label(store, target, 1, 1)
        store.add_iteration(
            target.id,
            _record(1),
            models={"LCRS": b"m"},
            pool_probabilities={"LCRS": _probabilities(0)},
        )
    store.delete_project(project.id)
    with pytest.raises(UnknownProjectError):
        store.get_project(project.id)
    with pytest.raises(UnknownProjectError):
        store.delete_project(project.id)

    tables = ("labels", "label_events", "iterations", "models", "pool_probabilities")
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        for table in tables:
            ids = {row[0] for row in db.execute(f"SELECT project_id FROM {table}")}
            assert ids == {other.id}, table
    assert store.get_project(other.id).n_labels == 1


def test_arrays_and_models_are_raw_bytes(store: Store, project: ProjectInfo, tmp_path) -> None:
    probabilities = _probabilities(3)
    model = b"PK\x03\x04 pretend .keras zip"
    store.add_iteration(
        project.id, _record(1), models={"LCRS": model}, pool_probabilities={"LCRS": probabilities}
    )
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        data, dtype, rows, cols = db.execute(
            "SELECT data, dtype, n_rows, n_cols FROM pool_probabilities"
        ).fetchone()
        (stored_model,) = db.execute("SELECT data FROM models").fetchone()
    assert isinstance(data, bytes)
    assert len(data) == 20 * 3 * 2
    array = np.frombuffer(data, dtype=np.dtype(dtype)).reshape(rows, cols)
    np.testing.assert_array_equal(array, probabilities.astype(np.float16))
    assert stored_model == model


# ---------------------------------------------------------------------------- processes


def test_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, activate_dash.store\n"
        "heavy = {'tensorflow', 'keras', 'umap', 'dash', 'plotly'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True
    )
    assert result.stdout.strip() == "[]"


def test_kill_never_loses_a_returned_write(tmp_path: Path) -> None:
    db_path = tmp_path / DB_NAME
    with Store(data_dir=tmp_path) as store:
        project = store.create_project(
            name="kill", dataset_spec="s", pool_size=100_000, n_classes=10
        )
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), str(project.id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    watchdog = threading.Timer(30, writer.kill)
    watchdog.start()
    printed: list[int] = []
    try:
        assert writer.stdout is not None
        while len(printed) < 300:
            line = writer.stdout.readline()
            if not line:
                break
            printed.append(int(line))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    finally:
        watchdog.cancel()
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.stderr is not None
    assert len(printed) == 300, writer.stderr.read()
    assert writer.returncode == -signal.SIGKILL

    with Store(data_dir=tmp_path) as store:
        stored = {r.sample: r for r in store.labels(project.id)}
    for sample in printed:
        assert sample in stored, sample
        assert stored[sample].label == sample % 10
        assert stored[sample].confidence == pytest.approx((sample % 100) / 100)
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_reopen_opens_the_same_database_with_new_connections(tmp_path):
    store = Store("sqlite:///" + str(tmp_path / "a.sqlite"))
    project = store.create_project(name="p", dataset_spec="digits", pool_size=5, n_classes=2)
    with store.reopen() as again:
        assert again is not store
        assert again.get_project(project.id).name == "p"
    assert store.get_project(project.id).name == "p"  # the original is still open

"""The plain functions behind the callbacks: projects, board, labels, refusals (no browser)."""

from __future__ import annotations

import numpy as np
import pytest

from activate_dash.errors import ActivateError, InvalidLabelError, UnknownProjectError
from activate_dash.store import IterationRecord, Store
from activate_dash.web.workspace import MAX_ADD, Workspace


@pytest.fixture
def workspace(tmp_path):
    return Workspace(Store(data_dir=tmp_path), tmp_path)


@pytest.fixture
def project(workspace):
    return workspace.resolve(workspace.new_project("digits"))


def fake_training(
    workspace: Workspace, project_id: int, predicted: int = 1, details: dict | None = None
) -> np.ndarray:
    """Store an iteration whose guide says `predicted` at 0.9 for every sample (no Keras)."""
    info = workspace.info(project_id)
    probabilities = np.full((info.pool_size, info.n_classes), 0.1 / (info.n_classes - 1))
    probabilities[:, predicted] = 0.9
    record = IterationRecord(
        number=info.n_iterations + 1,
        n_labels=1,
        selection="RS",
        classifier="cnn",
        guide="SIL",
        accuracies={"SIL": 0.5},
        relabels=0,
        seconds=1.0,
        confusion=None,
        details=details or {},
    )
    workspace.store.add_iteration(
        project_id, record, models={}, pool_probabilities={"SIL": probabilities}
    )
    return probabilities


def test_tokens_are_signed_and_stale_ones_refused(workspace, project):
    token = workspace.token(project)
    assert workspace.resolve(token) == project
    for bad in (None, "", "1", f"{project}-0000000000000000", "x-y", f"{project + 1}-abc"):
        with pytest.raises(UnknownProjectError):
            workspace.resolve(bad)
    other = Workspace(workspace.store, workspace.data_dir / "elsewhere")
    with pytest.raises(UnknownProjectError):
        other.resolve(token)  # another server's key


def test_ask_fills_the_board_without_repeats(workspace, project):
    first, note = workspace.ask(project, "LCRS", 10, seed=0)
    assert len(first) == 10 and "RS" in note  # no model yet: falls back to random
    second, _ = workspace.ask(project, "RS", 10, seed=0)
    assert not set(first) & set(second)
    assert workspace.board(project) == first + second
    assert set(workspace.machine_chosen(project)) == set(first + second)
    with pytest.raises(ActivateError):
        workspace.ask(project, "XX", 10)
    with pytest.raises(ActivateError):
        workspace.ask(project, "RS", MAX_ADD + 1)


def test_board_change_is_stored_and_bad_changes_change_nothing(workspace, project):
    sample = workspace.add_to_board(project, [5])[0]
    outcome = workspace.apply_change(project, {"id": sample, "column": 3, "confidence": 0.8})
    assert outcome.status == "manual"
    (record,) = workspace.labels(project)
    assert (record.sample, record.label, record.confidence) == (5, 3, 0.8)
    bad_changes = [
        {"id": 99999, "column": 3, "confidence": 0.5},  # unknown sample
        {"id": 6, "column": 3, "confidence": 0.5},  # not on the board
        {"id": 5, "column": 42, "confidence": 0.5},  # not a class
        {"id": 5, "column": 2, "confidence": 7},  # confidence outside [0, 1]
        {"id": 5, "column": "2", "confidence": 0.5},
        "not a change",
    ]
    for change in bad_changes:
        with pytest.raises(InvalidLabelError):
            workspace.apply_change(project, change)
    assert workspace.labels(project) == [record]
    workspace.apply_change(project, {"id": 5, "column": None, "confidence": 0})
    assert workspace.labels(project) == []


def test_guesses_come_from_stored_probabilities(workspace, project):
    workspace.add_to_board(project, [1, 2, 3])
    fake_training(workspace, project, predicted=1)
    items = {item["id"]: item for item in workspace.board_items(project)}
    assert items[1]["status"] == "machine" and items[1]["column"] == 1
    assert items[1]["confidence"] == pytest.approx(0.9)
    assert workspace.apply_change(project, {"id": 2, "column": 4, "confidence": 0.6}).status == (
        "corrected"
    )
    assert workspace.pending_relabels(project) == (1, 1)
    accepted = workspace.accept_all(project)
    assert sorted(accepted) == [1, 3]
    statuses = {r.sample: r.status for r in workspace.labels(project)}
    assert statuses == {1: "confirmed", 2: "corrected", 3: "confirmed"}
    # the model (says 1 at 0.9) confidently disagrees with label 4 of sample 2
    assert [e["sample"] for e in workspace.review(project)] == [2]


def test_undo_and_after_training(workspace, project):
    workspace.add_to_board(project, [7, 8])
    workspace.apply_change(project, {"id": 7, "column": 1, "confidence": 0.5})
    workspace.apply_change(project, {"id": 7, "column": 2, "confidence": 0.9})
    assert workspace.undo(project) == 7
    assert workspace.labels(project)[0].label == 1
    workspace.after_training(project)
    assert workspace.board(project) == [8]  # labelled samples leave the board
    assert workspace.undo(project) == 7 and workspace.labels(project) == []
    assert workspace.undo(project) is None


def test_settings_checked_and_export_rows(workspace, project):
    settings = workspace.save_settings(project, schemes=("IDA", "SIL"), epochs=2)
    assert settings.schemes == ("SIL", "IDA") and settings.epochs == 2
    for bad in ({"schemes": ()}, {"classifier": "svm"}, {"epochs": 0}, {"guide": "XX"}):
        with pytest.raises(ActivateError):
            workspace.save_settings(project, **bad)
    assert workspace.settings(project) == settings
    workspace.add_to_board(project, [4])
    workspace.apply_change(project, {"id": 4, "column": 9, "confidence": 0.25})
    (row,) = workspace.export_rows(project)
    assert row == {
        "id": 4,
        "class": "9",
        "confidence": 0.25,
        "status": "manual",
        "iteration": 1,
        "machine_prediction": None,
        "machine_probability": None,
    }


def test_reopen_shares_no_connection_or_lock_with_the_original(workspace, project):
    workspace.dataset(project)  # loaded once here, shared with the copy
    with workspace.reopen() as own:
        assert own.store is not workspace.store and own._lock is not workspace._lock
        assert own.resolve(workspace.token(project)) == project
        assert own.dataset(project) is workspace.dataset(project)
    assert workspace.info(project).id == project  # the original is still open


def test_use_projection_computes_caches_and_switches(workspace, project):
    with pytest.raises(ActivateError, match="Unknown projection"):
        workspace.projection_ready(project, "isomap")
    assert workspace.projection_ready(project, "pca")
    assert not workspace.projection_ready(project, "tsne")
    stages: list[tuple[str, int, int]] = []
    workspace.use_projection(project, "tsne", lambda *stage: stages.append(stage))
    assert workspace.info(project).projection == "tsne"
    assert workspace.points(project).shape == (workspace.dataset(project).pool_size, 2)
    assert stages and stages[-1][1] == stages[-1][2]  # progress reached its end
    assert workspace.projection_ready(project, "tsne")  # cached for the next time


def test_confusion_cell_lists_its_test_samples_and_the_pool_predicted_as_its_column(
    workspace, project
):
    labels = workspace.dataset(project).test_labels
    with pytest.raises(ActivateError, match="not one of the 10 classes"):
        workspace.confusion_cell(project, "3", "42")
    untrained = workspace.confusion_cell(project, "3", "5")
    assert untrained.pool_samples is None and untrained.test_samples is None
    predicted = np.where(labels == 3, 5, labels)  # every test 3 taken for a 5
    fake_training(
        workspace, project, predicted=5, details={"guide_test_predictions": predicted.tolist()}
    )
    cell = workspace.confusion_cell(project, "3", "5")
    assert cell.test_samples.tolist() == np.flatnonzero(labels == 3).tolist()
    assert len(cell.pool_samples) == workspace.info(project).pool_size  # all predicted as 5
    assert workspace.confusion_cell(project, "5", "5").test_samples.tolist() == (
        np.flatnonzero(labels == 5).tolist()
    )
    thumbnails = workspace.test_thumbnails(project, cell.test_samples[:3])
    assert len(thumbnails) == 3 and all(t.startswith("data:image/png;base64,") for t in thumbnails)
    fake_training(workspace, project, predicted=5)  # an older store: no test predictions kept
    assert workspace.confusion_cell(project, "3", "5").test_samples is None

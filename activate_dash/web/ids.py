"""Every element id of the page, in one place. The values are stable: tests and docs use them."""

from __future__ import annotations

from enum import StrEnum


class Ids(StrEnum):
    # the project
    PROJECT_STORE = "project-store"  # localStorage: the token this browser last used
    CURRENT_PROJECT = "current-project"  # the token the page works on now
    PROJECT_LABEL = "project-label"
    NEW_PROJECT_BUTTON = "new-project-button"
    DATASET_DROPDOWN = "dataset-dropdown"
    UPLOAD = "upload"
    RESUME_INPUT = "resume-input"
    RESUME_BUTTON = "resume-button"
    MESSAGE = "message"
    # the sample pool
    POOL_GRAPH = "pool-graph"
    POOL_TOOLTIP = "pool-tooltip"
    CONFIDENCE_SWITCH = "confidence-switch"
    # the class board and its actions
    CLASS_BOARD = "class-board"
    ASK_BUTTON = "ask-button"
    ACCEPT_ALL_BUTTON = "accept-all-button"
    UNDO_BUTTON = "undo-button"
    RELABEL_COUNT = "relabel-count"
    BOARD_VERSION = "board-version"  # bumped after every change of labels or board
    REVIEW_LIST = "review-list"
    # training
    TRAIN_BUTTON = "train-button"
    CANCEL_BUTTON = "cancel-button"
    TRAIN_PROGRESS = "train-progress"
    TRAIN_DONE = "train-done"
    # feedback
    ACCURACY_GRAPH = "accuracy-graph"
    ACCURACY_NUMBERS = "accuracy-numbers"
    CONFUSION_GRAPH = "confusion-graph"
    CONFUSION_SAMPLES = "confusion-samples"
    TIMELINE = "timeline"
    EXPORT_CSV_BUTTON = "export-csv-button"
    EXPORT_JSON_BUTTON = "export-json-button"
    DOWNLOAD = "download"
    # configuration
    N_INPUT = "n-input"
    SELECTION_DROPDOWN = "selection-dropdown"
    SCHEMES_CHECKLIST = "schemes-checklist"
    CLASSIFIER_DROPDOWN = "classifier-dropdown"
    PROJECTION_DROPDOWN = "projection-dropdown"
    PROJECTION_PROGRESS = "projection-progress"
    PROJECTION_REQUEST = "projection-request"  # {token, method}: compute this one in the background
    PROJECTION_DONE = "projection-done"  # the pool view reloads when this changes
    IL_SPACE_DROPDOWN = "il-space-dropdown"
    EPOCHS_INPUT = "epochs-input"
    GUIDE_DROPDOWN = "guide-dropdown"


def model_download_id(iteration: int, scheme: str) -> dict[str, object]:
    """Pattern-matching id of one model's download button in the timeline."""
    return {"type": "model-download", "iteration": iteration, "scheme": scheme}


def review_item_id(sample: int) -> dict[str, object]:
    """Pattern-matching id of one entry of the review list."""
    return {"type": "review-item", "sample": sample}

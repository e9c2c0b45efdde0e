"""What the page does to a project, as plain functions over the store and the engine (no Dash).

A `Workspace` serves every browser session of one app: it opens projects by their signed
token, keeps each project's board and settings in the project's stored configuration, turns
the person's board changes into stored labels, and reads the machine's guesses from the pool
probabilities the last training stored. It never imports TensorFlow: training runs elsewhere
(`activate_dash.web.training_job`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from activate_dash.components.items import board_item, image_data_uri
from activate_dash.engine.loop import label_status
from activate_dash.engine.models import CLASSIFIERS
from activate_dash.engine.projection import PROJECTIONS, project
from activate_dash.engine.projection import Progress as ProjectionProgress
from activate_dash.engine.selection import SELECTION_SCHEMES, select_samples
from activate_dash.engine.training import (
    GUIDE_TEST_PREDICTIONS,
    IL_SPACES,
    TRAINING_SCHEMES,
    TrainingConfig,
)
from activate_dash.errors import ActivateError, InvalidLabelError, UnknownProjectError
from activate_dash.store import LabelChange, Store

if TYPE_CHECKING:
    from activate_dash.data import Dataset
    from activate_dash.store import IterationRecord, LabelRecord, ProjectInfo

BUNDLED_DATASET = "mnist"
MAX_BOARD = 200  # items on the board at once (the board stays usable up to this)
MAX_ADD = 50  # samples one click / lasso / ask puts on the board
REVIEW_THRESHOLD = 0.8  # the model disagrees "confidently" at this probability or more


@dataclass(frozen=True)
class ConfusionCell:
    """What a click on a cell of the confusion matrix shows."""

    pool_samples: np.ndarray | None  # pool indices predicted as the column; None: no model
    test_samples: np.ndarray | None  # test indices in the cell; None when not known


@dataclass(frozen=True)
class Settings:
    """The configuration view's choices for one project; every one can change between trainings."""

    n: int = 10
    selection: str = "LCRS"
    schemes: tuple[str, ...] = ("SIL", "IL", "IDA", "CBA")
    classifier: str = "cnn"
    il_space: str = "features"
    epochs: int = 5
    guide: str = "auto"
    colour_by_confidence: bool = False

    def validated(self) -> Settings:
        """A copy with normalised values; ActivateError naming the first bad one."""
        if not (isinstance(self.n, int | float) and 1 <= int(self.n) <= MAX_ADD):
            raise ActivateError(f"Samples per iteration must be a whole number 1-{MAX_ADD}.")
        if self.selection not in SELECTION_SCHEMES:
            raise ActivateError(f"Unknown selection scheme {self.selection!r}.")
        schemes = tuple(s for s in TRAINING_SCHEMES if s in set(self.schemes or ()))
        if not schemes or len(schemes) != len(set(self.schemes)):
            raise ActivateError(f"Choose training schemes among {', '.join(TRAINING_SCHEMES)}.")
        if self.classifier not in CLASSIFIERS:
            raise ActivateError(f"Unknown classifier {self.classifier!r}.")
        if self.il_space not in IL_SPACES:
            raise ActivateError(f"Unknown IL neighbour space {self.il_space!r}.")
        if not (isinstance(self.epochs, int | float) and 1 <= int(self.epochs) <= 50):
            raise ActivateError("Epochs must be a whole number 1-50.")
        if self.guide != "auto" and self.guide not in TRAINING_SCHEMES:
            raise ActivateError(f"Unknown guide scheme {self.guide!r}.")
        return replace(self, n=int(self.n), epochs=int(self.epochs), schemes=schemes)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        stored = dict(config.get("settings") or {})
        known = {k: v for k, v in stored.items() if k in cls.__dataclass_fields__}
        if "schemes" in known:
            known["schemes"] = tuple(known["schemes"])
        return cls(**known)

    def training_config(self) -> TrainingConfig:
        return TrainingConfig(
            schemes=self.schemes,
            classifier=self.classifier,
            epochs=self.epochs,
            il_space=self.il_space,
            guide=self.guide,
        )


@dataclass(frozen=True)
class ChangeOutcome:
    """What a board change did: the sample, its stored status, and words for the person."""

    sample: int
    status: str
    message: str


class Workspace:
    """Projects as the page sees them: tokens, board, labels, guesses, history, exports."""

    def __init__(self, store: Store, data_dir: str | Path) -> None:
        self.store = store
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._secret = _secret_key(self.data_dir / "secret_key")
        self._lock = threading.Lock()
        self._datasets: dict[str, Dataset] = {}
        self._points: dict[tuple[str, str], np.ndarray] = {}
        self._probabilities: dict[tuple[int, int, str], np.ndarray | None] = {}

    def reopen(self) -> Workspace:
        """This workspace on its own store connections and lock, for a forked job or a worker.

        A forked child must touch nothing of its parent that holds a lock or a connection (a
        request thread may have held it at the fork: the child would wait forever). Loaded
        datasets and projections are read-only arrays, so they are shared.
        """
        again = Workspace(self.store.reopen(), self.data_dir)
        again._datasets = dict(self._datasets)
        again._points = dict(self._points)
        return again

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------ projects and tokens

    def token(self, project_id: int) -> str:
        """The id the page holds: the project number signed with this server's key."""
        signature = hmac.new(self._secret, str(project_id).encode(), hashlib.sha256)
        return f"{project_id}-{signature.hexdigest()[:16]}"

    def resolve(self, token: object) -> int:
        """The project id behind a token; UnknownProjectError for anything else."""
        text = str(token or "")
        number = text.partition("-")[0]
        if not number.isdigit() or not hmac.compare_digest(self.token(int(number)), text):
            raise UnknownProjectError(f"There is no project {text!r} here.")
        self.store.get_project(int(number))  # raises when it was deleted
        return int(number)

    def new_project(self, dataset_spec: str = BUNDLED_DATASET, name: str | None = None) -> str:
        """Create a project on a dataset (loaded and checked first); returns its token."""
        dataset = self.dataset_of(dataset_spec)
        projection = "umap" if dataset_spec == BUNDLED_DATASET else "pca"
        info = self.store.create_project(
            name=name or dataset.name,
            dataset_spec=dataset_spec,
            pool_size=dataset.pool_size,
            n_classes=dataset.n_classes,
            projection=projection,
            config={"settings": asdict(Settings()), "board": [], "machine_chosen": []},
        )
        return self.token(info.id)

    def info(self, project_id: int) -> ProjectInfo:
        return self.store.get_project(project_id)

    def dataset(self, project_id: int) -> Dataset:
        return self.dataset_of(self.info(project_id).dataset_spec)

    def new_project_from_upload(self, filename: str, contents: str) -> str:
        """Create a project on an uploaded .zip or .npz (a `dcc.Upload` data URL); its token.

        The file is checked, stored under the data dir and loaded first; a bad one raises
        DatasetError and leaves nothing behind. The project is named after the file.
        """
        from activate_dash.web.uploads import new_upload_dataset, upload_stem

        spec = new_upload_dataset(self.data_dir, filename, contents, self.dataset_of)
        return self.new_project(spec, name=upload_stem(filename))

    def dataset_of(self, spec: str) -> Dataset:
        """A dataset by spec, loaded once per process and shared read-only."""
        with self._lock:
            if spec not in self._datasets:
                self._datasets[spec] = self._load(spec)
            return self._datasets[spec]

    def _load(self, spec: str) -> Dataset:
        """Load a spec; an upload (`upload:<hash>`) is read from this data dir's uploads."""
        from activate_dash.data import load_dataset
        from activate_dash.web.uploads import is_upload, resolve_upload

        if not is_upload(spec):
            return load_dataset(spec)
        return replace(load_dataset(resolve_upload(self.data_dir, spec)), spec=spec)

    def class_names(self, project_id: int) -> list[str]:
        return list(self.dataset(project_id).class_names)

    def points(
        self,
        project_id: int,
        method: str | None = None,
        progress: ProjectionProgress | None = None,
    ) -> np.ndarray:
        """The pool's 2-D projection (bundled or cached; computed on a cache miss)."""
        info = self.info(project_id)
        method = method or info.projection
        if method not in PROJECTIONS:
            raise ActivateError(f"Unknown projection {method!r}.")
        key = (info.dataset_spec, method)
        with self._lock:
            cached = self._points.get(key)
        if cached is None:
            dataset = self.dataset_of(info.dataset_spec)
            cached = project(
                dataset.pool_images,
                method,
                content_hash=dataset.content_hash(),
                cache_dir=self.data_dir / "projections",
                progress=progress,
            )
            with self._lock:
                self._points[key] = cached
        return cached

    def projection_ready(self, project_id: int, method: str) -> bool:
        """True when the projection is quick to have: PCA, bundled or cached."""
        from activate_dash.engine.projection import is_cached

        if method not in PROJECTIONS:
            raise ActivateError(f"Unknown projection {method!r}.")
        dataset = self.dataset(project_id)
        cache = self.data_dir / "projections"
        return method == "pca" or is_cached(dataset.content_hash(), method, cache)

    def use_projection(
        self, project_id: int, method: str, progress: ProjectionProgress | None = None
    ) -> None:
        """Compute (or find) the pool's projection by `method` and make it the project's."""
        self.points(project_id, method, progress)
        self.store.update_project(project_id, projection=method)

    def settings(self, project_id: int) -> Settings:
        return Settings.from_config(self.info(project_id).config)

    def save_settings(self, project_id: int, **changes: Any) -> Settings:
        """Check and store new settings; the old ones stay on a bad value."""
        info = self.info(project_id)
        settings = replace(Settings.from_config(info.config), **changes).validated()
        config = {**info.config, "settings": asdict(settings)}
        self.store.update_project(project_id, config=config)
        return settings

    # ------------------------------------------------------------ the machine's view

    def iterations(self, project_id: int) -> list[IterationRecord]:
        return self.store.iterations(project_id)

    def confusion_cell(self, project_id: int, true: str, predicted: str) -> ConfusionCell:
        """The test samples of one cell of the latest confusion matrix, and the pool samples
        the guide model predicts as `predicted`; ActivateError for an unknown class."""
        names = self.class_names(project_id)
        for name in (true, predicted):
            if str(name) not in names:
                raise ActivateError(f"{name!r} is not one of the {len(names)} classes.")
        true_class, predicted_class = names.index(str(true)), names.index(str(predicted))
        latest = self.store.latest_iteration(project_id)
        probabilities = self.probabilities(project_id)
        pool = (
            None
            if probabilities is None
            else (probabilities.argmax(axis=1) == predicted_class).nonzero()[0]
        )
        test: np.ndarray | None = None
        found = None if latest is None else latest.details.get(GUIDE_TEST_PREDICTIONS)
        labels = self.dataset(project_id).test_labels
        if found is not None and labels is not None and len(found) == len(labels):
            found = np.asarray(found)
            test = ((labels == true_class) & (found == predicted_class)).nonzero()[0]
        return ConfusionCell(pool_samples=pool, test_samples=test)

    def test_thumbnails(self, project_id: int, samples: Iterable[int]) -> list[str]:
        """PNG data URIs of test images."""
        images = self.dataset(project_id).test_images
        return [] if images is None else [image_data_uri(images[int(s)]) for s in samples]

    def probabilities(self, project_id: int) -> np.ndarray | None:
        """The guide model's pool probabilities after the latest training (None before any)."""
        latest = self.store.latest_iteration(project_id)
        if latest is None:
            return None
        key = (project_id, latest.number, latest.guide)
        with self._lock:
            if key in self._probabilities:
                return self._probabilities[key]
        found = self.store.pool_probabilities(project_id, latest.guide, latest.number)
        value = None if found is None else found.astype(np.float32)
        with self._lock:
            self._probabilities = {
                k: v for k, v in self._probabilities.items() if k[0] != project_id
            }
            self._probabilities[key] = value
        return value

    # ------------------------------------------------------------ the board

    def board(self, project_id: int) -> list[int]:
        return [int(s) for s in self.info(project_id).config.get("board", [])]

    def machine_chosen(self, project_id: int) -> list[int]:
        return [int(s) for s in self.info(project_id).config.get("machine_chosen", [])]

    def _save_board(
        self, project_id: int, board: list[int], machine_chosen: Iterable[int] | None = None
    ) -> None:
        config = dict(self.info(project_id).config)
        config["board"] = board
        if machine_chosen is not None:
            config["machine_chosen"] = sorted(set(machine_chosen) & set(board))
        else:
            config["machine_chosen"] = [s for s in config.get("machine_chosen", []) if s in board]
        self.store.update_project(project_id, config=config)

    def board_items(self, project_id: int, samples: Iterable[int] | None = None) -> list[dict]:
        """The class board's items: the person's label if given, else the machine's guess."""
        dataset = self.dataset(project_id)
        samples = self.board(project_id) if samples is None else [int(s) for s in samples]
        probabilities = self.probabilities(project_id)
        labels = {r.sample: r for r in self.store.labels(project_id)}
        items = []
        for sample in samples:
            src = image_data_uri(dataset.pool_images[sample])
            guess = None if probabilities is None else probabilities[sample]
            record = labels.get(sample)
            if record is None:
                items.append(board_item(sample, src, probabilities=guess))
            else:
                items.append(
                    board_item(
                        sample,
                        src,
                        probabilities=guess,
                        column=record.label,
                        confidence=record.confidence,
                        status=record.status,
                    )
                )
        return items

    def add_to_board(
        self, project_id: int, samples: Iterable[object], *, machine: bool = False
    ) -> list[int]:
        """Put pool samples on the board; returns those newly added (at most MAX_ADD)."""
        pool_size = self.info(project_id).pool_size
        wanted = [check_sample(s, pool_size) for s in samples]
        board = self.board(project_id)
        on_board = set(board)
        new = [s for s in dict.fromkeys(wanted) if s not in on_board]
        room = max(0, MAX_BOARD - len(board))
        new = new[: min(MAX_ADD, room)]
        if new:
            chosen = set(self.machine_chosen(project_id)) | (set(new) if machine else set())
            self._save_board(project_id, board + new, chosen)
        return new

    def remove_from_board(self, project_id: int, samples: Iterable[int]) -> None:
        gone = {int(s) for s in samples}
        self._save_board(project_id, [s for s in self.board(project_id) if s not in gone])

    def ask(
        self, project_id: int, scheme: str, n: int, seed: int | None = None
    ) -> tuple[list[int], str]:
        """The machine picks `n` samples off the board and unlabelled; returns (added, note)."""
        info = self.info(project_id)
        if scheme not in SELECTION_SCHEMES:
            raise ActivateError(f"Unknown selection scheme {scheme!r}.")
        n = int(n)
        if not 1 <= n <= MAX_ADD:
            raise ActivateError(f"Ask for 1-{MAX_ADD} samples.")
        taken = np.zeros(info.pool_size, dtype=bool)
        taken[self.store.label_arrays(project_id).samples] = True
        taken[self.board(project_id)] = True
        probabilities = self.probabilities(project_id)
        lookup = None if probabilities is None else (lambda idx: probabilities[idx])
        selection = select_samples(
            scheme,
            n,
            points=self.points(project_id),
            labelled=taken,
            predict_proba=lookup,
            seed=seed,
        )
        added = self.add_to_board(project_id, selection.indices.tolist(), machine=True)
        return added, selection.note or ""

    # ------------------------------------------------------------ the person's labels

    def apply_change(self, project_id: int, change: Mapping[str, Any]) -> ChangeOutcome:
        """Store one board change ({id, column, confidence}); InvalidLabelError if it is bad."""
        if not isinstance(change, Mapping):
            raise InvalidLabelError("The board sent a change that is not a record.")
        info = self.info(project_id)
        sample = check_sample(change.get("id"), info.pool_size)
        if sample not in set(self.board(project_id)):
            raise InvalidLabelError(f"Sample {sample} is not on the board.")
        column = change.get("column")
        names = self.class_names(project_id)
        if column is None:
            self.store.remove_label(project_id, sample)
            return ChangeOutcome(sample, "unlabelled", f"Sample {sample} is unlabelled again.")
        if isinstance(column, bool) or not isinstance(column, int) or not 0 <= column < len(names):
            raise InvalidLabelError(f"{column!r} is not one of the {len(names)} classes.")
        confidence = change.get("confidence")
        if isinstance(confidence, bool) or not isinstance(confidence, int | float):
            raise InvalidLabelError(f"Confidence {confidence!r} is not a number.")
        if not 0.0 <= float(confidence) <= 1.0:
            raise InvalidLabelError(f"Confidence {confidence!r} is outside [0, 1].")
        predicted, probability = self._guess(project_id, sample)
        status = label_status(predicted, column)
        self.store.set_label(
            project_id,
            sample,
            label=column,
            confidence=float(confidence),
            status=status,
            predicted=None if predicted < 0 else predicted,
            probability=probability,
            iteration=info.n_iterations + 1,
        )
        message = f"Sample {sample}: {names[column]} at {float(confidence):.0%} ({status})."
        return ChangeOutcome(sample, status, message)

    def _guess(self, project_id: int, sample: int) -> tuple[int, float | None]:
        probabilities = self.probabilities(project_id)
        if probabilities is None:
            return -1, None
        row = probabilities[sample]
        return int(row.argmax()), float(row.max())

    def accept_all(self, project_id: int) -> list[int]:
        """Confirm every unreviewed machine guess on the board at the machine's confidence."""
        probabilities = self.probabilities(project_id)
        if probabilities is None:
            return []
        labelled = set(self.store.label_arrays(project_id).samples.tolist())
        iteration = self.info(project_id).n_iterations + 1
        changes = []
        for sample in self.board(project_id):
            if sample in labelled:
                continue
            guess = int(probabilities[sample].argmax())
            p = float(probabilities[sample].max())
            changes.append(
                LabelChange(sample, guess, round(p, 3), "confirmed", guess, p, iteration=iteration)
            )
        self.store.set_labels(project_id, changes)
        return [c.sample for c in changes]

    def undo(self, project_id: int) -> int | None:
        """Revert the latest label change; returns its sample (put back on the board)."""
        sample = self.store.last_changed_sample(project_id)
        if sample is None:
            return None
        self.store.undo_last_label(project_id)
        self.add_to_board(project_id, [sample])
        return sample

    def labels(self, project_id: int) -> list[LabelRecord]:
        return self.store.labels(project_id)

    def pending_relabels(self, project_id: int) -> tuple[int, int]:
        """(corrected, given) among the labels given since the latest training."""
        arrays = self.store.label_arrays(project_id)
        current = arrays.iterations == self.info(project_id).n_iterations + 1
        return int(np.sum(arrays.statuses[current] == "corrected")), int(current.sum())

    def after_training(self, project_id: int) -> None:
        """Labelled samples leave the board; the rest stay, now with fresh guesses."""
        labelled = set(self.store.label_arrays(project_id).samples.tolist())
        self._save_board(project_id, [s for s in self.board(project_id) if s not in labelled])

    def review(self, project_id: int, limit: int = 20) -> list[dict[str, Any]]:
        """Labels the latest model confidently disagrees with, most suspect first."""
        probabilities = self.probabilities(project_id)
        if probabilities is None:
            return []
        arrays = self.store.label_arrays(project_id)
        rows = probabilities[arrays.samples]
        guesses, p = rows.argmax(axis=1), rows.max(axis=1)
        suspect = (guesses != arrays.labels) & (p >= REVIEW_THRESHOLD)
        order = np.argsort(-p[suspect], kind="stable")[:limit]
        names = self.class_names(project_id)
        return [
            {
                "sample": int(arrays.samples[suspect][i]),
                "label": names[int(arrays.labels[suspect][i])],
                "machine": names[int(guesses[suspect][i])],
                "probability": round(float(p[suspect][i]), 3),
            }
            for i in order
        ]

    def export_rows(self, project_id: int) -> list[dict[str, Any]]:
        """One row per label: id, class, confidence, status, iteration, machine's guess."""
        names = self.class_names(project_id)
        return [
            {
                "id": r.sample,
                "class": names[r.label],
                "confidence": round(r.confidence, 3),
                "status": r.status,
                "iteration": r.iteration,
                "machine_prediction": None if r.predicted is None else names[r.predicted],
                "machine_probability": None
                if r.probability is None
                else round(float(r.probability), 3),
            }
            for r in self.store.labels(project_id)
        ]


def check_sample(sample: object, pool_size: int) -> int:
    """A pool index from the page, or InvalidLabelError naming what was wrong."""
    if isinstance(sample, bool) or not isinstance(sample, int | np.integer | str):
        raise InvalidLabelError(f"Unknown sample id {sample!r}.")
    text = str(sample).strip()
    if not text.lstrip("-").isdigit() or not 0 <= int(text) < pool_size:
        raise InvalidLabelError(
            f"Unknown sample id {sample!r}: the pool has ids 0-{pool_size - 1}."
        )
    return int(text)


def _secret_key(path: Path) -> bytes:
    """This server's signing key, made once and kept beside the store."""
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(secrets.token_bytes(32))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_bytes()

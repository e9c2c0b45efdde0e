"""One training of a project, run as a background job (a forked process or a Celery worker).

The caller hands the job a workspace opened in the job's own process (`Workspace.reopen()`):
a database connection or a lock inherited across a fork is never used (a request thread of
the web process may have held it at the fork, and the job would wait forever). TensorFlow is
imported here, in the job, and never in the web process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from activate_dash.errors import ActivateError

if TYPE_CHECKING:
    from activate_dash.web.workspace import Workspace

ProgressReport = Callable[[float, str], None]  # (fraction done 0..100, words)


@dataclass(frozen=True)
class TrainingSummary:
    iteration: int
    n_labels: int
    accuracies: dict[str, float | None]
    seconds: float

    def message(self) -> str:
        scores = ", ".join(
            f"{scheme} {'n/a' if acc is None else f'{100 * acc:.1f}%'}"
            for scheme, acc in self.accuracies.items()
        )
        return (
            f"Iteration {self.iteration} trained on {self.n_labels} labels in "
            f"{self.seconds:.1f} s: {scores}."
        )


def train_project(
    workspace: Workspace, project_id: int, report: ProgressReport | None = None
) -> TrainingSummary:
    """Train the project's chosen schemes on its labels and store the iteration."""
    from activate_dash.engine.loop import ActiveLearningLoop

    store = workspace.store
    settings = workspace.settings(project_id)
    labels = store.label_arrays(project_id)
    if len(labels) < 1:
        raise ActivateError("Label at least one sample before training.")
    config = settings.training_config()
    dataset = workspace.dataset(project_id)
    loop = ActiveLearningLoop.resume(
        store, project_id, dataset, workspace.points(project_id), config=config
    )
    stages = len(config.schemes)
    done_stages: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if report is None:
            return
        scheme = stage.split()[0]
        if scheme not in done_stages:
            done_stages.append(scheme)
        fraction = (len(done_stages) - 1 + done / max(1, total)) / max(1, stages)
        report(round(100 * min(1.0, fraction)), f"{stage}: epoch {done}/{total}")

    record = loop.train(config, progress=progress)
    workspace.after_training(project_id)
    return TrainingSummary(record.number, record.n_labels, record.accuracies, record.seconds)

"""The paper's experiment with a simulated person: every selection scheme x seed, 10 x 10 labels.

For each selection scheme and seed the loop runs `iterations` times: the machine asks for
`per_iteration` samples, the simulated person (see `oracle`) labels them with a confidence
(confirming or correcting the guide model's guess), and every training scheme trains. Writes:
- `curves.csv`: seed, selection, scheme, iteration, labels, accuracy, relabels (that iteration's)
- `table.csv`: selection, scheme, accuracy_mean, accuracy_std, auc_mean, relabels_mean
  (accuracy after the last iteration in [0, 1]; AUC as `metrics.learning_curve_auc`; relabels
  over the whole run), mean and population std over seeds
- `table.md`: the same laid out like the paper's Table 1; `curves.png`: the learning curves.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from activate_dash.engine.metrics import learning_curve_auc
from activate_dash.engine.oracle import ORACLES, SimulatedPerson
from activate_dash.engine.selection import SELECTION_SCHEMES
from activate_dash.engine.training import TRAINING_SCHEMES, TrainingConfig
from activate_dash.errors import ActivateError

if TYPE_CHECKING:
    from activate_dash.store import IterationRecord

CURVE_COLUMNS = ("seed", "selection", "scheme", "iteration", "labels", "accuracy", "relabels")
TABLE_COLUMNS = (
    "selection",
    "scheme",
    "accuracy_mean",
    "accuracy_std",
    "auc_mean",
    "relabels_mean",
)


@dataclass(frozen=True)
class CurveRow:
    seed: int
    selection: str
    scheme: str
    iteration: int
    labels: int
    accuracy: float | None
    relabels: int


@dataclass(frozen=True)
class TableRow:
    selection: str
    scheme: str
    accuracy_mean: float
    accuracy_std: float
    auc_mean: float
    relabels_mean: float


@dataclass(frozen=True)
class BenchSettings:
    dataset: str = "mnist"
    selections: tuple[str, ...] = SELECTION_SCHEMES
    schemes: tuple[str, ...] = tuple(TRAINING_SCHEMES)
    classifier: str = "cnn"
    iterations: int = 10
    per_iteration: int = 10
    seeds: int = 3
    oracle: str = "perfect"
    projection: str = "umap"
    epochs: int = 5
    min_steps: int = 100
    augmentation: str = "affine"
    il_method: str = "spreading+model"
    il_space: str = "features"

    def validated(self) -> BenchSettings:
        for name, values, allowed in (
            ("selection scheme", self.selections, SELECTION_SCHEMES),
            ("training scheme", self.schemes, tuple(TRAINING_SCHEMES)),
            ("oracle", (self.oracle,), tuple(ORACLES)),
        ):
            unknown = [v for v in values if v not in allowed]
            if unknown or not values:
                raise ActivateError(
                    f"Unknown {name} {', '.join(unknown) or '(none)'}; "
                    f"choose from {', '.join(allowed)}."
                )
        if min(self.iterations, self.per_iteration, self.seeds, self.epochs) < 1:
            raise ActivateError("iterations, per-iteration, seeds and epochs must be >= 1.")
        return self


def run_bench(settings: BenchSettings, out: str | Path, *, show_progress: bool = True) -> Path:
    """Run the experiment and write its four files into `out`; returns `out`."""
    from tqdm import tqdm

    from activate_dash.data import load_dataset
    from activate_dash.engine.loop import ActiveLearningLoop
    from activate_dash.engine.projection import project

    settings = settings.validated()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    dataset = load_dataset(settings.dataset)
    if dataset.pool_labels is None or not dataset.has_test:
        raise ActivateError("The bench needs a dataset with pool labels and a test set.")
    points = project(
        dataset.pool_images,
        settings.projection,
        content_hash=dataset.content_hash(),
        cache_dir=out / "projections",
    )
    rows: list[CurveRow] = []
    total = len(settings.selections) * settings.seeds * settings.iterations
    with tqdm(total=total, desc="bench", unit="iteration", disable=not show_progress) as bar:
        for seed in range(settings.seeds):
            for selection in settings.selections:
                loop = ActiveLearningLoop(dataset, points, config=_config(settings, seed))
                person = SimulatedPerson(
                    loop.data.pixel_space, dataset.pool_labels, settings.oracle, seed
                )
                for iteration in range(settings.iterations):
                    bar.set_postfix_str(f"seed {seed} {selection}")
                    chosen = loop.ask(
                        selection, settings.per_iteration, seed=seed * 1000 + iteration
                    )
                    answer = person.answer(chosen.indices)
                    loop.label(chosen.indices, answer.labels, answer.confidences)
                    record = loop.train()
                    rows += _curve_rows(seed, selection, record)
                    bar.update()
                write_outputs(rows, out, settings)  # after every run: partial results survive
    return out


def _config(settings: BenchSettings, seed: int) -> TrainingConfig:
    return TrainingConfig(
        schemes=settings.schemes,
        classifier=settings.classifier,
        epochs=settings.epochs,
        min_steps=settings.min_steps,
        augmentation=settings.augmentation,
        il_method=settings.il_method,
        il_space=settings.il_space,
        seed=seed,
    )


def _curve_rows(seed: int, selection: str, record: IterationRecord) -> list[CurveRow]:
    return [
        CurveRow(seed, selection, scheme, record.number, record.n_labels, accuracy, record.relabels)
        for scheme, accuracy in record.accuracies.items()
    ]


def summarise(rows: Sequence[CurveRow]) -> list[TableRow]:
    """One table row per (selection, scheme): final accuracy, AUC and relabels over seeds."""
    runs: dict[tuple[str, str], dict[int, list[CurveRow]]] = {}
    for row in rows:
        runs.setdefault((row.selection, row.scheme), {}).setdefault(row.seed, []).append(row)
    table = []
    for (selection, scheme), by_seed in runs.items():
        finals, aucs, relabels = [], [], []
        for seed_rows in by_seed.values():
            ordered = sorted(seed_rows, key=lambda r: r.iteration)
            accuracies = [r.accuracy for r in ordered if r.accuracy is not None]
            finals.append(accuracies[-1] if accuracies else float("nan"))
            aucs.append(learning_curve_auc(accuracies) or float("nan"))
            relabels.append(sum(r.relabels for r in ordered))
        table.append(
            TableRow(
                selection=selection,
                scheme=scheme,
                accuracy_mean=round(statistics.fmean(finals), 4),
                accuracy_std=round(statistics.pstdev(finals), 4),
                auc_mean=round(statistics.fmean(aucs), 2),
                relabels_mean=round(statistics.fmean(relabels), 1),
            )
        )
    return table


def write_outputs(rows: Sequence[CurveRow], out: Path, settings: BenchSettings) -> None:
    table = summarise(rows)
    _write_csv(out / "curves.csv", CURVE_COLUMNS, [_csv_row(r) for r in rows])
    _write_csv(out / "table.csv", TABLE_COLUMNS, [asdict(r) for r in table])
    seeds_done = len({row.seed for row in rows})
    (out / "table.md").write_text(table_markdown(table, settings, seeds_done))
    plot_curves(rows, out / "curves.png")


def _csv_row(row: CurveRow) -> dict[str, object]:
    values = asdict(row)
    values["accuracy"] = "" if row.accuracy is None else round(row.accuracy, 4)
    return values


def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict[str, object]]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def table_markdown(table: Sequence[TableRow], settings: BenchSettings, seeds: int) -> str:
    """Rows: selection schemes; per training scheme accuracy (mean ± std) and AUC; relabels."""
    selections = list(dict.fromkeys(r.selection for r in table))
    schemes = list(dict.fromkeys(r.scheme for r in table))
    cell = {(r.selection, r.scheme): r for r in table}
    header = ["Selection"]
    for scheme in schemes:
        header += [f"{scheme} acc. %", f"{scheme} AUC"]
    header.append("Relabels")
    lines = [
        f"Accuracy after {settings.iterations * settings.per_iteration} labels "
        f"({settings.iterations} x {settings.per_iteration}), mean ± std of {seeds} "
        f"seed(s); {settings.classifier}, {settings.oracle} oracle, dataset {settings.dataset}.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for selection in selections:
        row = [selection]
        for scheme in schemes:
            r = cell[(selection, scheme)]
            row += [
                f"{100 * r.accuracy_mean:.1f} ± {100 * r.accuracy_std:.1f}",
                f"{r.auc_mean:.2f}",
            ]
        row.append(f"{cell[(selection, schemes[0])].relabels_mean:.1f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def plot_curves(rows: Sequence[CurveRow], path: Path) -> None:
    """One panel per selection scheme: mean accuracy per training scheme, cumulative relabels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    selections = list(dict.fromkeys(r.selection for r in rows))
    schemes = list(dict.fromkeys(r.scheme for r in rows))
    columns = min(4, len(selections))
    n_rows = -(-len(selections) // columns)
    figure, axes = plt.subplots(
        n_rows, columns, figsize=(4 * columns, 3.2 * n_rows), squeeze=False, sharey=True
    )
    for axis, selection in zip(axes.ravel(), selections, strict=False):
        mine = [r for r in rows if r.selection == selection]
        labels = sorted({r.labels for r in mine})
        bars = axis.twinx()
        relabels = _mean_by_labels(mine, schemes[0], "relabels", labels)
        cumulative = np.cumsum(relabels)
        bars.bar(labels, cumulative, width=4, color="0.85", zorder=0)
        bars.text(labels[-1], cumulative[-1], f"{cumulative[-1]:.0f}", ha="center", va="bottom")
        bars.set_ylim(0, max(1.0, float(cumulative[-1])) * 2)
        bars.set_yticks([])
        axis.set_zorder(bars.get_zorder() + 1)
        axis.patch.set_visible(False)
        for scheme in schemes:
            axis.plot(labels, _mean_by_labels(mine, scheme, "accuracy", labels), label=scheme)
        axis.set_title(selection)
        axis.set_xlabel("labels")
        axis.set_ylim(0, 1)
        axis.grid(alpha=0.3)
    for axis in axes.ravel()[len(selections) :]:
        axis.set_visible(False)
    axes[0][0].set_ylabel("test accuracy")
    axes[0][0].legend(loc="lower right", fontsize="small")
    figure.suptitle("Test accuracy per training scheme (lines) and cumulative relabels (bars)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _mean_by_labels(
    rows: Sequence[CurveRow], scheme: str, column: str, labels: Sequence[int]
) -> list[float]:
    means = []
    for n in labels:
        values = [
            float(getattr(r, column))
            for r in rows
            if r.scheme == scheme and r.labels == n and getattr(r, column) is not None
        ]
        means.append(statistics.fmean(values) if values else float("nan"))
    return means

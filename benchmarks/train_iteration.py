"""Time one training iteration of every scheme at 100 labels on the bundled pool.

    python benchmarks/train_iteration.py [--labels 100] [--runs 3] [--classifier cnn]

Each run trains SIL, IL, IDA and CBA from scratch on the same labels (the warm start of later
iterations is not cheaper: the step count is the same) and prints the per-scheme seconds and the
iteration's total (training, evaluation on the test set, the guide's pool probabilities). The
figures quoted are medians of the runs. Target: <= 15 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    from activate_dash.data import load_dataset
    from activate_dash.engine.training import (
        LabelledSet,
        TrainingConfig,
        TrainingData,
        train_iteration,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--classifier", default="cnn")
    parser.add_argument("--schemes", default="SIL,IL,IDA,CBA")
    args = parser.parse_args()

    dataset = load_dataset(args.dataset)
    data = TrainingData(dataset)
    rng = np.random.default_rng(0)
    indices = rng.choice(dataset.pool_size, args.labels, replace=False)
    labelled = LabelledSet(
        indices, dataset.pool_labels[indices], rng.uniform(0.3, 1.0, indices.size)
    )
    config = TrainingConfig(schemes=tuple(args.schemes.split(",")), classifier=args.classifier)
    # Warm-up: the first Keras fit in a process traces its functions (not counted).
    train_iteration(data, labelled, TrainingConfig(schemes=("SIL",), min_steps=1, epochs=1))
    per_scheme: dict[str, list[float]] = {}
    totals: list[float] = []
    for run in range(args.runs):
        started = time.perf_counter()
        outcome = train_iteration(data, labelled, config)
        totals.append(time.perf_counter() - started)
        for name, o in outcome.outcomes.items():
            per_scheme.setdefault(name, []).append(o.seconds)
        accuracies = {k: round(v, 3) for k, v in outcome.accuracies.items() if v is not None}
        print(f"run {run + 1}: {totals[-1]:.1f} s  accuracy {accuracies}", flush=True)
    print(f"\n{args.classifier}, {args.labels} labels, median of {args.runs} runs:")
    for name, seconds in per_scheme.items():
        print(f"  {name:4s} {statistics.median(seconds):6.2f} s")
    print(f"  iteration total {statistics.median(totals):6.2f} s (target <= 15 s)")


if __name__ == "__main__":
    main()

"""Time `select` of 10 samples from a 60,000-point pool for every scheme (prediction excluded).

    python benchmarks/select_speed.py [--pool 60000] [--runs 7]

The 60k pool is the bundled 8,000 digits' UMAP coordinates shifted into 7.5 copies (as the
issue asks), with 100 samples labelled; `predict_proba` is a lookup into a fixed probability
matrix, so only the selection itself is timed. Prints the median of the runs per scheme.
Target: <= 100 ms for every scheme.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def main() -> None:
    from activate_dash.data import load_dataset
    from activate_dash.engine import SELECTION_SCHEMES, select_samples
    from activate_dash.engine.projection import project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--n", type=int, default=10)
    args = parser.parse_args()

    dataset = load_dataset("mnist")
    base = project(dataset.pool_images, "umap", content_hash=dataset.content_hash())
    copies = -(-args.pool // len(base))
    span = float(np.ptp(base[:, 0])) + 1.0
    points = np.vstack([base + np.array([k * span, 0.0]) for k in range(copies)])[: args.pool]
    rng = np.random.default_rng(0)
    labelled = np.zeros(len(points), dtype=bool)
    labelled[rng.choice(len(points), 100, replace=False)] = True
    probabilities = rng.dirichlet(np.ones(10), size=len(points)).astype(np.float32)

    def lookup(indices: np.ndarray) -> np.ndarray:
        return probabilities[indices]

    print(f"select {args.n} of {len(points)} points, median of {args.runs} runs:")
    for scheme in SELECTION_SCHEMES:
        times = []
        for run in range(args.runs):
            started = time.perf_counter()
            select_samples(
                scheme, args.n, points=points, labelled=labelled, predict_proba=lookup, seed=run
            )
            times.append(time.perf_counter() - started)
        print(f"  {scheme:5s} {1000 * statistics.median(times):7.1f} ms (target <= 100 ms)")


if __name__ == "__main__":
    main()

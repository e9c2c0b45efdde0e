"""Precompute the bundled pool's PCA, t-SNE and UMAP projections and ship them in the package.

    python scripts/precompute_projections.py [--dataset mnist]

Writes activate_dash/data/bundled/projections.npz, one float16 (N, 2) array per projection,
named by its cache key (content hash, method, parameters), so that `project()` finds them and
the default start computes nothing. Takes about 3 minutes on 2 cores (t-SNE is the slow one).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from activate_dash.data import load_dataset
from activate_dash.engine.projection import (
    BUNDLED_PROJECTIONS,
    PROJECTIONS,
    compute_projection,
    projection_key,
    resolve_params,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    arrays: dict[str, np.ndarray] = {}
    if BUNDLED_PROJECTIONS.is_file():
        with np.load(BUNDLED_PROJECTIONS, allow_pickle=False) as existing:
            arrays.update({name: existing[name] for name in existing.files})
    for method in PROJECTIONS:
        params = resolve_params(method)
        key = projection_key(dataset.content_hash(), method, params)
        started = time.perf_counter()
        points = compute_projection(dataset.pool_images, method, params)
        arrays[key] = points.astype(np.float16)
        print(f"{method}: {time.perf_counter() - started:.1f} s -> {key}", flush=True)
    np.savez_compressed(BUNDLED_PROJECTIONS, **arrays)
    print(f"wrote {BUNDLED_PROJECTIONS} ({BUNDLED_PROJECTIONS.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

"""2-D projections of the pool (PCA, t-SNE, UMAP), cached on disk by content.

A projection is keyed by the pool's content hash, the method and its parameters. Lookup order:
the precomputed projections shipped in the package (the bundled MNIST pool, so the default start
computes nothing), then the cache folder, then a fresh computation that is saved atomically (a
half-written cache file is never read: it is written aside and renamed; an unreadable one is
recomputed). t-SNE and UMAP run on a PCA-50 reduction, which keeps the structure and is far faster.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from activate_dash.data.dataset import hash_array
from activate_dash.errors import ProjectionError

log = logging.getLogger(__name__)

PROJECTIONS: dict[str, str] = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "pca": {"seed": 0},
    "tsne": {"perplexity": 30.0, "pca_dims": 50, "seed": 0},
    "umap": {"n_neighbors": 15, "min_dist": 0.1, "pca_dims": 50, "seed": 0},
}
BUNDLED_PROJECTIONS = (
    Path(__file__).resolve().parent.parent / "data" / "bundled" / "projections.npz"
)

Progress = Callable[[str, int, int], None]  # (stage, step done, steps in all)


def projection_key(content_hash: str, method: str, params: Mapping[str, Any]) -> str:
    """The cache key of one projection: content, method and parameters."""
    text = json.dumps(
        {"data": content_hash, "method": method, "params": dict(params)}, sort_keys=True
    )
    return f"{method}-{hashlib.sha256(text.encode()).hexdigest()[:24]}"


def resolve_params(method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The method's default parameters updated by `params` (unknown names are refused)."""
    method = str(method).strip().lower()
    if method not in PROJECTIONS:
        raise ProjectionError(
            f"Unknown projection {method!r}; choose one of {', '.join(PROJECTIONS)}."
        )
    merged = dict(DEFAULT_PARAMS[method])
    unknown = set(params or {}) - set(merged)
    if unknown:
        raise ProjectionError(
            f"Unknown {PROJECTIONS[method]} parameter(s) {sorted(unknown)}; "
            f"known: {sorted(merged)}."
        )
    merged.update(params or {})
    return merged


def project(
    images: np.ndarray,
    method: str = "umap",
    *,
    params: Mapping[str, Any] | None = None,
    content_hash: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """The (N, 2) float32 projection of `images` (any shape with N rows), from cache if known."""
    method = str(method).strip().lower()
    merged = resolve_params(method, params)
    content_hash = content_hash or hash_array(images)
    key = projection_key(content_hash, method, merged)
    cached = _read_bundled(key)
    if cached is None and cache_dir is not None:
        cached = _read_cache(Path(cache_dir) / f"{key}.npy", len(images))
    if cached is not None:
        _report(progress, "cached", 1, 1)
        return cached
    points = compute_projection(images, method, merged, progress)
    if cache_dir is not None:
        _write_cache(Path(cache_dir) / f"{key}.npy", points)
    return points


def is_cached(
    content_hash: str,
    method: str,
    cache_dir: str | os.PathLike[str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> bool:
    """Whether `project` would answer from the bundled file or the cache, computing nothing."""
    method = str(method).strip().lower()
    key = projection_key(content_hash, method, resolve_params(method, params))
    if BUNDLED_PROJECTIONS.is_file():
        with np.load(BUNDLED_PROJECTIONS, allow_pickle=False) as bundled:
            if key in bundled.files:
                return True
    return cache_dir is not None and (Path(cache_dir) / f"{key}.npy").is_file()


def compute_projection(
    images: np.ndarray, method: str, params: Mapping[str, Any], progress: Progress | None = None
) -> np.ndarray:
    """Compute a projection now (no cache)."""
    flat = np.asarray(images, dtype=np.float32).reshape(len(images), -1) / 255.0
    if len(flat) < 3:
        raise ProjectionError(f"A projection needs at least 3 samples, got {len(flat)}.")
    seed = int(params.get("seed", 0))
    if method == "pca":
        _report(progress, "PCA", 0, 1)
        points = _pca(flat, 2, seed)
        _report(progress, "PCA", 1, 1)
        return points
    _report(progress, "PCA-50 reduction", 0, 2)
    reduced = _pca(flat, int(params["pca_dims"]), seed)
    _report(progress, f"{PROJECTIONS[method]} layout", 1, 2)
    if method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = min(float(params["perplexity"]), (len(flat) - 1) / 3)
        points = TSNE(2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(
            reduced
        )
    else:
        n_neighbors = min(int(params["n_neighbors"]), len(flat) - 1)
        reducer = import_umap().UMAP(
            n_neighbors=n_neighbors,
            min_dist=float(params["min_dist"]),
            random_state=seed,
            n_jobs=1,  # a seeded UMAP runs on one thread anyway; saying so silences its warning
        )
        points = reducer.fit_transform(reduced)
    _report(progress, f"{PROJECTIONS[method]} layout", 2, 2)
    return np.asarray(points, dtype=np.float32)


def import_umap() -> ModuleType:
    """Import umap without TensorFlow (only ParametricUMAP needs it; 4 s -> 1.6 s).

    TensorFlow and Keras are hidden only during umap's own import, so a later `import keras`
    in the same process (a training job) still works.
    """
    if "umap" in sys.modules:
        return sys.modules["umap"]
    hidden = [name for name in ("tensorflow", "keras") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import umap
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]
    return umap


def _pca(flat: np.ndarray, n_components: int, seed: int) -> np.ndarray:
    from sklearn.decomposition import PCA

    n_components = min(n_components, flat.shape[0], flat.shape[1])
    return PCA(n_components, random_state=seed).fit_transform(flat).astype(np.float32)


def _read_bundled(key: str) -> np.ndarray | None:
    if not BUNDLED_PROJECTIONS.is_file():
        return None
    with np.load(BUNDLED_PROJECTIONS, allow_pickle=False) as bundled:
        return bundled[key].astype(np.float32) if key in bundled.files else None


def _read_cache(path: Path, n_rows: int) -> np.ndarray | None:
    if not path.is_file():
        return None
    try:
        points = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable projection cache %s: %s", path, exc)
        return None
    if points.shape != (n_rows, 2) or not np.isfinite(points).all():
        log.warning("Ignoring projection cache %s of shape %s", path, points.shape)
        return None
    return points.astype(np.float32)


def _write_cache(path: Path, points: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            np.save(file, points)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)

"""Projections: compute, cache by content, the bundled ones, bad requests."""

from __future__ import annotations

import numpy as np
import pytest

from activate_dash.data import load_dataset
from activate_dash.engine import projection
from activate_dash.engine.projection import project, projection_key, resolve_params
from activate_dash.errors import ProjectionError


@pytest.fixture
def images() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (120, 8, 8), dtype=np.uint8)


def test_pca_projection_is_2d_cached_and_reused(images, tmp_path, monkeypatch):
    stages = []
    points = project(images, "pca", cache_dir=tmp_path, progress=lambda *a: stages.append(a))
    assert points.shape == (120, 2) and points.dtype == np.float32
    assert stages[-1] == ("PCA", 1, 1)
    assert len(list(tmp_path.glob("pca-*.npy"))) == 1

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(projection, "compute_projection", fail)
    again = project(images, "pca", cache_dir=tmp_path, progress=lambda *a: stages.append(a))
    assert np.array_equal(points, again) and stages[-1] == ("cached", 1, 1)


def test_a_corrupt_or_half_written_cache_file_is_recomputed(images, tmp_path):
    points = project(images, "pca", cache_dir=tmp_path)
    (cached,) = tmp_path.glob("pca-*.npy")
    cached.write_bytes(cached.read_bytes()[:50])  # cut short, as by a crash mid-write
    assert np.array_equal(project(images, "pca", cache_dir=tmp_path), points)
    assert not list(tmp_path.glob("*.tmp"))


def test_the_key_depends_on_content_method_and_parameters():
    base = projection_key("abc", "umap", resolve_params("umap"))
    assert base != projection_key("abd", "umap", resolve_params("umap"))
    assert base != projection_key("abc", "tsne", resolve_params("tsne"))
    assert base != projection_key("abc", "umap", resolve_params("umap", {"n_neighbors": 5}))


def test_bundled_pool_projections_ship_with_the_package(monkeypatch):
    dataset = load_dataset("mnist")
    monkeypatch.setattr(projection, "compute_projection", None)  # any computation would fail
    for method in ("pca", "tsne", "umap"):
        points = project(dataset.pool_images, method, content_hash=dataset.content_hash())
        assert points.shape == (dataset.pool_size, 2) and np.isfinite(points).all()


def test_bundled_umap_really_clusters_the_digits():
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    dataset = load_dataset("mnist")
    points = project(dataset.pool_images, "umap", content_hash=dataset.content_hash())
    score = cross_val_score(KNeighborsClassifier(5), points, dataset.pool_labels, cv=3).mean()
    assert score > 0.9


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [("mds", None, "Unknown projection"), ("umap", {"spread": 2}, "Unknown UMAP parameter")],
)
def test_bad_requests_are_refused(images, method, params, message):
    with pytest.raises(ProjectionError, match=message):
        project(images, method, params=params)


@pytest.mark.slow
def test_tsne_and_umap_compute_on_a_small_pool(tmp_path):
    dataset = load_dataset("digits")
    images = dataset.pool_images[:300]
    for method in ("tsne", "umap"):
        points = project(images, method, cache_dir=tmp_path)
        assert points.shape == (300, 2) and np.isfinite(points).all()

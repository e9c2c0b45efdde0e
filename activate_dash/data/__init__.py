"""Datasets: the `Dataset` type and `load_dataset(spec)` for every supported source."""

from __future__ import annotations

from activate_dash.data.dataset import Dataset
from activate_dash.data.loaders import DEFAULT_SPEC, load_dataset

__all__ = ["DEFAULT_SPEC", "Dataset", "load_dataset"]

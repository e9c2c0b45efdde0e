"""The class board's Python side: props builders, the component class and its packaged files."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import activate_dash
from activate_dash.components import (
    BOARD_STATUSES,
    ClassBoard,
    board_classes,
    board_item,
    image_data_uri,
)
from activate_dash.components.demo import build_demo_app, demo_items, made_up_probabilities

PACKAGE = Path(activate_dash.__file__).parent


def decode(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def test_image_data_uri_round_trips_grey_and_rgb():
    grey = np.linspace(0, 1, 28 * 28).reshape(28, 28, 1)
    assert np.array_equal(decode(image_data_uri(grey)), (grey[:, :, 0] * 255).round())
    rgb = np.random.default_rng(0).integers(0, 256, size=(8, 6, 3), dtype=np.uint8)
    assert np.array_equal(decode(image_data_uri(rgb)), rgb)


def test_board_classes_values_labels_and_distinct_colours():
    classes = board_classes(["cat", "dog", "fish"])
    assert [c["value"] for c in classes] == [0, 1, 2]
    assert [c["label"] for c in classes] == ["cat", "dog", "fish"]
    assert len({c["color"] for c in board_classes([str(i) for i in range(20)])}) == 20


def test_board_item_statuses():
    probabilities = [0.1, 0.7, 0.2]
    guess = board_item(5, "x", probabilities=probabilities)
    assert (guess["column"], guess["confidence"], guess["status"]) == (1, 0.7, "machine")
    assert guess["predicted"] == 1
    assert (
        board_item(5, "x", probabilities=probabilities, column=1, confidence=0.9)["status"]
        == "confirmed"
    )
    assert board_item(5, "x", probabilities=probabilities, column=2)["status"] == "corrected"
    assert board_item(5, "x", column=2, confidence=0.3)["status"] == "manual"
    empty = board_item(5, "x")
    assert (empty["column"], empty["status"], empty["predicted"]) == (None, "unlabelled", None)
    assert set(BOARD_STATUSES) == {"machine", "confirmed", "corrected", "manual", "unlabelled"}
    with pytest.raises(ValueError, match="unknown board status"):
        board_item(5, "x", column=1, status="sure")


def test_component_props_and_namespace():
    board = ClassBoard(id="b", classes=board_classes(["a"]), items=[], height=300)
    data = board.to_plotly_json()
    assert (data["namespace"], data["type"]) == ("activate_dash", "ClassBoard")
    assert data["props"]["height"] == 300
    with pytest.raises(TypeError):
        ClassBoard(id="b", colour="red")


def test_board_files_are_declared_at_the_top_level_and_small():
    declared = [
        d["relative_package_path"] for d in activate_dash._js_dist + activate_dash._css_dist
    ]
    files = [PACKAGE / path for path in declared]
    assert all(f.is_file() for f in files)
    assert sum(f.stat().st_size for f in files) < 50 * 1024


def test_demo_items_half_machine_guesses():
    items = demo_items(20, seed=3)
    assert len(items) == 20 and len({i["id"] for i in items}) == 20
    assert [i["status"] for i in items].count("machine") == 10
    assert [i["status"] for i in items].count("unlabelled") == 10
    rng = np.random.default_rng(0)
    for label in range(10):
        p = made_up_probabilities(label, 10, rng)
        assert p.sum() == pytest.approx(1.0) and p.max() >= 0.3
    app = build_demo_app(items=items)
    assert app.layout is not None

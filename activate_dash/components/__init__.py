"""Custom Dash components. `ClassBoard` is the drag-and-drop class board.

Importing this package imports Dash; the board's JavaScript and CSS are declared in the
top-level package's `_js_dist` / `_css_dist`, where Dash looks for them.
"""

from __future__ import annotations

from activate_dash.components.class_board import ClassBoard
from activate_dash.components.items import (
    BOARD_STATUSES,
    board_classes,
    board_item,
    image_data_uri,
)

__all__ = ["BOARD_STATUSES", "ClassBoard", "board_classes", "board_item", "image_data_uri"]

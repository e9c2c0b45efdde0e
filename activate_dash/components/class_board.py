"""The Python side of the class board: a Dash component class with its props documented.

The React code is `class_board.js` beside this file, a plain script against the React that Dash
serves (no build step); this class only tells Dash the component's namespace, type and props.
"""

from __future__ import annotations

from typing import Any, ClassVar

from dash.development.base_component import Component, _explicitize_args

PROP_NAMES = [
    "id",
    "classes",
    "items",
    "last_change",
    "height",
    "readonly",
    "className",
    "style",
]


class ClassBoard(Component):
    """The ActiVAte class board: one column per class plus an unlabelled strip.

    Inside a column the vertical position is confidence (top = 1, bottom = 0). The machine's
    unreviewed guesses sit in their predicted column at the machine's confidence; the person
    drags items (mouse, pen or touch) or uses the keyboard, and every change is reported through
    `items` and `last_change`.

    Keyword arguments:

    - id (string | dict; optional): the component's id.
    - classes (list of dicts; optional): the columns, in order, at most 20. Each is
      `{"value": str | int, "label": str, "color": CSS colour}`; `label` defaults to the value
      and `color` to a palette. The i-th class gets keyboard key "0".."9" then "a".."j".
    - items (list of dicts; optional): the samples on the board. Each is
      `{"id": str | int, "src": data URI or URL, "column": class value or None,
      "confidence": 0..1, "status": "machine" | "confirmed" | "corrected" | "manual" |
      "unlabelled", "predicted": class value or None, "probabilities": list aligned with
      `classes` (or a dict keyed by class value) or None}`. An item with an unknown column, a
      confidence outside [0, 1] or a repeated id is shown in the unlabelled strip and a warning
      is logged to the browser console; an item without an id is not shown.
      The board writes the whole list back after each change; only the changed item differs.
    - last_change (dict; optional): the person's latest change, written by the board:
      `{"id", "column" (class value or None), "confidence" (3 decimals; 0 when unlabelled),
      "status", "source": "drag" | "keyboard", "n" (increments with each change),
      "previous": {"column", "confidence", "status"}}`. A machine guess dropped in its own
      column becomes "confirmed", in another column "corrected"; an item without a machine
      guess becomes "manual"; the unlabelled strip makes it "unlabelled".
    - height (number; default 520): the board's height in pixels (legend, columns and strip).
    - readonly (boolean; default False): show only; no drag and no keyboard changes.
    - className (string; optional): extra CSS classes on the board's root.
    - style (dict; optional): inline styles on the board's root.

    Keyboard, on a focused item: Tab / Left / Right move between items; a class key assigns
    the item to that class (keeping its confidence, or 0.5); Up / Down change the confidence
    by 0.1; Enter confirms the machine's guess; Delete / Backspace unlabel it; Escape cancels a
    drag.

    DOM contract (stable; tests rely on it): the root has `data-board`; each class column has
    `data-column="<class value>"` and the unlabelled strip `data-column=""`; each item has
    `data-item-id`, `data-status` and `data-confidence` (0..1, 3 decimals). A column element
    spans exactly the confidence range: its top edge is confidence 1, its bottom edge 0.
    """

    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = []
    _namespace = "activate_dash"
    _type = "ClassBoard"

    @_explicitize_args
    def __init__(
        self,
        id: str | dict | None = None,
        classes: list[dict[str, Any]] | None = None,
        items: list[dict[str, Any]] | None = None,
        last_change: dict[str, Any] | None = None,
        height: float | None = None,
        readonly: bool | None = None,
        className: str | None = None,  # noqa: N803 - Dash's prop name
        style: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._prop_names = list(PROP_NAMES)
        self._valid_wildcard_attributes: list[str] = []
        self.available_properties = list(PROP_NAMES)
        self.available_wildcard_properties: list[str] = []
        explicit = kwargs.pop("_explicit_args")
        given = {**locals(), **kwargs}
        super().__init__(**{name: given[name] for name in explicit})

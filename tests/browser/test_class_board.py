"""The class board in headless Chromium (dash_duo): drag, keyboard, bad items, crowding, hover.

Every test ends with no errors in the browser console.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from dash import Input, Output, html
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from activate_dash.components import ClassBoard, board_classes, board_item, image_data_uri
from activate_dash.components.demo import BOARD_ID, LAST_CHANGE_ID, build_demo_app
from tests.browser.board_actions import drag_to_column

pytestmark = pytest.mark.browser

RNG = np.random.default_rng(0)
SRC = image_data_uri(RNG.random((28, 28)))


def one_hot_ish(predicted: int, top: float, n_classes: int = 10) -> list[float]:
    rest = (1.0 - top) / (n_classes - 1)
    return [top if c == predicted else rest for c in range(n_classes)]


def small_items() -> list[dict]:
    """'a': machine says 7; 'b': machine says 3; 'c': unlabelled, no machine guess."""
    return [
        board_item("a", SRC, probabilities=one_hot_ish(7, 0.62)),
        board_item("b", SRC, probabilities=one_hot_ish(3, 0.55)),
        board_item("c", SRC),
    ]


def last_change(dash_duo, n: int) -> dict:
    dash_duo.wait_for_contains_text(f"#{LAST_CHANGE_ID}", f'"n": {n}', timeout=5)
    return json.loads(dash_duo.find_element(f"#{LAST_CHANGE_ID}").text)


def item(dash_duo, item_id: str):
    return dash_duo.find_element(f'[data-item-id="{item_id}"]')


def drag(dash_duo, item_id: str, column: str, confidence: float) -> None:
    """Press on the item's centre, drag to `confidence` of the column's height, release."""
    target = dash_duo.find_element(f'[data-column="{column}"]')
    drag_to_column(dash_duo.driver, item(dash_duo, item_id), target, confidence)


def press(dash_duo, *keys: str) -> None:
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def focus(dash_duo, item_id: str) -> None:
    """Move the keyboard focus to an item without a pointer."""
    dash_duo.driver.execute_script("arguments[0].focus()", item(dash_duo, item_id))


def focused_item_id(dash_duo) -> str | None:
    return dash_duo.driver.execute_script(
        "return document.activeElement.getAttribute('data-item-id')"
    )


@pytest.mark.parametrize(("item_id", "expected_status"), [("a", "corrected"), ("b", "confirmed")])
def test_cb001_drag_to_column_3_at_80_percent(dash_duo, item_id, expected_status):
    dash_duo.start_server(build_demo_app(items=small_items()))
    dash_duo.wait_for_element('[data-item-id="a"]')

    drag(dash_duo, item_id, "3", 0.8)

    change = last_change(dash_duo, 1)
    assert change["id"] == item_id
    assert change["column"] == 3
    assert change["confidence"] == pytest.approx(0.8, abs=0.05)
    assert change["status"] == expected_status
    assert change["source"] == "drag"
    element = item(dash_duo, item_id)
    assert element.get_attribute("data-status") == expected_status
    assert float(element.get_attribute("data-confidence")) == pytest.approx(0.8, abs=0.05)
    assert dash_duo.get_logs() == []


def test_cb002_drag_to_unlabelled_and_click_is_not_a_change(dash_duo):
    dash_duo.start_server(build_demo_app(items=small_items()))
    dash_duo.wait_for_element('[data-item-id="a"]')

    ActionChains(dash_duo.driver).click(item(dash_duo, "a")).perform()
    assert focused_item_id(dash_duo) == "a"
    assert dash_duo.find_element(f"#{LAST_CHANGE_ID}").text == "(no change yet)"

    drag(dash_duo, "a", "", 0.5)
    change = last_change(dash_duo, 1)
    assert (change["column"], change["status"]) == (None, "unlabelled")
    assert change["previous"]["status"] == "machine"
    assert item(dash_duo, "a").get_attribute("data-status") == "unlabelled"
    assert dash_duo.get_logs() == []


def test_cb003_keyboard_path(dash_duo):
    dash_duo.start_server(build_demo_app(items=small_items()))
    dash_duo.wait_for_element('[data-item-id="a"]')

    # Tab reaches the items in order; arrows move between them.
    press(dash_duo, Keys.TAB)
    assert focused_item_id(dash_duo) == "a"
    press(dash_duo, Keys.ARROW_RIGHT)
    assert focused_item_id(dash_duo) is not None
    focus(dash_duo, "c")

    # An item without a machine guess: class 3 at 0.5, then up to 0.8 -> manual.
    assert focused_item_id(dash_duo) == "c"
    press(dash_duo, "3", Keys.ARROW_UP, Keys.ARROW_UP, Keys.ARROW_UP)
    change = last_change(dash_duo, 4)
    assert change["column"] == 3
    assert change["confidence"] == pytest.approx(0.8, abs=0.05)
    assert (change["status"], change["source"]) == ("manual", "keyboard")
    assert item(dash_duo, "c").get_attribute("data-status") == "manual"

    # The machine said 7 for 'a': 3 corrects it, Enter confirms the guess, Delete unlabels.
    focus(dash_duo, "a")
    press(dash_duo, "3")
    change = last_change(dash_duo, 5)
    assert (change["id"], change["column"], change["status"]) == ("a", 3, "corrected")
    press(dash_duo, Keys.ENTER)
    change = last_change(dash_duo, 6)
    assert (change["column"], change["status"]) == (7, "confirmed")
    assert change["confidence"] == pytest.approx(0.62, abs=0.001)
    press(dash_duo, Keys.DOWN)
    change = last_change(dash_duo, 7)
    assert change["confidence"] == pytest.approx(0.52, abs=0.001)
    press(dash_duo, Keys.DELETE)
    change = last_change(dash_duo, 8)
    assert (change["column"], change["status"]) == (None, "unlabelled")
    assert item(dash_duo, "a").get_attribute("data-status") == "unlabelled"
    assert dash_duo.get_logs() == []


def bad_items() -> list[dict]:
    good = board_item("good", SRC, probabilities=one_hot_ish(2, 0.9))
    return [
        good,
        {**board_item("unknown-column", SRC), "column": 42, "confidence": 0.5, "status": "manual"},
        {**board_item("good", SRC), "column": 1, "confidence": 0.5, "status": "manual"},
        {**board_item("too-confident", SRC), "column": 4, "confidence": 7, "status": "manual"},
        {"src": SRC, "column": 1},
        "not an item",
    ]


def test_cb004_bad_items_do_not_break_the_page(dash_duo):
    app = build_demo_app(items=small_items())
    app.layout.children.append(html.Button("bad", id="load-bad"))

    @app.callback(
        Output(BOARD_ID, "items"), Input("load-bad", "n_clicks"), prevent_initial_call=True
    )
    def load_bad(_clicks):
        return bad_items()

    dash_duo.start_server(app)
    dash_duo.wait_for_element('[data-item-id="a"]')
    dash_duo.driver.execute_script(
        "window.boardWarnings = [];"
        "const warn = console.warn;"
        "console.warn = (...args) => { window.boardWarnings.push(args.join(' ')); warn(...args); };"
    )
    dash_duo.find_element("#load-bad").click()
    dash_duo.wait_for_element('[data-item-id="too-confident"]')

    warnings = " ".join(dash_duo.driver.execute_script("return window.boardWarnings"))
    for expected in ("unknown column 42", "duplicate id", "confidence 7", "has no id"):
        assert expected in warnings
    strip = dash_duo.find_element('[data-column=""]').rect
    for bad_id in ("unknown-column", "too-confident"):
        element = item(dash_duo, bad_id)
        assert element.get_attribute("data-status") == "unlabelled"
        assert strip["y"] <= element.rect["y"] <= strip["y"] + strip["height"]
    goods = dash_duo.find_elements('[data-item-id="good"]')
    assert [g.get_attribute("data-status") for g in goods] == ["machine", "unlabelled"]

    # The page still works: a bad item dragged into a column becomes a proper label.
    drag(dash_duo, "too-confident", "4", 0.3)
    change = last_change(dash_duo, 1)
    assert (change["id"], change["column"], change["status"]) == ("too-confident", 4, "manual")
    assert change["confidence"] == pytest.approx(0.3, abs=0.05)
    assert dash_duo.get_logs() == []


def crowded_items(n: int = 200, seed: int = 1) -> list[dict]:
    """Like a real board: most machine guesses near the top of a few columns."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(n):
        if i % 5 == 0:
            items.append(board_item(i, SRC))
            continue
        predicted = int(rng.choice(10, p=[0.3, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05, 0.04, 0.03, 0.03]))
        top = float(np.clip(rng.beta(8, 1.5), 0.11, 1.0))
        items.append(board_item(i, SRC, probabilities=one_hot_ish(predicted, top)))
    return items


def test_cb005_two_hundred_items_all_visible_and_grabbable(dash_duo):
    dash_duo.start_server(build_demo_app(items=crowded_items(), height=640))
    dash_duo.wait_for_element('[data-item-id="199"]')

    hidden = dash_duo.driver.execute_script(
        """
        const hidden = [];
        for (const el of document.querySelectorAll('[data-item-id]')) {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + 4);
          if (!hit || !el.contains(hit)) hidden.push(el.getAttribute('data-item-id'));
        }
        return hidden;
        """
    )
    assert hidden == []
    assert len(dash_duo.find_elements("[data-item-id]")) == 200
    assert dash_duo.get_logs() == []


def test_cb006_hover_shows_top_three_and_readonly_ignores_changes(dash_duo):
    app = build_demo_app(items=small_items())
    board = app.layout.children[2]
    assert isinstance(board, ClassBoard)
    board.readonly = True
    board.classes = board_classes([f"digit {d}" for d in range(10)])
    dash_duo.start_server(app)
    dash_duo.wait_for_element('[data-item-id="a"]')

    ActionChains(dash_duo.driver).move_to_element(item(dash_duo, "a")).perform()
    tooltip = dash_duo.wait_for_element(".ab-tooltip")
    assert "Sample a" in tooltip.text
    rows = dash_duo.find_elements(".ab-tooltip .ab-prob")
    assert len(rows) == 3
    assert rows[0].text.startswith("digit 7") and "62%" in rows[0].text
    label = item(dash_duo, "a").get_attribute("aria-label")
    assert label == "sample a, machine says digit 7 at 62%, not reviewed"

    drag(dash_duo, "a", "3", 0.8)
    item(dash_duo, "a").send_keys("3")
    assert item(dash_duo, "a").get_attribute("data-status") == "machine"
    assert dash_duo.find_element(f"#{LAST_CHANGE_ID}").text == "(no change yet)"
    assert dash_duo.get_logs() == []


def touch(dash_duo, kind: str, x: float, y: float) -> None:
    points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
    dash_duo.driver.execute_cdp_cmd(
        "Input.dispatchTouchEvent", {"type": kind, "touchPoints": points}
    )


def test_cb007_touch_drag(dash_duo):
    dash_duo.start_server(build_demo_app(items=small_items()))
    dash_duo.wait_for_element('[data-item-id="c"]')
    dash_duo.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    start = item(dash_duo, "c").rect
    column = dash_duo.find_element('[data-column="5"]').rect
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = column["x"] + column["width"] / 2, column["y"] + 0.7 * column["height"]

    touch(dash_duo, "touchStart", x0, y0)
    for step in range(1, 11):
        touch(dash_duo, "touchMove", x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10)
    touch(dash_duo, "touchEnd", x1, y1)

    change = last_change(dash_duo, 1)
    assert (change["id"], change["column"], change["status"]) == ("c", 5, "manual")
    assert change["confidence"] == pytest.approx(0.3, abs=0.05)
    assert dash_duo.get_logs() == []

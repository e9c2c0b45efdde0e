"""The whole dashboard in headless Chromium, served by `python -m activate_dash` in its own process
(as a person runs it; the training jobs it forks have never seen TensorFlow in their parent)."""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.browser.board_actions import drag_to_column

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path: Path):
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "activate_dash", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        print("server log (tail):", (tmp_path / "server.log").read_text()[-3000:])


def board_items(dash_duo, status: str | None = None):
    selector = "[data-item-id]" if status is None else f'[data-status="{status}"]'
    return dash_duo.find_elements(f"#class-board {selector}")


def wait_for(condition, timeout: float = 30.0, what: str = "condition", page=None):
    """Poll `condition` until it is truthy; on time-out say what was awaited (and the message)."""
    end = time.time() + timeout
    while time.time() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    shown = f"; #message says {message(page)!r}" if page is not None else ""
    raise AssertionError(f"timed out waiting for {what}{shown}")


def drag(dash_duo, element, column: str, confidence: float) -> None:
    target = dash_duo.find_element(f'#class-board [data-column="{column}"]')
    drag_to_column(dash_duo.driver, element, target, confidence)


def click(dash_duo, selector: str) -> None:
    """Click a button wherever it is on the long page (scrolled into view first)."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    dash_duo.driver.execute_script("arguments[0].click()", element)


def message(dash_duo) -> str:
    return dash_duo.find_element("#message").text


def test_app001_whole_loop(dash_duo, app_url, tmp_path):
    dash_duo.server_url = app_url
    dash_duo.wait_for_element("#pool-graph .scatterlayer, #pool-graph .gl-container", timeout=20)
    dash_duo.wait_for_contains_text("#message", "Started project", timeout=20)

    # Ask the machine for 10 samples: no model yet, so they arrive unlabelled.
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo)) == 10, what="10 items on the board")
    assert len(board_items(dash_duo, "unlabelled")) == 10

    # Label by drag and by keyboard; each change is stored at once.
    items = board_items(dash_duo)
    drag(dash_duo, items[0], "3", 0.8)
    wait_for(lambda: "at 80%" in message(dash_duo) or "at 7" in message(dash_duo), what="stored")
    for element in board_items(dash_duo, "unlabelled"):
        dash_duo.driver.execute_script("arguments[0].focus()", element)
        ActionChains(dash_duo.driver).send_keys("5", Keys.ARROW_UP).perform()
        wait_for(lambda el=element: el.get_attribute("data-status") == "manual", what="manual")
    wait_for(lambda: "10 labelled" in dash_duo.find_element("#relabel-count").text, what="count")

    # Train SIL and IDA with the CNN at 1 epoch.
    for scheme in ("IL", "CBA"):
        box = dash_duo.find_element(f"#schemes-checklist input[value='{scheme}']")
        dash_duo.driver.execute_script("arguments[0].click()", box)
    epochs = dash_duo.find_element("#epochs-input")
    epochs.send_keys(Keys.CONTROL, "a")
    epochs.send_keys("1")
    wait_for(lambda: "Settings saved" in message(dash_duo), what="settings saved")
    click(dash_duo, "#train-button")
    wait_for(
        lambda: "Iteration 1 trained" in message(dash_duo),
        timeout=180,
        what="first training",
        page=dash_duo,
    )
    numbers = dash_duo.find_element("#accuracy-numbers").text
    assert "SIL" in numbers and "IDA" in numbers
    confusion_text = dash_duo.find_element("#confusion-graph").text
    assert any(ch.isdigit() and ch != "0" for ch in confusion_text)
    # labelled samples leave the board after training
    wait_for(lambda: len(board_items(dash_duo)) == 0, what="board cleared")

    # Ask again: the machine's guesses are placed by confidence; correct one.
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo, "machine")) == 10, what="10 machine guesses")
    guess = board_items(dash_duo, "machine")[0]
    predicted = guess.get_attribute("aria-label").split("machine says ")[1].split()[0]
    other = "1" if predicted != "1" else "2"
    dash_duo.driver.execute_script("arguments[0].focus()", guess)
    ActionChains(dash_duo.driver).send_keys(other).perform()
    wait_for(lambda: "1 relabelled" in dash_duo.find_element("#relabel-count").text, what="relabel")

    # Train again: two trainings in a row complete from the page.
    click(dash_duo, "#accept-all-button")
    wait_for(lambda: "Confirmed 9" in message(dash_duo), what="accept all")
    click(dash_duo, "#train-button")
    wait_for(
        lambda: "Iteration 2 trained" in message(dash_duo),
        timeout=180,
        what="second training",
        page=dash_duo,
    )
    dash_duo.wait_for_text_to_equal("#relabels-total", "1", timeout=10)

    # Reload: the same project, its history and counts are still there.
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal("#relabels-total", "1", timeout=20)
    dash_duo.wait_for_contains_text("#timeline", "#2", timeout=10)

    # Export the labels and read them back.
    click(dash_duo, "#export-csv-button")
    download = Path(dash_duo.download_path)
    files = wait_for(lambda: list(download.glob("*.csv")), what="CSV download")
    rows = list(csv.DictReader(io.StringIO(files[0].read_text())))
    assert len(rows) == 20
    assert {r["status"] for r in rows} >= {"manual", "corrected", "confirmed"}

    Path("test-output").mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot("test-output/app-whole-loop.png")
    errors = [e for e in dash_duo.get_logs() if "WebGL" not in e["message"]]
    assert errors == []

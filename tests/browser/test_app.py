"""The whole dashboard in headless Chromium, served by `python -m activate_dash` in its own process
(as a person runs it; the training jobs it forks have never seen TensorFlow in their parent).

Every test ends with no errors in the browser console.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from activate_dash.data import load_dataset
from tests.browser.board_actions import drag_to_column

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path("test-output")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve(tmp_path: Path):
    """Start a server process (`python -m MODULE ARGS`, or `command(port)`) on a free port;
    returns its root URL once `health` answers."""
    processes: list[tuple[subprocess.Popen, Path]] = []

    def start(
        *args: str,
        module: str = "activate_dash",
        health: str = "health",
        command: Callable[[int], list[str]] | None = None,
        env: dict[str, str] | None = None,
    ) -> str:
        port = free_port()
        log_path = tmp_path / f"server-{port}.log"
        argv = command(port) if command else [sys.executable, "-m", module, "--port", str(port)]
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [*argv, *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
            )
        processes.append((process, log_path))
        url = f"http://127.0.0.1:{port}/"
        for _ in range(300):
            try:
                urllib.request.urlopen(url + health, timeout=1)
                return url
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not start: {log_path.read_text()[-2000:]}")

    yield start
    for process, log_path in processes:
        process.terminate()
        process.wait(timeout=10)
        print(f"server log {log_path.name} (tail):", log_path.read_text()[-3000:])


def message(dash_duo) -> str:
    return dash_duo.find_element("#message").text


def wait_for(condition: Callable, timeout: float = 30.0, what: str = "condition", page=None):
    """Poll `condition` until it is truthy; on time-out say what was awaited (and the message)."""
    end = time.time() + timeout
    while time.time() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    shown = f"; #message says {message(page)!r}" if page is not None else ""
    raise AssertionError(f"timed out waiting for {what}{shown}")


def wait_for_message(dash_duo, text: str, timeout: float = 30.0) -> None:
    wait_for(lambda: text in message(dash_duo), timeout, f"{text!r} in #message", dash_duo)


def board_items(dash_duo, status: str | None = None):
    selector = "[data-item-id]" if status is None else f'[data-status="{status}"]'
    return dash_duo.find_elements(f"#class-board {selector}")


def click(dash_duo, selector: str) -> None:
    """Click a button wherever it is on the long page (scrolled into view first)."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    dash_duo.driver.execute_script("arguments[0].click()", element)


def press_on(dash_duo, element, *keys: str) -> None:
    dash_duo.driver.execute_script("arguments[0].focus()", element)
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def set_epochs(dash_duo, epochs: int) -> None:
    """Type the epochs setting and wait until it is stored."""
    field = dash_duo.find_element("#epochs-input")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(epochs))
    wait_for_message(dash_duo, "Settings saved")


def ask_and_label(dash_duo, count: int, key: str) -> None:
    """Ask the machine for 10 samples (no model yet) and label the first `count` by `key`."""
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo)) == 10, what="10 items on the board")
    for element in board_items(dash_duo)[:count]:
        press_on(dash_duo, element, key)
        wait_for(lambda el=element: el.get_attribute("data-status") == "manual", what="manual")


def relabel_count(dash_duo) -> str:
    return dash_duo.find_element("#relabel-count").text


def plotted(dash_duo, graph_id: str) -> list[dict]:
    """The traces Plotly drew in a graph: name, x and y (as plain lists)."""
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(`#${arguments[0]} .js-plotly-plot`);"
        "return (gd && gd._fullData || []).map(t => ({name: t.name, type: t.type,"
        " x: Array.from(t.x || []), y: Array.from(t.y || []),"
        " z: t.z ? Array.from(t.z, row => Array.from(row)) : null}));",
        graph_id,
    )


def accuracy_points(dash_duo) -> dict[str, list]:
    """{scheme: [(labels, accuracy %), ...]} of the accuracy graph's scheme lines."""
    return {
        t["name"]: list(zip(t["x"], t["y"], strict=True))
        for t in plotted(dash_duo, "accuracy-graph")
        if t["name"] in {"SIL", "IL", "IDA", "CBA"}
    }


def set_board_change(dash_duo, change: dict) -> None:
    """What a broken or tampered page would send: a `last_change` the board never made.

    Finds the board's Dash props through React's fiber on its root element and calls setProps.
    """
    dash_duo.driver.execute_script(
        """
        const root = document.querySelector('#class-board [data-board]')
            || document.querySelector('[data-board]');
        const key = Object.keys(root).find(k => k.startsWith('__reactFiber'));
        let fiber = root[key];
        while (fiber && !(fiber.memoizedProps && fiber.memoizedProps.setProps)) {
            fiber = fiber.return;
        }
        fiber.memoizedProps.setProps({last_change: arguments[0]});
        """,
        change,
    )


def click_heatmap_cell(dash_duo, graph_id: str, x: str, y: str) -> None:
    """A real mouse click on the centre of a heatmap's cell (x, y) (category names)."""
    graph = dash_duo.find_element(f"#{graph_id} .js-plotly-plot")
    dash_duo.driver.execute_script(  # not smooth (Bootstrap's default): measured right after
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", graph
    )
    left, top = dash_duo.driver.execute_script(
        "const gd = arguments[0], box = gd.getBoundingClientRect();"
        "const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;"
        "return [box.left + xa._offset + xa.d2p(arguments[1]),"
        " box.top + ya._offset + ya.d2p(arguments[2])];",
        graph,
        x,
        y,
    )
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(round(left), round(top)).pause(0.3).click()
    actions.perform()


def assert_no_console_errors(dash_duo) -> None:
    """No errors in the browser console (WebGL's software-rendering notes aside); shows them."""
    errors = [e["message"] for e in dash_duo.get_logs() if "WebGL" not in e["message"]]
    assert errors == [], "browser console errors:\n" + "\n".join(errors)


def test_app001_whole_loop(dash_duo, serve, tmp_path):
    truth = load_dataset("mnist").pool_labels
    dash_duo.server_url = serve("--data-dir", str(tmp_path / "data"))
    dash_duo.wait_for_element("#pool-graph .scatterlayer, #pool-graph .gl-container", timeout=20)
    wait_for_message(dash_duo, "Started project")

    # Ask the machine for 10 samples: no model yet, so they arrive unlabelled.
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo)) == 10, what="10 items on the board")
    assert len(board_items(dash_duo, "unlabelled")) == 10

    # Label by drag and by keyboard, each with its true class; each change is stored at once.
    first = board_items(dash_duo)[0]
    first_id = int(first.get_attribute("data-item-id"))
    target = dash_duo.find_element(f'#class-board [data-column="{truth[first_id]}"]')
    drag_to_column(dash_duo.driver, first, target, 0.8)
    wait_for_message(dash_duo, f"Sample {first_id}: {truth[first_id]} at 8")
    assert first.get_attribute("data-status") == "manual"
    for element in board_items(dash_duo, "unlabelled"):
        sample = int(element.get_attribute("data-item-id"))
        press_on(dash_duo, element, str(truth[sample]), Keys.ARROW_UP)
        wait_for(lambda el=element: el.get_attribute("data-status") == "manual", what="manual")
    wait_for(lambda: "10 labelled" in relabel_count(dash_duo), what="10 labelled")

    # Train SIL and IDA with the CNN at 1 epoch.
    for scheme in ("IL", "CBA"):
        box = dash_duo.find_element(f"#schemes-checklist input[value='{scheme}']")
        dash_duo.driver.execute_script("arguments[0].click()", box)
    set_epochs(dash_duo, 1)
    click(dash_duo, "#train-button")
    wait_for_message(dash_duo, "Iteration 1 trained", timeout=180)
    wait_for(lambda: len(accuracy_points(dash_duo).get("SIL", [])) == 1, what="accuracy point")
    first_points = accuracy_points(dash_duo)
    assert set(first_points) == {"SIL", "IDA"}
    assert all(points[0][0] == 10 for points in first_points.values())
    # the confusion matrix fills: every one of the 2,000 test samples in some cell
    wait_for(lambda: plotted(dash_duo, "confusion-graph")[0]["z"], what="confusion matrix")
    matrix = plotted(dash_duo, "confusion-graph")[0]["z"]
    assert sum(map(sum, matrix)) == 2000 and len(matrix) == 10
    # a click on a cell shows its test samples and marks the pool predicted as its column
    click_heatmap_cell(dash_duo, "confusion-graph", "1", "1")
    dash_duo.wait_for_contains_text("#confusion-samples", "Cell true 1 / predicted 1", timeout=10)
    thumbnails = wait_for(lambda: dash_duo.find_elements("#confusion-samples img"), 10, "images")
    assert 0 < len(thumbnails) == min(40, matrix[1][1])
    wait_for(lambda: len(board_items(dash_duo)) == 0, what="labelled samples leave the board")

    # Ask again: the machine's guesses sit in their predicted column, higher = more confident
    # (within a column; items that would overlap are stacked below one another).
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo, "machine")) == 10, what="10 machine guesses")
    guesses: dict[str, list[tuple[float, int]]] = {}
    for element in board_items(dash_duo, "machine"):
        predicted = element.get_attribute("aria-label").split("machine says ")[1].split()[0]
        column = dash_duo.find_element(f'#class-board [data-column="{predicted}"]')
        centre_x = element.location["x"] + element.size["width"] / 2
        assert column.location["x"] <= centre_x <= column.location["x"] + column.size["width"]
        placed = (float(element.get_attribute("data-confidence")), element.location["y"])
        guesses.setdefault(predicted, []).append(placed)
    for placed in guesses.values():
        by_confidence = sorted(placed, key=lambda p: (-p[0], p[1]))  # ties: stacked below
        assert [y for _, y in by_confidence] == sorted(y for _, y in placed)

    # Correct one guess (a class the machine did not say) and see the relabel count.
    guess = board_items(dash_duo, "machine")[0]
    predicted = guess.get_attribute("aria-label").split("machine says ")[1].split()[0]
    press_on(dash_duo, guess, "1" if predicted != "1" else "2")
    wait_for(lambda: "1 relabelled" in relabel_count(dash_duo), what="1 relabelled")
    assert guess.get_attribute("data-status") == "corrected"

    # Accept the other nine and train again: two trainings in a row complete from the page.
    click(dash_duo, "#accept-all-button")
    wait_for_message(dash_duo, "Confirmed 9")
    click(dash_duo, "#train-button")
    wait_for_message(dash_duo, "Iteration 2 trained", timeout=180)
    dash_duo.wait_for_text_to_equal("#relabels-total", "1", timeout=10)
    wait_for(lambda: len(accuracy_points(dash_duo)["SIL"]) == 2, what="second accuracy point")
    second_points = accuracy_points(dash_duo)
    assert [x for x, _ in second_points["IDA"]] == [10, 20]
    assert all(accuracy > 10 for _, accuracy in second_points["IDA"])  # above chance (10%)

    # Reload: the same project, its history and counts are still there.
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal("#relabels-total", "1", timeout=20)
    dash_duo.wait_for_contains_text("#timeline", "#2", timeout=10)
    wait_for(lambda: accuracy_points(dash_duo) == second_points, what="accuracy after reload")

    # Export the labels (CSV and JSON) and read them back.
    download = Path(dash_duo.download_path)
    click(dash_duo, "#export-csv-button")
    csv_file = wait_for(lambda: list(download.glob("*.csv")), what="CSV download")[0]
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text())))
    assert len(rows) == 20
    assert {r["status"] for r in rows} == {"manual", "corrected", "confirmed"}
    manual = [r for r in rows if r["status"] == "manual"]
    assert len(manual) == 10 and all(r["class"] == str(truth[int(r["id"])]) for r in manual)
    click(dash_duo, "#export-json-button")
    json_file = wait_for(lambda: list(download.glob("*.json")), what="JSON download")[0]
    exported = json.loads(json_file.read_text())
    assert {(r["id"], r["class"], r["status"]) for r in exported} == {
        (int(r["id"]), r["class"], r["status"]) for r in rows
    }

    # Download a model of iteration 2: a real .keras archive.
    click(dash_duo, "#timeline button")
    model = wait_for(lambda: list(download.glob("*.keras")), what="model download")[0]
    time.sleep(0.5)  # the browser renames the file once it is whole
    with zipfile.ZipFile(model) as archive:
        assert "config.json" in archive.namelist()

    # The whole page in one picture (Bootstrap scrolls smoothly: jump instead).
    SCREENSHOTS.mkdir(exist_ok=True)
    dash_duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    height = dash_duo.driver.execute_script("return document.documentElement.scrollHeight")
    dash_duo.driver.set_window_size(1400, height + 100)
    time.sleep(1)  # the graphs follow the new size
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "app-whole-loop.png"))
    assert_no_console_errors(dash_duo)


def test_app002_bad_input_is_refused_and_changes_nothing(dash_duo, serve, tmp_path):
    dash_duo.server_url = serve("--data-dir", str(tmp_path / "data"), "--dataset", "digits")
    wait_for_message(dash_duo, "Started project")
    project = dash_duo.find_element("#project-label").text
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo)) == 10, what="10 items on the board")
    on_board = board_items(dash_duo)[0].get_attribute("data-item-id")

    # A change for a sample that does not exist, a class outside the classes, a bad confidence.
    refused = [
        ({"id": 99999, "column": 1, "confidence": 0.5, "n": 101}, "Unknown sample id 99999"),
        ({"id": int(on_board), "column": 42, "confidence": 0.5, "n": 102}, "not one of the 10"),
        ({"id": int(on_board), "column": 3, "confidence": 7, "n": 103}, "outside [0, 1]"),
    ]
    for change, words in refused:
        set_board_change(dash_duo, change)
        wait_for_message(dash_duo, words)
        assert "0 labelled" in relabel_count(dash_duo)
    assert len(board_items(dash_duo, "unlabelled")) == 10

    # A stale project id is refused; the page stays on its project.
    dash_duo.find_element("#resume-input").send_keys("7-0123456789abcdef")
    click(dash_duo, "#resume-button")
    wait_for_message(dash_duo, "There is no project '7-0123456789abcdef' here")
    assert dash_duo.find_element("#project-label").text == project

    # A corrupt upload is refused; no project is made and the page stays on its project.
    corrupt = tmp_path / "photos.zip"
    corrupt.write_bytes(b"this is not a zip archive")
    dash_duo.find_element("#upload input[type=file]").send_keys(str(corrupt))
    wait_for_message(dash_duo, "photos.zip")
    assert dash_duo.find_element("#message .alert-danger")
    assert dash_duo.find_element("#project-label").text == project
    assert len(board_items(dash_duo)) == 10

    # A file over the size limit is refused in the browser before it is sent (a sparse file).
    big = tmp_path / "big.zip"
    with big.open("wb") as sparse:
        sparse.truncate(250_000_000)
    dash_duo.find_element("#upload input[type=file]").send_keys(str(big))
    wait_for_message(dash_duo, "big.zip: is 250 MB, more than the limit of 200 MB")
    assert dash_duo.find_element("#project-label").text == project

    # A stale project remembered by the browser: refused at load, with a clear message.
    dash_duo.driver.execute_script(
        "localStorage.setItem('project-store', JSON.stringify('9-0123456789abcdef'))"
    )
    dash_duo.driver.refresh()
    wait_for_message(dash_duo, "There is no project '9-0123456789abcdef' here")
    assert_no_console_errors(dash_duo)


def test_app003_mounted_in_a_flask_portal(dash_duo, serve, tmp_path):
    data_dir = str(tmp_path / "data")
    url = serve("--data-dir", data_dir, module="tests.browser.portal", health="activate/health")
    portal = urllib.request.urlopen(url, timeout=10).read().decode()
    assert "portal home" in portal
    dash_duo.server_url = url + "activate/"
    dash_duo.wait_for_element("#pool-graph .scatterlayer, #pool-graph .gl-container", timeout=20)
    wait_for_message(dash_duo, "Started project")
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo)) == 10, what="10 items on the board")
    element = board_items(dash_duo)[0]
    press_on(dash_duo, element, "4")
    wait_for(lambda: "1 labelled" in relabel_count(dash_duo), what="the label stored")
    assert element.get_attribute("data-status") == "manual"
    assert urllib.request.urlopen(url + "activate/health", timeout=5).status == 200
    assert "portal home" in urllib.request.urlopen(url, timeout=5).read().decode()
    assert_no_console_errors(dash_duo)


def test_app004_projection_computed_in_the_background(dash_duo, serve, tmp_path):
    dash_duo.server_url = serve("--data-dir", str(tmp_path / "data"), "--dataset", "digits")
    wait_for_message(dash_duo, "Started project")
    dash_duo.wait_for_contains_text("#pool-graph .gtitle", "PCA", timeout=20)
    Select(dash_duo.find_element("#projection-dropdown")).select_by_value("tsne")
    wait_for_message(dash_duo, "Computing the t-SNE map")
    # the page stays usable meanwhile: the machine can be asked for samples
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo)) == 10, what="10 items on the board")
    wait_for_message(dash_duo, "Projection: t-SNE (computed in", timeout=120)
    dash_duo.wait_for_contains_text("#pool-graph .gtitle", "TSNE", timeout=20)
    # back to PCA: at hand, so at once
    Select(dash_duo.find_element("#projection-dropdown")).select_by_value("pca")
    wait_for_message(dash_duo, "Projection: PCA.")
    dash_duo.wait_for_contains_text("#pool-graph .gtitle", "PCA", timeout=20)
    assert_no_console_errors(dash_duo)


def test_app005_failed_and_cancelled_trainings_change_nothing(dash_duo, serve, tmp_path):
    dash_duo.server_url = serve("--data-dir", str(tmp_path / "data"), "--dataset", "digits")
    wait_for_message(dash_duo, "Started project")

    # Nothing labelled yet: the training fails and says why.
    click(dash_duo, "#train-button")
    wait_for_message(dash_duo, "Label at least one sample before training")

    ask_and_label(dash_duo, 3, "4")

    # A long training, cancelled once it has started: nothing is stored, the labels stay.
    set_epochs(dash_duo, 50)
    click(dash_duo, "#train-button")
    wait_for(
        lambda: "epoch" in dash_duo.find_element("#train-progress").text,
        60,
        "training progress",
        dash_duo,
    )
    click(dash_duo, "#cancel-button")
    wait_for_message(dash_duo, "Training cancelled")
    time.sleep(2)  # a job that was not stopped would go on and report
    assert "Training cancelled" in message(dash_duo)
    assert accuracy_points(dash_duo) == {}
    assert "#1" not in dash_duo.find_element("#timeline").text
    assert "3 labelled" in relabel_count(dash_duo)
    assert len(board_items(dash_duo, "manual")) == 3

    # The page goes on: a short training after the cancelled one completes and is stored.
    set_epochs(dash_duo, 1)
    click(dash_duo, "#train-button")
    wait_for_message(dash_duo, "Iteration 1 trained on 3 labels", timeout=180)
    wait_for(lambda: accuracy_points(dash_duo).get("SIL"), what="the accuracy point")
    assert_no_console_errors(dash_duo)


def procfile_web(port: int) -> list[str]:
    """The Procfile's `web:` command, as Heroku or Render would run it on `port`."""
    line = next(
        line for line in Path("Procfile").read_text().splitlines() if line.startswith("web:")
    )
    words = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)))
    assert words[0] == "gunicorn"
    return [sys.executable, "-m", "gunicorn", *words[1:]]


def test_app006_served_by_gunicorn_as_the_procfile_says(dash_duo, serve, tmp_path):
    env = {"ACTIVATE_DATA_DIR": str(tmp_path / "data"), "ACTIVATE_DATASET": "digits"}
    dash_duo.server_url = serve(command=procfile_web, env=env)
    wait_for_message(dash_duo, "Started project")
    ask_and_label(dash_duo, 3, "7")
    set_epochs(dash_duo, 1)
    # the training job forks from a gunicorn worker thread
    click(dash_duo, "#train-button")
    wait_for_message(dash_duo, "Iteration 1 trained on 3 labels", timeout=180)
    assert (tmp_path / "data").is_dir()
    assert_no_console_errors(dash_duo)


def test_app007_two_browsers_keep_their_own_projects_unless_one_resumes_the_other(
    dash_duo, serve, tmp_path
):
    from selenium import webdriver

    from activate_dash.headless_chrome import chrome_options

    url = serve("--data-dir", str(tmp_path / "data"), "--dataset", "digits")
    dash_duo.server_url = url
    wait_for_message(dash_duo, "Started project")
    click(dash_duo, "#ask-button")
    wait_for(lambda: len(board_items(dash_duo)) == 10, what="10 items on the board")
    press_on(dash_duo, board_items(dash_duo)[0], "4")
    wait_for(lambda: "1 labelled" in relabel_count(dash_duo), what="the label stored")
    first_project = dash_duo.find_element("#project-label").text.split(" ·")[0]

    other = webdriver.Chrome(options=chrome_options())
    try:
        other.get(url)

        def other_text(selector: str) -> str:
            return other.find_element("css selector", selector).text

        wait_for(lambda: "Started project" in other_text("#message"), what="a second project")
        assert other_text("#project-label").split(" ·")[0] != first_project
        assert other.find_elements("css selector", "#class-board [data-item-id]") == []
        token = first_project.removeprefix("Project ")
        other.find_element("css selector", "#resume-input").send_keys(token)
        other.execute_script("document.getElementById('resume-button').click()")
        wait_for(
            lambda: len(other.find_elements("css selector", "#class-board [data-item-id]")) == 10,
            what="the first browser's board in the second",
        )
        assert other_text("#project-label").split(" ·")[0] == first_project
        assert "1 labelled" in other_text("#relabel-count")
    finally:
        other.quit()
    assert_no_console_errors(dash_duo)

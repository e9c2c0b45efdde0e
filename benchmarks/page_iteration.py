"""One full iteration from the page: ask 10, label them, train SIL+IL+IDA+CBA with the CNN.

    python benchmarks/page_iteration.py [--iterations 3] [--epochs 5]

Starts `python -m activate_dash --data-dir <fresh temp folder>` on the bundled data (default
settings: N = 10, LCRS, all four schemes, the CNN) and drives headless Chromium as a person
would, `--iterations` times in a row on one project:

- ask: click "Ask the machine", until 10 items are on the board;
- label: each item gets its true class from the keyboard (a digit key on the focused item),
  until the page counts them all as labelled (each change is stored by its own callback);
- train: click "Train", until the message says the iteration is trained and the accuracy view
  shows its point (scheme and epoch progress in between; four CNNs, the evaluation on the test
  set and the guide's pool probabilities, in a job process).

Prints each iteration's phases and their medians. The labelling phase measures the page and
server, not a person: a person spends their own time on top. No target: reported.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_common import (
    chrome,
    pool_graph_ready,
    print_medians,
    print_run,
    start_server,
    stop_server,
    wait_for,
)

ITEMS = "#class-board [data-item-id]"
COUNTS_JS = """
return {
  items: document.querySelectorAll(arguments[0]).length,
  unlabelled: document.querySelectorAll('#class-board [data-status="unlabelled"]').length,
  count: (document.getElementById('relabel-count') || {}).innerText || '',
  message: (document.getElementById('message') || {}).innerText || '',
  points: (() => {
    const gd = document.querySelector('#accuracy-graph .js-plotly-plot');
    const sil = (gd && gd._fullData || []).find(t => t.name === 'SIL');
    return sil ? sil._length || (sil.x || []).length : 0;
  })(),
};
"""


def state(driver) -> dict:
    return driver.execute_script(COUNTS_JS, ITEMS)


def click(driver, selector: str) -> None:
    element = driver.find_element("css selector", selector)
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element
    )


def set_epochs(driver, epochs: int) -> None:
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element("css selector", "#epochs-input")
    if field.get_attribute("value") == str(epochs):
        return
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(epochs))
    wait_for(lambda: "Settings saved" in state(driver)["message"], 20, "settings saved")


def one_iteration(driver, iteration: int, truth) -> dict[str, float]:
    from selenium.webdriver.common.action_chains import ActionChains

    started = time.perf_counter()
    click(driver, "#ask-button")
    wait_for(lambda: state(driver)["items"] == 10, 60, "10 items on the board")
    asked = time.perf_counter()

    for element in driver.find_elements("css selector", ITEMS):
        sample = int(element.get_attribute("data-item-id"))
        driver.execute_script("arguments[0].focus()", element)
        ActionChains(driver).send_keys(str(truth[sample])).perform()
    want = "10 labelled"  # the count of this iteration
    wait_for(lambda: want in state(driver)["count"], 60, want)
    labelled = time.perf_counter()

    click(driver, "#train-button")
    done = f"Iteration {iteration} trained"
    wait_for(lambda: done in state(driver)["message"], 600, done, poll=0.1)
    wait_for(lambda: state(driver)["points"] == iteration, 60, "the accuracy point")
    trained = time.perf_counter()
    return {
        "ask_s": asked - started,
        "label_s": labelled - asked,
        "train_s": trained - labelled,
        "total_s": trained - started,
    }


def main() -> None:
    from activate_dash.data import load_dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=5, help="the page's epochs setting")
    args = parser.parse_args()

    truth = load_dataset("mnist").pool_labels
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        process, url, _ = start_server(Path(tmp))
        driver = chrome()
        try:
            driver.get(url)
            wait_for(lambda: pool_graph_ready(driver, 8_000), 60, "the pool graph")
            wait_for(lambda: "Started project" in state(driver)["message"], 30, "the project")
            set_epochs(driver, args.epochs)
            for iteration in range(1, args.iterations + 1):
                results.append(one_iteration(driver, iteration, truth))
                print_run(f"iteration {iteration}", results[-1], digits=1)
        finally:
            driver.quit()
            stop_server(process)
    print_medians(
        f"median of {len(results)} iterations (ask 10, label 10, train SIL+IL+IDA+CBA, CNN,"
        f" {args.epochs} epochs, bundled 8,000 pool, 2,000 test images):",
        results,
        digits=1,
    )


if __name__ == "__main__":
    main()

"""Start-to-interactive: from `python -m activate_dash` to a page a person can work on.

    python benchmarks/app_start.py [--runs 5]

Each run starts `python -m activate_dash --port P --data-dir <fresh temp folder>` on the
bundled data (as a person does, so a new project is made on the first page load) and times:

- health: until `GET /health` answers 200 (imports, the bundled dataset loaded, the store made);
- interactive: until headless Chromium (already started, options of
  activate_dash.headless_chrome, Debian's /usr/bin/chromedriver), which asks for the page as
  soon as /health answers, shows the pool graph with all 8,000 points drawn (Plotly's
  `_fullData` of the pool trace and its WebGL canvas) and the class board with its columns;
- page: the browser's share of that, from the page request to interactive.

Each run has a new browser profile (empty cache) and a new data folder. Prints each run and
the medians. Target: interactive <= 5 s.
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

POOL = 8_000  # the bundled pool


def one_run() -> dict[str, float]:
    started = time.perf_counter()
    driver = chrome()
    browser = time.perf_counter() - started
    try:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            process, url, health = start_server(Path(tmp))
            try:
                asked = time.perf_counter()
                driver.get(url)
                wait_for(lambda: pool_graph_ready(driver, POOL), 60, "the pool graph", 0.01)
                done = time.perf_counter()
            finally:
                stop_server(process)
    finally:
        driver.quit()
    return {
        "health_s": health,
        "interactive_s": done - started,
        "page_s": done - asked,
        "chrome_start_s": browser,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    results = []
    for run in range(args.runs):
        results.append(one_run())
        print_run(f"run {run + 1}", results[-1])
    print_medians(f"median of {args.runs} runs, bundled {POOL:,} pool:", results)
    print("  target: interactive_s <= 5 s (from the command to the drawn pool and board)")


if __name__ == "__main__":
    main()

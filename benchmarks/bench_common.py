"""Helpers shared by the dashboard benchmarks (not a benchmark itself).

- `start_server`: `python -m activate_dash --port P --data-dir DIR` in its own process, as a
  person starts it, timed until `/health` answers;
- `chrome`: headless Chromium with the options the browser tests use (optionally with the
  DevTools performance log, for bytes on the wire);
- `pool_graph_state` / `wait_for`: when the pool graph has drawn its points;
- `pool_npz`: a 60,000-image `.npz` made once from the bundled digits (no network here), so the
  app can be measured on a pool of the size of full MNIST.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "activate_dash_bench"

# Plotly's graph div inside dcc.Graph: the number of points of the pool trace as drawn
# (`_fullData` exists once Plotly has plotted) and whether the WebGL canvases are there.
POOL_STATE_JS = """
const gd = document.querySelector('#pool-graph .js-plotly-plot');
const full = gd && gd._fullData && gd._fullData[0];
return {
  points: full ? (full._length || 0) : 0,
  canvas: !!document.querySelector('#pool-graph canvas'),
  columns: document.querySelectorAll('#class-board [data-column]').length,
  message: (document.getElementById('message') || {}).innerText || '',
};
"""


def print_run(label: str, result: dict[str, float], digits: int = 2) -> None:
    """One run's figures on one line."""
    print(f"{label}: " + ", ".join(f"{k} {v:.{digits}f}" for k, v in result.items()), flush=True)


def print_medians(title: str, results: list[dict[str, float]], digits: int = 2) -> None:
    """The median of each figure over the runs, under `title`."""
    print(f"\n{title}")
    width = max(len(key) for key in results[0])
    for key in results[0]:
        print(f"  {key:{width}s} {statistics.median(r[key] for r in results):8.{digits}f}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    data_dir: Path, dataset: str | None = None, log_path: Path | None = None, timeout: float = 60
) -> tuple[subprocess.Popen, str, float]:
    """Start the dashboard; returns (process, base url, seconds until /health answered 200)."""
    port = free_port()
    command = [sys.executable, "-m", "activate_dash", "--port", str(port)]
    command += ["--data-dir", str(data_dir)]
    if dataset:
        command += ["--dataset", dataset]
    log = (log_path or data_dir / "server.log").open("w")
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(url + "health", timeout=1) as response:
                if response.status == 200:
                    return process, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    stop_server(process)
    raise RuntimeError(f"/health did not answer within {timeout} s; see {log.name}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def chrome(performance_log: bool = False) -> Any:
    """Headless Chromium (Debian's, through /usr/bin/chromedriver) with the tests' options."""
    from selenium import webdriver

    from activate_dash.headless_chrome import chrome_options

    options = chrome_options()
    if performance_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(options=options)


def wait_for(condition, timeout: float = 30.0, what: str = "condition", poll: float = 0.02):
    """Poll `condition` until it is truthy; RuntimeError naming `what` on time-out."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


def pool_graph_ready(driver: Any, points: int) -> bool:
    """The pool graph has drawn all `points` and the class board shows its columns."""
    state = driver.execute_script(POOL_STATE_JS)
    return state["points"] >= points and state["canvas"] and state["columns"] > 0


def pool_npz(size: int = 60_000, cache_dir: Path = DEFAULT_CACHE) -> Path:
    """An `.npz` pool of `size` digits (x_train, y_train, x_test, y_test), made once and cached.

    The bundled 8,000 pool images repeated with random shifts of up to 2 pixels (so no two
    copies are identical) and their labels; the bundled 2,000 test images as the test set.
    """
    path = Path(cache_dir) / f"pool{size}.npz"
    if path.is_file():
        return path
    from activate_dash.data import load_dataset

    dataset = load_dataset("mnist")
    rng = np.random.default_rng(0)
    base = np.arange(size) % dataset.pool_size
    images = dataset.pool_images[base].copy()
    for k, (dy, dx) in enumerate(rng.integers(-2, 3, size=(size, 2))):
        if k >= dataset.pool_size:  # the first copy is the bundled pool as it is
            images[k] = np.roll(images[k], (int(dy), int(dx)), axis=(0, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp.npz")
    np.savez(
        partial,
        x_train=images,
        y_train=dataset.pool_labels[base],
        x_test=dataset.test_images,
        y_test=dataset.test_labels,
    )
    partial.replace(path)
    return path

"""Server time and response size of the callback that follows a click or lasso on the pool.

    python benchmarks/select_callback.py [--runs 30] [--pool 60000] [--lasso 50]

`put_on_board` (activate_dash/web/views/pool.py) answers a click or a lasso selection on the
pool graph with a Patch of board items, the new board version and a message. This posts to
`/_dash-update-component` the body Dash's renderer sends for it (the callback's output string
and outputs from `/_dash-dependencies`, the clickData / selectedData inputs with points of
curve 0, the current-project and board-version states), through the Flask test client of
`create_app(data_dir=tmp, dataset=spec)`, with a browser's `Accept-Encoding`. Each request is
checked (200, the items arrived) and timed; the board is emptied between runs
(`workspace.remove_from_board`).

Pools: the bundled 8,000 ("mnist") and a 60,000-image `.npz` made once from the bundled digits
(bench_common.pool_npz, cached in the temp folder). Events: a click on 1 point and a lasso of
`--lasso` points. Project states: before any training (items carry no guesses) and after one
(a stored iteration with random pool probabilities: items carry the machine's guesses).

Prints p50 / p95 of the server time and the response size (as sent, and decoded). Then where
the time goes: the workspace calls of the callback timed alone. Targets: p95 <= 100 ms,
response <= 50 KB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
from bench_common import DEFAULT_CACHE, pool_npz

BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "Content-Type": "application/json"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def callback_spec(client) -> dict:
    """put_on_board's entry of /_dash-dependencies (the renderer's view of it)."""
    for dep in client.get("/_dash-dependencies").get_json():
        if [i["property"] for i in dep["inputs"]] == ["clickData", "selectedData"]:
            return dep
    raise RuntimeError("no callback with the pool's clickData and selectedData inputs")


def request_body(spec: dict, event: str, samples: list[int], points, token: str, version: int):
    """The JSON the renderer posts: outputs split out of the output string, inputs, states."""
    outputs = []
    for part in spec["output"].strip(".").split("..."):
        component, _, prop = part.partition(".")
        outputs.append({"id": component, "property": prop})
    plotted = [
        {
            "curveNumber": 0,
            "pointNumber": s,
            "pointIndex": s,
            "x": float(points[s, 0]),
            "y": float(points[s, 1]),
        }
        for s in samples
    ]
    click = selection = None
    if event == "click":
        click = {"points": [{**plotted[0], "bbox": {"x0": 1, "x1": 5, "y0": 1, "y1": 5}}]}
    else:
        xs = [p["x"] for p in plotted]
        ys = [p["y"] for p in plotted]
        lasso = {
            "x": [min(xs), max(xs), max(xs), min(xs)],
            "y": [min(ys), min(ys), max(ys), max(ys)],
        }
        selection = {"points": plotted, "lassoPoints": lasso}
    changed = "pool-graph.clickData" if event == "click" else "pool-graph.selectedData"
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [
            {"id": "pool-graph", "property": "clickData", "value": click},
            {"id": "pool-graph", "property": "selectedData", "value": selection},
        ],
        "changedPropIds": [changed],
        "parsedChangedPropsIds": [changed],
        "state": [
            {"id": "current-project", "property": "data", "value": token},
            {"id": "board-version", "property": "data", "value": version},
        ],
    }


def decode(response) -> bytes:
    data = response.data
    encoding = response.headers.get("Content-Encoding", "")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    if encoding == "br":
        import brotli

        return brotli.decompress(data)
    if encoding == "zstd":  # flask-compress's first choice: compression.zstd (its backport)
        try:
            from compression import zstd
        except ImportError:
            from backports import zstd

        return zstd.decompress(data)
    return data


def train_once(workspace, project_id: int, seed: int = 0) -> None:
    """Store one iteration with random pool probabilities, as a training would."""
    from activate_dash.store import IterationRecord

    info = workspace.info(project_id)
    rng = np.random.default_rng(seed)
    probabilities = rng.dirichlet(np.ones(info.n_classes) * 0.3, size=info.pool_size)
    record = IterationRecord(
        number=1,
        n_labels=0,
        selection="bench",
        classifier="cnn",
        guide="SIL",
        accuracies={"SIL": None},
        relabels=0,
        seconds=0.0,
        confusion=None,
    )
    workspace.store.add_iteration(
        project_id, record, models={}, pool_probabilities={"SIL": probabilities}
    )


def measure(app, spec_name: str, runs: int, lasso: int, trained: bool) -> list[dict]:
    """Time click and lasso requests on one project; the board is emptied between runs."""
    workspace = app.workspace
    client = app.server.test_client()
    spec = callback_spec(client)
    token = workspace.new_project(spec_name)
    project_id = workspace.resolve(token)
    if trained:
        train_once(workspace, project_id)
    points = workspace.points(project_id)
    pool_size = workspace.info(project_id).pool_size
    rng = np.random.default_rng(1)
    rows = []
    for event, count in (("click", 1), ("lasso", lasso)):
        times, sent, decoded = [], [], []
        for run in range(runs + 1):  # the first is a warm-up, not counted
            samples = rng.choice(pool_size, count, replace=False).tolist()
            body = json.dumps(request_body(spec, event, samples, points, token, run))
            started = time.perf_counter()
            response = client.post("/_dash-update-component", data=body, headers=BROWSER_HEADERS)
            elapsed = time.perf_counter() - started
            payload = decode(response)
            if response.status_code != 200:
                raise RuntimeError(f"{event}: HTTP {response.status_code}: {payload[:300]!r}")
            answer = json.loads(payload)["response"]
            added = answer["class-board"]["items"]["operations"]
            n_items = sum(len(op["params"]["value"]) for op in added if op["operation"] == "Extend")
            if n_items != count:
                raise RuntimeError(f"{event}: {n_items} items came back, not {count}")
            workspace.remove_from_board(project_id, samples)
            if run:
                times.append(elapsed)
                sent.append(len(response.data))
                decoded.append(len(payload))
        rows.append(
            {
                "pool": f"{pool_size:,}",
                "state": "trained" if trained else "untrained",
                "event": f"{event} {count}",
                "p50_ms": 1000 * statistics.median(times),
                "p95_ms": 1000 * percentile(times, 0.95),
                "sent_kb": statistics.median(sent) / 1024,
                "json_kb": statistics.median(decoded) / 1024,
                "encoding": response.headers.get("Content-Encoding", "none"),
            }
        )
    return rows


def breakdown(app, spec_name: str, runs: int, lasso: int) -> dict[str, float]:
    """Median ms of each workspace call put_on_board makes, for a lasso on a trained project."""
    workspace = app.workspace
    token = workspace.new_project(spec_name)
    project_id = workspace.resolve(token)
    train_once(workspace, project_id)
    pool_size = workspace.info(project_id).pool_size
    rng = np.random.default_rng(2)
    parts: dict[str, list[float]] = {}

    def timed(name, function, *args):
        started = time.perf_counter()
        value = function(*args)
        parts.setdefault(name, []).append(1000 * (time.perf_counter() - started))
        return value

    from activate_dash.components.items import image_data_uri

    dataset = workspace.dataset(project_id)
    for run in range(runs + 1):
        samples = rng.choice(pool_size, lasso, replace=False).tolist()
        timed("resolve", workspace.resolve, token)
        added = timed("add_to_board", workspace.add_to_board, project_id, samples)
        timed("board_items", workspace.board_items, project_id, added)
        timed(
            "  of which PNG thumbnails",
            lambda chosen: [image_data_uri(dataset.pool_images[s]) for s in chosen],
            added,
        )
        timed("  of which probabilities", workspace.probabilities, project_id)
        timed("  of which store.labels", workspace.store.labels, project_id)
        timed("  of which info", workspace.info, project_id)
        workspace.remove_from_board(project_id, samples)
        if run == 0:
            parts = {}
    return {name: statistics.median(values) for name, values in parts.items()}


def main() -> None:
    from activate_dash.app import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="requests per row (+1 warm-up)")
    parser.add_argument("--pool", type=int, default=60_000, help="size of the large pool")
    parser.add_argument("--lasso", type=int, default=50, help="points in one lasso selection")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()

    large = str(pool_npz(args.pool, args.cache_dir))
    rows = []
    parts = {}
    for spec_name in ("mnist", large):
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(data_dir=tmp, dataset=spec_name)
            for trained in (False, True):
                rows += measure(app, spec_name, args.runs, args.lasso, trained)
            parts[spec_name] = breakdown(app, spec_name, args.runs, args.lasso)
            app.workspace.close()

    print(f"\nput_on_board, {args.runs} requests per row (Flask test client):")
    print(
        f"  {'pool':>7s} {'state':9s} {'event':9s} {'p50 ms':>7s} {'p95 ms':>7s} "
        f"{'sent KB':>8s} {'JSON KB':>8s}  encoding"
    )
    for r in rows:
        print(
            f"  {r['pool']:>7s} {r['state']:9s} {r['event']:9s} {r['p50_ms']:7.1f} "
            f"{r['p95_ms']:7.1f} {r['sent_kb']:8.1f} {r['json_kb']:8.1f}  {r['encoding']}"
        )
    print("  targets: p95 <= 100 ms, response <= 50 KB")
    for spec_name, values in parts.items():
        label = "bundled 8,000" if spec_name == "mnist" else f"{args.pool:,}"
        print(f"\nwhere the time goes ({label}, lasso of {args.lasso}, trained, median ms):")
        for name, value in values.items():
            print(f"  {name:26s} {value:7.1f}")


if __name__ == "__main__":
    main()

"""Bytes of the first page load with a 60,000-point pool, until the pool graph has drawn.

    python benchmarks/page_load.py [--runs 3] [--pool 60000] [--dataset SPEC] [--timeline]

Each run starts `python -m activate_dash --dataset <pool .npz> --data-dir <fresh temp folder>`
(the .npz made once from the bundled digits: bench_common.pool_npz; `--dataset mnist` measures
the bundled 8,000 instead) and opens the page in a fresh headless Chromium whose DevTools
performance log is on (`goog:loggingPrefs` {"performance": "ALL"}). When the pool graph has
drawn every point, the Network events are summed: bytes on the wire per request
(`Network.loadingFinished.encodedDataLength`: headers and body as transferred, compressed when
the server compressed) and decoded body bytes (`Network.dataReceived.dataLength`).

Also checks that the pool figure arrives as typed arrays: the `_dash-update-component`
response holding `pool-graph.figure` is read back (`Network.getResponseBody`) and the pool
trace's x and y must be `{"dtype", "bdata"}` objects, not JSON lists.

Prints per run the total, the time to the drawn graph, and the largest responses by URL; then
the medians. `--timeline` also prints when each request started and ended. Target: <= 3 MB.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench_common import (
    DEFAULT_CACHE,
    chrome,
    pool_graph_ready,
    pool_npz,
    print_medians,
    start_server,
    stop_server,
    wait_for,
)


def network_requests(driver) -> dict[str, dict]:
    """requestId -> url, wire bytes, body bytes, encoding, start and end (s), from the log."""
    requests: dict[str, dict] = {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method, params = message.get("method", ""), message.get("params", {})
        if not method.startswith("Network."):
            continue
        request = requests.setdefault(
            params.get("requestId", "?"),
            {"url": "?", "wire": 0, "body": 0, "encoding": "", "start": None, "end": None},
        )
        if method == "Network.requestWillBeSent":
            request["url"] = params["request"]["url"]
            request["start"] = params["timestamp"]
            request["method"] = params["request"]["method"]
            request["post"] = params["request"].get("postData", "")
        elif method == "Network.responseReceived":
            response = params["response"]
            request["url"] = response["url"]
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            request["encoding"] = headers.get("content-encoding", "")
        elif method == "Network.dataReceived":
            request["body"] += params.get("dataLength", 0)
        elif method == "Network.loadingFinished":
            request["wire"] = params.get("encodedDataLength", 0)
            request["end"] = params["timestamp"]
    return requests


def short(url: str, base: str) -> str:
    """A URL without the server and without Dash's version fingerprints."""
    path = url.removeprefix(base).split("?")[0]
    return ("/" + path)[:70]


def figure_as_typed_arrays(driver, requests: dict[str, dict]) -> str:
    """'yes' when the pool trace's x and y arrived as base64 typed arrays."""
    for request_id, request in requests.items():
        if "_dash-update-component" not in request["url"]:
            continue
        if "pool-graph.figure" not in request.get("post", ""):
            continue
        try:
            body = driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": request_id})
        except Exception as error:
            return f"unknown (body not kept: {error.__class__.__name__})"
        figure = json.loads(body["body"])["response"]["pool-graph"]["figure"]
        if "data" not in figure:  # a Patch of the small traces, not the first figure
            continue
        x = figure["data"][0]["x"]
        if isinstance(x, dict) and "bdata" in x:
            return f"yes ({x['dtype']}, {len(body['body']) / 1024:.0f} KB response)"
        return f"NO: the pool's x is a JSON {type(x).__name__}"
    return "unknown (no figure response seen)"


def one_run(dataset: str, points: int, timeline: bool) -> dict[str, float]:
    driver = chrome(performance_log=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            process, url, _health = start_server(Path(tmp), dataset)
            try:
                driver.execute_cdp_cmd("Network.enable", {"maxTotalBufferSize": 100_000_000})
                started = time.perf_counter()
                driver.get(url)
                wait_for(lambda: pool_graph_ready(driver, points), 120, "the pool graph", 0.05)
                drawn = time.perf_counter() - started
                time.sleep(0.5)  # the last events reach the log
                requests = network_requests(driver)
                typed = figure_as_typed_arrays(driver, requests)
            finally:
                stop_server(process)
    finally:
        driver.quit()
    total_wire = sum(r["wire"] for r in requests.values())
    total_body = sum(r["body"] for r in requests.values())
    print(
        f"  {len(requests)} requests, {total_wire / 1e6:.2f} MB on the wire "
        f"({total_body / 1e6:.2f} MB decoded), graph drawn after {drawn:.1f} s; "
        f"pool figure as typed arrays: {typed}"
    )
    print(f"    {'wire KB':>9s} {'body KB':>9s} {'enc':5s} url")
    for r in sorted(requests.values(), key=lambda r: -r["wire"])[:8]:
        print(
            f"    {r['wire'] / 1024:9.1f} {r['body'] / 1024:9.1f} {r['encoding'] or '-':5s} "
            f"{short(r['url'], url)}"
        )
    if timeline:
        t0 = min(r["start"] for r in requests.values() if r["start"] is not None)
        print(f"    {'start s':>8s} {'end s':>7s} url")
        for r in sorted(requests.values(), key=lambda r: r["start"] or 0):
            end = f"{r['end'] - t0:7.2f}" if r["end"] else "      -"
            output = ""
            if r.get("post"):
                output = " " + json.loads(r["post"]).get("output", "")[:60]
            print(f"    {(r['start'] or t0) - t0:8.2f} {end} {short(r['url'], url)}{output}")
    return {"wire_MB": total_wire / 1e6, "decoded_MB": total_body / 1e6, "drawn_s": drawn}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pool", type=int, default=60_000, help="size of the generated pool")
    parser.add_argument("--dataset", default=None, help="a spec instead (e.g. mnist)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--timeline", action="store_true", help="print every request's times")
    args = parser.parse_args()

    dataset = args.dataset or str(pool_npz(args.pool, args.cache_dir))
    points = 8_000 if dataset == "mnist" else args.pool
    results = []
    for run in range(args.runs):
        print(f"run {run + 1}:", flush=True)
        results.append(one_run(dataset, points, args.timeline))
    print_medians(f"median of {args.runs} runs, first page load, {points:,}-point pool:", results)
    print("  target: wire_MB <= 3 MB")


if __name__ == "__main__":
    main()

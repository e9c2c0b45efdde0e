"""Frame times while dragging on the class board with 200 items, in headless Chromium.

    python benchmarks/board_drag.py [--runs 5] [--drags 6] [--items 200]

Starts the board demo (`python -m activate_dash.components.demo --items 200`) and drives real
mouse input through the DevTools protocol (Input.dispatchMouseEvent: press, 60 moves, release).
The page measures itself with the performance API:

- frame time: the gap between consecutive requestAnimationFrame callbacks during the drag,
  with Chromium's 60 Hz cap switched off (--disable-frame-rate-limit --disable-gpu-vsync), so
  a frame takes as long as its work does (at 60 Hz the gap would always read ~16.7 ms); the
  gap also holds the wait for the next input event, so it is an upper bound;
- work per frame: from the frame's animation callbacks to the first task after that frame
  (style, layout and paint done), a message posted from requestAnimationFrame;
- long tasks: PerformanceObserver 'longtask' entries (main-thread tasks over 50 ms), from the
  press to 0.5 s after the drop, so the re-render after each drop is counted;
- drop: from the pointerup to the first frame after the board has re-rendered the item.

Prints per run and the median over runs. Targets: median frame <= 16 ms, no long task > 50 ms.
Needs Debian's chromium and chromium-driver (as the browser tests do).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

# Chromium's 60 Hz cap off, so a frame lasts as long as its work.
UNCAPPED_FRAMES = ("--disable-frame-rate-limit", "--disable-gpu-vsync")

INSTRUMENT = """
window.bench = {frames: [], work: [], longTasks: [], recording: false, drops: []};
// Work per frame: from the start of the frame's animation callbacks to the first task after
// the frame (style, layout and paint done): a message posted inside requestAnimationFrame.
const channel = new MessageChannel();
let frameStart = 0;
channel.port1.onmessage = () => window.bench.work.push(performance.now() - frameStart);
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.bench.longTasks.push([e.startTime, e.duration]);
}).observe({type: 'longtask', buffered: true});
let last = 0;
function tick(now) {
  if (window.bench.recording && last) {
    window.bench.frames.push(now - last);
    frameStart = performance.now();
    channel.port2.postMessage(0);
  }
  last = now;
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
window.addEventListener('pointerup', (event) => {
  const id = event.target.getAttribute && event.target.getAttribute('data-item-id');
  const element = event.target;
  const before = element.getAttribute('data-status') + element.style.top + element.style.left;
  const start = performance.now();
  const wait = () => {
    const now = element.getAttribute('data-status') + element.style.top + element.style.left;
    if (now !== before || performance.now() - start > 1000) {
      requestAnimationFrame(() => window.bench.drops.push(performance.now() - start));
    } else requestAnimationFrame(wait);
  };
  if (id) requestAnimationFrame(wait);
}, true);
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(items: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "activate_dash.components.demo"]
    process = subprocess.Popen(
        [*command, "--items", str(items), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the board demo did not start")


def mouse(driver, kind: str, x: float, y: float, buttons: int) -> None:
    driver.execute_cdp_cmd(
        "Input.dispatchMouseEvent",
        {
            "type": kind,
            "x": x,
            "y": y,
            "button": "left",
            "buttons": buttons,
            "clickCount": 1 if kind != "mouseMoved" else 0,
        },
    )


def one_run(url: str, drags: int, steps: int) -> dict[str, float]:
    from selenium import webdriver

    from activate_dash.headless_chrome import chrome_options

    driver = webdriver.Chrome(options=chrome_options(UNCAPPED_FRAMES))
    try:
        driver.get(url)
        for _ in range(100):
            if driver.execute_script("return document.querySelectorAll('[data-item-id]').length"):
                break
            time.sleep(0.1)
        driver.execute_script(INSTRUMENT)
        time.sleep(0.5)
        columns = driver.execute_script(
            "return [...document.querySelectorAll('[data-column]')].map((c) => {"
            "const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height];})"
        )
        frames: list[float] = []
        work: list[float] = []
        long_tasks: list[float] = []
        for k in range(drags):
            box = driver.execute_script(
                "const items = document.querySelectorAll('[data-item-id]');"
                "const r = items[arguments[0] % items.length].getBoundingClientRect();"
                "return [r.left + r.width / 2, r.top + r.height / 2];",
                k * 37,
            )
            left, top, width, height = columns[(3 * k + 1) % (len(columns) - 1)]
            target = (left + width / 2, top + height * (0.2 + 0.1 * (k % 5)))
            driver.execute_script(
                "window.bench.frames = []; window.bench.work = []; window.bench.recording = true;"
                "window.bench.start = performance.now();"
            )
            mouse(driver, "mousePressed", box[0], box[1], 1)
            for step in range(1, steps + 1):
                f = step / steps
                x = box[0] + (target[0] - box[0]) * f
                y = box[1] + (target[1] - box[1]) * f
                mouse(driver, "mouseMoved", x, y, 1)
            driver.execute_script("window.bench.recording = false;")
            frames += driver.execute_script("return window.bench.frames")
            work += driver.execute_script("return window.bench.work")
            mouse(driver, "mouseReleased", target[0], target[1], 0)
            time.sleep(0.5)
            long_tasks += [
                duration
                for start, duration in driver.execute_script("return window.bench.longTasks")
                if start >= driver.execute_script("return window.bench.start")
            ]
        drops = driver.execute_script("return window.bench.drops")
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
    frames.sort()
    work.sort()
    return {
        "frames": len(frames),
        "median_work_ms": statistics.median(work),
        "p95_work_ms": work[int(0.95 * (len(work) - 1))],
        "median_frame_ms": statistics.median(frames),
        "p95_frame_ms": frames[int(0.95 * (len(frames) - 1))],
        "max_frame_ms": frames[-1],
        "long_tasks": len(long_tasks),
        "max_long_task_ms": max(long_tasks, default=0.0),
        "median_drop_ms": statistics.median(drops) if drops else float("nan"),
        "console_errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drags", type=int, default=6, help="drags per run")
    parser.add_argument("--steps", type=int, default=60, help="pointer moves per drag")
    parser.add_argument("--items", type=int, default=200)
    args = parser.parse_args()

    process, url = start_demo(args.items)
    try:
        results = []
        for run in range(args.runs):
            result = one_run(url, args.drags, args.steps)
            results.append(result)
            print(f"run {run + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()))
    finally:
        process.kill()
    print(f"\nmedian of {args.runs} runs, {args.items} items, {args.drags} drags per run:")
    for key in results[0]:
        print(f"  {key:18s} {statistics.median(r[key] for r in results):8.2f}")
    js = __import__("pathlib").Path(__file__).parents[1] / "activate_dash/components"
    sizes = {
        p.name: p.stat().st_size for p in sorted(js.glob("class_board.*")) if p.suffix != ".py"
    }
    print("  bundle: " + ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in sizes.items()))


if __name__ == "__main__":
    main()

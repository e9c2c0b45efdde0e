"""Which heavy libraries the light entry points load, and how long they take to import.

    python benchmarks/import_time.py [--runs 5]

Each import runs in a fresh interpreter; prints the median wall time and whether TensorFlow,
Keras, UMAP, numba or Dash were loaded. Target: `activate_dash`, `activate_dash.data` and the
store load none of them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

HEAVY = ("tensorflow", "keras", "umap", "numba", "dash")
TARGETS = ("activate_dash", "activate_dash.data", "activate_dash.store", "activate_dash.engine")
CODE = (
    "import sys, time; t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t, ','.join(m for m in {heavy!r} if m in sys.modules))"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for module in TARGETS:
        times, loaded = [], ""
        for _ in range(args.runs):
            output = subprocess.run(
                [sys.executable, "-c", CODE.format(module=module, heavy=HEAVY)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            times.append(float(output[0]))
            loaded = output[1] if len(output) > 1 else ""
        print(f"{module:24s} {1000 * statistics.median(times):6.0f} ms  heavy: {loaded or 'none'}")


if __name__ == "__main__":
    main()

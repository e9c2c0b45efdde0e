"""Helper for the store's kill test: writes labels forever, one transaction each.

Usage: python store_writer.py DB_PATH PROJECT_ID

Sample i gets label i % n_classes and confidence (i % 100) / 100. Each sample id is printed (and
flushed) only after its write returned, so every printed sample must survive a SIGKILL.
"""

from __future__ import annotations

import sys

from activate_dash.store import Store


def main(argv: list[str]) -> None:
    """Open the store at argv[1] and label project argv[2]'s pool in a loop until killed."""
    store = Store(f"sqlite:///{argv[1]}")
    project = store.get_project(int(argv[2]))
    step = 0
    while True:
        sample = step % project.pool_size
        store.set_label(
            project.id,
            sample,
            label=sample % project.n_classes,
            confidence=(sample % 100) / 100,
            status="manual",
            iteration=1,
        )
        sys.stdout.write(f"{sample}\n")
        sys.stdout.flush()
        step += 1


if __name__ == "__main__":
    main(sys.argv)

"""Options for Debian's headless Chromium, shared by the browser tests and the benchmarks.

Selenium comes with the `[test]` extra (through `dash[testing]`); it is imported only when the
options are built.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Without the networking flags Chromium keeps calling Google's hosts, which a closed network
# refuses; the sandbox and /dev/shm flags let it run as root in a container.
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1400,1000",
)


def chrome_options(extra_flags: Iterable[str] = ()) -> Any:
    """selenium ChromeOptions with CHROME_FLAGS and `extra_flags`."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (*CHROME_FLAGS, *extra_flags):
        options.add_argument(flag)
    return options

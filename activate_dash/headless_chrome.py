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


# Chromium asks before a page starts a second download without a click of its own (dcc.Download
# answers a callback, so every download after the first would wait on a prompt nobody sees).
CHROME_PREFS = {"profile.default_content_setting_values.automatic_downloads": 1}


def chrome_options(extra_flags: Iterable[str] = ()) -> Any:
    """selenium ChromeOptions with CHROME_FLAGS, `extra_flags` and CHROME_PREFS.

    Preferences added later (dash_duo adds its download folder) are merged with these instead
    of replacing them.
    """
    from selenium.webdriver.chrome.options import Options

    class MergedPrefsOptions(Options):
        def add_experimental_option(self, name: str, value: Any) -> None:
            if name == "prefs":
                value = {**self.experimental_options.get("prefs", {}), **value}
            super().add_experimental_option(name, value)

    options = MergedPrefsOptions()
    for flag in (*CHROME_FLAGS, *extra_flags):
        options.add_argument(flag)
    options.add_experimental_option("prefs", dict(CHROME_PREFS))
    return options

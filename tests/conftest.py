"""Shared pytest configuration: Chrome options for the dash_duo browser tests."""

from __future__ import annotations


def pytest_setup_options():
    """dash[testing] hook: the options every dash_duo browser starts with."""
    from activate_dash.headless_chrome import chrome_options

    return chrome_options()

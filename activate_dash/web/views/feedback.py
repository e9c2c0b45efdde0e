"""Words for the person in the `message` element."""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc

from activate_dash.errors import ActivateError
from activate_dash.web.ids import Ids

log = logging.getLogger("activate_dash.web")


def notice(text: str, colour: str = "info") -> dbc.Alert:
    """A notice: what just happened."""
    return dbc.Alert(text, color=colour, className="py-1 px-2 mb-0", dismissable=True)


def refusal(error: Exception) -> dbc.Alert:
    """A refused request: the error's own words for our errors, a generic line for the rest."""
    if isinstance(error, ActivateError):
        return notice(str(error), "danger")
    log.exception("unexpected error in a callback", exc_info=error)
    return notice(f"Something went wrong ({type(error).__name__}); nothing was changed.", "danger")


def message_area() -> object:
    from dash import html

    return html.Div(id=Ids.MESSAGE, role="status", **{"aria-live": "polite"})

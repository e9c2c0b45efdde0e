"""Train: a background callback (Diskcache or Celery manager) with progress and cancel.

The web process never runs TensorFlow: the job trains, stores the iteration and the guide's
pool probabilities, and the page then reads those.
"""

from __future__ import annotations

import time

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

from activate_dash.web.ids import Ids
from activate_dash.web.training_job import train_project
from activate_dash.web.views.feedback import notice, refusal
from activate_dash.web.workspace import Workspace


def layout() -> html.Div:
    return html.Div(
        [
            dbc.Button("Train", id=Ids.TRAIN_BUTTON, color="success", className="me-2"),
            dbc.Button(
                "Cancel",
                id=Ids.CANCEL_BUTTON,
                color="danger",
                outline=True,
                disabled=True,
                className="me-2",
            ),
            dbc.Progress(
                id=Ids.TRAIN_PROGRESS,
                value=0,
                label="",
                className="flex-grow-1",
                style={"height": "22px"},
            ),
        ],
        className="d-flex align-items-center mb-2",
    )


def register(app: Dash, workspace: Workspace) -> None:
    @app.callback(
        Output(Ids.TRAIN_DONE, "data"),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.TRAIN_BUTTON, "n_clicks"),
        State(Ids.CURRENT_PROJECT, "data"),
        background=True,
        running=[
            (Output(Ids.TRAIN_BUTTON, "disabled"), True, False),
            (Output(Ids.CANCEL_BUTTON, "disabled"), False, True),
        ],
        progress=[Output(Ids.TRAIN_PROGRESS, "value"), Output(Ids.TRAIN_PROGRESS, "label")],
        progress_default=[0, ""],
        cancel=[Input(Ids.CANCEL_BUTTON, "n_clicks")],
        interval=250,
        prevent_initial_call=True,
    )
    def train(set_progress, _clicks, token):
        """Runs in the job process: train, store, and say how it went."""
        try:
            set_progress((0, "starting"))
            with workspace.reopen() as own:  # nothing of the forking web process is touched
                summary = train_project(
                    own, own.resolve(token), lambda pct, words: set_progress((pct, words))
                )
        except Exception as error:
            return no_update, refusal(error)
        set_progress((100, "done"))
        return {"iteration": summary.iteration, "at": time.time()}, notice(
            summary.message(), "success"
        )

    @app.callback(
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.CANCEL_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
    def say_cancelled(_clicks):
        return notice(
            "Training cancelled: your labels and the previous models are unchanged.", "warning"
        )

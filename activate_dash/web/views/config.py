"""Configuration: training schemes, classifier, IL neighbour space, epochs, guide, projection.
(N and the selection scheme sit beside the Ask button.) Every choice is stored per project."""

from __future__ import annotations

import time

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from activate_dash.engine.models import CLASSIFIERS
from activate_dash.engine.projection import PROJECTIONS
from activate_dash.engine.training import IL_SPACES, TRAINING_SCHEMES
from activate_dash.web.ids import Ids
from activate_dash.web.views.feedback import notice, refusal
from activate_dash.web.views.training import layout as training_layout
from activate_dash.web.workspace import Workspace


def _row(label: str, control) -> dbc.Row:
    return dbc.Row(
        [dbc.Label(label, width=4, className="small"), dbc.Col(control, width=8)],
        className="mb-1 align-items-center",
    )


def layout() -> dbc.Card:
    options = lambda names: [{"label": v, "value": k} for k, v in names.items()]  # noqa: E731
    return dbc.Card(
        [
            dbc.CardHeader("Configuration and training", className="fw-semibold py-1"),
            dbc.CardBody(
                [
                    _row(
                        "Training schemes",
                        dbc.Checklist(
                            id=Ids.SCHEMES_CHECKLIST,
                            options=[{"label": s, "value": s} for s in TRAINING_SCHEMES],
                            value=list(TRAINING_SCHEMES),
                            inline=True,
                        ),
                    ),
                    _row(
                        "Classifier",
                        dbc.Select(
                            id=Ids.CLASSIFIER_DROPDOWN,
                            options=options(CLASSIFIERS),
                            value="cnn",
                            size="sm",
                        ),
                    ),
                    _row(
                        "Epochs",
                        dbc.Input(
                            id=Ids.EPOCHS_INPUT,
                            type="number",
                            min=1,
                            max=50,
                            step=1,
                            value=5,
                            size="sm",
                        ),
                    ),
                    _row(
                        "IL neighbour space",
                        dbc.Select(
                            id=Ids.IL_SPACE_DROPDOWN,
                            options=options(IL_SPACES),
                            value="features",
                            size="sm",
                        ),
                    ),
                    _row(
                        "Guide scheme",
                        dbc.Select(
                            id=Ids.GUIDE_DROPDOWN,
                            options=[{"label": "auto (best test accuracy)", "value": "auto"}]
                            + [{"label": s, "value": s} for s in TRAINING_SCHEMES],
                            value="auto",
                            size="sm",
                        ),
                    ),
                    _row(
                        "Projection",
                        dbc.Select(
                            id=Ids.PROJECTION_DROPDOWN,
                            options=options(PROJECTIONS),
                            value="umap",
                            size="sm",
                        ),
                    ),
                    dbc.Progress(
                        id=Ids.PROJECTION_PROGRESS,
                        value=0,
                        label="",
                        className="mb-1",
                        style={"height": "14px", "display": "none"},
                    ),
                    dcc.Store(id=Ids.PROJECTION_REQUEST),
                    dcc.Store(id=Ids.PROJECTION_DONE),
                    html.Hr(className="my-2"),
                    training_layout(),
                ],
                className="p-2",
            ),
        ]
    )


CONTROLS = (
    Ids.SCHEMES_CHECKLIST,
    Ids.CLASSIFIER_DROPDOWN,
    Ids.EPOCHS_INPUT,
    Ids.IL_SPACE_DROPDOWN,
    Ids.GUIDE_DROPDOWN,
)


def register(app: Dash, workspace: Workspace) -> None:
    @app.callback(
        [Output(c, "value") for c in CONTROLS],
        Output(Ids.PROJECTION_DROPDOWN, "value"),
        Output(Ids.N_INPUT, "value"),
        Output(Ids.SELECTION_DROPDOWN, "value"),
        Input(Ids.CURRENT_PROJECT, "data"),
    )
    def load_settings(token):
        if not token:
            return [no_update] * (len(CONTROLS) + 3)
        project_id = workspace.resolve(token)
        s = workspace.settings(project_id)
        return (
            list(s.schemes),
            s.classifier,
            s.epochs,
            s.il_space,
            s.guide,
            workspace.info(project_id).projection,
            s.n,
            s.selection,
        )

    @app.callback(
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        [Input(c, "value") for c in CONTROLS],
        State(Ids.CURRENT_PROJECT, "data"),
        prevent_initial_call=True,
    )
    def save_settings(schemes, classifier, epochs, il_space, guide, token):
        try:
            project_id = workspace.resolve(token)
            before = workspace.settings(project_id)
            after = workspace.save_settings(
                project_id,
                schemes=tuple(schemes or ()),
                classifier=classifier,
                epochs=epochs,
                il_space=il_space,
                guide=guide,
            )
        except Exception as error:
            return refusal(error)
        return (
            no_update
            if after == before
            else notice("Settings saved for the next training.", "light")
        )

    @app.callback(
        Output(Ids.PROJECTION_DONE, "data"),
        Output(Ids.PROJECTION_REQUEST, "data"),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.PROJECTION_DROPDOWN, "value"),
        State(Ids.CURRENT_PROJECT, "data"),
        prevent_initial_call=True,
    )
    def change_projection(method, token):
        """A projection at hand switches at once; another is computed in the background."""
        try:
            project_id = workspace.resolve(token)
            if method == workspace.info(project_id).projection:
                return no_update, no_update, no_update
            if not workspace.projection_ready(project_id, method):
                request = {"token": token, "method": method}
                return no_update, request, notice(f"Computing the {PROJECTIONS[method]} map…")
            workspace.use_projection(project_id, method)
        except Exception as error:
            return no_update, no_update, refusal(error)
        return (
            {"method": method, "at": time.time()},
            no_update,
            notice(f"Projection: {PROJECTIONS[method]}."),
        )

    @app.callback(
        Output(Ids.PROJECTION_DONE, "data", allow_duplicate=True),
        Output(Ids.PROJECTION_DROPDOWN, "value", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.PROJECTION_REQUEST, "data"),
        background=True,
        running=[
            (Output(Ids.PROJECTION_DROPDOWN, "disabled"), True, False),
            (
                Output(Ids.PROJECTION_PROGRESS, "style"),
                {"height": "14px"},
                {"height": "14px", "display": "none"},
            ),
        ],
        progress=[
            Output(Ids.PROJECTION_PROGRESS, "value"),
            Output(Ids.PROJECTION_PROGRESS, "label"),
        ],
        progress_default=[0, ""],
        interval=500,
        prevent_initial_call=True,
    )
    def compute_projection(set_progress, request):
        """Runs in a job process: compute the map (UMAP: about a minute), store, reload."""
        started = time.perf_counter()
        method = (request or {}).get("method")

        def report(stage: str, done: int, total: int) -> None:
            set_progress((round(100 * done / max(1, total)), stage))

        try:
            with workspace.reopen() as own:  # nothing of the forking web process is touched
                project_id = own.resolve((request or {}).get("token"))
                try:
                    own.use_projection(project_id, method, report)
                except Exception as error:
                    return no_update, own.info(project_id).projection, refusal(error)
        except Exception as error:
            return no_update, no_update, refusal(error)
        seconds = time.perf_counter() - started
        words = f"Projection: {PROJECTIONS[method]} (computed in {seconds:.0f} s)."
        return {"method": method, "at": time.time()}, no_update, notice(words, "success")

"""Configuration: training schemes, classifier, IL neighbour space, epochs, guide, projection.
(N and the selection scheme sit beside the Ask button.) Every choice is stored per project."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

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
        Output(Ids.CURRENT_PROJECT, "data", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.PROJECTION_DROPDOWN, "value"),
        State(Ids.CURRENT_PROJECT, "data"),
        prevent_initial_call=True,
    )
    def change_projection(method, token):
        """A new projection reloads the pool view (computed here only when it is quick)."""
        try:
            project_id = workspace.resolve(token)
            info = workspace.info(project_id)
            if method == info.projection:
                return no_update, no_update
            if not workspace.projection_ready(project_id, method):
                return no_update, notice(
                    f"{PROJECTIONS.get(method, method)} is not computed for this dataset yet: "
                    f"run `python -m activate_dash projection --dataset {info.dataset_spec} "
                    f"--method {method}` once, then choose it again.",
                    "warning",
                )
            workspace.points(project_id, method)
            workspace.store.update_project(project_id, projection=method)
        except Exception as error:
            return no_update, refusal(error)
        return token, notice(f"Projection: {PROJECTIONS[method]}.")

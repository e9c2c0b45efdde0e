"""The project bar: the page's project, new project (bundled or uploaded), resume, the message."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from activate_dash.web.ids import Ids
from activate_dash.web.uploads import MAX_UPLOAD_BYTES, upload_summary
from activate_dash.web.views.feedback import message_area, notice, refusal
from activate_dash.web.workspace import Workspace

BUNDLED_CHOICES = [
    {"label": "MNIST digits (bundled, 8,000)", "value": "mnist"},
    {"label": "scikit-learn digits (8x8, 1,437)", "value": "digits"},
]


def layout(default_dataset: str) -> dbc.Navbar:
    choices = list(BUNDLED_CHOICES)
    if default_dataset not in {c["value"] for c in choices}:
        choices.insert(0, {"label": default_dataset, "value": default_dataset})
    return dbc.Navbar(
        dbc.Container(
            [
                dcc.Store(id=Ids.PROJECT_STORE, storage_type="local"),
                dcc.Store(id=Ids.CURRENT_PROJECT, storage_type="memory"),
                dbc.NavbarBrand("activate_dash", className="me-3 fw-semibold"),
                html.Span(id=Ids.PROJECT_LABEL, className="me-3 text-muted small"),
                dcc.Dropdown(
                    id=Ids.DATASET_DROPDOWN,
                    options=choices,
                    value=default_dataset,
                    clearable=False,
                    style={"width": "260px"},
                    className="me-2",
                ),
                dbc.Button("New project", id=Ids.NEW_PROJECT_BUTTON, size="sm", className="me-2"),
                # assets/upload_limit.js reads data-max-bytes: dcc.Upload drops a larger file
                # without a word, the script says why in `message` first.
                html.Div(
                    dcc.Upload(
                        html.A(
                            "Upload .zip / .npz",
                            role="button",
                            title=(
                                "New project on your images: a .zip of one folder per class (or"
                                " a flat folder with classes.txt), or an .npz;"
                                f" at most {MAX_UPLOAD_BYTES // 1_000_000} MB"
                            ),
                        ),
                        id=Ids.UPLOAD,
                        accept=".zip,.npz",
                        max_size=MAX_UPLOAD_BYTES,  # not sent at all (the server checks again)
                        multiple=False,
                        className="btn btn-sm btn-outline-secondary text-nowrap",
                    ),
                    className="me-3",
                    **{"data-max-bytes": str(MAX_UPLOAD_BYTES)},
                ),
                dbc.Input(
                    id=Ids.RESUME_INPUT,
                    placeholder="project id",
                    size="sm",
                    style={"width": "190px"},
                    className="me-1",
                ),
                dbc.Button("Resume", id=Ids.RESUME_BUTTON, size="sm", outline=True),
                html.Div(message_area(), className="ms-3 flex-grow-1"),
            ],
            fluid=True,
            className="d-flex flex-nowrap align-items-center",
        ),
        color="light",
        dark=False,  # dbc's default is dark text colours, unreadable on a light bar
        className="mb-2 py-1",
    )


def register(app: Dash, workspace: Workspace, default_dataset: str) -> None:
    @app.callback(
        Output(Ids.CURRENT_PROJECT, "data"),
        Output(Ids.MESSAGE, "children"),
        Input(Ids.PROJECT_STORE, "modified_timestamp"),
        State(Ids.PROJECT_STORE, "data"),
        State(Ids.CURRENT_PROJECT, "data"),
    )
    def open_remembered_project(_stamp, remembered, current):
        """At load: the project this browser used last, or a new one on the bundled data."""
        if remembered and remembered == current:
            return no_update, no_update
        if remembered:
            try:
                workspace.resolve(remembered)
                return remembered, no_update
            except Exception as error:
                return no_update, refusal(error)
        try:
            token = workspace.new_project(default_dataset)
        except Exception as error:
            return no_update, refusal(error)
        return token, notice(f"Started project {token} on {default_dataset}.")

    @app.callback(
        Output(Ids.PROJECT_STORE, "data"),
        Input(Ids.CURRENT_PROJECT, "data"),
        State(Ids.PROJECT_STORE, "data"),
    )
    def remember_project(current, remembered):
        return no_update if not current or current == remembered else current

    @app.callback(
        Output(Ids.CURRENT_PROJECT, "data", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.NEW_PROJECT_BUTTON, "n_clicks"),
        State(Ids.DATASET_DROPDOWN, "value"),
        prevent_initial_call=True,
    )
    def new_project(_clicks, dataset):
        try:
            token = workspace.new_project(str(dataset))
        except Exception as error:
            return no_update, refusal(error)
        return token, notice(f"Started project {token} on {dataset}.")

    @app.callback(
        Output(Ids.CURRENT_PROJECT, "data", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.UPLOAD, "contents"),
        State(Ids.UPLOAD, "filename"),
        running=[(Output(Ids.UPLOAD, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def new_project_from_upload(contents, filename):
        """A new project on an uploaded file; a bad file changes nothing and says why."""
        if not contents:
            return no_update, no_update
        try:
            token = workspace.new_project_from_upload(filename, contents)
            dataset = workspace.dataset(workspace.resolve(token))
        except Exception as error:
            return no_update, refusal(error)
        return token, notice(upload_summary(token, filename, dataset))

    @app.callback(
        Output(Ids.CURRENT_PROJECT, "data", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.RESUME_BUTTON, "n_clicks"),
        State(Ids.RESUME_INPUT, "value"),
        prevent_initial_call=True,
    )
    def resume_project(_clicks, token):
        try:
            workspace.resolve((token or "").strip())
        except Exception as error:
            return no_update, refusal(error)
        return token.strip(), notice(f"Resumed project {token.strip()}.")

    @app.callback(Output(Ids.PROJECT_LABEL, "children"), Input(Ids.CURRENT_PROJECT, "data"))
    def show_project(token):
        if not token:
            return "no project"
        try:
            info = workspace.info(workspace.resolve(token))
        except Exception:
            return "no project"
        return f"Project {token} · {info.name} · {info.pool_size:,} samples"

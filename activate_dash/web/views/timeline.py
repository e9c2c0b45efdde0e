"""The iteration timeline (download any iteration's models) and the label exports."""

from __future__ import annotations

import csv
import io
import json

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from activate_dash.web.ids import Ids, model_download_id
from activate_dash.web.views.feedback import refusal
from activate_dash.web.workspace import Workspace

EXPORT_FIELDS = (
    "id",
    "class",
    "confidence",
    "status",
    "iteration",
    "machine_prediction",
    "machine_probability",
)


def layout() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader("Iterations and exports", className="fw-semibold py-1"),
            dbc.CardBody(
                [
                    html.Div(
                        [
                            dbc.Button(
                                "Export labels (CSV)",
                                id=Ids.EXPORT_CSV_BUTTON,
                                size="sm",
                                outline=True,
                                className="me-2",
                            ),
                            dbc.Button(
                                "Export labels (JSON)",
                                id=Ids.EXPORT_JSON_BUTTON,
                                size="sm",
                                outline=True,
                            ),
                        ],
                        className="mb-2",
                    ),
                    html.Div(id=Ids.TIMELINE, className="small"),
                    dcc.Download(id=Ids.DOWNLOAD),
                ],
                className="p-2",
            ),
        ]
    )


def labels_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def timeline_rows(workspace: Workspace, project_id: int) -> list:
    rows = []
    for record in reversed(workspace.iterations(project_id)):
        schemes = workspace.store.model_schemes(project_id, record.number)
        rows.append(
            html.Div(
                [
                    html.Span(
                        f"#{record.number}: {record.n_labels} labels, {record.classifier}, "
                        f"guide {record.guide}, {record.relabels} relabels · models: ",
                        className="me-1",
                    ),
                    *[
                        dbc.Button(
                            f"{s}.keras",
                            id=model_download_id(record.number, s),
                            size="sm",
                            color="link",
                            className="p-0 me-2",
                        )
                        for s in schemes
                    ],
                ]
            )
        )
    return rows or [html.Span("No iterations yet.", className="text-muted")]


def register(app: Dash, workspace: Workspace) -> None:
    @app.callback(
        Output(Ids.TIMELINE, "children"),
        Input(Ids.CURRENT_PROJECT, "data"),
        Input(Ids.TRAIN_DONE, "data"),
    )
    def show_timeline(token, _done):
        if not token:
            return no_update
        return timeline_rows(workspace, workspace.resolve(token))

    @app.callback(
        Output(Ids.DOWNLOAD, "data"),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.EXPORT_CSV_BUTTON, "n_clicks"),
        Input(Ids.EXPORT_JSON_BUTTON, "n_clicks"),
        Input(model_download_id(ALL, ALL), "n_clicks"),
        State(Ids.CURRENT_PROJECT, "data"),
        prevent_initial_call=True,
    )
    def download(_csv, _json, model_clicks, token):
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not any(model_clicks or []):
            return no_update, no_update
        try:
            project_id = workspace.resolve(token)
            stem = f"activate-project-{project_id}"
            if trigger == Ids.EXPORT_CSV_BUTTON:
                text = labels_csv(workspace.export_rows(project_id))
                return dcc.send_string(text, f"{stem}-labels.csv"), no_update
            if trigger == Ids.EXPORT_JSON_BUTTON:
                text = json.dumps(workspace.export_rows(project_id), indent=1)
                return dcc.send_string(text, f"{stem}-labels.json"), no_update
            iteration, scheme = int(trigger["iteration"]), str(trigger["scheme"])
            data = workspace.store.model_bytes(project_id, iteration, scheme)
            return dcc.send_bytes(data, f"{stem}-iteration{iteration}-{scheme}.keras"), no_update
        except Exception as error:
            return no_update, refusal(error)

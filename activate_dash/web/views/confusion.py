"""Confusion matrix of the guide model on the test set; a click on a cell marks the pool
samples the model predicts as that cell's class and shows the cell's test samples."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, Patch, State, dcc, html, no_update

from activate_dash.web import figures
from activate_dash.web.ids import Ids
from activate_dash.web.views.feedback import notice, refusal
from activate_dash.web.workspace import Workspace

MAX_THUMBNAILS = 40  # test images shown for a clicked cell
THUMBNAIL_STYLE = {
    "width": "32px",
    "height": "32px",
    "imageRendering": "pixelated",
    "margin": "1px",
    "border": "1px solid #ccc",
}


def layout() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                "Confusion matrix (guide model, test set)", className="fw-semibold py-1"
            ),
            dbc.CardBody(
                [
                    dcc.Graph(id=Ids.CONFUSION_GRAPH, config={"displaylogo": False}),
                    html.Div(id=Ids.CONFUSION_SAMPLES, className="small text-muted"),
                ],
                className="p-2",
            ),
        ]
    )


def register(app: Dash, workspace: Workspace) -> None:
    @app.callback(
        Output(Ids.CONFUSION_GRAPH, "figure"),
        Input(Ids.CURRENT_PROJECT, "data"),
        Input(Ids.TRAIN_DONE, "data"),
    )
    def show_confusion(token, _done):
        if not token:
            return no_update
        project_id = workspace.resolve(token)
        latest = workspace.store.latest_iteration(project_id)
        names = workspace.class_names(project_id)
        return figures.confusion_figure(None if latest is None else latest.confusion, names)

    @app.callback(
        Output(Ids.POOL_GRAPH, "figure", allow_duplicate=True),
        Output(Ids.CONFUSION_SAMPLES, "children"),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.CONFUSION_GRAPH, "clickData"),
        State(Ids.CURRENT_PROJECT, "data"),
        prevent_initial_call=True,
    )
    def highlight_cell(click, token):
        try:
            project_id = workspace.resolve(token)
            point = click["points"][0]
            cell = workspace.confusion_cell(project_id, point["y"], point["x"])
            if cell.pool_samples is None:
                return no_update, no_update, notice("Train a model first.")
            patch = Patch()
            points = workspace.points(project_id)
            update = figures.highlight_trace_update(points, cell.pool_samples)
            patch["data"][figures.HIGHLIGHT].update(update)
            shown = [] if cell.test_samples is None else cell.test_samples[:MAX_THUMBNAILS]
            thumbnails = workspace.test_thumbnails(project_id, shown)
        except Exception as error:
            return no_update, no_update, refusal(error)
        first = f" (the first {len(shown)} below)" if 0 < len(shown) < point["z"] else ""
        words = (
            f"Cell true {point['y']} / predicted {point['x']}: {point['z']} test samples{first}."
            f" Marked on the pool: the {len(cell.pool_samples):,} samples the model predicts as"
            f" {point['x']}."
        )
        images = [
            html.Img(src=src, title=f"test sample {sample}", style=THUMBNAIL_STYLE)
            for src, sample in zip(thumbnails, shown, strict=True)
        ]
        return patch, [html.Div(words), html.Div(images, className="mt-1")], no_update

"""The sample pool: the projection as a WebGL scatter; hover shows the image, click or lasso
puts samples on the board. Only the small traces are ever patched after the first load."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
from dash import Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from activate_dash.components.items import class_colors, image_data_uri
from activate_dash.web import figures
from activate_dash.web.ids import Ids
from activate_dash.web.views.feedback import notice, refusal
from activate_dash.web.workspace import Workspace


def layout() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span("Sample pool", className="fw-semibold me-3"),
                    dbc.Switch(
                        id=Ids.CONFIDENCE_SWITCH,
                        label="colour by the machine's confidence",
                        value=False,
                        className="d-inline-block small mb-0",
                    ),
                ],
                className="d-flex align-items-center py-1",
            ),
            dbc.CardBody(
                [
                    dcc.Graph(
                        id=Ids.POOL_GRAPH,
                        # the four traces, empty: a Patch that arrives before the pool has
                        # loaded (an ask right after the page opens) has something to patch
                        figure=figures.pool_figure(np.zeros((0, 2)), {}, {}),
                        config={"displaylogo": False, "scrollZoom": True},
                        clear_on_unhover=True,
                        style={"height": "520px"},
                    ),
                    dcc.Tooltip(id=Ids.POOL_TOOLTIP, direction="right"),
                ],
                className="p-1",
            ),
        ]
    )


def pool_traces(workspace: Workspace, project_id: int, points: np.ndarray) -> tuple[dict, dict]:
    """The LABELLED and BOARD trace contents of a project."""
    arrays = workspace.store.label_arrays(project_id)
    colours = class_colors(workspace.info(project_id).n_classes)
    labelled = figures.labelled_trace_update(points, arrays.samples, arrays.labels, colours)
    board = figures.board_trace_update(
        points, workspace.board(project_id), workspace.machine_chosen(project_id)
    )
    return labelled, board


def confidence_of(workspace: Workspace, project_id: int) -> np.ndarray | None:
    probabilities = workspace.probabilities(project_id)
    return None if probabilities is None else probabilities.max(axis=1)


def samples_of(event: dict | None) -> list[int]:
    """Pool sample ids of the points in a click or selection event."""
    samples = []
    for point in (event or {}).get("points", []):
        if point.get("curveNumber") == figures.POOL:
            samples.append(point.get("pointIndex", point.get("pointNumber")))
        elif "customdata" in point:
            samples.append(point["customdata"])
    return samples


def hover_card(workspace: Workspace, project_id: int, sample: int) -> list:
    """The tooltip: the image, the id, and the person's label or the machine's guess."""
    dataset = workspace.dataset(project_id)
    names = dataset.class_names
    labels = {r.sample: r for r in workspace.labels(project_id)}
    if sample in labels:
        record = labels[sample]
        words = f"label {names[record.label]} ({record.confidence:.0%}, {record.status})"
    else:
        probabilities = workspace.probabilities(project_id)
        words = (
            "unlabelled"
            if probabilities is None
            else f"machine: {names[int(probabilities[sample].argmax())]} "
            f"({float(probabilities[sample].max()):.0%})"
        )
    return [
        html.Img(
            src=image_data_uri(dataset.pool_images[sample]),
            style={"width": "84px", "imageRendering": "pixelated"},
        ),
        html.Div(f"sample {sample}", className="fw-semibold small"),
        html.Div(words, className="small"),
    ]


def register(app: Dash, workspace: Workspace) -> None:
    @app.callback(
        Output(Ids.POOL_GRAPH, "figure"),
        Input(Ids.CURRENT_PROJECT, "data"),
        Input(Ids.PROJECTION_DONE, "data"),
        State(Ids.CONFIDENCE_SWITCH, "value"),
    )
    def load_pool(token, _projection, by_confidence):
        """The whole figure, once per project (and per projection)."""
        if not token:
            return no_update
        project_id = workspace.resolve(token)
        points = workspace.points(project_id)
        labelled, board = pool_traces(workspace, project_id, points)
        info = workspace.info(project_id)
        confidence = confidence_of(workspace, project_id) if by_confidence else None
        return figures.pool_figure(
            points,
            labelled,
            board,
            title=f"{info.pool_size:,} samples · {info.projection.upper()}",
            confidence=confidence,
        )

    @app.callback(
        Output(Ids.POOL_GRAPH, "figure", allow_duplicate=True),
        Input(Ids.BOARD_VERSION, "data"),
        Input(Ids.TRAIN_DONE, "data"),
        Input(Ids.CONFIDENCE_SWITCH, "value"),
        State(Ids.CURRENT_PROJECT, "data"),
        prevent_initial_call=True,
    )
    def patch_pool(_version, _done, by_confidence, token):
        """Only the labelled and board traces (and the pool's colours when asked)."""
        if not token:
            return no_update
        project_id = workspace.resolve(token)
        points = workspace.points(project_id)
        labelled, board = pool_traces(workspace, project_id, points)
        patch = Patch()
        patch["data"][figures.LABELLED].update(labelled)
        patch["data"][figures.BOARD].update(board)
        if ctx.triggered_id != Ids.BOARD_VERSION:
            confidence = confidence_of(workspace, project_id) if by_confidence else None
            marker = (
                figures.confidence_marker(confidence)
                if confidence is not None
                else {"color": figures.GREY, "size": 4, "colorscale": None, "colorbar": None}
            )
            patch["data"][figures.POOL]["marker"] = marker
        return patch

    @app.callback(
        Output(Ids.POOL_TOOLTIP, "show"),
        Output(Ids.POOL_TOOLTIP, "bbox"),
        Output(Ids.POOL_TOOLTIP, "children"),
        Input(Ids.POOL_GRAPH, "hoverData"),
        State(Ids.CURRENT_PROJECT, "data"),
    )
    def show_hover(hover, token):
        samples = samples_of(hover)
        if not samples or not token:
            return False, no_update, no_update
        try:
            project_id = workspace.resolve(token)
            card = hover_card(workspace, project_id, int(samples[0]))
        except Exception:
            return False, no_update, no_update
        return True, hover["points"][0].get("bbox"), card

    @app.callback(
        Output(Ids.CLASS_BOARD, "items", allow_duplicate=True),
        Output(Ids.BOARD_VERSION, "data", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.POOL_GRAPH, "clickData"),
        Input(Ids.POOL_GRAPH, "selectedData"),
        State(Ids.CURRENT_PROJECT, "data"),
        State(Ids.BOARD_VERSION, "data"),
        prevent_initial_call=True,
    )
    def put_on_board(click, selection, token, version):
        """Clicked or lassoed samples join the board, placed by the machine when it can."""
        event = (
            click if ctx.triggered_id and "clickData" in ctx.triggered[0]["prop_id"] else selection
        )
        samples = samples_of(event)
        if not samples:
            return no_update, no_update, no_update
        try:
            project_id = workspace.resolve(token)
            added = workspace.add_to_board(project_id, samples)
        except Exception as error:
            return no_update, no_update, refusal(error)
        if not added:
            return no_update, no_update, notice("Those samples are already on the board.")
        patch = Patch()
        patch.extend(workspace.board_items(project_id, added))
        skipped = len(set(samples)) - len(added)
        extra = f" ({skipped} left off: already there or the board is full)" if skipped > 0 else ""
        return patch, (version or 0) + 1, notice(f"{len(added)} on the board{extra}.")

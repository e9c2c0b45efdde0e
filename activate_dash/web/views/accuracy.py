"""Accuracy: test accuracy per scheme against labels, the user-effort line, relabels, and the
current figures as large numbers."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html, no_update

from activate_dash.web import figures
from activate_dash.web.ids import Ids
from activate_dash.web.workspace import Workspace


def layout() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader("Accuracy", className="fw-semibold py-1"),
            dbc.CardBody(
                [
                    html.Div(id=Ids.ACCURACY_NUMBERS, className="d-flex gap-3 mb-1"),
                    dcc.Graph(id=Ids.ACCURACY_GRAPH, config={"displaylogo": False}),
                ],
                className="p-2",
            ),
        ]
    )


def big_numbers(history) -> list:
    if not history:
        return [
            html.Span(
                "No training yet: label some samples, then Train.", className="text-muted small"
            )
        ]
    latest = history[-1]
    cards = [
        html.Div(
            [
                html.Div(scheme, className="small text-muted"),
                html.Div(
                    "n/a" if acc is None else f"{100 * acc:.1f}%",
                    className="fs-4 fw-bold",
                    **{"data-scheme": scheme},
                ),
            ]
        )
        for scheme, acc in latest.accuracies.items()
    ]
    cards.append(
        html.Div(
            [
                html.Div("relabels (total)", className="small text-muted"),
                html.Div(
                    str(sum(r.relabels for r in history)),
                    className="fs-4 fw-bold",
                    id="relabels-total",
                ),
            ]
        )
    )
    return cards


def register(app: Dash, workspace: Workspace) -> None:
    @app.callback(
        Output(Ids.ACCURACY_GRAPH, "figure"),
        Output(Ids.ACCURACY_NUMBERS, "children"),
        Input(Ids.CURRENT_PROJECT, "data"),
        Input(Ids.TRAIN_DONE, "data"),
    )
    def show_accuracy(token, _done):
        if not token:
            return no_update, no_update
        history = workspace.iterations(workspace.resolve(token))
        return figures.accuracy_figure(history), big_numbers(history)

"""The class board and its actions: ask the machine, accept all, undo, and the review list.

Every change on the board is stored at once; a refused change puts the board back as stored.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, Patch, State, ctx, html, no_update

from activate_dash.components import ClassBoard, board_classes
from activate_dash.engine.selection import SELECTION_SCHEMES
from activate_dash.web.ids import Ids, review_item_id
from activate_dash.web.views.feedback import notice, refusal
from activate_dash.web.workspace import MAX_ADD, Workspace

SELECTION_LABELS = {
    "RS": "RS: random",
    "DS": "DS: farthest from the labelled",
    "LCRS": "LCRS: least confident of random",
    "LCDS": "LCDS: least confident of distant",
    "MCRS": "MCRS: smallest margin of random",
    "MCDS": "MCDS: smallest margin of distant",
    "ECRS": "ECRS: highest entropy of random",
    "ECDS": "ECDS: highest entropy of distant",
}


def layout() -> dbc.Card:
    actions = html.Div(
        [
            html.Span("Class board", className="fw-semibold me-3"),
            dbc.InputGroup(
                [
                    dbc.Button("Ask the machine for", id=Ids.ASK_BUTTON, color="primary"),
                    dbc.Input(
                        id=Ids.N_INPUT,
                        type="number",
                        min=1,
                        max=MAX_ADD,
                        step=1,
                        value=10,
                        style={"maxWidth": "70px"},
                    ),
                    dbc.InputGroupText("samples by"),
                    dbc.Select(
                        id=Ids.SELECTION_DROPDOWN,
                        options=[
                            {"label": SELECTION_LABELS[s], "value": s} for s in SELECTION_SCHEMES
                        ],
                        value="LCRS",
                        style={"maxWidth": "260px"},
                    ),
                ],
                size="sm",
                className="me-2 w-auto",
            ),
            dbc.Button(
                "Accept all machine guesses",
                id=Ids.ACCEPT_ALL_BUTTON,
                size="sm",
                color="secondary",
                className="me-2",
            ),
            dbc.Button(
                "Undo last label", id=Ids.UNDO_BUTTON, size="sm", outline=True, className="me-3"
            ),
            html.Span(id=Ids.RELABEL_COUNT, className="small text-muted"),
        ],
        className="d-flex align-items-center flex-wrap gap-1",
    )
    return dbc.Card(
        [
            dbc.CardHeader(actions, className="py-1"),
            dbc.CardBody(
                [
                    ClassBoard(id=Ids.CLASS_BOARD, classes=[], items=[], height=520),
                    html.Div(
                        [
                            html.Span("Review: ", className="small fw-semibold"),
                            html.Span(
                                "labels the latest model confidently disagrees with "
                                "(click one to put it back on the board)",
                                className="small text-muted",
                            ),
                            html.Div(id=Ids.REVIEW_LIST, className="d-flex flex-wrap gap-1"),
                        ],
                        className="mt-1",
                    ),
                ],
                className="p-2",
            ),
        ]
    )


def relabel_words(workspace: Workspace, project_id: int) -> str:
    corrected, given = workspace.pending_relabels(project_id)
    return f"This iteration: {given} labelled, {corrected} relabelled (corrected the machine)."


def review_entries(workspace: Workspace, project_id: int) -> list:
    entries = workspace.review(project_id)
    if not entries:
        return [html.Span("none", className="small text-muted")]
    return [
        dbc.Button(
            f"{e['sample']}: you {e['label']}, machine {e['machine']} {e['probability']:.0%}",
            id=review_item_id(e["sample"]),
            size="sm",
            color="warning",
            outline=True,
            className="py-0",
        )
        for e in entries
    ]


def register(app: Dash, workspace: Workspace) -> None:
    @app.callback(
        Output(Ids.CLASS_BOARD, "classes"),
        Output(Ids.CLASS_BOARD, "items"),
        Input(Ids.CURRENT_PROJECT, "data"),
        Input(Ids.TRAIN_DONE, "data"),
    )
    def load_board(token, _done):
        if not token:
            return no_update, no_update
        project_id = workspace.resolve(token)
        classes = board_classes(workspace.class_names(project_id))
        return classes, workspace.board_items(project_id)

    @app.callback(
        Output(Ids.BOARD_VERSION, "data"),
        Output(Ids.CLASS_BOARD, "items", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.CLASS_BOARD, "last_change"),
        State(Ids.CURRENT_PROJECT, "data"),
        State(Ids.BOARD_VERSION, "data"),
        prevent_initial_call=True,
    )
    def store_change(change, token, version):
        """Store the person's change at once; on refusal, show the board as stored."""
        try:
            project_id = workspace.resolve(token)
        except Exception as error:
            return no_update, no_update, refusal(error)
        try:
            outcome = workspace.apply_change(project_id, change)
        except Exception as error:
            return no_update, workspace.board_items(project_id), refusal(error)
        return (version or 0) + 1, no_update, notice(outcome.message, "light")

    @app.callback(
        Output(Ids.CLASS_BOARD, "items", allow_duplicate=True),
        Output(Ids.BOARD_VERSION, "data", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.ASK_BUTTON, "n_clicks"),
        State(Ids.N_INPUT, "value"),
        State(Ids.SELECTION_DROPDOWN, "value"),
        State(Ids.CURRENT_PROJECT, "data"),
        State(Ids.BOARD_VERSION, "data"),
        prevent_initial_call=True,
    )
    def ask(_clicks, n, scheme, token, version):
        try:
            project_id = workspace.resolve(token)
            workspace.save_settings(project_id, n=n, selection=scheme)
            added, note = workspace.ask(project_id, scheme, n)
        except Exception as error:
            return no_update, no_update, refusal(error)
        patch = Patch()
        patch.extend(workspace.board_items(project_id, added))
        words = f"The machine chose {len(added)} samples with {scheme}."
        return patch, (version or 0) + 1, notice(f"{words} {note}".strip())

    @app.callback(
        Output(Ids.CLASS_BOARD, "items", allow_duplicate=True),
        Output(Ids.BOARD_VERSION, "data", allow_duplicate=True),
        Output(Ids.MESSAGE, "children", allow_duplicate=True),
        Input(Ids.ACCEPT_ALL_BUTTON, "n_clicks"),
        Input(Ids.UNDO_BUTTON, "n_clicks"),
        Input(review_item_id(ALL), "n_clicks"),
        State(Ids.CURRENT_PROJECT, "data"),
        State(Ids.BOARD_VERSION, "data"),
        prevent_initial_call=True,
    )
    def board_action(_accept, _undo, review_clicks, token, version):
        """Accept all guesses, undo the last label, or put a reviewed sample back."""
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not any(review_clicks or []):
            return no_update, no_update, no_update
        try:
            project_id = workspace.resolve(token)
            if trigger == Ids.ACCEPT_ALL_BUTTON:
                accepted = workspace.accept_all(project_id)
                words = (
                    f"Confirmed {len(accepted)} machine guesses."
                    if accepted
                    else "No machine guesses to accept (train a model first)."
                )
            elif trigger == Ids.UNDO_BUTTON:
                sample = workspace.undo(project_id)
                words = (
                    "Nothing to undo." if sample is None else f"Undid the last label of {sample}."
                )
            else:
                sample = int(trigger["sample"])
                workspace.add_to_board(project_id, [sample])
                words = f"Sample {sample} is back on the board for review."
        except Exception as error:
            return no_update, no_update, refusal(error)
        return workspace.board_items(project_id), (version or 0) + 1, notice(words)

    @app.callback(
        Output(Ids.RELABEL_COUNT, "children"),
        Output(Ids.REVIEW_LIST, "children"),
        Input(Ids.BOARD_VERSION, "data"),
        Input(Ids.TRAIN_DONE, "data"),
        Input(Ids.CURRENT_PROJECT, "data"),
    )
    def show_counts(_version, _done, token):
        if not token:
            return no_update, no_update
        try:
            project_id = workspace.resolve(token)
        except Exception:
            return no_update, no_update
        return relabel_words(workspace, project_id), review_entries(workspace, project_id)

"""The class board on its own: `python -m activate_dash.components.demo [--port P]`.

Serves the board with bundled MNIST digits: half of them machine guesses with made-up
probabilities, the rest unlabelled, and a panel (`demo-last-change`) that prints `last_change`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

import numpy as np
from dash import Dash, Input, Output, html

from activate_dash.components.class_board import ClassBoard
from activate_dash.components.items import board_classes, board_item, image_data_uri

BOARD_ID = "class-board"
LAST_CHANGE_ID = "demo-last-change"


def made_up_probabilities(true_label: int, n_classes: int, rng: np.random.Generator) -> np.ndarray:
    """A plausible machine output: right 70% of the time, at a confidence between 0.3 and 0.98."""
    if rng.random() < 0.7:
        predicted = true_label
    else:
        predicted = int(rng.choice([c for c in range(n_classes) if c != true_label]))
    top = rng.uniform(0.3, 0.98)
    rest = rng.dirichlet(np.ones(n_classes - 1)) * (1.0 - top)
    rest = np.minimum(rest, top * 0.99)
    probabilities = np.insert(rest, predicted, top)
    return probabilities / probabilities.sum()


def demo_items(n_items: int = 20, seed: int = 0, machine_share: float = 0.5) -> list[dict]:
    """`n_items` bundled digits as board items, `machine_share` of them machine guesses."""
    from activate_dash.data import load_dataset

    dataset = load_dataset("mnist")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(dataset.pool_size, size=n_items, replace=False)
    n_machine = round(n_items * machine_share)
    items = []
    for rank, index in enumerate(chosen):
        src = image_data_uri(dataset.pool_images[index])
        probabilities = None
        if rank < n_machine:
            true_label = int(dataset.pool_labels[index])
            probabilities = made_up_probabilities(true_label, dataset.n_classes, rng)
        items.append(board_item(int(index), src, probabilities=probabilities))
    return items


def build_demo_app(
    items: Sequence[dict] | None = None,
    class_names: Sequence[str] = tuple(str(d) for d in range(10)),
    height: int = 520,
) -> Dash:
    """A Dash app with the board, the given items (default: 20 bundled digits) and the panel."""
    app = Dash(__name__, title="activate_dash: class board demo")
    board = ClassBoard(
        id=BOARD_ID,
        classes=board_classes(class_names),
        items=list(items) if items is not None else demo_items(),
        height=height,
    )
    app.layout = html.Div(
        [
            html.H4("Class board demo"),
            html.P(
                "Drag a digit into its column; the height is your confidence. Or focus one "
                "with Tab and press a digit, Up / Down, Enter or Delete."
            ),
            board,
            html.H5("last_change", style={"marginTop": "12px"}),
            html.Pre(id=LAST_CHANGE_ID, children="(no change yet)"),
        ],
        style={"maxWidth": "1100px", "margin": "16px auto", "fontFamily": "sans-serif"},
    )

    @app.callback(Output(LAST_CHANGE_ID, "children"), Input(BOARD_ID, "last_change"))
    def show_last_change(last_change: dict | None) -> str:
        return "(no change yet)" if last_change is None else json.dumps(last_change, indent=1)

    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m activate_dash.components.demo",
        description="Serve the class board alone on bundled MNIST digits.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8051, help="port (default 8051)")
    parser.add_argument("--items", type=int, default=20, help="digits on the board (max 200)")
    parser.add_argument("--debug", action="store_true", help="Dash debug mode")
    args = parser.parse_args(argv)
    if not 1 <= args.items <= 200:
        parser.error("--items must be between 1 and 200")
    app = build_demo_app(items=demo_items(args.items))
    print(f"Class board demo on http://{args.host}:{args.port}/", flush=True)
    # The version check calls a Plotly host from the browser: noise, and an error offline.
    app.run(host=args.host, port=args.port, debug=args.debug, dev_tools_disable_version_check=True)


if __name__ == "__main__":
    main()

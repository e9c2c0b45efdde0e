"""The Dash app: `create_app(...)` wires the views to a `Workspace` over the store.

Mounts on its own Flask server or on an existing one under a prefix (leaving the other routes
alone), runs training as background callbacks (a DiskcacheManager in the data directory by
default, or any manager given), and answers `<prefix>health` with 200 while the store answers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, dcc, html

from activate_dash.store import Store
from activate_dash.web.ids import Ids
from activate_dash.web.views import accuracy, board, config, confusion, pool, project, timeline
from activate_dash.web.views import training as training_view
from activate_dash.web.workspace import BUNDLED_DATASET, Workspace

DEFAULT_DATA_DIR = "data"


def default_data_dir() -> Path:
    return Path(os.environ.get("ACTIVATE_DATA_DIR", DEFAULT_DATA_DIR))


def diskcache_manager(data_dir: Path) -> Any:
    """The default background-callback manager: jobs in forked processes, results on disk."""
    import diskcache
    from dash import DiskcacheManager

    return DiskcacheManager(diskcache.Cache(str(data_dir / "jobs")))


def page(default_dataset: str) -> html.Div:
    return html.Div(
        [
            project.layout(default_dataset),
            dcc.Store(id=Ids.BOARD_VERSION, data=0),
            dcc.Store(id=Ids.TRAIN_DONE),
            dbc.Container(
                [
                    dbc.Row(
                        [
                            dbc.Col(pool.layout(), width=5),
                            dbc.Col(board.layout(), width=7),
                        ],
                        className="g-2 mb-2",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(accuracy.layout(), width=4),
                            dbc.Col(confusion.layout(), width=4),
                            dbc.Col(
                                [config.layout(), html.Div(className="mb-2"), timeline.layout()],
                                width=4,
                            ),
                        ],
                        className="g-2",
                    ),
                ],
                fluid=True,
            ),
        ],
        style={"minWidth": "1280px"},
    )


def create_app(
    server: Any = None,
    url_base_pathname: str = "/",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    store_url: str | None = None,
    dataset: str = BUNDLED_DATASET,
    background_callback_manager: Any = None,
    **dash_options: Any,
) -> Dash:
    """The ActiVAte dashboard as a Dash app.

    `server`: an existing Flask app to mount on (None: a new one). `url_base_pathname`: the
    prefix, "/" or like "/activate/". `data_dir`: the store, caches and job files (default
    `$ACTIVATE_DATA_DIR` or ./data). `store_url`: any SQLAlchemy URL (default SQLite in
    data_dir). `dataset`: the dataset spec new projects start on.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(store_url, data_dir=data_dir)
    workspace = Workspace(store, data_dir)
    workspace.dataset_of(dataset)  # a bad --dataset fails now, with the loader's message
    prefix = url_base_pathname if url_base_pathname.endswith("/") else url_base_pathname + "/"
    app = Dash(
        __name__,
        server=server if server is not None else True,
        url_base_pathname=prefix,
        title="activate_dash",
        background_callback_manager=background_callback_manager or diskcache_manager(data_dir),
        suppress_callback_exceptions=False,
        # gzip / brotli for the JS bundles (plotly.min.js alone is 4.7 MB) and the callbacks'
        # JSON: the first page load with a 60,000 pool goes from about 7.5 MB to under 3 MB.
        **{"compress": True, **dash_options},
    )
    app.layout = page(dataset)
    project.register(app, workspace, dataset)
    pool.register(app, workspace)
    board.register(app, workspace)
    training_view.register(app, workspace)
    accuracy.register(app, workspace)
    confusion.register(app, workspace)
    config.register(app, workspace)
    timeline.register(app, workspace)

    def health() -> tuple[str, int]:
        return ("ok", 200) if store.ping() else ("store unreachable", 503)

    app.server.add_url_rule(f"{prefix}health", f"activate_health_{prefix}", health)
    app.workspace = workspace  # for tests and embedding code
    return app

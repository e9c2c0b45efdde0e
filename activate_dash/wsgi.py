"""WSGI entry point: `gunicorn activate_dash.wsgi:server` (data in $ACTIVATE_DATA_DIR)."""

from __future__ import annotations

import os

from activate_dash.app import create_app

app = create_app(dataset=os.environ.get("ACTIVATE_DATASET", "mnist"))
server = app.server

"""create_app: its own server or mounted under a prefix in a portal's Flask app; ids; health."""

from __future__ import annotations

import subprocess
import sys

from flask import Flask

from activate_dash.app import create_app
from activate_dash.web.ids import Ids


def test_ids_are_unique_and_include_the_documented_ones():
    values = [i.value for i in Ids]
    assert len(values) == len(set(values))
    documented = {
        "pool-graph",
        "class-board",
        "n-input",
        "selection-dropdown",
        "ask-button",
        "accept-all-button",
        "schemes-checklist",
        "classifier-dropdown",
        "train-button",
        "cancel-button",
        "train-progress",
        "accuracy-graph",
        "confusion-graph",
        "message",
        "export-csv-button",
    }
    assert documented <= set(values)


def test_mounted_under_a_prefix_beside_the_portals_routes(tmp_path):
    portal = Flask("portal")

    @portal.route("/")
    def home():
        return "portal home"

    app = create_app(server=portal, url_base_pathname="/activate/", data_dir=tmp_path)
    client = app.server.test_client()
    assert client.get("/").get_data(as_text=True) == "portal home"
    page = client.get("/activate/")
    assert page.status_code == 200 and "activate_dash" in page.get_data(as_text=True)
    assert client.get("/activate/health").status_code == 200
    assert client.get("/activate/_dash-layout").status_code == 200


def test_patched_outputs_start_with_what_their_patches_need(tmp_path):
    """A Patch that reaches the page before the first full value has something to patch."""
    layout = create_app(data_dir=tmp_path).server.test_client().get("/_dash-layout").get_json()

    def find(node, wanted):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == wanted:
                return node["props"]
            children = [*node.get("props", {}).values(), *node.values()]
        elif isinstance(node, list):
            children = node
        else:
            return None
        return next((found for c in children if (found := find(c, wanted))), None)

    pool = find(layout, Ids.POOL_GRAPH.value)
    assert [t["name"] for t in pool["figure"]["data"]] == [
        "pool",
        "labelled",
        "on the board",
        "matrix cell",
    ]
    assert find(layout, Ids.CLASS_BOARD.value)["items"] == []


def test_own_server_health(tmp_path):
    client = create_app(data_dir=tmp_path).server.test_client()
    assert client.get("/health").get_data(as_text=True) == "ok"


def test_the_web_process_never_imports_tensorflow(tmp_path):
    code = (
        "import sys\n"
        "from activate_dash.app import create_app\n"
        f"create_app(data_dir={str(tmp_path)!r})\n"
        "print(','.join(m for m in ('tensorflow', 'keras', 'umap', 'numba') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""

"""An existing Flask portal with activate_dash mounted under /activate/ (for the browser tests).

`python -m tests.browser.portal --port P --data-dir D` serves the portal's own page at `/` and
the dashboard at `/activate/`, as an analytics portal embedding the tool would.
"""

from __future__ import annotations

import argparse

from flask import Flask

from activate_dash import create_app


def build_portal(data_dir: str) -> Flask:
    portal = Flask("portal")

    @portal.route("/")
    def home() -> str:
        return "<h1>portal home</h1><a href='/activate/'>activate_dash</a>"

    create_app(server=portal, url_base_pathname="/activate/", data_dir=data_dir)
    return portal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    build_portal(args.data_dir).run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    main()

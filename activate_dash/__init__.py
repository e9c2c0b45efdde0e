"""activate_dash: collaborative human-machine active learning on image data (the ActiVAte design).

Importing the package is cheap: TensorFlow, Keras and UMAP are imported only by the code that
trains models or computes UMAP projections.
"""

from __future__ import annotations

from activate_dash.errors import ActivateError

__version__ = "0.1.0"

# Dash serves a component's files from the *top-level* package named by its namespace, so the
# class board's script and styles are declared here (plain data: nothing is imported).
_js_dist = [
    {
        "relative_package_path": "components/class_board.js",
        "namespace": "activate_dash",
    }
]
_css_dist = [
    {
        "relative_package_path": "components/class_board.css",
        "namespace": "activate_dash",
    }
]

__all__ = ["ActivateError", "__version__", "create_app"]


def __getattr__(name: str) -> object:
    # `activate_dash.create_app` without importing Dash on `import activate_dash`.
    if name == "create_app":
        from activate_dash.app import create_app

        return create_app
    raise AttributeError(f"module 'activate_dash' has no attribute {name!r}")

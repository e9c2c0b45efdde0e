"""activate_dash: collaborative human-machine active learning on image data (the ActiVAte design).

Importing the package is cheap: TensorFlow, Keras and UMAP are imported only by the code that
trains models or computes UMAP projections.
"""

from __future__ import annotations

from activate_dash.errors import ActivateError

__version__ = "0.1.0"

__all__ = ["ActivateError", "__version__"]

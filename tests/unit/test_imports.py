"""The package, the data layer and the store import without TensorFlow, Keras, UMAP or Dash."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("tensorflow", "keras", "umap", "numba")

CODE = """
import sys
import activate_dash, activate_dash.data, activate_dash.store, activate_dash.engine
import activate_dash.engine.training, activate_dash.engine.loop, activate_dash.engine.projection
activate_dash.data.load_dataset("mnist")
print(",".join(m for m in {heavy!r} + ("dash",) if m in sys.modules))
"""


def test_light_imports_load_no_heavy_library():
    result = subprocess.run(
        [sys.executable, "-c", CODE.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""


def test_umap_import_keeps_tensorflow_out_and_importable_later():
    code = (
        "import sys\n"
        "from activate_dash.engine.projection import import_umap\n"
        "import_umap()\n"
        "assert 'tensorflow' not in sys.modules, 'umap pulled in TensorFlow'\n"
        "import tensorflow\n"  # still importable afterwards (a training job may need it)
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


def test_components_load_dash_but_no_learning_library():
    code = (
        "import sys\n"
        "import activate_dash.components, activate_dash.components.demo\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""

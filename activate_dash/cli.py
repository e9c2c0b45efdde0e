"""Command line: `python -m activate_dash [options]` serves the app (also `activate-dash`).

Commands: none (serve the dashboard), `bench` (the paper's experiment with a simulated
person) and `projection` (compute and cache a dataset's 2-D projection ahead of time).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from activate_dash.errors import ActivateError

DEFAULT_DATA_DIR = Path("data")


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


def build_parser() -> argparse.ArgumentParser:
    from activate_dash.engine.bench import BenchSettings
    from activate_dash.engine.inference import IL_METHODS
    from activate_dash.engine.models import AUGMENTATIONS, CLASSIFIERS
    from activate_dash.engine.oracle import ORACLES
    from activate_dash.engine.projection import PROJECTIONS
    from activate_dash.engine.training import IL_SPACES

    defaults = BenchSettings()
    parser = argparse.ArgumentParser(
        prog="python -m activate_dash",
        description="activate_dash: collaborative human-machine active learning on images. "
        "Without a command it serves the dashboard.",
    )
    parser.add_argument(
        "--dataset",
        default="mnist",
        help="dataset new projects start on: mnist (bundled, default), digits, an .npz, an "
        "IDX folder or an image folder",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="store, caches and job files (default $ACTIVATE_DATA_DIR or ./data)",
    )
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (reloads code)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    bench = commands.add_parser(
        "bench",
        help="run the paper's experiment with a simulated person",
        description="Run every selection scheme x seed with a simulated person and write "
        "curves.csv, table.csv, table.md and curves.png into --out.",
    )
    bench.add_argument("--dataset", default=defaults.dataset, help="dataset spec (default mnist)")
    bench.add_argument(
        "--selection",
        type=_csv,
        default=defaults.selections,
        help="comma-separated selection schemes (default all eight)",
    )
    bench.add_argument(
        "--schemes",
        type=_csv,
        default=defaults.schemes,
        help="comma-separated training schemes: SIL,IL,IDA,CBA (default all four)",
    )
    bench.add_argument("--classifier", choices=list(CLASSIFIERS), default=defaults.classifier)
    bench.add_argument("--iterations", type=int, default=defaults.iterations)
    bench.add_argument("--per-iteration", type=int, default=defaults.per_iteration)
    bench.add_argument("--seeds", type=int, default=defaults.seeds)
    bench.add_argument(
        "--oracle",
        choices=list(ORACLES),
        default=defaults.oracle,
        help="perfect: always right; noisy: errs on ambiguous samples (docs/engine.md)",
    )
    bench.add_argument("--projection", choices=list(PROJECTIONS), default=defaults.projection)
    bench.add_argument("--epochs", type=int, default=defaults.epochs)
    bench.add_argument(
        "--min-steps",
        type=int,
        default=defaults.min_steps,
        help="fewest gradient steps per scheme and iteration (default %(default)s)",
    )
    bench.add_argument("--augmentation", choices=list(AUGMENTATIONS), default=defaults.augmentation)
    bench.add_argument("--il-method", choices=list(IL_METHODS), default=defaults.il_method)
    bench.add_argument("--il-space", choices=list(IL_SPACES), default=defaults.il_space)
    bench.add_argument("--out", type=Path, required=True, help="folder for the results")
    bench.add_argument("--quiet", action="store_true", help="no progress bar")

    projection = commands.add_parser(
        "projection",
        help="compute and cache a dataset's 2-D projection",
        description="Compute a projection now so that the app finds it in the cache.",
    )
    projection.add_argument("--dataset", default="mnist")
    projection.add_argument("--method", choices=list(PROJECTIONS), default="umap")
    projection.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    projection.set_defaults(command="projection")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "bench":
            return _bench(args)
        if args.command == "projection":
            return _projection(args)
        return _serve(args)
    except ActivateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace) -> int:
    from activate_dash.app import create_app

    app = create_app(data_dir=args.data_dir, dataset=args.dataset)
    print(f"activate_dash on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    # The version check calls a Plotly host from the browser: an error on a closed network.
    app.run(host=args.host, port=args.port, debug=args.debug, dev_tools_disable_version_check=True)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from activate_dash.engine.bench import BenchSettings, run_bench

    settings = BenchSettings(
        dataset=args.dataset,
        selections=args.selection,
        schemes=args.schemes,
        classifier=args.classifier,
        iterations=args.iterations,
        per_iteration=args.per_iteration,
        seeds=args.seeds,
        oracle=args.oracle,
        projection=args.projection,
        epochs=args.epochs,
        min_steps=args.min_steps,
        augmentation=args.augmentation,
        il_method=args.il_method,
        il_space=args.il_space,
    )
    out = run_bench(settings, args.out, show_progress=not args.quiet)
    print((out / "table.md").read_text())
    print(f"results in {out}/ (curves.csv, table.csv, table.md, curves.png)")
    return 0


def _projection(args: argparse.Namespace) -> int:
    from activate_dash.data import load_dataset
    from activate_dash.engine.projection import project

    dataset = load_dataset(args.dataset)

    def report(stage: str, done: int, total: int) -> None:
        print(f"{stage}: {done}/{total}", flush=True)

    points = project(
        dataset.pool_images,
        args.method,
        content_hash=dataset.content_hash(),
        cache_dir=args.data_dir / "projections",
        progress=report,
    )
    print(f"{args.method} projection of {len(points)} samples cached in {args.data_dir}")
    return 0

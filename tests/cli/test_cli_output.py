"""The exact output of ``compute`` and ``compare`` in each format: table, JSON, CSV, Markdown.

r.csv:  y_true = [1, 2, 3, 4], y_pred = [1, 2, 3, 8]      errors e = y_true - y_pred = [0, 0, 0, -4]
b.csv:  y_true = [1, 2, 3, 4], y_pred = [2.5, 3.5, 4.5, 5.5]  errors [-1.5, -1.5, -1.5, -1.5]

  r.csv: mse = 16/4 = 4,  mae = 4/4 = 1,  huber(1) = (0+0+0 + 1*(4 - 0.5))/4 = 3.5/4 = 0.875
  b.csv: mse = 4*2.25/4 = 2.25,  mae = 1.5,  huber(1) = 4*(1*(1.5 - 0.5))/4 = 1
MSE prefers b.csv, MAE and Huber prefer r.csv.
"""

from __future__ import annotations

import json
import math
import os
import stat

import pytest

from lossctl import __version__

from .conftest import REGRESSION_CSV, csv_rows, document, ok, write

ROLES = {"y_true": ["y_true"], "y_pred": ["y_pred"]}


MEAN = {"reduction": "mean"}  # every mean of per-sample losses says how it reduces them


def test_compute_table_is_exact_for_the_issue_command_verbatim(run, tmp_path):
    write(tmp_path / "preds.csv", REGRESSION_CSV)
    result = ok(run("compute", "--loss", "huber", "--delta", "1.0", "preds.csv"))
    # huber(1) = 3.5 / 4 = 0.875 (see the module docstring)
    assert result.stdout == (
        "preds.csv\n"
        "┏━━━━━━━┳━━━━━━━┳━━━┓\n"
        "┃ loss  ┃ value ┃ n ┃\n"
        "┡━━━━━━━╇━━━━━━━╇━━━┩\n"
        "│ huber │ 0.875 │ 4 │\n"
        "└───────┴───────┴───┘\n"
        "preds.csv: 4 rows, task regression\n"
        "y_true=y_true, y_pred=y_pred\n"
    )
    assert result.stderr == ""


def test_compare_one_file_table_is_exact_with_every_regression_loss(run, files):
    result = ok(run("compare", "r.csv"))
    # Every regression loss (README, "The losses") and the 1-D Wasserstein distance, in that order:
    #   mse 16/4 = 4; rmse sqrt(4) = 2; mae 4/4 = 1; huber(1) 3.5/4 = 0.875 (smooth-l1, the
    #   same at the defaults, is named only); log-cosh log(cosh 4)/4 = 3.3071891/4 = 0.826797;
    #   quantile(0.5) = 0.5*|-4|/4 = 0.5; mape |-4|/4 / 4 = 0.25;
    #   msle (log(1+4) - log(1+8))^2/4 = (log(5/9))^2/4 = 0.3454932/4 = 0.0863733;
    #   rmsle sqrt(msle) = |log(5/9)|/2 = 0.293893;
    #   poisson 2*(4 log(4/8) - (4 - 8))/4 = 2*(4 - 2.7725887)/4 = 0.613706;
    #   gamma-deviance 2*(4/8 - 1 - log(4/8))/4 = (2 log 2 - 1)/4 = 0.0965736;
    #   smape 2*4/(4 + 8)/4 = 1/6; wmape 4/(1 + 2 + 3 + 4) = 0.4; max-error 4;
    #   wasserstein-distance: sorted samples [1,2,3,4] and [1,2,3,8] differ by 4 in one of 4 places: 1.
    assert result.stdout == (
        "r.csv\n"
        "┏━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━┓\n"
        "┃ loss                 ┃     value ┃ n ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━┩\n"
        "│ mse                  │         4 │ 4 │\n"
        "│ rmse                 │         2 │ 4 │\n"
        "│ mae                  │         1 │ 4 │\n"
        "│ huber                │     0.875 │ 4 │\n"
        "│ pseudo-huber         │  0.780776 │ 4 │\n"
        "│ log-cosh             │  0.826797 │ 4 │\n"
        "│ quantile             │       0.5 │ 4 │\n"
        "│ mape                 │      0.25 │ 4 │\n"
        "│ msle                 │ 0.0863733 │ 4 │\n"
        "│ rmsle                │  0.293893 │ 4 │\n"
        "│ poisson              │  0.613706 │ 4 │\n"
        "│ gamma-deviance       │ 0.0965736 │ 4 │\n"
        "│ smape                │  0.166667 │ 4 │\n"
        "│ wmape                │       0.4 │ 4 │\n"
        "│ max-error            │         4 │ 4 │\n"
        "│ wasserstein-distance │         1 │ 4 │\n"
        "└──────────────────────┴───────────┴───┘\n"
        "r.csv: 4 rows, task regression\n"
        "y_true=y_true, y_pred=y_pred\n"
    )
    assert result.stderr.startswith("also there when named with -l: smooth-l1 (huber at the defaults);")


def test_compare_one_file_values_at_full_precision(run, files):
    results = document(run("compare", "r.csv", "--format", "json"))["results"]
    expected = {
        "mse": 16 / 4,
        "rmse": math.sqrt(16 / 4),
        "mae": 4 / 4,
        "huber": 3.5 / 4,
        "pseudo-huber": (math.sqrt(1 + 4**2) - 1) / 4,  # delta = 1
        "log-cosh": math.log(math.cosh(4.0)) / 4,
        "quantile": 0.5 * 4 / 4,
        "mape": (4 / 4) / 4,
        "msle": (math.log(5) - math.log(9)) ** 2 / 4,
        "rmsle": abs(math.log(5 / 9)) / 2,
        "poisson": 2 * (4 * math.log(4 / 8) - (4 - 8)) / 4,
        "gamma-deviance": (2 * math.log(2) - 1) / 4,
        "smape": 2 * 4 / (4 + 8) / 4,
        "wmape": 4 / (1 + 2 + 3 + 4),
        "max-error": 4.0,
        "wasserstein-distance": 4 / 4,
    }
    assert [r["loss"] for r in results] == list(expected)
    for r in results:
        assert r["value"] == pytest.approx(expected[r["loss"]], rel=1e-12, abs=1e-15), r["loss"]
        assert r["n"] == 4


def test_compare_models_table_is_exact_and_marks_the_best_of_each_column(run, files):
    result = ok(run("compare", "-l", "mse", "-l", "mae", "-l", "huber", "r.csv", "b.csv"))
    # mse: 4 vs 2.25 -> b.csv; mae: 1 vs 1.5 -> r.csv; huber: 0.875 vs 1 -> r.csv (module docstring);
    # each column with the decimals its most precise value needs: 4.00, 1.0, 1.000
    assert result.stdout == (
        "models compared\n"
        "┏━━━━━━━┳━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━━━━┓\n"
        "┃ input ┃ n ┃    mse ┃   mae ┃   huber ┃\n"
        "┡━━━━━━━╇━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━━━━┩\n"
        "│ r.csv │ 4 │   4.00 │ 1.0 * │ 0.875 * │\n"
        "│ b.csv │ 4 │ 2.25 * │   1.5 │   1.000 │\n"
        "└───────┴───┴────────┴───────┴─────────┘\n"
        "* best value of each loss (the lowest loss, the highest score)\n"
        "r.csv: 4 rows, task regression\n"
        "y_true=y_true, y_pred=y_pred\n"
        "b.csv: 4 rows, task regression\n"
        "y_true=y_true, y_pred=y_pred\n"
    )
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout  # stdout is not a terminal: no colour


def test_compare_models_markdown_is_exact(run, files):
    result = ok(run("compare", "-l", "mse", "-l", "mae", "-l", "huber", "r.csv", "b.csv", "--format", "markdown"))
    assert result.stdout == (
        "**models compared**\n"
        "\n"
        "| input | n | mse | mae | huber |\n"
        "|---|---:|---:|---:|---:|\n"
        "| r.csv | 4 | 4.00 | **1.0** | **0.875** |\n"
        "| b.csv | 4 | **2.25** | 1.5 | 1.000 |\n"
        "\n"
        "r.csv: 4 rows, task regression; y_true=y_true, y_pred=y_pred; "
        "b.csv: 4 rows, task regression; y_true=y_true, y_pred=y_pred\n"
    )


def test_compare_models_csv_is_exact_at_full_precision(run, files):
    result = ok(run("compare", "-l", "mse", "-l", "mae", "-l", "huber", "r.csv", "b.csv", "--format", "csv"))
    assert result.stdout == (
        "input,loss,spec,group,value,n\n"
        "r.csv,mse,mse,,4.0,4\n"
        "r.csv,mae,mae,,1.0,4\n"
        "r.csv,huber,huber,,0.875,4\n"
        "b.csv,mse,mse,,2.25,4\n"
        "b.csv,mae,mae,,1.5,4\n"
        "b.csv,huber,huber,,1.0,4\n"
    )


def test_compare_models_json_is_exact(run, files):
    doc = document(run("compare", "-l", "mse", "-l", "huber:delta=2", "r.csv", "b.csv", "--format", "json"))
    # huber(2): r.csv 2*(4 - 1)/4 = 1.5; b.csv |e| = 1.5 <= 2: 0.5*1.5^2 = 1.125 per row, mean 1.125
    inputs = [
        {"path": name, "format": "csv", "rows": 4, "task": "regression", "from_logits": False, "roles": ROLES}
        for name in ("r.csv", "b.csv")
    ]
    results = [
        {
            "input": "r.csv",
            "loss": "mse",
            "spec": "mse",
            "params": MEAN,
            "value": 4.0,
            "n": 4,
            "higher_is_better": False,
        },
        {
            "input": "r.csv",
            "loss": "huber",
            "spec": "huber:delta=2",
            "params": {"delta": 2.0, **MEAN},
            "value": 1.5,
            "n": 4,
            "higher_is_better": False,
        },
        {
            "input": "b.csv",
            "loss": "mse",
            "spec": "mse",
            "params": MEAN,
            "value": 2.25,
            "n": 4,
            "higher_is_better": False,
        },
        {
            "input": "b.csv",
            "loss": "huber",
            "spec": "huber:delta=2",
            "params": {"delta": 2.0, **MEAN},
            "value": 1.125,
            "n": 4,
            "higher_is_better": False,
        },
    ]
    assert doc == {"lossctl": __version__, "schema": 1, "inputs": inputs, "results": results, "warnings": []}


def test_compute_json_is_exact_with_the_defaults_filled_in(run, files):
    doc = document(run("compute", "-l", "huber", "r.csv", "--format", "json"))
    assert doc == {
        "lossctl": __version__,
        "schema": 1,
        "inputs": [
            {"path": "r.csv", "format": "csv", "rows": 4, "task": "regression", "from_logits": False, "roles": ROLES}
        ],
        # the default delta is 1 (as PyTorch): 3.5/4; the spec shows no parameter at its default
        "results": [
            {
                "input": "r.csv",
                "loss": "huber",
                "spec": "huber",
                "params": {"delta": 1.0, **MEAN},
                "value": 0.875,
                "n": 4,
                "higher_is_better": False,
            }
        ],
        "warnings": [],
    }


def test_compute_csv_and_markdown_are_exact(run, files):
    # huber(2) on r.csv: 2*(4 - 2/2)/4 = 1.5
    csv_out = ok(run("compute", "-l", "huber", "--delta", "2", "r.csv", "--format", "csv")).stdout
    assert csv_out == "input,loss,spec,group,value,n\nr.csv,huber,huber:delta=2,,1.5,4\n"
    md = ok(run("compute", "-l", "huber", "--delta", "2", "r.csv", "--format", "markdown")).stdout
    assert md == (
        "**r.csv**\n"
        "\n"
        "| loss | value | n |\n"
        "|---|---:|---:|\n"
        "| huber:delta=2 | 1.5 | 4 |\n"
        "\n"
        "r.csv: 4 rows, task regression; y_true=y_true, y_pred=y_pred\n"
    )


def test_bce_json_params_hold_every_default(run, files):
    doc = document(run("compute", "-l", "bce", "bin.csv", "--format", "json"))
    (result,) = doc["results"]
    # eps defaults to float64 machine epsilon (DESIGN, "Conventions"); no log floor, no
    # pos_weight, no smoothing
    assert result["params"] == {
        "from_logits": False,
        "eps": 2.0**-52,
        "log_floor": None,
        "pos_weight": 1.0,
        "label_smoothing": 0.0,
        "reduction": "mean",  # of the per-sample losses (PyTorch's default)
    }
    assert (result["loss"], result["spec"], result["n"]) == ("bce", "bce", 4)
    assert doc["inputs"][0]["task"] == "binary"


@pytest.mark.parametrize(
    ("precision", "shown"),
    # mse of y_true [1,2,3], y_pred [2,3,3] = (1 + 1 + 0)/3 = 2/3, shown to N significant digits
    [("1", "0.7"), ("3", "0.667"), ("6", "0.666667"), ("10", "0.6666666667")],
)
def test_precision_sets_the_significant_digits_of_tables_only(run, tmp_path, precision, shown):
    write(tmp_path / "third.csv", "y_true,y_pred\n1,2\n2,3\n3,3\n")
    md = ok(run("compute", "-l", "mse", "third.csv", "--precision", precision, "--format", "markdown")).stdout
    assert f"| mse | {shown} | 3 |" in md.splitlines()
    table = ok(run("compute", "-l", "mse", "third.csv", "--precision", precision)).stdout
    assert f"│ mse  │ {shown:>5} │ 3 │" in table.splitlines()  # the column is at least as wide as "value"
    out = ok(run("compute", "-l", "mse", "third.csv", "--precision", precision, "--format", "csv")).stdout
    assert csv_rows(out)[0]["value"] == repr(2 / 3)  # full precision whatever --precision says


def test_warnings_go_to_stderr_and_into_the_json_never_to_stdout(run, tmp_path):
    # y_pred of 1 for a positive and 0 for a negative are clipped to 1-eps and eps: 2 values.
    write(tmp_path / "clip.csv", "y_true,y_pred\n1,1\n0,0\n1,0.5\n0,0.5\n")
    result = ok(run("compute", "-l", "bce", "clip.csv", "--format", "json"))
    doc = json.loads(result.stdout)
    assert len(doc["warnings"]) == 1
    assert "2 probabilities clipped to [eps, 1-eps]" in doc["warnings"][0]
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("warning: ")
    assert "2 probabilities clipped to [eps, 1-eps]" in result.stderr
    # bce = (-log(1-eps) - log(1-eps) + log 2 + log 2)/4 = log(2)/2 up to 1e-16
    assert doc["results"][0]["value"] == pytest.approx(math.log(2) / 2, rel=1e-12)

    table = ok(run("compute", "-l", "bce", "clip.csv"))
    assert "clipped" not in table.stdout
    assert "2 probabilities clipped to [eps, 1-eps]" in table.stderr


def test_output_file_is_written_instead_of_stdout(run, files):
    result = ok(run("compute", "-l", "mse", "r.csv", "--format", "json", "-o", "out.json"))
    assert result.stdout == ""
    assert "out.json" in result.stderr
    assert json.loads((files / "out.json").read_text())["results"][0]["value"] == 4.0  # 16/4


@pytest.mark.parametrize(
    ("option", "target"), [("-o", "out.json"), ("--per-sample", "losses.csv"), ("--per-sample", "losses.parquet")]
)
def test_written_files_get_the_usual_permissions(run, files, option, target):
    # A file lossctl writes should be readable as any file the user creates (mode 0666 & ~umask),
    # not private to its owner because it went through a temporary file.
    umask = os.umask(0o022)
    os.umask(umask)
    ok(run("compute", "-l", "mse", "r.csv", "--format", "json", option, target))
    assert stat.S_IMODE((files / target).stat().st_mode) == 0o666 & ~umask

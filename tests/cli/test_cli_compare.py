"""``lossctl compare``: every loss that fits the detected task, several models against the same
labels, options shared by the compared losses, skipped losses. Files as in conftest.py."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from .conftest import BINARY_PT, document, failed, ok, write

# The regression losses of the README ("The losses"), then the 1-D Wasserstein distance, as
# the README's `lossctl compare sample_data/preds.csv` lists them.
REGRESSION = [
    "mse",
    "rmse",
    "mae",
    "huber",
    "pseudo-huber",
    "log-cosh",
    "quantile",
    "mape",
    "msle",
    "rmsle",
    "poisson",
    "gamma-deviance",
    "smape",
    "wmape",
    "max-error",
]
POSITIVE_ONLY = ("msle", "rmsle", "poisson", "gamma-deviance")


def losses(doc) -> list[str]:
    return [r["loss"] for r in doc["results"]]


def test_without_loss_every_regression_loss_and_skipped_ones_say_which_row(run, tmp_path):
    # prediction -2 in row 2: msle and rmsle need predictions >= 0, poisson and gamma > 0
    write(tmp_path / "neg.csv", "y_true,y_pred\n1,1\n2,-2\n3,3\n4,4\n")
    result = ok(run("compare", "neg.csv", "--format", "json"))
    doc = document(result)
    assert losses(doc) == [n for n in REGRESSION if n not in POSITIVE_ONLY] + ["wasserstein-distance"]
    # mse = 16/4 = 4 (error 4 in row 2)
    assert doc["results"][0]["value"] == 4.0
    *warnings, left_out = result.stderr.splitlines()
    assert left_out.startswith("also there when named with -l: smooth-l1 (huber at the defaults)")
    assert len(warnings) == 4
    for name, line in zip(POSITIVE_ONLY, warnings, strict=True):
        assert line.startswith(f"warning: {name} skipped: neg.csv")
        assert "'y_pred'" in line and "row 2" in line
    assert doc["warnings"] == [line.removeprefix("warning: ") for line in warnings]


def test_without_loss_binary_probabilities_get_the_probability_losses(run, files):
    doc = document(run("compare", "bin.csv", "--format", "json"))
    assert doc["inputs"][0]["task"] == "binary"
    # hinge and squared-hinge take decision scores, not probabilities (DESIGN, "Conventions")
    # cost-sensitive-bce adds a count of misses to a mean: named only (the note says so)
    assert sorted(losses(doc)) == ["bce", "brier", "focal", "zero-one"]
    values = {r["loss"]: r["value"] for r in doc["results"]}
    # bce = mean(-log p_t); brier = mean((1 - p_t)^2) = (0.01 + 0.04 + 0.16 + 0.16)/4 = 0.0925
    assert values["bce"] == pytest.approx(sum(-math.log(p) for p in BINARY_PT) / 4, rel=1e-12)
    assert values["brier"] == pytest.approx(0.37 / 4, rel=1e-12)
    assert values["zero-one"] == 0.0  # every p_t > 0.5: each row's predicted class is its label


@pytest.mark.parametrize(
    ("name", "text", "task", "expected"),
    [
        (
            "mp.csv",
            "y_true,prob_0,prob_1\n0,0.5,0.5\n1,0.25,0.75\n",
            "multiclass",
            [
                "brier",
                "categorical-hinge",
                "cross-entropy",
                "focal",
                "generalized-cross-entropy",
                "jensen-shannon",
                "kl-divergence",
                "multi-margin",
                "multiclass-hinge",
                "poly-1",
                "sparsemax",
                "zero-one",
            ],
        ),
        ("pr.csv", "label,distance\n1,0.5\n0,1.5\n0,3\n", "pair", ["contrastive", "hinge-embedding"]),
        ("tr.csv", "d_ap,d_an\n1,3\n2,2.5\n", "triplet", ["triplet"]),
    ],
)
def test_without_loss_the_losses_of_each_task(run, tmp_path, name, text, task, expected):
    write(tmp_path / name, text)
    doc = document(run("compare", name, "--format", "json"))
    assert doc["inputs"][0]["task"] == task
    assert sorted(losses(doc)) == expected


def test_models_against_one_labels_file(run, tmp_path):
    write(tmp_path / "lab.csv", "y_true\n1\n2\n3\n4\n")
    write(tmp_path / "ma.csv", "y_pred\n1\n2\n3\n8\n")  # errors [0, 0, 0, -4]: mse 4, mae 1
    write(tmp_path / "mb.csv", "y_pred\n2.5\n3.5\n4.5\n5.5\n")  # errors all -1.5: mse 2.25, mae 1.5
    result = ok(run("compare", "--labels", "lab.csv", "-l", "mse", "-l", "mae", "ma.csv", "mb.csv"))
    lines = result.stdout.splitlines()
    assert lines[0] == "models compared"
    rows = [line for line in lines if line.startswith("│")]
    assert rows == [  # a column's values with the decimals its most precise one needs
        "│ ma.csv + lab.csv │ 4 │   4.00 │ 1.0 * │",
        "│ mb.csv + lab.csv │ 4 │ 2.25 * │   1.5 │",
    ]
    doc = document(run("compare", "--labels", "lab.csv", "-l", "mse", "ma.csv", "mb.csv", "--format", "json"))
    assert [(r["input"], r["value"]) for r in doc["results"]] == [("ma.csv + lab.csv", 4.0), ("mb.csv + lab.csv", 2.25)]
    assert [i["rows"] for i in doc["inputs"]] == [4, 4]


def test_a_parameter_option_goes_to_the_losses_that_take_it(run, files):
    doc = document(run("compare", "-l", "huber", "-l", "mse", "--delta", "2", "r.csv", "--format", "json"))
    # huber(2) = 2*(4 - 1)/4 = 1.5; mse ignores --delta: 16/4
    assert [(r["spec"], r["value"]) for r in doc["results"]] == [("huber:delta=2", 1.5), ("mse", 4.0)]


def test_group_by_with_several_losses(run, tmp_path):
    write(tmp_path / "g.csv", "y_true,y_pred,region\n1,1,a\n2,2,b\n3,3,a\n4,8,b\n")
    result = ok(run("compare", "-l", "mse", "-l", "mae", "--group-by", "region", "g.csv", "--format", "markdown"))
    # a: errors [0, 0]; b: [0, -4] -> mse 8, mae 2; all: mse 4, mae 1
    assert result.stdout.splitlines()[:7] == [
        "**g.csv by region**",
        "",
        "| region | n | mse | mae |",
        "|---|---:|---:|---:|",
        "| a | 2 | **0** | **0** |",
        "| b | 2 | 8 | 2 |",
        "| (all) | 4 | 4 | 1 |",
    ]


def test_model_weights_alone_compare_the_regularization_losses(run, tmp_path):
    np.save(tmp_path / "w.npy", np.array([1.0, -2.0, 3.0]))
    doc = document(run("compare", "--model-weights", "w.npy", "--lambda", "0.5", "--format", "json"))
    assert losses(doc) == ["l1", "l2", "elastic-net"]
    # l1 = 0.5 * (1 + 2 + 3) = 3; l2 = 0.5 * (1 + 4 + 9) = 7
    assert [r["value"] for r in doc["results"][:2]] == [3.0, 7.0]


def test_sample_losses_and_regularization_side_by_side(run, files):
    np.save(files / "w.npy", np.array([1.0, -2.0, 3.0]))
    doc = document(run("compare", "-l", "mse", "-l", "l2", "--model-weights", "w.npy", "r.csv", "--format", "json"))
    # mse on r.csv = 16/4; l2 on the weights = 1 + 4 + 9
    assert [(r["loss"], r["value"]) for r in doc["results"]] == [("mse", 4.0), ("l2", 14.0)]


def test_per_sample_takes_one_prediction_file(run, files):
    failed(run("compare", "-l", "mse", "r.csv", "b.csv", "--per-sample", "x.csv"), "--per-sample")
    assert not (files / "x.csv").exists()


def test_only_models_scored_on_the_same_labels_are_ranked(run, tmp_path):
    # a and b: the same four regression rows, mse 1 and 4; c: two rows, mse 0.25 (the lowest, but
    # of other rows); d: a binary file, whose mse (0.09) must not be ranked against regression.
    write(tmp_path / "a.csv", "y_true,y_pred\n1.5,2.5\n2.5,3.5\n3.5,4.5\n4.5,5.5\n")
    write(tmp_path / "b.csv", "y_true,y_pred\n1.5,3.5\n2.5,4.5\n3.5,5.5\n4.5,6.5\n")
    write(tmp_path / "c.csv", "y_true,y_pred\n1.5,2\n2.5,3\n")
    write(tmp_path / "d.csv", "y_true,y_pred\n0,0.3\n1,0.7\n1,0.7\n0,0.3\n")
    out = ok(run("compare", "-l", "mse", "a.csv", "b.csv", "c.csv", "d.csv", "--format", "markdown")).stdout
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ") and ".csv" in line}
    assert "**1.00**" in rows["a.csv"]  # the column's 0.25 and 0.09 need two decimals
    assert not any("**" in rows[name] for name in ("b.csv", "c.csv", "d.csv"))
    assert "only inputs of the same task and number of rows are ranked against each other" in out


def test_skill_against_a_reference_model(invoke):
    # Skill = 1 - loss / the reference's loss, for losses only (r2 is a score: no skill of it).
    samples = Path(__file__).resolve().parents[2] / "sample_data"
    a, b = str(samples / "model_a.csv"), str(samples / "model_b.csv")
    doc = invoke("compare", a, b, "-l", "mse", "-l", "mae", "-l", "r2", "--reference", b, "--format", "json").json()
    value = {(r["input"], r["loss"]): r["value"] for r in doc["results"]}
    assert [(s["loss"], s["model"], s["reference"]) for s in doc["skill"]] == [("mse", a, b), ("mae", a, b)]
    for s in doc["skill"]:
        assert s["value"] == 1.0 - value[a, s["loss"]] / value[b, s["loss"]]
    assert "skill" not in invoke("compare", a, b, "-l", "mse", "--format", "json").json()
    table = invoke("compare", a, b, "-l", "mse", "--reference", b).stdout
    assert f"skill against {b}" in table

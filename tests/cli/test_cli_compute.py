"""``lossctl compute``: loss specs, the parameter options, column roles, joins and model
weights (--worst and --per-sample: test_cli_worst.py; --group-by, --weight, --task and --nan:
test_cli_group_by.py); every expected value by hand.

r.csv: y_true [1, 2, 3, 4], y_pred [1, 2, 3, 8] (errors [0, 0, 0, -4]); bin.csv: y_true
[1, 0, 1, 0], p [0.9, 0.2, 0.6, 0.4], so the probabilities of the true class are p_t = [0.9, 0.8,
0.6, 0.6] (see conftest.py).
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from .conftest import BINARY_PT, document, failed, ok, value, write

# -log p_t of bin.csv's rows
NLL = [-math.log(p) for p in BINARY_PT]
BCE = sum(NLL) / 4  # (0.1053605 + 0.2231436 + 0.5108256 + 0.5108256)/4 = 0.3375388
# focal(gamma) = mean((1 - p_t)^gamma -log p_t)
FOCAL_1 = sum((1 - p) * n for p, n in zip(BINARY_PT, NLL, strict=True)) / 4  # 0.1159563
FOCAL_2 = sum((1 - p) ** 2 * n for p, n in zip(BINARY_PT, NLL, strict=True)) / 4  # 0.0433609

# Small files of each kind, written by the `more` fixture.
MORE = {
    # {0,1} labels with probabilities 1 and 0 on the right side: both get clipped.
    "clip.csv": "y_true,y_pred\n1,1\n0,0\n1,0.5\n0,0.5\n",
    # binary labels and logits in a column that does not say so.
    "lg.csv": "y_true,s\n1,2\n0,-1\n1,0\n0,0.5\n",
    # contrastive: pair label (1 similar) and distance.
    "pr.csv": "label,distance\n1,0.5\n0,1.5\n0,3\n",
    # triplet distances.
    "tr.csv": "d_ap,d_an\n1,3\n2,2.5\n",
    # decision scores with {0,1} labels (hinge), or critic scores of real (1) and fake (0) samples.
    "h.csv": "label,score\n1,2\n0,-0.5\n1,0.5\n0,1\n",
    # a class matrix of logits (named so) and one of probabilities.
    "mc.csv": "y_true,logit_0,logit_1,logit_2\n0,0,0,0\n2,1,0,1\n",
    "mp.csv": "y_true,prob_0,prob_1\n0,0.5,0.5\n1,0.25,0.75\n",
    "mc2.csv": "target,a_0,a_1,a_2\n0,0,0,0\n2,1,0,1\n",
}


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


@pytest.fixture
def more(files):
    for name, text in MORE.items():
        write(files / name, text)
    return files


@pytest.mark.parametrize(
    ("spec", "loss", "expected"),
    [
        ("mse", "mse", 16 / 4),
        ("mean-squared-error", "mse", 16 / 4),  # an alias gives the canonical name
        ("l1-loss", "mae", 4 / 4),
        ("huber:delta=2", "huber", 2 * (4 - 2 / 2) / 4),  # delta (|e| - delta/2) = 6, / 4 = 1.5
        ("pinball:quantile=0.9", "quantile", (1 - 0.9) * 4 / 4),  # over-prediction by 4 costs (1-q)*4
        ("smooth-l1:beta=2", "smooth-l1", 2 * (4 - 2 / 2) / 2 / 4),  # huber(2)/2 = 6/2 = 3, / 4
        ("mse + 0.5*huber:delta=2", "combined", 4 + 0.5 * 1.5),
        ("2*mae + mse", "combined", 2 * 1 + 4),
    ],
)
def test_loss_specs_name_alias_parameters_and_expressions(run, files, spec, loss, expected):
    doc = document(run("compute", "--loss", spec, "r.csv", "--format", "json"))
    (result,) = doc["results"]
    assert result["loss"] == loss
    assert result["value"] == pytest.approx(expected, rel=1e-12)
    assert result["n"] == 4


@pytest.mark.parametrize(
    ("file", "args", "spec", "expected"),
    [
        # --delta: huber(2) on r.csv = 2*(4 - 1)/4 = 1.5
        ("r.csv", ["-l", "huber", "--delta", "2"], "huber:delta=2", 1.5),
        # --beta: smooth-l1(2) = huber(2)/2 = 0.75
        ("r.csv", ["-l", "smooth-l1", "--beta", "2"], "smooth-l1:beta=2", 0.75),
        # --quantile: e = y - yhat = -4 < 0 costs (q - 1) e = 0.1*4, / 4 = 0.1
        ("r.csv", ["-l", "quantile", "--quantile", "0.9"], "quantile:quantile=0.9", 0.1),
        # --gamma: focal(1) = mean((1 - p_t) -log p_t)
        (
            "bin.csv",
            ["-l", "focal", "--gamma", "1"],
            "focal:gamma=1",
            FOCAL_1,
        ),
        # --alpha: alpha = 0.25 on the positives (rows 1, 3), 0.75 on the negatives (rows 2, 4)
        (
            "bin.csv",
            ["-l", "focal", "--gamma", "0", "--alpha", "0.25"],
            "focal:gamma=0,alpha=0.25",
            (0.25 * NLL[0] + 0.75 * NLL[1] + 0.25 * NLL[2] + 0.75 * NLL[3]) / 4,
        ),
        # --pos-weight: the positive rows' terms doubled
        (
            "bin.csv",
            ["-l", "bce", "--pos-weight", "2"],
            "bce:pos_weight=2",
            (2 * NLL[0] + NLL[1] + 2 * NLL[2] + NLL[3]) / 4,
        ),
        # --label-smoothing 0.2: targets 1 -> 0.9, 0 -> 0.1; -(t log p + (1-t) log(1-p))
        (
            "bin.csv",
            ["-l", "bce", "--label-smoothing", "0.2"],
            "bce:label_smoothing=0.2",
            -(
                (0.9 * math.log(0.9) + 0.1 * math.log(0.1))
                + (0.1 * math.log(0.2) + 0.9 * math.log(0.8))
                + (0.9 * math.log(0.6) + 0.1 * math.log(0.4))
                + (0.1 * math.log(0.4) + 0.9 * math.log(0.6))
            )
            / 4,
        ),
        # --reduction sum: r.csv's squared errors 0, 0, 0, 16 summed, not averaged
        ("r.csv", ["-l", "mse", "--reduction", "sum"], "mse:reduction=sum", 16.0),
        # --bins 1: one bin, ECE = |mean p - mean y| = |(0.9 + 0.2 + 0.6 + 0.4) / 4 - 2 / 4| = 0.025
        (
            "bin.csv",
            ["-l", "ece", "--bins", "1", "--binning", "equal-mass"],
            "ece:bins=1,binning=equal-mass",
            0.025,
        ),
        # --eps 0.01: p = 1 (y = 1) -> 0.99 and p = 0 (y = 0) -> 0.01 each cost -log 0.99
        ("clip.csv", ["-l", "bce", "--eps", "0.01"], "bce:eps=0.01", (-2 * math.log(0.99) + 2 * math.log(2)) / 4),
        # --margin: contrastive y d^2 + (1-y) max(0, m - d)^2 = 0.25 + 0.5^2 + 0, / 3
        ("pr.csv", ["-l", "contrastive", "--margin", "2"], "contrastive:margin=2", (0.25 + 0.25 + 0) / 3),
        # --margin: triplet max(0, d_ap - d_an + m) = max(0, -1) + max(0, 0.5), / 2
        ("tr.csv", ["-l", "triplet", "--margin", "1"], "triplet", 0.5 / 2),
        # --from-logits: bce of logits s = softplus(-s) for y = 1, softplus(s) for y = 0
        (
            "lg.csv",
            ["-l", "bce", "--from-logits", "--y-pred", "s"],
            "bce",
            (softplus(-2) + softplus(-1) + softplus(0) + softplus(0.5)) / 4,
        ),
    ],
)
def test_each_parameter_option(run, more, file, args, spec, expected):
    (result,) = document(run("compute", *args, file, "--format", "json"))["results"]
    assert result["spec"] == spec
    assert result["value"] == pytest.approx(expected, rel=1e-12)


def test_focal_defaults_to_gamma_two_and_no_alpha(run, files):
    (result,) = document(run("compute", "-l", "focal", "bin.csv", "--format", "json"))["results"]
    assert result["params"]["gamma"] == 2.0
    assert result["params"]["alpha"] is None
    assert result["value"] == pytest.approx(FOCAL_2, rel=1e-12)


def test_hinge_maps_zero_one_labels_and_says_so(run, more):
    result = ok(run("compute", "-l", "hinge", "h.csv", "--format", "json"))
    # labels [1,0,1,0] -> [1,-1,1,-1]; max(0, 1 - y s) for s [2,-0.5,0.5,1] = [0, 0.5, 0.5, 2]
    assert value(result) == pytest.approx(3 / 4, rel=1e-12)
    assert "mapped to {-1, +1}" in result.stderr


def test_wasserstein_critic(run, more):
    # mean D(fake) - mean D(real) = mean(-0.5, 1) - mean(2, 0.5) = 0.25 - 1.25
    assert value(run("compute", "-l", "wasserstein", "h.csv", "--format", "json")) == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("file", "args", "expected", "from_logits", "y_pred"),
    [
        # logits, told by the column names: row 1 uniform -> log 3; row 2 true class 2 of logits
        # [1, 0, 1]: logsumexp - 1 = log(2e + 1) - 1
        ("mc.csv", [], (math.log(3) + math.log(2 * math.e + 1) - 1) / 2, True, ["logit_0", "logit_1", "logit_2"]),
        # probabilities: -log 0.5 and -log 0.75
        ("mp.csv", [], (math.log(2) + math.log(4 / 3)) / 2, False, ["prob_0", "prob_1"]),
        # the same logits in columns named by a glob, said to be logits
        (
            "mc2.csv",
            ["--y-pred", "a_*", "--from-logits"],
            (math.log(3) + math.log(2 * math.e + 1) - 1) / 2,
            True,
            ["a_0", "a_1", "a_2"],
        ),
    ],
)
def test_cross_entropy_reads_a_class_matrix(run, more, file, args, expected, from_logits, y_pred):
    doc = document(run("compute", "-l", "cross-entropy", *args, file, "--format", "json"))
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)
    assert doc["inputs"][0]["task"] == "multiclass"
    assert doc["inputs"][0]["from_logits"] is from_logits
    assert doc["inputs"][0]["roles"]["y_pred"] == y_pred


@pytest.mark.parametrize(
    ("label", "prediction"),
    [("y_true", "y_pred"), ("target", "pred"), ("label", "prediction"), ("actual", "yhat"), ("truth", "score")],
)
def test_columns_are_found_by_their_common_names(run, tmp_path, label, prediction):
    write(tmp_path / "named.csv", f"{label},{prediction}\n1,1\n2,2\n3,3\n4,8\n")
    result = ok(run("compute", "-l", "mse", "named.csv"))
    assert f"y_true={label}, y_pred={prediction}" in result.stdout.splitlines()
    doc = document(run("compute", "-l", "mse", "named.csv", "--format", "json"))
    assert doc["inputs"][0]["roles"] == {"y_true": [label], "y_pred": [prediction]}
    assert doc["results"][0]["value"] == 4.0  # 16/4


def test_y_true_and_y_pred_override_the_detected_columns(run, tmp_path):
    write(tmp_path / "amb.csv", "truth,yhat,pred\n1,1,5\n2,2,5\n3,3,5\n4,8,5\n")
    # two prediction columns: lossctl must be told which
    failed(run("compute", "-l", "mse", "amb.csv"), "amb.csv", "--y-pred")
    # yhat against truth: 16/4
    assert value(run("compute", "-l", "mse", "amb.csv", "--y-pred", "yhat", "--format", "json")) == 4.0
    # yhat against the column pred (all 5): errors [4, 3, 2, -3] -> (16 + 9 + 4 + 9)/4 = 9.5
    doc = document(run("compute", "-l", "mse", "amb.csv", "--y-true", "pred", "--y-pred", "yhat", "--format", "json"))
    assert doc["results"][0]["value"] == 9.5
    assert doc["inputs"][0]["roles"] == {"y_true": ["pred"], "y_pred": ["yhat"]}


def test_every_loss_named_is_computed_in_the_order_given(run, tmp_path):
    write(tmp_path / "r.csv", "y_true,y_pred\n1,1\n2,2\n3,3\n4,8\n")
    # errors [0, 0, 0, -4]: mse 16/4 = 4, mae 4/4 = 1, huber(delta 1) (4 - 0.5)/4 = 0.875
    doc = document(run("compute", "-l", "mse", "-l", "mae", "--loss", "huber", "r.csv", "--format", "json"))
    assert [(r["loss"], r["value"]) for r in doc["results"]] == [("mse", 4.0), ("mae", 1.0), ("huber", 0.875)]


def test_two_files_are_joined_by_row_order_or_on_a_key(run, tmp_path):
    write(tmp_path / "p.csv", "id,y_pred\n3,3\n1,1\n4,8\n2,2\n")
    write(tmp_path / "t.csv", "id,y_true\n1,1\n2,2\n3,3\n4,4\n")
    write(tmp_path / "p_nokey.csv", "y_pred\n3\n1\n8\n2\n")
    # row order: y_pred [3, 1, 8, 2] against y_true [1, 2, 3, 4]: errors [2, -1, 5, -2] -> 34/4
    assert value(run("compute", "-l", "mse", "p_nokey.csv", "t.csv", "--format", "json")) == 8.5
    # both have an id column, in other orders: by position would be wrong, so it is refused
    failed(
        run("compute", "-l", "mse", "p.csv", "t.csv"), "p.csv, column 'id', row 1", "key 3 here, 1 in t.csv", "--on id"
    )
    # on id: id 4 has y_pred 8 and y_true 4, the others agree -> 16/4
    doc = document(run("compute", "-l", "mse", "p.csv", "t.csv", "--on", "id", "--format", "json"))
    assert doc["results"][0]["value"] == 4.0
    assert doc["inputs"][0]["rows"] == 4


def test_joined_by_row_order_the_lengths_must_agree(run, tmp_path):
    write(tmp_path / "p4.csv", "y_pred\n1\n2\n3\n8\n")
    write(tmp_path / "t3.csv", "y_true\n1\n2\n3\n")
    failed(run("compute", "-l", "mse", "p4.csv", "t3.csv"), "p4.csv", "t3.csv", "4", "3")


@pytest.fixture
def weights(tmp_path):
    """w = [1, -2, 3] in each format --model-weights takes: sum |w| = 6, sum w^2 = 14."""
    w = np.array([1.0, -2.0, 3.0])
    np.save(tmp_path / "w.npy", w)
    np.savez(tmp_path / "w.npz", w=w)
    write(tmp_path / "w.csv", "w\n1\n-2\n3\n")
    pq.write_table(pa.table({"w": w}), tmp_path / "w.parquet")
    return tmp_path


@pytest.mark.parametrize("name", ["w.npy", "w.npz", "w.csv", "w.parquet"])
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-l", "l2:lambda=0.5"], 0.5 * 14),
        (["-l", "l1", "--lambda", "0.1"], 0.1 * 6),
        (["-l", "elastic-net:lambda1=0.1,lambda2=0.01"], 0.1 * 6 + 0.01 * 14),
    ],
)
def test_regularization_reads_model_weights_in_every_format(run, weights, name, args, expected):
    doc = document(run("compute", *args, "--model-weights", name, "--format", "json"))
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)
    assert doc["results"][0]["n"] == 3
    assert doc["inputs"][0]["model_weights"] == name


@pytest.mark.parametrize(
    ("spec", "file", "expected"),
    [
        ("bce + 0.5*l2", "bin.csv", BCE + 0.5 * 14),
        ("mse + 0.1*l1", "r.csv", 4 + 0.1 * 6),
        ("bce + 0.5*focal:gamma=1 + 1e-4*l2", "bin.csv", BCE + 0.5 * FOCAL_1 + 1e-4 * 14),
    ],
)
def test_combined_expressions_with_model_weights(run, files, weights, spec, file, expected):
    doc = document(run("compute", "-l", spec, "--model-weights", "w.npy", file, "--format", "json"))
    (result,) = doc["results"]
    assert result["loss"] == "combined"
    assert result["value"] == pytest.approx(expected, rel=1e-12)


def test_a_regularization_loss_beside_a_prediction_file_uses_the_model_weights(run, files, weights):
    # `lossctl compute -l l2 --model-weights w.npy r.csv`: l2 = 1 * 14, whatever the predictions
    assert value(run("compute", "-l", "l2", "--model-weights", "w.npy", "r.csv", "--format", "json")) == 14.0


@pytest.mark.parametrize("args", [[], ["--y-pred", "logit"]])
def test_a_column_named_logit_holds_logits_however_it_was_chosen(run, tmp_path, args):
    write(tmp_path / "lg.csv", "y_true,logit\n1,2.0\n0,-1.0\n")
    # bce from logits: (log(1 + e^-2) + log(1 + e^-1)) / 2, found by its name or named with --y-pred
    expected = (math.log1p(math.exp(-2.0)) + math.log1p(math.exp(-1.0))) / 2
    doc = document(run("compute", "-l", "bce", *args, "lg.csv", "--format", "json"))
    assert doc["results"][0]["params"]["from_logits"] is True
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)


def test_reduction_sum(run, files):
    # r.csv: errors [0, 0, 0, -4]: the sum of |e| is 4, of e^2 16 (the means: 1 and 4).
    doc = document(run("compute", "-l", "mae:reduction=sum", "-l", "mse:reduction=sum", "r.csv", "--format", "json"))
    assert [(r["spec"], r["value"]) for r in doc["results"]] == [
        ("mae:reduction=sum", 4.0),
        ("mse:reduction=sum", 16.0),
    ]
    failed(run("compute", "-l", "rmse:reduction=sum", "r.csv"), "rmse takes no parameter 'reduction'")

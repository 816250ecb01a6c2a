"""Never a wrong number: overflow is an error naming the row, never a silent inf or NaN;
logits far out stay finite and exact; subnormal probabilities are clipped and counted;
float32 input is computed in float64."""

from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ._support import error_line, write_csv


def _value(invoke, args: list[str]) -> tuple[float, list[str], str]:
    code, out, err = invoke("compute", *args, "--format", "json")
    assert code == 0, err
    assert "nan" not in out.lower().replace('"nan"', "") and "infinity" not in out.lower()
    doc = json.loads(out)
    value = doc["results"][0]["value"]
    assert isinstance(value, float | int) and math.isfinite(value), value
    return float(value), doc["warnings"], err


# -- overflow -----------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "rmse", "squared-hinge"])
def test_squared_error_of_1e200_is_an_error_naming_the_row(invoke, tmp_path, loss):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.5", "-1,0.25", "-1,1e200", "-1,0"])
    line = error_line(*invoke("compute", "-l", loss, "preds.csv"))
    assert "preds.csv" in line and "row 3" in line and "overflow" in line


def test_residual_beyond_float64_is_an_error_naming_the_row(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "1e308,-1e308"])
    line = error_line(*invoke("compute", "-l", "mae", "preds.csv"))
    assert "preds.csv" in line and "row 2" in line and "overflow" in line


def test_overflow_in_an_expression(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "2,1e200"])
    line = error_line(*invoke("compute", "-l", "mae + 0.5*mse", "preds.csv"))
    assert "row 2" in line and "overflow" in line


def test_finite_terms_whose_sum_overflows_give_the_exact_mean(invoke, tmp_path):
    """Each squared error is 1.69e308, finite; their sum is not; the mean is."""
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["0,1.3e154"] * 5)
    value, _, _ = _value(invoke, ["-l", "mse", "preds.csv"])
    assert value == pytest.approx(1.3e154**2, rel=1e-12)


def test_large_but_finite_losses_stay_exact(invoke, tmp_path):
    """log-cosh(1000) = 1000 - log 2 (cosh itself overflows); Huber is linear out there."""
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["0,1000", "0,-1000"])
    value, _, _ = _value(invoke, ["-l", "log-cosh", "preds.csv"])
    assert value == pytest.approx(1000 - math.log(2), rel=1e-14)
    value, _, _ = _value(invoke, ["-l", "huber", "preds.csv"])
    assert value == pytest.approx(999.5, rel=1e-15)


# -- logits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["bce", "focal"])
def test_logits_of_1e4_are_finite_and_exact(invoke, tmp_path, loss):
    """-log sigmoid(-1e4) = 1e4 exactly in float64, -log sigmoid(1e4) = 0; the mean of
    (1e4, 0, 1e4, 0) is 5000 for BCE, and for focal (gamma 2) too, (1 - p_t)^2 being 1 or 0."""
    write_csv(tmp_path / "logits.csv", "y_true,y_pred", ["0,1e4", "1,1e4", "1,-1e4", "0,-1e4"])
    value, warnings, _ = _value(invoke, ["-l", loss, "--from-logits", "logits.csv"])
    assert value == 5000.0
    assert not any("clipped" in w for w in warnings), "logits are never clipped"


def test_logit_columns_by_name_are_exact(invoke, tmp_path):
    write_csv(tmp_path / "logits.csv", "y_true,logit", ["0,1e4", "1,-1e4", "1,30000"])
    value, _, _ = _value(invoke, ["-l", "bce", "logits.csv"])
    assert value == pytest.approx(2e4 / 3, rel=1e-15)


def test_multiclass_logits_of_1e4_are_finite_and_exact(invoke, tmp_path):
    write_csv(
        tmp_path / "logits.csv",
        "y_true,logit_0,logit_1,logit_2",
        ["0,1e4,-1e4,0", "1,1e4,-1e4,0", "2,1e4,-1e4,0"],
    )
    value, _, _ = _value(invoke, ["-l", "cross-entropy", "logits.csv"])
    assert value == pytest.approx((0.0 + 2e4 + 1e4) / 3, rel=1e-15)


# -- subnormals and clipping --------------------------------------------------------------------


def test_subnormal_probability_is_clipped_and_counted(invoke, tmp_path):
    """p = 5e-324 for a positive: clipped to eps = 2**-52, its loss 52 log 2, and one clipped
    value reported (on stderr and in the JSON warnings)."""
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,5e-324", "0,0.5", "1,0.25"])
    value, warnings, err = _value(invoke, ["-l", "bce", "preds.csv"])
    assert value == pytest.approx((52 * math.log(2) + math.log(2) + math.log(4)) / 3, rel=1e-14)
    clipped = [w for w in warnings if "clipped" in w]
    assert clipped and "1 probabilit" in clipped[0]
    assert "clipped" in err


def test_subnormal_class_probability_is_clipped_and_counted(invoke, tmp_path):
    write_csv(tmp_path / "classes.csv", "y_true,prob_0,prob_1", ["0,5e-324,1", "1,0.5,0.5"])
    value, warnings, _ = _value(invoke, ["-l", "cross-entropy", "classes.csv"])
    assert value == pytest.approx((52 * math.log(2) + math.log(2)) / 2, rel=1e-12)
    assert any("clipped" in w for w in warnings)


def test_probabilities_of_exactly_zero_and_one_are_clipped_not_infinite(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0", "0,1"])
    value, warnings, _ = _value(invoke, ["-l", "bce", "preds.csv"])
    assert value == pytest.approx(52 * math.log(2), rel=1e-14)
    assert any("2 probabilities" in w for w in warnings)


# -- float32 input ------------------------------------------------------------------------------


def test_float32_parquet_column_is_computed_in_float64(invoke, tmp_path):
    rng = np.random.default_rng(3)
    y_true = rng.normal(size=10_000) * 100
    y_pred32 = (y_true + rng.normal(size=10_000)).astype(np.float32)
    pq.write_table(pa.table({"y_true": y_true, "y_pred": y_pred32}), tmp_path / "preds.parquet")
    residual = y_true - y_pred32.astype(np.float64)
    expected = {
        "mse": math.fsum(residual**2) / len(residual),
        "mae": math.fsum(np.abs(residual)) / len(residual),
        "log-cosh": math.fsum(np.logaddexp(residual, -residual) - math.log(2)) / len(residual),
    }
    for loss, hand in expected.items():
        value, _, _ = _value(invoke, ["-l", loss, "preds.parquet"])
        assert value == pytest.approx(hand, rel=1e-12), loss


def test_float32_probabilities_are_computed_in_float64(invoke, tmp_path):
    y_true = np.array([1.0, 0.0, 1.0, 0.0] * 250)
    p32 = np.linspace(0.01, 0.99, 1000).astype(np.float32)
    pq.write_table(pa.table({"y_true": y_true, "y_pred": p32}), tmp_path / "preds.parquet")
    p = p32.astype(np.float64)
    hand = -math.fsum(np.where(y_true == 1, np.log(p), np.log1p(-p))) / len(p)
    value, _, _ = _value(invoke, ["-l", "bce", "preds.parquet"])
    assert value == pytest.approx(hand, rel=1e-12)

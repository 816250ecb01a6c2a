"""The sample_data/ files: the examples' data as the examples hold it, and the generated tables."""

from __future__ import annotations

import csv
import importlib.util
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import lossctl
from lossctl.examples import examples

SAMPLE_DATA = Path(__file__).parents[2] / "sample_data"
TABLES = sorted(path.stem for path in SAMPLE_DATA.glob("*.csv"))


def read_csv(name: str) -> dict[str, list[str]]:
    with open(SAMPLE_DATA / name, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    return {column: [row[k] for row in rows[1:]] for k, column in enumerate(rows[0])}


def floats(name: str) -> dict[str, list[float]]:
    return {column: [float(cell) for cell in cells] for column, cells in read_csv(name).items() if column != "group"}


def load_generator():
    spec = importlib.util.spec_from_file_location("make_sample_data", SAMPLE_DATA / "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.id)
def test_example_file_holds_the_examples_arrays(example):
    table = floats(example.data_file)
    columns = example.data_columns()
    assert list(table) == list(columns)
    for column, values in columns.items():
        assert table[column] == values.tolist(), column


def test_house_prices_file_gives_the_documented_mse():
    table = floats("house_prices.csv")
    assert table["y_true"] == [260000, 315000, 385000, 400000, 275000]  # 真实价格
    assert table["y_pred"] == [250000, 320000, 370000, 410000, 280000]  # 预测价格
    assert lossctl.compute("mse", table["y_true"], table["y_pred"]) == 95000000.0


@pytest.mark.parametrize("name", TABLES)
def test_csv_and_parquet_hold_the_same_table(name):
    csv_table = read_csv(f"{name}.csv")
    parquet = pq.read_table(SAMPLE_DATA / f"{name}.parquet").to_pydict()
    assert list(parquet) == list(csv_table)
    for column, cells in csv_table.items():
        assert [str(v) for v in parquet[column]] == cells, column


def test_files_are_commit_sized():
    for path in SAMPLE_DATA.iterdir():
        assert path.stat().st_size < 200_000, path.name


def test_every_file_is_in_the_readme():
    readme = (SAMPLE_DATA / "README.md").read_text(encoding="utf-8")
    for name in TABLES:
        assert f"`{name}.csv`" in readme
    assert "`model_weights.npy`" in readme


def test_the_generator_reproduces_the_files(tmp_path):
    load_generator().main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in SAMPLE_DATA.iterdir() if p.suffix in {".csv", ".parquet", ".npy"})
    assert written == committed
    for name in written:
        if name.endswith(".csv"):
            assert (tmp_path / name).read_bytes() == (SAMPLE_DATA / name).read_bytes(), name
        elif name.endswith(".parquet"):
            assert pq.read_table(tmp_path / name).equals(pq.read_table(SAMPLE_DATA / name)), name
        else:
            assert np.array_equal(np.load(tmp_path / name), np.load(SAMPLE_DATA / name)), name


def test_preds_has_outliers_that_split_mse_and_huber():
    t = floats("preds.csv")
    errors = np.abs(np.subtract(t["y_pred"], t["y_true"]))
    assert len(errors) == 200 and np.sum(errors > 30) == 6
    mse = lossctl.compute("mse", t["y_true"], t["y_pred"])
    huber = lossctl.compute("huber", t["y_true"], t["y_pred"])
    assert mse > 20 * huber


def test_model_a_and_b_share_the_truth_and_disagree_by_loss():
    truth = read_csv("preds.csv")["y_true"]
    a, b = floats("model_a.csv"), floats("model_b.csv")
    assert read_csv("model_a.csv")["y_true"] == read_csv("model_b.csv")["y_true"] == truth
    assert lossctl.compute("mse", a["y_true"], a["y_pred"]) > lossctl.compute("mse", b["y_true"], b["y_pred"])
    assert lossctl.compute("mae", a["y_true"], a["y_pred"]) < lossctl.compute("mae", b["y_true"], b["y_pred"])


def test_binary_is_imbalanced_with_groups_and_weights():
    table = read_csv("binary.csv")
    assert list(table) == ["y_true", "y_pred", "group", "weight"]
    positives = np.mean([int(y) for y in table["y_true"]])
    assert 0.07 < positives < 0.13
    assert set(table["group"]) == {"north", "south", "east", "west"}
    assert all(0 < float(p) < 1 for p in table["y_pred"])


def test_multiclass_probability_rows_sum_to_exactly_one():
    table = read_csv("multiclass_probs.csv")
    assert list(table) == ["y_true", *(f"prob_{k}" for k in range(10))]
    rows = list(zip(*(table[f"prob_{k}"] for k in range(10)), strict=True))
    assert all(sum(Decimal(cell) for cell in row) == 1 for row in rows)
    assert all(Decimal(cell) > 0 for row in rows for cell in row)
    assert set(table["y_true"]) == {str(k) for k in range(10)}


def test_multiclass_probabilities_are_the_softmax_of_the_logits():
    logits = floats("multiclass_logits.csv")
    probs = floats("multiclass_probs.csv")
    assert logits["y_true"] == probs["y_true"]
    z = np.column_stack([logits[f"logit_{k}"] for k in range(10)])
    p = np.column_stack([probs[f"prob_{k}"] for k in range(10)])
    softmax = np.exp(z - z.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    assert np.abs(p - softmax).max() < 1e-5


def test_embedding_and_critic_files():
    assert list(read_csv("pairs.csv")) == ["label", "distance"]
    assert list(read_csv("triplets.csv")) == ["d_ap", "d_an"]
    critic = read_csv("critic.csv")
    assert list(critic) == ["label", "score"]
    assert critic["label"].count("1") == critic["label"].count("0")
    assert min(floats("pairs.csv")["distance"]) >= 0


def test_model_weights_npy_and_csv_agree():
    weights = np.load(SAMPLE_DATA / "model_weights.npy")
    assert weights.dtype == np.float64 and weights.shape == (100,)
    assert floats("model_weights.csv")["w"] == weights.tolist()

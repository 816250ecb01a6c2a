"""``lossctl.evaluate``: paths, pandas DataFrames and Arrow tables in, a pandas DataFrame out,
with the command line's numbers bit for bit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import lossctl

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
MODEL_A, MODEL_B = SAMPLES / "model_a.csv", SAMPLES / "model_b.csv"
LOSSES = ["mse", "huber:delta=2", "r2", "d2:mae"]


def cli_results(invoke, *args: str) -> list[dict]:
    result = invoke("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.json()["results"]


def test_a_path_gives_the_command_lines_values(invoke):
    expected = cli_results(invoke, *[a for loss in LOSSES for a in ("-l", loss)], str(MODEL_A))
    frame = lossctl.evaluate(MODEL_A, LOSSES)
    assert list(frame.columns) == ["model", "loss", "spec", "group", "value", "n"]
    assert frame["value"].tolist() == [r["value"] for r in expected]
    assert frame["spec"].tolist() == [r["spec"] for r in expected]
    assert set(frame["model"]) == {"model_a.csv"}


def test_dataframes_and_arrow_tables_give_the_same_floats(invoke):
    # The Parquet twins of the CSV files hold the same floats (the CSV is written with repr).
    frames = {name: pd.read_parquet(path.with_suffix(".parquet")) for name, path in (("a", MODEL_A), ("b", MODEL_B))}
    got = lossctl.evaluate(frames, LOSSES)
    for model, path in (("a", MODEL_A), ("b", MODEL_B)):
        expected = [r["value"] for r in cli_results(invoke, *[a for loss in LOSSES for a in ("-l", loss)], str(path))]
        assert got[got["model"] == model]["value"].tolist() == expected
    table = pa.Table.from_pandas(frames["a"], preserve_index=False)
    assert lossctl.evaluate(table, LOSSES)["value"].tolist() == got[got["model"] == "a"]["value"].tolist()


def test_losses_by_models_intervals_and_groups(invoke):
    frame = lossctl.evaluate({"a": MODEL_A, "b": MODEL_B}, ["mse", "mae"], ci=0.9)
    wide = frame.pivot(index="loss", columns="model", values="value")
    assert wide.loc["mse", "b"] == frame.query("model == 'b' and loss == 'mse'")["value"].item()
    expected = cli_results(invoke, "-l", "mse", "-l", "mae", "--ci", "0.9", str(MODEL_A), str(MODEL_B))
    assert frame["low"].tolist() == [r["ci"]["low"] for r in expected]
    assert frame["high"].tolist() == [r["ci"]["high"] for r in expected]
    grouped = lossctl.evaluate(SAMPLES / "binary.csv", "bce", by="group")
    expected = cli_results(invoke, "-l", "bce", "--group-by", "group", str(SAMPLES / "binary.csv"))
    assert grouped["value"].tolist() == [r["value"] for r in expected]
    assert [None if pd.isna(g) else g for g in grouped["group"]] == [r.get("group") for r in expected]


def test_options_and_errors_are_the_command_lines():
    frame = pd.DataFrame({"obs": [1.0, 2.0, 3.0], "fit": [1.0, 2.0, 5.0]})
    assert lossctl.evaluate(frame, "mse", y_true="obs", y_pred="fit")["value"].item() == 4 / 3
    with pytest.raises(lossctl.errors.LossctlError, match="no column for the labels"):
        lossctl.evaluate(frame, "mse")


def test_importing_lossctl_imports_no_pandas():
    code = "import sys, lossctl; lossctl.compute('mse', [1.0], [2.0]); print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_warnings_ride_along():
    frame = pd.DataFrame({"y_true": [0.0, 1.0], "y_pred": [0.0, 1.0]})
    result = lossctl.evaluate(frame, "bce")
    assert any("clipped" in w for w in result.attrs["warnings"])
    assert json.dumps(result.attrs["warnings"])  # plain strings

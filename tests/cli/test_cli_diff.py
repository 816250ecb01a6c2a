"""``lossctl diff A B``: each loss's paired change, the rows that changed most, the slices, the
regression gate, and the errors of files that cannot be paired."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from .conftest import failed, ok


def write_csv(path: Path, **columns) -> None:
    """A CSV file of ``columns``; floats written with ``repr``, which reads back exactly."""
    names = list(columns)
    values = [np.asarray(columns[name]).tolist() for name in names]
    lines = [",".join(names)] + [
        ",".join(repr(v) if isinstance(v, float) else str(v) for v in row) for row in zip(*values, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def sliced_models(n_per_slice: int = 400, seed: int = 3) -> dict[str, np.ndarray]:
    """Labels, slices x, y, z and two models: B's errors have sd 0.5 on y and z (A's: 1) but
    1.3 on x, so B is better overall (expected mse 0.73 against 1) and worse on x only."""
    rng = np.random.default_rng(seed)
    group = np.repeat(np.array(["x", "y", "z"]), n_per_slice)
    y = rng.normal(10.0, 3.0, group.size)
    sd_b = np.where(group == "x", 1.3, 0.5)
    return {
        "id": np.arange(group.size) * 7 + 1000,
        "g": group,
        "y_true": y,
        "a": y + rng.normal(0.0, 1.0, group.size),
        "b": y + rng.normal(0.0, 1.0, group.size) * sd_b,
    }


def write_models(folder: Path, data: dict[str, np.ndarray], order: np.ndarray | None = None) -> None:
    """a.csv and b.csv of ``data`` (``order``: the rows of b.csv, by default A's order)."""
    rows = np.arange(len(data["y_true"])) if order is None else order
    keep = {name: data[name] for name in ("id", "g") if name in data}
    write_csv(folder / "a.csv", **keep, y_true=data["y_true"], y_pred=data["a"])
    write_csv(
        folder / "b.csv", **{k: v[rows] for k, v in keep.items()}, y_true=data["y_true"][rows], y_pred=data["b"][rows]
    )


def test_each_change_is_b_minus_a_of_the_numpy_losses(run, tmp_path):
    rng = np.random.default_rng(11)
    y = rng.normal(0.0, 2.0, 300)
    data = {"y_true": y, "a": y + rng.normal(0.0, 1.0, 300), "b": y + rng.normal(0.3, 0.8, 300)}
    write_models(tmp_path, data)
    doc = ok(
        run("diff", "-l", "mse", "-l", "mae", "-l", "huber", "-l", "log-cosh", "a.csv", "b.csv", "--format", "json")
    )
    results = {r["spec"]: r for r in doc.json()["results"]}

    def losses(pred: np.ndarray) -> dict[str, float]:
        e = y - pred
        return {
            "mse": np.mean(e**2),
            "mae": np.mean(np.abs(e)),
            "huber": np.mean(np.where(np.abs(e) <= 1.0, 0.5 * e**2, np.abs(e) - 0.5)),  # delta 1
            "log-cosh": np.mean(np.log(np.cosh(e))),
        }

    mine, theirs = losses(data["a"]), losses(data["b"])
    assert set(results) == set(mine)
    for name, r in results.items():
        assert r["a"] == pytest.approx(mine[name], rel=1e-12)
        assert r["b"] == pytest.approx(theirs[name], rel=1e-12)
        assert abs(r["diff"] - (theirs[name] - mine[name])) <= 1e-12
        assert r["ci"]["low"] <= r["diff"] <= r["ci"]["high"]
        assert r["verdict"] in ("better", "worse", "no difference")


def test_a_query_column_of_text_groups_the_lists_of_both_models(run, tmp_path):
    # ranking-softmax: per query, -sum_i r_i log softmax(s)_i, averaged over the queries.
    relevance, queries = [1.0, 0.0, 2.0, 0.0, 1.0], ["q1", "q1", "q2", "q2", "q2"]
    scores = {"a": [0.5, 0.2, 1.0, 0.1, 0.3], "b": [0.1, 0.9, 0.2, 0.1, 0.3]}

    def ranking_softmax(s: list[float]) -> float:
        lists = [(relevance[:2], s[:2]), (relevance[2:], s[2:])]
        terms = [
            -sum(r * (x - math.log(sum(math.exp(v) for v in xs))) for r, x in zip(rs, xs, strict=True))
            for rs, xs in lists
        ]
        return sum(terms) / 2

    for model, s in scores.items():
        write_csv(tmp_path / f"{model}.csv", query=queries, y_true=relevance, y_pred=s)
    [result] = ok(run("diff", "-l", "ranking-softmax", "a.csv", "b.csv", "--format", "json")).json()["results"]
    assert result["a"] == pytest.approx(ranking_softmax(scores["a"]), rel=1e-12)
    assert result["b"] == pytest.approx(ranking_softmax(scores["b"]), rel=1e-12)


def test_the_rows_that_changed_most_match_a_brute_force_ranking(run, tmp_path):
    rng = np.random.default_rng(5)
    y = np.round(rng.normal(0.0, 1.0, 200), 2)
    a = y + np.round(rng.normal(0.0, 0.5, 200), 2)
    b = y + np.round(rng.normal(0.0, 0.5, 200), 2)
    # A tie at the top: row 9 gets 100 worse, row 4 100 better (exact in floats): the earlier first.
    y[[3, 8]] = 5.0
    a[[3, 8]] = [15.0, 5.0]
    b[[3, 8]] = [5.0, 15.0]
    write_models(tmp_path, {"y_true": y, "a": a, "b": b})
    doc = ok(run("diff", "-l", "mse", "--top", "6", "a.csv", "b.csv", "--format", "json")).json()
    change = (y - b) ** 2 - (y - a) ** 2
    order = np.lexsort((np.arange(200), -np.abs(change)))[:6]  # largest |change| first, ties by row
    assert [r["row"] for r in doc["rows"]] == [int(i) + 1 for i in order]
    assert doc["rows"][0]["row"] == 4 and doc["rows"][1]["row"] == 9
    for r, i in zip(doc["rows"], order, strict=True):
        assert (r["label"], r["prediction_a"], r["prediction_b"]) == (y[i], a[i], b[i])
        assert r["loss_a"] == pytest.approx((y[i] - a[i]) ** 2, rel=1e-12)
        assert r["change"] == pytest.approx(change[i], rel=1e-12, abs=1e-12)
    assert doc["rows_loss"] == "mse" and doc["rows"][0]["key"] is None


def test_a_regression_on_one_slice_is_found_and_flagged(run, tmp_path):
    write_models(tmp_path, sliced_models())
    doc = ok(run("diff", "-l", "mse", "--group-by", "g", "a.csv", "b.csv", "--format", "json")).json()
    (mse,) = doc["results"]
    assert mse["verdict"] == "better"
    slices = {s["group"]: s for s in doc["slices"]}
    assert (slices["x"]["verdict"], slices["x"]["disagrees"]) == ("worse", True)
    assert slices["x"]["ci"]["low"] > 0
    for other in ("y", "z"):
        assert (slices[other]["verdict"], slices[other]["disagrees"]) == ("better", False)
    assert doc["regression"] is False
    table = ok(run("diff", "-l", "mse", "--group-by", "g", "a.csv", "b.csv")).stdout
    said = [line for line in table.splitlines() if "overall" in line]
    assert said == ["! b.csv is better than a.csv overall on mse but worse on g = x"]


def test_pairing_on_a_key_of_shuffled_files_gives_the_ordered_result(run, tmp_path):
    data = sliced_models(n_per_slice=150)
    write_models(tmp_path, data)
    ordered = ok(run("diff", "--group-by", "g", "--top", "5", "a.csv", "b.csv", "--format", "json")).json()
    write_models(tmp_path, data, order=np.random.default_rng(0).permutation(450))
    shuffled = ok(run("diff", "--on", "id", "--group-by", "g", "--top", "5", "a.csv", "b.csv", "--format", "json"))
    paired = shuffled.json()
    assert paired["on"] == "id" and ordered["on"] is None
    for part in ("results", "rows", "slices", "regression"):
        assert paired[part] == ordered[part], part
    assert paired["rows"][0]["key"] == int(data["id"][paired["rows"][0]["row"] - 1])
    # Unpaired, the shuffled rows are refused: both files have the key column id.
    failed(run("diff", "a.csv", "b.csv"), "--on id")


def test_fail_on_regression_exits_1_on_a_real_regression(run, tmp_path):
    rng = np.random.default_rng(8)
    y = rng.normal(0.0, 1.0, 500)
    write_models(tmp_path, {"y_true": y, "a": y + rng.normal(0.0, 1.0, 500), "b": y + rng.normal(0.0, 1.5, 500)})
    gated = run("diff", "-l", "mse", "-l", "mae", "--fail-on-regression", "a.csv", "b.csv")
    assert gated.exit_code == 1, gated.stderr
    assert "b.csv is significantly worse than a.csv on mse, mae" in gated.stdout
    assert ok(run("diff", "-l", "mse", "a.csv", "b.csv")).exit_code == 0  # without the flag: 0
    assert ok(run("diff", "-l", "mse", "--fail-on-regression", "b.csv", "a.csv")).exit_code == 0  # an improvement


def test_fail_on_regression_exits_0_on_noise(run, tmp_path):
    # One noise data set through the command line; the rate of false alarms over 200 of them is
    # measured in tests/engine/test_engine_diff.py.
    rng = np.random.default_rng(22)
    y = rng.normal(0.0, 1.0, 500)
    write_models(tmp_path, {"y_true": y, "a": y + rng.normal(0.0, 1.0, 500), "b": y + rng.normal(0.0, 1.0, 500)})
    doc = ok(run("diff", "-l", "mse", "--fail-on-regression", "a.csv", "b.csv", "--format", "json")).json()
    assert doc["regression"] is False and doc["results"][0]["verdict"] != "worse"


def test_ci_method_level_and_seed_are_passed_on(run, tmp_path):
    write_models(tmp_path, sliced_models(n_per_slice=100))
    args = ["diff", "-l", "mae", "a.csv", "b.csv", "--format", "json", "--ci", "0.9", "--ci-method", "bootstrap"]
    first = ok(run(*args, "--seed", "4")).json()["results"][0]
    assert (first["ci"]["level"], first["ci"]["method"]) == (0.9, "bootstrap")
    assert ok(run(*args, "--seed", "4")).json()["results"][0] == first
    assert ok(run(*args, "--seed", "5")).json()["results"][0]["ci"] != first["ci"]


@pytest.mark.parametrize(
    ("second", "fragments"),
    [
        ("bin.csv", ("holds regression", "binary", "same task")),
        ("five.csv", ("has 4 rows but five.csv has 5",)),
        ("other_labels.csv", ("row 2", "label 2.0 here, 7.0 in other_labels.csv", "same labels")),
    ],
)
def test_files_that_cannot_be_paired_are_one_line_errors(run, files, second, fragments):
    write_csv(files / "five.csv", y_true=[1.0, 2.0, 3.0, 4.0, 5.0], y_pred=[1.0, 2.0, 3.0, 4.0, 5.0])
    write_csv(files / "other_labels.csv", y_true=[1.0, 7.0, 3.0, 4.0], y_pred=[1.0, 2.0, 3.0, 4.0])
    err = failed(run("diff", "r.csv", second), *fragments)
    assert len(err.strip().splitlines()) == 1


def test_tables_fit_the_terminal(run, tmp_path, monkeypatch):
    write_models(tmp_path, sliced_models(n_per_slice=50))
    for columns in ("60", "100", "160"):
        monkeypatch.setenv("COLUMNS", columns)
        out = ok(run("diff", "--group-by", "g", "--top", "3", "a.csv", "b.csv")).stdout
        assert max(len(line) for line in out.splitlines()) <= int(columns)
        assert "rows whose mse changed most" in out and "mse by g" in out


def test_markdown(run, tmp_path):
    write_models(tmp_path, sliced_models(n_per_slice=50))
    out = ok(run("diff", "-l", "mse", "--top", "2", "a.csv", "b.csv", "--format", "markdown")).stdout
    assert "| loss | a | b | b - a | interval | p | verdict |" in out
    assert "| row | id | label | pred a | pred b | loss a | loss b | change |" in out


def test_nan_propagate_pairs_nothing(run, files):
    write_csv(files / "gap.csv", y_true=[1.0, 2.0, 3.0, 4.0], y_pred=[1.0, float("nan"), 3.0, 4.0])
    result = ok(
        run("diff", "-l", "mse", "--nan", "propagate", "--fail-on-regression", "r.csv", "gap.csv", "--format", "json")
    )
    (mse,) = result.json()["results"]
    assert (mse["a"], mse["b"], mse["diff"], mse["verdict"]) == (4.0, None, None, None)
    assert result.json()["regression"] is False
    assert "no paired comparison" in result.stderr


def test_stdin_is_one_of_the_files_at_most(run, files):
    assert ok(run("diff", "-l", "mae", "r.csv", "-", input=(files / "b.csv").read_text())).stdout.startswith(
        "<stdin> against r.csv"
    )
    failed(run("diff", "-", "-", input="y_true,y_pred\n1,1\n"), "not both")

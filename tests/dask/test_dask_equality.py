"""The Dask engine gives the local engine's numbers, bit for bit, on the same dataset: every sum is
exact, so neither the partitioning nor the order of the merges can change a result."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from dask_cluster import on_dask
from dask_data import MAKERS, table, write

from lossctl.engine import cluster as engine
from lossctl.engine.evaluate import evaluate
from lossctl.engine.task import Task, default_losses
from lossctl.errors import InputError, UsageError
from lossctl.losses.tasks import REGRESSION
from lossctl.options.request import build_request


def facts(evaluation) -> tuple:
    """Everything an evaluation says but its values."""
    e = evaluation
    results = [(r.label, r.group, r.n, r.worst and [row for row, _ in r.worst]) for r in e.results]
    return e.input, e.format, e.task, e.binding, e.rows, e.dropped, e.notes, results


def assert_same(mine, theirs) -> None:
    """Two (evaluation, warnings) pairs agree exactly, values included (NaN equals NaN)."""
    (a, warnings_a), (b, warnings_b) = mine, theirs
    assert facts(b) == facts(a)
    assert warnings_b == warnings_a
    for x, y in zip(a.results, b.results, strict=True):
        assert y.value == x.value or (math.isnan(x.value) and math.isnan(y.value))
        assert [v for _, v in y.worst or []] == [v for _, v in x.worst or []]


@pytest.mark.parametrize("kind", list(MAKERS))
def test_every_streamable_loss_of_each_kind(kind, datasets, both):
    expected = MAKERS[kind][1]
    mine, theirs = both(build_request(str(datasets[kind]), default_losses(expected)))
    assert mine[0].task == expected
    assert len(mine[0].results) == len(default_losses(expected))
    assert_same(mine, theirs)


@pytest.mark.parametrize(
    ("kind", "losses"),
    [
        (
            "regression",
            ["r2", "explained-variance", "d2:mae", "d2:quantile:quantile=0.8", "rse", "nrmse:normalization=range"],
        ),
        ("binary", ["ece", "ece:binning=equal-mass", "brier-resolution", "d2:bce"]),
        ("multiclass", ["rmsce:multiclass=classwise", "mce:binning=equal-mass", "d2:cross-entropy"]),
    ],
)
def test_scores_of_the_whole_sample(kind, losses, datasets, both):
    """Skill and calibration scores merge sorted runs and bins across the partitions."""
    assert_same(*both(build_request(str(datasets[kind]), losses)))


def test_default_losses_are_the_local_engines_wasserstein_distance_included(datasets, both):
    """Without -l, both engines compute the same losses (the Wasserstein distance of the two
    columns, which sorts every sample, among them), to the same float."""
    mine, theirs = both(build_request(str(datasets["regression"])))
    assert [r.label for r in mine[0].results] == default_losses(Task(REGRESSION))
    assert "wasserstein-distance" in default_losses(Task(REGRESSION))
    assert_same(mine, theirs)


def test_small_chunks_groups_worst_rows_and_weights(datasets, both):
    """Chunks much smaller than the row groups, --group-by a partition key, --worst, and
    the sample weights of the regression dataset."""
    request = build_request(
        str(datasets["regression"]),
        ["mse", "mae", "huber:delta=0.5", "quantile:quantile=0.9", "mse + 0.5*mae"],
        group_by="region",
        worst=4,
        chunk_rows=300,
    )
    mine, theirs = both(request)
    assert mine[0].binding.columns["sample_weight"] == ["weight"]
    assert {r.group for r in mine[0].results} == {None, "a", "b"}
    assert_same(mine, theirs)


def test_missing_values_dropped_or_propagated(tmp_path, both):
    columns = table("binary", 5000)
    columns["y_pred"][[10, 2500, 4999]] = np.nan
    root = write(tmp_path / "nan", columns, files=4, row_group_rows=700)
    dropped = both(build_request(str(root), ["bce", "brier"], nan="drop"))
    assert dropped[1][0].dropped == 3
    assert_same(*dropped)
    propagated = both(build_request(str(root), ["bce", "brier"], nan="propagate"))
    assert math.isnan(propagated[1][0].results[0].value)
    assert_same(*propagated)


def test_clipped_probabilities_are_counted_alike(tmp_path, both):
    columns = table("binary", 4000)
    columns["y_pred"][[5, 1500, 3999]] = [0.0, 1.0, 0.0]
    root = write(tmp_path / "clip", columns, files=2, row_group_rows=900)
    mine, theirs = both(build_request(str(root), ["bce", "focal"]))
    assert mine[0].notes
    assert_same(mine, theirs)


def test_model_weights_in_an_expression(tmp_path, datasets, both):
    weights = tmp_path / "w.npy"
    np.save(weights, np.linspace(-1.0, 1.0, 11))
    request = build_request(str(datasets["binary"]), ["bce + 1e-3*l2", "l1"], model_weights=str(weights))
    assert_same(*both(request))


def test_glob_over_csv_files(tmp_path, both):
    root = write(tmp_path / "csv", table("regression", 3000), files=3, row_group_rows=1000, fmt="csv")
    mine, theirs = both(build_request(str(root / "part-*.csv"), ["mse", "mape"], chunk_rows=512))
    assert mine[0].rows == 3000 and mine[0].format == "csv"
    assert_same(mine, theirs)


def test_one_file_is_split_by_row_group(tmp_path, both):
    root = write(tmp_path / "one", table("multiclass", 5000), files=1, row_group_rows=600)
    path = str(next(root.glob("*.parquet")))
    mine, theirs = both(build_request(path, ["cross-entropy", "focal:gamma=1"], worst=3))
    assert theirs[0].input == path
    assert_same(mine, theirs)


def test_file_urls(tmp_path, datasets, both):
    url = datasets["pairs"].as_uri()
    mine, theirs = both(build_request(url, ["contrastive:margin=2"], y_true="label"))
    assert theirs[0].input == url
    assert_same(mine, theirs)


def test_a_cluster_of_its_own_from_the_command_line(datasets, invoke):
    """Without --scheduler the engine starts (and stops) a local cluster."""
    path = str(datasets["triplets"])
    local_run = invoke("compute", "-l", "triplet", "--format", "json", path)
    dask_run = invoke("compute", "-l", "triplet", "--format", "json", "--engine", "dask", path)
    assert (local_run.exit_code, dask_run.exit_code) == (0, 0), dask_run.stderr
    value = dask_run.json()["results"][0]["value"]
    assert value == local_run.json()["results"][0]["value"]
    assert dask_run.json()["inputs"] == local_run.json()["inputs"]


def test_engine_needs_dask_installed(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    with pytest.raises(UsageError, match=r"pip install 'lossctl\[dask\]'"):
        with engine.connect(None):
            pass


@pytest.mark.parametrize("method", ["normal", "bootstrap"])
def test_intervals_with_groups_and_weights(datasets, both, method):
    """--ci on both engines: the same interval, bit for bit, per loss and per group."""
    request = build_request(
        str(datasets["regression"]),
        ["mse", "rmse", "mae", "mse + 0.5*mae", "d2:mae", "d2:mse"],
        group_by="region",
        chunk_rows=700,
        ci=0.9,
        ci_method=method,
        seed=5,
    )
    mine, theirs = both(request)
    assert_same(mine, theirs)
    intervals = [r.ci for r in mine[0].results]
    assert all(ci is not None and ci.method == method and ci.level == 0.9 for ci in intervals)
    assert intervals == [r.ci for r in theirs[0].results]


@pytest.mark.parametrize("method", ["normal", "bootstrap"])
def test_intervals_of_calibration_and_skill_scores(datasets, both, method):
    """Bins by replicate group and the targets' runs by group merge across the partitions."""
    losses = ["ece", "rmsce", "brier-resolution", "d2:bce", "rmsce:binning=equal-mass"]
    request = build_request(str(datasets["binary"]), losses, chunk_rows=700, ci=0.9, ci_method=method, seed=5)
    mine, theirs = both(request)
    assert_same(mine, theirs)
    intervals = [r.ci for r in mine[0].results]
    assert all(ci is not None and ci.method == method for ci in intervals)
    assert intervals == [r.ci for r in theirs[0].results]


def test_a_multi_output_regression(tmp_path, both):
    """Each output's state merges across the partitions as a single column's does."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(5)
    y = rng.normal(0.0, 1.0, (3000, 2))
    columns = {"y_a": y[:, 0], "y_b": y[:, 1], "p_a": y[:, 0] + rng.normal(size=3000), "p_b": 2 * y[:, 1]}
    (tmp_path / "outputs").mkdir()
    for k in range(3):
        part = pa.table({name: values[k * 1000 : (k + 1) * 1000] for name, values in columns.items()})
        pq.write_table(part, tmp_path / "outputs" / f"part-{k}.parquet", row_group_size=300)
    losses = ["mse", "r2", "median-absolute-error", "wasserstein-distance"]
    request = build_request(str(tmp_path / "outputs"), losses, y_true="y_*", y_pred="p_*", multioutput="raw")
    mine, theirs = both(request)
    assert_same(mine, theirs)
    assert [r.components for r in mine[0].results] == [r.components for r in theirs[0].results]


def test_two_samples_of_different_sizes_with_weights_of_their_own(tmp_path, both):
    """The shorter sample ends in missing cells three parts before the end; each sample has
    weights of its own; a gap of y_true in the first file, followed by values in later parts,
    is dropped by both engines and counted alike."""
    columns = table("regression", 5000)
    columns["y_pred"][2100:] = np.nan
    columns["u_weights"], columns["v_weights"] = columns.pop("weight"), np.linspace(0.5, 2.0, 5000)
    columns["v_weights"][2100:] = np.nan
    columns["y_true"][[7, 400]] = np.nan
    root = write(tmp_path / "sizes", columns, files=3, row_group_rows=600)
    losses = ["wasserstein-distance", "energy-distance"]
    mine, theirs = both(build_request(str(root), losses, nan="drop"))
    assert mine[0].dropped == 2
    assert_same(mine, theirs)
    keep = ~np.isnan(columns["y_true"])
    u, v = columns["y_true"][keep], columns["y_pred"][:2100]
    u_weights, v_weights = columns["u_weights"][keep], columns["v_weights"][:2100]
    expected = [scipy.stats.wasserstein_distance(u, v, u_weights, v_weights)]
    expected.append(scipy.stats.energy_distance(u, v, u_weights, v_weights))
    assert [r.value for r in mine[0].results] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(InputError, match="column 'y_true', row 8: missing value"):
        both(build_request(str(root), losses))


def test_a_gap_at_the_end_of_a_part_is_found_when_the_parts_merge(tmp_path, scheduler):
    """Empty cells that end the first file are followed by values in the second: a gap that
    no part sees alone, found where the tallies merge, on both engines, at the same row."""
    columns = table("regression", 3000)
    columns["y_true"][1495:1500] = np.nan
    root = write(tmp_path / "gap", columns, files=2, row_group_rows=500)
    request = build_request(str(root), ["energy-distance"])
    for run in (evaluate, lambda r: evaluate(on_dask(r, scheduler))):
        with pytest.raises(InputError, match="column 'y_true', row 1496: missing value"):
            run(request)

"""``--ci``: an interval beside every value, in the table and in the JSON."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from .conftest import document, ok


def test_ci_alone_before_the_file_is_95_percent(run, files):
    doc = document(run("compute", "-l", "mse", "--ci", "r.csv", "--format", "json"))
    (result,) = doc["results"]
    # Squared errors [0, 0, 0, 16]: mean 4, s^2 = (3 * 16 + 144) / 3 = 64, s / sqrt(4) = 4;
    # 4 - 4z is below 0, the least squared error, where the interval ends.
    z = NormalDist().inv_cdf(0.975)
    assert result["ci"] == {
        "level": 0.95,
        "low": 0.0,
        "high": pytest.approx(4 + 4 * z),
        "method": "normal",
        "se": pytest.approx(4.0),
    }


def test_level_method_and_seed(run, files):
    first = document(
        run(
            "compute",
            "-l",
            "mae",
            "--ci",
            "0.8",
            "--ci-method",
            "bootstrap",
            "--seed",
            "9",
            "r.csv",
            "--format",
            "json",
        )
    )
    again = document(
        run("compute", "-l", "mae", "r.csv", "--ci=0.8", "--ci-method=bootstrap", "--seed=9", "--format", "json")
    )
    ci = first["results"][0]["ci"]
    assert ci == again["results"][0]["ci"]
    assert (ci["level"], ci["method"]) == (0.8, "bootstrap")
    # Absolute errors [0, 0, 0, 4]: every resample's mean is a multiple of 4/4 = 1 within [0, 4].
    assert 0 <= ci["low"] <= ci["high"] <= 4


def test_table_shows_the_interval_column(run, files):
    out = ok(run("compute", "-l", "mse", "-l", "rmse", "r.csv", "--ci")).stdout
    assert "95% interval" in out
    rmse_row = next(line for line in out.splitlines() if line.startswith("│ rmse"))
    low, high = (float(x) for x in rmse_row.split("[")[1].split("]")[0].split(", "))
    z = NormalDist().inv_cdf(0.975)
    assert low == pytest.approx(math.sqrt(max(4 - 4 * z, 0.0)), abs=1e-5)
    assert high == pytest.approx(math.sqrt(4 + 4 * z), rel=1e-5)


def test_a_loss_without_an_interval_says_why(run, files):
    result = ok(run("compute", "-l", "mse", "-l", "wasserstein-distance", "r.csv", "--ci", "--format", "json"))
    results = document(result)["results"]
    assert "ci" in results[0] and "ci" not in results[1]
    assert "wasserstein-distance: no interval for a loss of the whole samples" in result.stderr


def test_ci_level_is_checked(run, files):
    result = run("compute", "-l", "mse", "--ci", "1.5", "r.csv")
    assert result.exit_code == 2 and "--ci" in result.stderr


def test_compare_cells_carry_the_interval(run, files):
    out = ok(run("compare", "-l", "mse", "--ci", "r.csv", "b.csv")).stdout
    # b.csv: every error 1.5, so its squared errors do not vary: the interval is [2.25, 2.25].
    # The column's largest number, 11.8399, has four decimals at six digits: every number has four.
    assert "2.2500 [2.2500, 2.2500]" in out


def models(tmp_path, n: int = 400, spreads: tuple[float, ...] = (2.0, 0.5)) -> list[str]:
    """Model files on the same labels, the i-th with errors N(0, spreads[i]^2)."""
    rng = np.random.default_rng(3)
    y = rng.normal(0.0, 1.0, n)
    names = []
    for i, spread in enumerate(spreads):
        p = y + rng.normal(0.0, spread, n)
        name = f"m{i}.csv"
        (tmp_path / name).write_text(
            "y_true,y_pred\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(y.tolist(), p.tolist(), strict=True))
        )
        names.append(name)
    return names


def test_compare_pairs_each_model_with_the_reference(run, tmp_path):
    a, b = models(tmp_path)
    doc = document(run("compare", "-l", "mse", "-l", "mae", "--ci", a, b, "--format", "json", cwd=tmp_path))
    comparisons = doc["comparisons"]
    assert [(c["loss"], c["reference"], c["model"]) for c in comparisons] == [("mse", a, b), ("mae", a, b)]
    values = {(r["input"], r["loss"]): r["value"] for r in doc["results"]}
    for c in comparisons:
        assert c["diff"] == values[(b, c["loss"])] - values[(a, c["loss"])]
        assert c["ci"]["low"] < c["diff"] < c["ci"]["high"] < 0  # errors of sd 0.5 against 2
        assert c["p_value"] < 1e-6 and c["verdict"] == "better"


def test_reference_flips_the_difference(run, tmp_path):
    a, b = models(tmp_path)
    doc = document(run("compare", "-l", "mse", "--ci", "--reference", b, a, b, "--format", "json", cwd=tmp_path))
    (c,) = doc["comparisons"]
    assert (c["reference"], c["model"], c["verdict"]) == (b, a, "worse")


def test_best_is_marked_only_where_significant(run, tmp_path):
    names = models(tmp_path, n=60, spreads=(1.0, 1.02))  # all but equal: no significant best
    out = ok(run("compare", "-l", "mse", "--ci", *names, cwd=tmp_path)).stdout
    assert " * " not in out.replace("│", " ") and "no best marked for mse" in out
    names = models(tmp_path, n=400)
    out = ok(run("compare", "-l", "mse", "--ci", *names, cwd=tmp_path)).stdout
    row = next(line for line in out.splitlines() if line.startswith("│ m1.csv"))
    assert row.rstrip(" │").endswith("*")


def test_models_of_other_labels_are_not_paired(run, tmp_path):
    a, _ = models(tmp_path)
    (tmp_path / "short.csv").write_text("y_true,y_pred\n1,2\n2,2\n3,1\n")
    result = ok(run("compare", "-l", "mse", "--ci", a, "short.csv", "--format", "json", cwd=tmp_path))
    assert document(result)["comparisons"] == []
    assert "short.csv: not compared with m0.csv: not scored on the same labels" in result.stderr


def test_check_results_carry_intervals(run, files):
    doc = document(run("check", "r.csv", "-l", "mse", "--max", "5", "--ci", "--format", "json"))
    ci = doc["results"][0]["ci"]
    z = NormalDist().inv_cdf(0.975)
    assert (ci["low"], ci["high"]) == (0.0, pytest.approx(4 + 4 * z))  # 4 - 4z < 0: ends at 0


def test_stdin_gives_the_files_interval(run, files, tmp_path):
    args = ("compute", "-l", "huber", "--ci", "--ci-method", "bootstrap", "--format", "json")
    from_file = document(run(*args, "r.csv"))["results"][0]["ci"]
    from_stdin = document(run(*args, "-", input=(tmp_path / "r.csv").read_text()))["results"][0]["ci"]
    assert from_stdin == from_file


def test_every_kind_of_state_takes_ci_without_failing(run, files):
    result = ok(run("compute", "-l", "cost-sensitive-bce", "-l", "brier", "bin.csv", "--ci", "--format", "json"))
    assert all("ci" in r for r in document(result)["results"])
    result = ok(run("compute", "-l", "mse + max-error", "-l", "mae", "r.csv", "--ci", "--format", "json"))
    first, second = document(result)["results"]
    assert "ci" not in first and "ci" in second
    assert "mse + max-error: no interval for a loss of the whole samples" in result.stderr


def test_slices_of_group_by_take_intervals_in_bounded_memory(run, tmp_path, peak_mib):
    # 500 slices: the normal method keeps no replicate groups per slice (64 rows of bins each,
    # which took 5 GB for 1000 slices). About 100 MiB here; the bound catches a blow-up.
    rng = np.random.default_rng(4)
    rows = "".join(f"{rng.normal()!r},{rng.normal()!r},{k % 500}\n" for k in range(20_000))
    (tmp_path / "g.csv").write_text("y_true,y_pred,g\n" + rows)
    doc = document(run("compute", "-l", "mse", "--group-by", "g", "--ci", "g.csv", "--format", "json"))
    assert all("ci" in r for r in doc["results"]) and len(doc["results"]) == 501
    assert peak_mib("compute", "-l", "mse", "-l", "mae", "--group-by", "g", "--ci", str(tmp_path / "g.csv")) < 1000


def keyed_models(tmp_path, n: int = 400) -> tuple[str, str, str]:
    """Two models of the same labels keyed by ``k`` (strings, not positions): a.csv, b.csv in
    the same order, and b_shuffled.csv, b's rows in another order."""
    rng = np.random.default_rng(11)
    y = rng.normal(0.0, 1.0, n)
    shared = rng.normal(0.0, 1.0, n)  # errors the two models share: pairing removes them
    keys = [f"row-{7 * i + 3}" for i in range(n)]
    predictions = {"a.csv": y + shared, "b.csv": y + shared + rng.normal(0.0, 0.2, n)}
    for name, p in predictions.items():
        lines = [f"{k},{t!r},{q!r}\n" for k, t, q in zip(keys, y.tolist(), p.tolist(), strict=True)]
        (tmp_path / name).write_text("k,y_true,y_pred\n" + "".join(lines))
        if name == "b.csv":
            order = rng.permutation(n)
            (tmp_path / "b_shuffled.csv").write_text("k,y_true,y_pred\n" + "".join(lines[i] for i in order))
    return "a.csv", "b.csv", "b_shuffled.csv"


def test_shuffled_models_are_not_paired_by_position(run, tmp_path):
    # The same labels in another order: pairing row i with row i would pair unrelated rows.
    a, _, shuffled = keyed_models(tmp_path)
    result = ok(run("compare", "-l", "mse", "--ci", a, shuffled, "--format", "json", cwd=tmp_path))
    assert document(result)["comparisons"] == []
    assert "b_shuffled.csv: not compared with a.csv: its labels differ" in result.stderr


def test_on_pairs_models_by_their_key_in_any_order(run, tmp_path):
    a, b, shuffled = keyed_models(tmp_path)
    docs = [
        document(run("compare", "-l", "mse", "--ci", "--on", "k", a, other, "--format", "json", cwd=tmp_path))
        for other in (b, shuffled)
    ]
    ordered, mixed = ([{k: v for k, v in c.items() if k != "model"} for c in d["comparisons"]] for d in docs)
    assert ordered == mixed and len(ordered) == 1  # the same floats, whatever the order
    (c,) = docs[1]["comparisons"]
    values = {r["input"]: r["value"] for r in docs[1]["results"]}
    assert c["diff"] == values[shuffled] - values[a]
    # Paired, the shared errors cancel: the difference's interval is far narrower than the
    # two models' own intervals combined as if independent (the shared errors have sd 1, b's
    # own 0.2).
    widths = {r["input"]: r["ci"]["high"] - r["ci"]["low"] for r in docs[1]["results"]}
    assert c["ci"]["high"] - c["ci"]["low"] < 0.5 * math.hypot(widths[a], widths[shuffled])


def test_a_missing_prediction_dropped_from_one_model_keeps_the_pairing(run, tmp_path):
    # The labels are the same: a prediction left out (--nan drop) changes no fingerprint.
    a, b, _ = keyed_models(tmp_path)
    lines = (tmp_path / b).read_text().splitlines()
    key, label, _ = lines[6].split(",")
    lines[6] = f"{key},{label},"
    (tmp_path / "b_gap.csv").write_text("\n".join(lines) + "\n")
    doc = document(
        run("compare", "-l", "mse", "--ci", "--nan", "drop", a, "b_gap.csv", "--format", "json", cwd=tmp_path)
    )
    assert len(doc["comparisons"]) == 1 and not any("labels differ" in w for w in doc["warnings"])


def test_keys_written_as_integers_or_floats_pair_alike(run, tmp_path):
    a, _, shuffled = keyed_models(tmp_path)
    numbered = [
        line.replace("row-", "", 1) if i else line for i, line in enumerate((tmp_path / a).read_text().splitlines())
    ]
    (tmp_path / "a_int.csv").write_text("\n".join(numbered) + "\n")
    floats = [
        line.replace("row-", "", 1).replace(",", ".0,", 1) if i else line
        for i, line in enumerate((tmp_path / shuffled).read_text().splitlines())
    ]
    (tmp_path / "b_float.csv").write_text("\n".join(floats) + "\n")
    doc = document(
        run("compare", "-l", "mse", "--ci", "--on", "k", "a_int.csv", "b_float.csv", "--format", "json", cwd=tmp_path)
    )
    assert len(doc["comparisons"]) == 1  # 3 and 3.0 are one key


def test_a_key_that_repeats_cannot_pair(run, tmp_path):
    a, b, _ = keyed_models(tmp_path)
    lines = (tmp_path / b).read_text().splitlines()
    lines[2] = lines[1].split(",")[0] + "," + ",".join(lines[2].split(",")[1:])  # row 2 takes row 1's key
    (tmp_path / "b_twice.csv").write_text("\n".join(lines) + "\n")
    result = run("compare", "-l", "mse", "--ci", "--on", "k", a, "b_twice.csv", cwd=tmp_path)
    assert result.exit_code == 2
    assert "b_twice.csv, column 'k': a key repeats" in result.stderr

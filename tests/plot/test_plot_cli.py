"""``lossctl plot curves`` and ``lossctl plot samples`` in the terminal."""

from __future__ import annotations

from ._support import SAMPLE_DATA, REGRESSION_40x10, failed, ok


def test_curves_in_the_terminal(run):
    result = ok(
        run("plot", "curves", "-l", "mse", "-l", "mae", "-l", "huber:delta=1", "--width", "40", "--height", "10")
    )
    assert result.stdout == REGRESSION_40x10
    assert result.stderr == ""


def test_curves_of_the_focal_family(run):
    args = ["plot", "curves", "-l", "cross-entropy"] + [f"-lfocal:gamma={g}" for g in (0.5, 1, 2, 5)]
    out = ok(run(*args, "--width", "80", "--height", "16", "--y-max", "5")).stdout
    assert out.splitlines()[0].lstrip().startswith("5 ┤")
    assert "probability of the true class p_t" in out
    assert out.endswith("     1 cross-entropy  2 focal:gamma=0.5  3 focal:gamma=1  4 focal\n     5 focal:gamma=5\n")


def test_curves_on_different_axes_are_refused(run):
    failed(
        run("plot", "curves", "-l", "mse", "-l", "bce"),
        "different axes (mse against the residual, bce against the probability): plot them separately",
    )


def test_losses_without_a_curve_are_refused(run):
    failed(run("plot", "curves", "-l", "mape"), "mape has no residual curve")
    failed(run("plot", "curves", "-l", "triplet"), "triplet has no curve")
    failed(run("plot", "curves", "-l", "nope"), "unknown loss 'nope'")


def test_samples_in_the_terminal(run):
    out = ok(run("plot", "samples", "-l", "mse", "-l", "mae", str(SAMPLE_DATA / "preds.csv"), "--width", "70")).stdout
    mse, mae = out.split("\n\n")
    assert mse.startswith(f"mse on {SAMPLE_DATA / 'preds.csv'}: 200 rows, mean 101.666\n")
    assert "worst 1% (2 rows): 44.6% of the total; worst 10% (20 rows): 97.6% of the total" in mse
    assert mse.rstrip().endswith("worst rows: 95 (5391.96), 193 (3683.28), 96 (3645.74), 59 (2302.08), 60 (2263.86)")
    assert mae.startswith(f"mae on {SAMPLE_DATA / 'preds.csv'}: 200 rows, mean 3.23345\n")
    assert max(len(line) for line in out.splitlines() if line.startswith("[")) <= 70


def test_samples_worst_rows_agree_with_compute(run):
    import json

    path = str(SAMPLE_DATA / "binary.csv")
    worst = json.loads(ok(run("compute", "-l", "focal", "--worst", "3", "--format", "json", path)).stdout)
    rows = ", ".join(f"{w['row']} ({w['value']:.6g})" for w in worst["results"][0]["worst"])
    out = ok(run("plot", "samples", "-l", "focal", "--top", "3", path)).stdout
    assert f"worst rows: {rows}\n" in out


def test_samples_warn_on_stderr_about_losses_skipped(run):
    result = ok(run("plot", "samples", str(SAMPLE_DATA / "preds.csv"), "--width", "60"))
    assert "warning: msle skipped" in result.stderr
    assert "mape on" in result.stdout and "wasserstein-distance" not in result.stdout


def test_samples_refuse_group_by(run):
    failed(run("plot", "samples", "--group-by", "group", str(SAMPLE_DATA / "binary.csv")), "--group-by")


def test_samples_need_a_loss_with_per_sample_values(run):
    failed(run("plot", "samples", "-l", "wasserstein-distance", str(SAMPLE_DATA / "preds.csv")), "per-sample values")

"""``lossctl sweep``: every grid point is a separate ``compute`` bit for bit, crossings where
models swap rank (planted analytically, and against a brute-force search), Murphy diagrams
against the elementary scores computed here with NumPy, dominance, pictures, bad ranges."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from .conftest import document, failed, ok, value, write

# The planted crossing. Labels y = 1, 2, 3, 4.
#   model A (a.csv): predictions 1, 2, 3, 9 -> residuals 0, 0, 0, -5 (one outlier of 5)
#   model B (b.csv): predictions 3.5, 4.5, 5.5, 4 -> residuals -2.5, -2.5, -2.5, 0
# Huber of a residual of size a: a^2/2 if a <= delta, else delta (a - delta/2). Both files
# have 4 rows, so compare the sums 4 * mean:
#   A(delta) = delta (5 - delta/2)                          for delta < 5
#   B(delta) = 3 delta (2.5 - delta/2) for delta < 2.5,  3 * 2.5^2/2 = 9.375 above
# For delta < 2.5: A - B = 5 delta - delta^2/2 - 7.5 delta + 1.5 delta^2 = delta (delta - 2.5) < 0.
# For 2.5 < delta < 5: A - B = 5 delta - delta^2/2 - 9.375, which is 0 at 2.5 and increasing
# (derivative 5 - delta > 0): A > B. So the models swap rank at delta = 2.5 exactly.
LABELS = [1.0, 2.0, 3.0, 4.0]
PLANTED_A = [1.0, 2.0, 3.0, 9.0]
PLANTED_B = [3.5, 4.5, 5.5, 4.0]
PLANTED_AT = 2.5


def csv_of(y_true, y_pred) -> str:
    return "y_true,y_pred\n" + "".join(f"{float(t)!r},{float(p)!r}\n" for t, p in zip(y_true, y_pred, strict=True))


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    write(tmp_path / "a.csv", csv_of(LABELS, PLANTED_A))
    write(tmp_path / "b.csv", csv_of(LABELS, PLANTED_B))
    return tmp_path


def huber_means(residuals: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """Huber's mean by its textbook definition, here in NumPy, at each of ``deltas``."""
    a = np.abs(residuals)[None, :]
    d = deltas[:, None]
    return np.mean(np.where(a <= d, 0.5 * a * a, d * (a - 0.5 * d)), axis=1)


def huber_mean(residuals: np.ndarray, delta: float) -> float:
    return float(huber_means(residuals, np.array([delta]))[0])


def grid(doc: dict, model: str) -> list[float]:
    return doc["grid"]["values"][model]


# -- every point is a separate compute, bit for bit --------------------------------------------


def random_models(tmp_path: Path, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    y = rng.normal(0.0, 2.0, 300)
    write(tmp_path / "a.csv", csv_of(y, y + 0.5 * rng.standard_t(2, 300)))  # heavy tails
    write(tmp_path / "b.csv", csv_of(y, y + rng.normal(1.0, 0.5, 300)))  # a bias
    p = 1 / (1 + np.exp(-rng.normal(0, 2, 300)))
    labels = (rng.random(300) < p).astype(float)
    write(tmp_path / "bin.csv", csv_of(labels, np.clip(p + rng.normal(0, 0.1, 300), 0.01, 0.99)))
    write(tmp_path / "pos.csv", csv_of(np.abs(y) + 0.5, np.abs(y + rng.normal(0, 0.5, 300)) + 0.5))


@pytest.mark.parametrize(
    "loss, option, spelling, file",
    [
        ("huber", "--delta", "0.01:100:log:13", "a.csv"),
        ("focal", "--gamma", "0:5:6", "bin.csv"),
        ("quantile", "--quantile", "0.05:0.95:7", "a.csv"),
        ("tweedie-deviance", "--power", "1.1:1.9:5", "pos.csv"),
        ("cost-sensitive-bce", "--threshold", "0.1:0.9:5", "bin.csv"),
    ],
)
def test_every_point_is_a_separate_compute_bit_for_bit(run, tmp_path, loss, option, spelling, file):
    random_models(tmp_path)
    doc = document(run("sweep", "-l", loss, option, spelling, file, "--format", "json"))
    points = doc["grid"]["points"]
    assert len(points) == int(spelling.rsplit(":", 1)[1])
    assert points[0] == float(spelling.split(":")[0]) and points[-1] == float(spelling.split(":")[1])
    for x, swept in zip(points, grid(doc, file), strict=True):
        alone = value(run("compute", "-l", loss, option, repr(x), file, "--format", "json"))
        assert swept == alone, (x, swept, alone)  # the same float, not merely close


def test_held_parameters_apply_to_every_point(run, tmp_path):
    random_models(tmp_path)
    doc = document(run("sweep", "-l", "focal", "--gamma", "0:4:3", "--alpha", "0.25", "bin.csv", "--format", "json"))
    for x, swept in zip(doc["grid"]["points"], grid(doc, "bin.csv"), strict=True):
        alone = run("compute", "-l", "focal", "--gamma", repr(x), "--alpha", "0.25", "bin.csv", "--format", "json")
        assert swept == value(alone)


def test_a_plain_number_is_a_single_point(run, tmp_path):
    random_models(tmp_path)
    doc = document(run("sweep", "-l", "huber", "--delta", "1.5", "a.csv", "b.csv", "--format", "json"))
    assert doc["grid"]["points"] == [1.5]
    assert grid(doc, "a.csv") == [value(run("compute", "-l", "huber", "--delta", "1.5", "a.csv", "--format", "json"))]
    assert doc["crossings"] == []


# -- crossings ---------------------------------------------------------------------------------


def test_the_planted_crossing_is_found_within_its_tolerance(run, planted):
    # 2.5 is not a point of this grid: the crossing is narrowed between two of its points.
    doc = document(run("sweep", "-l", "huber", "--delta", "0.1:10:log:20", "a.csv", "b.csv", "--format", "json"))
    assert doc["models"] == ["a.csv", "b.csv"]
    [crossing] = doc["crossings"]
    assert crossing["between"] == ["a.csv", "b.csv"]
    assert 0 < crossing["tolerance"] < 1e-3
    assert abs(crossing["at"] - PLANTED_AT) <= crossing["tolerance"]
    # and the grid's values are huber's, computed here
    residual_a = np.subtract(LABELS, PLANTED_A)
    for x, v in zip(doc["grid"]["points"], grid(doc, "a.csv"), strict=True):
        assert v == pytest.approx(huber_mean(residual_a, x), rel=1e-14)


def test_a_requested_tolerance_is_met(run, planted):
    args = ["sweep", "-l", "huber", "--delta", "0.1:10:20", "a.csv", "b.csv", "--format", "json"]
    doc = document(run(*args, "--tolerance", "1e-9"))
    [crossing] = doc["crossings"]
    assert crossing["tolerance"] <= 1e-9
    assert abs(crossing["at"] - PLANTED_AT) <= crossing["tolerance"]
    assert doc["passes"] >= 2


def test_a_tie_on_a_grid_point_is_the_crossing_itself(run, planted):
    # 0.5:4.5:9 has 2.5 as its fifth point, where the two sums tie exactly (9.375 each).
    doc = document(run("sweep", "-l", "huber", "--delta", "0.5:4.5:9", "a.csv", "b.csv", "--format", "json"))
    assert grid(doc, "a.csv")[4] == grid(doc, "b.csv")[4] == 9.375 / 4
    assert doc["crossings"] == [{"between": ["a.csv", "b.csv"], "at": 2.5, "tolerance": 0.0}]
    assert doc["passes"] == 0


def test_the_crossing_matches_a_brute_force_search(run, tmp_path):
    random_models(tmp_path)
    y = np.loadtxt(tmp_path / "a.csv", delimiter=",", skiprows=1)
    z = np.loadtxt(tmp_path / "b.csv", delimiter=",", skiprows=1)
    ra, rb = y[:, 0] - y[:, 1], z[:, 0] - z[:, 1]
    doc = document(run("sweep", "-l", "huber", "--delta", "0.01:100:log:30", "a.csv", "b.csv", "--format", "json"))
    assert doc["crossings"], "these two models swap rank (heavy tails against a bias)"
    fine = np.geomspace(0.01, 100, 20_001)  # steps of 0.046% of delta
    d = np.concatenate([huber_means(ra, part) - huber_means(rb, part) for part in np.array_split(fine, 20)])
    changes = np.flatnonzero(np.sign(d[:-1]) != np.sign(d[1:]))
    brute = [(fine[k] + fine[k + 1]) / 2 for k in changes]
    assert len(brute) == len(doc["crossings"])
    for crossing, expected in zip(doc["crossings"], brute, strict=True):
        step = expected * (fine[1] / fine[0] - 1)  # the fine grid's own resolution there
        assert abs(crossing["at"] - expected) <= crossing["tolerance"] + step


def test_the_table_names_the_best_model_and_the_crossing(run, planted):
    out = ok(run("sweep", "-l", "huber", "--delta", "0.1:10:log:20", "a.csv", "b.csv", "--width", "60")).stdout
    assert "huber over delta" in out
    at, tolerance = re.search(r"a.csv and b.csv swap at delta = (\S+) \+/- (\S+)", out).groups()
    assert abs(float(at) - PLANTED_AT) <= float(tolerance) + 1e-5  # as shown, to 6 digits
    assert "log10 delta" in out  # the braille plot's axis
    assert any(ch in out for ch in "⠁⠂⠄⡀")


def test_the_best_of_a_score_is_its_highest(run, tmp_path):
    random_models(tmp_path)
    args = ["sweep", "-l", "d2:quantile", "--quantile", "0.2:0.8:4", "a.csv", "b.csv", "--no-plot"]
    doc = document(run(*args, "--format", "json"))
    rows = [line for line in ok(run(*args)).stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 4
    for k, row in enumerate(rows):
        a, b = grid(doc, "a.csv")[k], grid(doc, "b.csv")[k]
        assert row.rstrip(" │").endswith("a.csv" if a > b else "b.csv")  # d2 is a skill: higher is better


# -- Murphy diagrams ---------------------------------------------------------------------------


def elementary(kind: str, level: float, theta: float, y: np.ndarray, x: np.ndarray) -> float:
    """The mean elementary score of Ehm et al. (2016), eq. (5) and (9), here in NumPy."""
    over = (y < x).astype(float)
    if kind == "quantile":
        return float(np.mean((over - level) * ((theta < x).astype(float) - (theta < y).astype(float))))
    part = np.maximum(y - theta, 0) - np.maximum(x - theta, 0) - (y - x) * (theta < x)
    return float(np.mean(np.abs(over - level) * part))


@pytest.mark.parametrize("kind, level", [("quantile", 0.5), ("quantile", 0.9), ("expectile", 0.3)])
def test_murphy_values_are_the_elementary_scores(run, tmp_path, kind, level):
    random_models(tmp_path)
    doc = document(run("sweep", "--murphy", f"{kind}:{level}", "a.csv", "b.csv", "--format", "json"))
    assert doc["murphy"] == {"functional": kind, "level": level}
    assert doc["parameter"] == "theta"
    for name in ("a.csv", "b.csv"):
        data = np.loadtxt(tmp_path / name, delimiter=",", skiprows=1)
        y, x = data[:, 0], data[:, 1]
        for theta, v in zip(doc["grid"]["points"], grid(doc, name), strict=True):
            assert v == pytest.approx(elementary(kind, level, theta, y, x), rel=1e-12, abs=1e-15)
    # the default thresholds span every label and prediction of both files
    both = np.concatenate([np.loadtxt(tmp_path / n, delimiter=",", skiprows=1).ravel() for n in ("a.csv", "b.csv")])
    assert doc["grid"]["points"][0] == both.min() and doc["grid"]["points"][-1] == both.max()


def test_the_quantile_scores_integrate_to_the_pinball_loss(run, tmp_path):
    # The documented property: the integral over theta of the elementary score is the pinball
    # loss. The score is a step function of theta: each row adds a box of height at most
    # max(level, 1 - level) / n between its label and its prediction, and a Riemann sum of
    # step h misplaces each of the box's two edges by at most h, so the sum is within
    # 2 h max(level, 1 - level) of the integral.
    random_models(tmp_path)
    data = np.loadtxt(tmp_path / "a.csv", delimiter=",", skiprows=1)
    low, high = np.floor(data.min()), np.ceil(data.max())  # the score is 0 outside them
    step = 0.01
    span = f"{low:g}:{high:g}:{int(round((high - low) / step)) + 1}"
    doc = document(run("sweep", "--murphy", "quantile:0.7", "--theta", span, "a.csv", "--format", "json"))
    integral = np.sum(grid(doc, "a.csv")) * step
    pinball = value(run("compute", "-l", "quantile", "--quantile", "0.7", "a.csv", "--format", "json"))
    assert integral == pytest.approx(pinball, abs=2 * step * 0.7)


@pytest.mark.parametrize("kind", ["quantile:0.5", "quantile:0.8", "expectile:0.4"])
def test_a_planted_dominance_is_reported(run, tmp_path, kind):
    # Model A's forecast lies between the outcome and model B's on every row: A's elementary
    # score is never above B's at any theta (its interval [y, x] is inside B's, and the
    # weight |1[y < x] - level| is the same), so A dominates.
    rng = np.random.default_rng(5)
    y = rng.normal(0, 3, 200)
    e = rng.normal(0, 2, 200)
    write(tmp_path / "a.csv", csv_of(y, y + 0.5 * e))
    write(tmp_path / "b.csv", csv_of(y, y + e))
    doc = document(run("sweep", "--murphy", kind, "b.csv", "a.csv", "--format", "json"))
    assert doc["dominates"] == "a.csv"
    out = ok(run("sweep", "--murphy", kind, "b.csv", "a.csv", "--no-plot")).stdout
    assert "a.csv dominates" in out


def test_a_planted_non_dominance_is_reported(run, tmp_path):
    # A is exact on the small outcomes (0..1) and off by 2 on the large ones (10..11); B the
    # reverse: A is better at thresholds near 0.5, B near 10.5. Neither dominates.
    y = np.concatenate([np.linspace(0, 1, 50), np.linspace(10, 11, 50)])
    small = y < 5
    write(tmp_path / "a.csv", csv_of(y, np.where(small, y, y + 2)))
    write(tmp_path / "b.csv", csv_of(y, np.where(small, y + 2, y)))
    doc = document(run("sweep", "--murphy", "quantile:0.5", "a.csv", "b.csv", "--format", "json"))
    assert doc["dominates"] is None
    assert doc["crossings"]
    assert "no model dominates" in ok(run("sweep", "--murphy", "quantile:0.5", "a.csv", "b.csv")).stdout


# -- pictures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["svg", "png", "html"])
def test_pictures_are_written(run, planted, suffix):
    result = ok(run("sweep", "-l", "huber", "--delta", "0.1:10:log:20", "a.csv", "b.csv", "-o", f"s.{suffix}"))
    data = (planted / f"s.{suffix}").read_bytes()
    assert data.startswith({"svg": b"<?xml", "png": b"\x89PNG", "html": b"<!DOCTYPE html>"}[suffix])
    if suffix == "html":
        assert b'<section id="sweep">' in data and b"a.csv / b.csv" in data
    assert "huber over delta" in result.stdout  # the table still on stdout
    assert f"wrote s.{suffix}" in result.stderr


def test_json_to_a_file(run, planted):
    ok(run("sweep", "-l", "huber", "--delta", "0.1:10:5", "a.csv", "--format", "json", "-o", "s.json"))
    assert (planted / "s.json").read_text().startswith("{")


def test_values_that_are_not_numbers_are_null(run, tmp_path):
    write(tmp_path / "n.csv", "y_true,y_pred\n1,2\n2,\n3,3\n")
    doc = document(run("sweep", "-l", "huber", "--delta", "1:2:2", "n.csv", "--nan", "propagate", "--format", "json"))
    assert grid(doc, "n.csv") == [None, None]


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--delta", "10:1:5"], ["--delta", "stop", "above the start"]),
        (["--delta", "1:10:1"], ["--delta", "at least 2 points"]),
        (["--delta", "0:10:log:5"], ["--delta", "log range starts above 0"]),
        (["--delta", "-1:10:log:5"], ["--delta", "log range"]),
        (["--gamma", "0:5:6"], ["--gamma", "huber has no parameter gamma"]),
        (["--delta", "1:10:cubic:5"], ["lin or log"]),
        (["--delta", "1:x:5"], ["stop", "'x'"]),
        (["--delta", "1:10:2.5"], ["whole number"]),
        (["--delta", "1:2:100000000"], ["at most 10,000 points"]),
        (["--delta", "1:10:5", "--beta", "1:2:3"], ["one parameter at a time"]),
        (["--delta", "0:10:5"], ["delta=0", "outside its domain"]),
        ([], ["range"]),
    ],
)
def test_bad_ranges_are_one_line_errors(run, planted, args, fragments):
    err = failed(run("sweep", "-l", "huber", *args, "a.csv"), *fragments)
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--murphy", "median:0.5"], ["quantile:LEVEL or expectile:LEVEL"]),
        (["--murphy", "quantile:1.5"], ["(0, 1)"]),
        (["--murphy", "quantile:0.5", "--delta", "1"], ["--delta does not apply"]),
        (["-l", "huber", "--murphy", "quantile:0.5"], ["not both"]),
        (["-l", "mse + mae", "--delta", "1:2:3"], ["one loss"]),
        (["-l", "huber", "--delta", "1:2:3", "b.csv"], ["given once"]),
        (["-l", "huber", "--delta", "1:2:3", "-"], ["not stdin"]),
    ],
)
def test_bad_murphy_and_loss_requests_are_one_line_errors(run, planted, args, fragments):
    err = failed(run("sweep", *args, "b.csv"), *fragments)
    assert len(err.strip().splitlines()) == 1, err

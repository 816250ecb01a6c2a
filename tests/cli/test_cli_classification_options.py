"""``--ignore-index``, focal ``label_smoothing``, ``kl-divergence:log_target=true`` and
``sparsemax`` through ``lossctl compute`` on CSV files; expected values by hand.

ig.csv: labels 0, -100 (padding), 2 and logits [1, 0, 0], [0, 2, 0], [0, 0, 3].
"""

from __future__ import annotations

import math

import pytest

from .conftest import document, failed, ok, write

IG_CSV = "y_true,logit_0,logit_1,logit_2\n0,1,0,0\n-100,0,2,0\n2,0,0,3\n"
# -log softmax: row 1 log(e + 2) - 1, row 3 log(e^3 + 2) - 3; the padded row counts nowhere
CE = ((math.log(math.e + 2) - 1) + (math.log(math.e**3 + 2) - 3)) / 2


@pytest.fixture
def ig(tmp_path):
    write(tmp_path / "ig.csv", IG_CSV)
    return tmp_path


def value_of(result) -> float:
    (only,) = document(result)["results"]
    return only["value"]


def test_ignore_index_option_and_spec(run, ig):
    assert value_of(run("compute", "-l", "cross-entropy", "--ignore-index", "-100", "ig.csv", "--format", "json")) == (
        pytest.approx(CE, rel=1e-14)
    )
    doc = document(run("compute", "-l", "cross-entropy:ignore_index=-100", "ig.csv", "--format", "json"))
    assert doc["results"][0]["spec"] == "cross-entropy:ignore_index=-100" and doc["results"][0]["n"] == 3
    failed(run("compute", "-l", "cross-entropy", "ig.csv"), "class label -100 is not an integer in [0, 2]", "row 2")


def test_ignore_index_goes_to_the_losses_that_take_it_in_compare(run, ig):
    doc = document(
        run(
            "compare",
            "-l",
            "cross-entropy",
            "-l",
            "multi-margin",
            "ig.csv",
            "--ignore-index",
            "-100",
            "--format",
            "json",
        )
    )
    assert {r["spec"] for r in doc["results"]} == {"cross-entropy:ignore_index=-100", "multi-margin:ignore_index=-100"}


def test_focal_label_smoothing_and_sparsemax(run, tmp_path):
    write(tmp_path / "b.csv", "y_true,y_pred\n1,0.8\n0,0.4\n")
    # s = 0.2: y = 0.9 and 0.1; 1 - p_t = 0.9 * 0.2 + 0.1 * 0.8 = 0.26 and 0.1 * 0.6 + 0.9 * 0.4 = 0.42
    ce1, ce2 = -(0.9 * math.log(0.8) + 0.1 * math.log(0.2)), -(0.1 * math.log(0.4) + 0.9 * math.log(0.6))
    expected = (0.26**2 * ce1 + 0.42**2 * ce2) / 2
    got = value_of(run("compute", "-l", "focal:label_smoothing=0.2", "b.csv", "--format", "json"))
    assert got == pytest.approx(expected, rel=1e-13)
    # sparsemax of scores: z = (1, 0, 0) for class 0 leads by 1: 0; z = (0, 0, 3) for class 2: 0
    write(tmp_path / "s.csv", "y_true,score_0,score_1,score_2\n0,1,0,0\n2,0,0,3\n1,0,0,0\n")
    # row 3: sparsemax (1/3, 1/3, 1/3): 1/2 ||p - e_1||^2 = 1/2 (1/9 + 4/9 + 1/9) = 1/3
    assert value_of(run("compute", "-l", "sparsemax", "s.csv", "--format", "json")) == pytest.approx(1 / 9, rel=1e-14)


def test_kl_divergence_of_log_targets(run, tmp_path):
    # targets (1/2, 1/2) as logs, predictions (1/4, 3/4): 1/2 log 2 + 1/2 log(2/3)
    half = math.log(0.5)
    write(tmp_path / "kl.csv", f"t_0,t_1,p_0,p_1\n{half!r},{half!r},0.25,0.75\n")
    args = ["--y-true", "t_*", "--y-pred", "p_*", "--format", "json"]
    got = value_of(ok(run("compute", "-l", "kl-divergence:log_target=true", "kl.csv", *args)))
    assert got == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(2 / 3), rel=1e-14)

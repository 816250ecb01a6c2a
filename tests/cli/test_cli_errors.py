"""Exit codes: 0 on success, 2 on a usage, input or data error, with one ``Error:`` line on
stderr naming what and where (file, column, 1-based row), nothing on stdout, no traceback."""

from __future__ import annotations

import pytest

from .conftest import failed, ok, write

EXTRA = {
    "neg.csv": "y_true,y_pred\n1,1\n2,-2\n3,3\n",  # a negative prediction in row 2
    "nan.csv": "y_true,y_pred\n1,1\n2,\n3,3\n",  # a missing prediction in row 2
    "one.csv": "y_true\n1\n2\n",  # no prediction column
    "p4.csv": "y_pred\n1\n2\n3\n8\n",
    "t3.csv": "y_true\n1\n2\n3\n",
    "mc.csv": "y_true,logit_0,logit_1\n0,1,2\n1,0,0\n",
    "empty.csv": "y_true,y_pred\n",
    "garbage.csv": "y_true,y_pred\n1,abc\n",
}

# (arguments, fragments the one error line must hold)
USER_ERRORS = [
    (["compute", "-l", "nope", "r.csv"], ["unknown loss 'nope'"]),
    (["compute", "-l", "huber:nope=1", "r.csv"], ["huber", "nope"]),
    (["compute", "-l", "huber", "--delta", "-1", "r.csv"], ["huber", "delta"]),
    (["compute", "-l", "quantile:quantile=2", "r.csv"], ["quantile"]),
    (["compute", "-l", "mse", "--delta", "1", "r.csv"], ["mse", "delta"]),
    (["compute", "-l", "mse", "missing.csv"], ["missing.csv"]),
    (["compute", "-l", "mse", "one.csv"], ["one.csv", "--y-pred"]),
    (["compute", "-l", "mse", "empty.csv"], ["empty.csv"]),
    (["compute", "-l", "mse", "garbage.csv"], ["garbage.csv", "y_pred"]),
    (["compute", "-l", "mse", "r.csv", "--y-pred", "nope"], ["nope"]),
    (["compute", "-l", "msle", "neg.csv"], ["neg.csv", "'y_pred'", "row 2"]),
    (["compute", "-l", "mse", "nan.csv"], ["nan.csv", "'y_pred'", "row 2", "--nan"]),
    (["compute", "-l", "mse", "p4.csv", "t3.csv"], ["p4.csv", "t3.csv"]),
    (["compute", "-l", "mse", "p4.csv", "t3.csv", "--on", "id"], ["id"]),
    (["compute", "-l", "mse", "r.csv", "--on", "id"], ["--on"]),
    (["compute", "-l", "l2"], ["--model-weights"]),
    (["compute", "-l", "l2", "r.csv"], ["--model-weights"]),
    (["compute", "-l", "bce + 1e-4*l2", "bin.csv"], ["--model-weights"]),
    (["compute", "-l", "l2", "--model-weights", "missing.npy"], ["missing.npy"]),
    (["compute", "-l", "mse", "r.csv", "--per-sample", "out.txt"], ["out.txt", ".csv"]),
    (["compute", "-l", "mse", "r.csv", "--per-sample", "r.csv"], ["r.csv"]),
    (["compute", "-l", "mse", "r.csv", "-o", "r.csv"], ["r.csv"]),
    (["compute", "-l", "mse", "r.csv", "--group-by", "nope"], ["nope"]),
    (["compute", "-l", "mse", "r.csv", "--weight", "nope"], ["nope"]),
    (["compare", "-l", "mse", "--delta", "2", "r.csv"], ["--delta"]),
    (["compare", "-l", "cross-entropy", "-l", "mse", "mc.csv"], ["cross-entropy", "mse"]),
    (["compare", "-l", "mse", "r.csv", "b.csv", "--per-sample", "x.csv"], ["--per-sample"]),
    (["explain", "nope"], ["nope"]),
    (["examples", "nope"], ["nope"]),
]


@pytest.fixture
def inputs(files):
    for name, text in EXTRA.items():
        write(files / name, text)
    return files


@pytest.mark.parametrize(("args", "fragments"), USER_ERRORS, ids=[" ".join(a) for a, _ in USER_ERRORS])
def test_user_errors_exit_2_with_one_line(run, inputs, args, fragments):
    err = failed(run(*args), *fragments)
    assert err.startswith("Error: ")
    assert err.count("\n") == 1, err


def test_a_malformed_expression_points_at_the_place(run, files):
    err = failed(run("compute", "-l", "mse +", "r.csv"), "malformed loss expression", "mse +")
    assert err.splitlines()[-1].strip() == "^"


# Errors Click detects itself (unknown or invalid options), reported like every other error:
# one line, naming the help to read.
CLICK_USAGE_ERRORS = [
    (["compute", "r.csv"], "Missing option '--loss'"),
    (["compare"], "FILE"),
    (["compute", "-l", "mse", "r.csv", "--format", "xml"], "--format"),
    (["compute", "-l", "mse", "r.csv", "--precision", "0"], "--precision"),
    (["compute", "-l", "mse", "r.csv", "--worst", "-1"], "--worst"),
    (["compute", "-l", "huber", "--delta", "abc", "r.csv"], "--delta"),
    (["compute", "-l", "mse", "r.csv", "--input-format", "xls"], "--input-format"),
    (["list", "--task", "nope"], "--task"),
    (["nope"], "nope"),
    (["compute", "-l", "mse", "r.csv", "--no-such-option"], "--no-such-option"),
]


@pytest.mark.parametrize(("args", "fragment"), CLICK_USAGE_ERRORS, ids=[" ".join(a) for a, _ in CLICK_USAGE_ERRORS])
def test_click_usage_errors_exit_2(run, files, args, fragment):
    err = failed(run(*args), fragment)
    assert len(err.splitlines()) == 1
    assert err.startswith("Error: ") and "--help" in err


@pytest.mark.parametrize("extra", [[], ["--no-progress"]])
def test_success_is_exit_0_and_stderr_is_empty(run, files, extra):
    result = ok(run("compute", "-l", "mse", "r.csv", "--format", "csv", *extra))
    assert result.stdout == "input,loss,spec,group,value,n\nr.csv,mse,mse,,4.0,4\n"  # 16/4
    assert result.stderr == ""

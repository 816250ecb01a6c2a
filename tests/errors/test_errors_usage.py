"""Usage errors: parameters outside their domains, unknown losses, malformed loss expressions
(shown with a caret at the fault), unknown and conflicting options. Exit code 2, one line
(the caret display of an expression excepted)."""

from __future__ import annotations

import pytest

from ._support import error_line, write_csv


@pytest.fixture(autouse=True)
def preds(tmp_path):
    return write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["0,0.25", "1,0.75", "1,0.5"])


# -- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-l", "huber", "--delta", "0"], ["huber", "delta=0", "(0, inf)"]),
        (["-l", "huber", "--delta", "-1"], ["huber", "delta=-1"]),
        (["-l", "huber:delta=-0.5"], ["huber", "delta=-0.5"]),
        (["-l", "quantile:quantile=1.5"], ["quantile", "quantile=1.5", "[0, 1]"]),
        (["-l", "focal", "--gamma", "-2"], ["focal", "gamma=-2"]),
        (["-l", "focal", "--alpha", "1.5"], ["focal", "alpha=1.5"]),
        (["-l", "bce", "--eps", "0.7"], ["bce", "eps=0.7"]),
        (["-l", "bce", "--eps", "nan"], ["bce", "eps"]),
        (["-l", "bce", "--label-smoothing", "2"], ["bce", "label_smoothing=2"]),
        (["-l", "bce:from_logits=maybe"], ["bce", "from_logits", "maybe"]),
        (["-l", "huber:delta=inf"], ["huber", "delta=inf"]),
    ],
)
def test_parameter_outside_its_domain(invoke, args, words):
    line = error_line(*invoke("compute", *args, "preds.csv"))
    for word in words:
        assert word in line


def test_parameter_the_loss_does_not_take(invoke):
    line = error_line(*invoke("compute", "-l", "huber:gama=2", "preds.csv"))
    assert "huber" in line and "'gama'" in line and "delta" in line


def test_parameter_misspelled_suggests(invoke):
    line = error_line(*invoke("compute", "-l", "focal:gama=2", "preds.csv"))
    assert "did you mean 'gamma'" in line


def test_option_the_loss_does_not_take(invoke):
    line = error_line(*invoke("compute", "-l", "mse", "--delta", "1", "preds.csv"))
    assert "mse" in line and "delta" in line


def test_compare_option_fitting_no_loss(invoke):
    line = error_line(*invoke("compare", "-l", "mse", "-l", "mae", "--gamma", "2", "preds.csv"))
    assert "--gamma" in line


# -- loss names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "nearest"), [("hubber", "huber"), ("msee", "mse"), ("focall", "focal")])
def test_unknown_loss_did_you_mean(invoke, name, nearest):
    line = error_line(*invoke("compute", "-l", name, "preds.csv"))
    assert f"unknown loss {name!r}" in line and f"did you mean {nearest!r}" in line


def test_unknown_loss_far_from_any(invoke):
    line = error_line(*invoke("compute", "-l", "zzzzzz", "preds.csv"))
    assert "unknown loss 'zzzzzz'" in line and "lossctl list" in line


def test_unknown_loss_in_compare(invoke):
    line = error_line(*invoke("compare", "-l", "mse", "-l", "maee", "preds.csv"))
    assert "unknown loss 'maee'" in line and "did you mean 'mae'" in line


def test_unknown_loss_in_an_expression(invoke):
    line = error_line(*invoke("compute", "-l", "bce + 0.5*focl", "preds.csv"))
    assert "'focl'" in line and "did you mean 'focal'" in line


def test_explain_unknown_loss(invoke):
    line = error_line(*invoke("explain", "hubber"))
    assert "hubber" in line and "did you mean 'huber'" in line


# -- malformed expressions: the message line, then the expression with a caret under the fault --


@pytest.mark.parametrize(
    ("expression", "column"),
    [
        ("mse + * mae", 6),
        ("mse + 0.5*", 10),
        ("bce +", 5),
        ("2*3", 3),
        ("mse mae", 4),
        ("huber:delta", 11),
        ("huber:delta=", 12),
        ("focal:gamma=2,", 14),
        ("bce + 0.5*focal:gamma=2 $ l2", 24),
        ("mse + (mae)", 6),
        ("", 0),
        ("ce:class_weights=[1,2", 21),
        ("huber:delta=1,delta=2", 14),
    ],
)
def test_malformed_expression_has_a_caret(invoke, expression, column):
    code, out, err = invoke("compute", "-l", expression, "preds.csv")
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    lines = err.splitlines()
    assert len(lines) == 3, f"expected the message, the expression and the caret: {err!r}"
    assert lines[0].startswith("Error: malformed loss expression")
    indent = lines[1].index(expression) if expression else len(lines[1])
    assert lines[1][indent:] == expression
    assert lines[2] == " " * (indent + column) + "^", f"the caret is not under column {column}: {err!r}"


# -- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["compute", "-l", "mse", "--bogus", "preds.csv"], "--bogus"),
        (["compute", "-l", "mse", "--format", "xml", "preds.csv"], "xml"),
        (["compute", "-l", "mse", "--nan", "maybe", "preds.csv"], "maybe"),
        (["compute", "-l", "mse", "--delta", "abc", "preds.csv"], "abc"),
        (["compute", "-l", "mse", "--precision", "0", "preds.csv"], "--precision"),
        (["compute", "-l", "mse", "--worst", "-1", "preds.csv"], "--worst"),
        (["compute", "-l", "mse", "--task", "ranking", "preds.csv"], "ranking"),
        (["compute", "preds.csv"], "--loss"),
        (["compute", "-l"], "-l"),
        (["compute", "-l", "mse", "preds.csv", "labels.csv", "extra.csv"], "extra.csv"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_unknown_or_malformed_option_is_one_line(invoke, args, word):
    line = error_line(*invoke(*args))
    assert word in line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compute", "-l", "mse", "preds.csv", "--on", "id"], ["--on"]),
        (["compare", "-l", "mse", "--per-sample", "s.csv", "preds.csv", "preds.csv"], ["--per-sample"]),
        (["compute", "-l", "mse", "--per-sample", "s.txt", "preds.csv"], ["--per-sample", ".csv"]),
        (["compare"], ["FILE"]),
        (["compute", "-l", "bce + 0.1*l2", "preds.csv"], ["--model-weights"]),
        (["compute", "-l", "mse + ce", "preds.csv"], ["mse", "ce"]),
        (["compute", "-l", "l2"], ["--model-weights"]),
        (["compute", "-l", "mse", "--model-weights", "preds.csv"], ["mse", "prediction file"]),
        (["compute", "-l", "mse", "--y-pred", "y_*", "preds.csv"], ["--y-pred", "y_*"]),
    ],
)
def test_conflicting_options(invoke, args, words):
    line = error_line(*invoke(*args))
    for word in words:
        assert word in line


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('touch pwned')",
        "open('pwned','w')",
        "mse + __import__",
        "mse:delta=__import__('os')",
        "(lambda: open('pwned', 'w'))()",
    ],
)
def test_expressions_are_never_evaluated(invoke, tmp_path, expression):
    code, out, err = invoke("compute", "-l", expression, "preds.csv")
    assert code == 2, err
    assert out == "" and "Traceback" not in err and "internal error" not in err
    assert not (tmp_path / "pwned").exists()

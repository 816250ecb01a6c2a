"""One spelling of a labels file on every command: ``--labels FILE``; compute's second
positional FILE is its shorthand, and both at once are refused."""

from __future__ import annotations

import pytest

from .conftest import document, failed, ok, write


@pytest.fixture
def split(tmp_path):
    """Predictions and labels in two files: squared errors 0, 0, 0, 16, so mse = 4 by hand."""
    write(tmp_path / "p.csv", "y_pred\n1\n2\n3\n8\n")
    write(tmp_path / "l.csv", "y_true\n1\n2\n3\n4\n")
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["compute", "-l", "mse", "--labels", "l.csv", "p.csv"],
        ["compute", "-l", "mse", "p.csv", "l.csv"],
        ["compare", "-l", "mse", "--labels", "l.csv", "p.csv"],
        ["check", "-l", "mse", "--max", "5", "--labels", "l.csv", "p.csv"],
    ],
)
def test_labels_option_on_every_command(run, split, args):
    doc = document(run(*args, "--format", "json"))
    assert [r["value"] for r in doc["results"]] == [4.0]
    assert doc["inputs"][0]["path"] == "p.csv + l.csv"


def test_labels_twice_is_an_error(run, split):
    failed(run("compute", "-l", "mse", "--labels", "l.csv", "p.csv", "l.csv"), "--labels l.csv", "LABELS_FILE")


@pytest.mark.parametrize("command", ["compute", "compare", "check"])
def test_help_shows_labels(run, command):
    assert "--labels FILE" in ok(run(command, "--help")).stdout

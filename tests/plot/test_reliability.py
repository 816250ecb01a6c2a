"""Reliability diagrams: the bins drawn (terminal table, image, report) are the score's bins
of the JSON, with their counts; a classifier's report gains its diagram."""

from __future__ import annotations

import re

import pytest

from lossctl.engine.task import Task, default_losses
from lossctl.losses import tasks
from lossctl.output.numbers import format_value

from ._support import SAMPLE_DATA, failed, ok, png_size

BINARY = str(SAMPLE_DATA / "binary.csv")
MULTICLASS = str(SAMPLE_DATA / "multiclass_probs.csv")


def json_bins(run, loss: str, path: str) -> list[dict]:
    [result] = ok(run("compute", "-l", loss, path, "--format", "json")).json()["results"]
    return result["bins"]


@pytest.mark.parametrize(
    ("loss", "path"),
    [("ece", BINARY), ("ece:bins=6,binning=equal-mass", BINARY), ("rmsce:bins=4,multiclass=classwise", MULTICLASS)],
)
def test_the_terminal_table_is_the_json_bins(run, loss, path):
    bins = json_bins(run, loss, path)
    out = ok(run("plot", "reliability", "-l", loss, path, "--width", "60")).stdout
    rows = [line.split() for line in out.splitlines() if re.match(r"^\s*(\d+\s+)?[-\d.e]+\.\.[-\d.e]+\s", line)]
    assert len(rows) == len(bins)
    for row, b in zip(rows, bins, strict=True):
        count, confidence, accuracy = row[-4:-1]
        assert count == format_value(b["count"], 4)
        assert confidence == format_value(b["confidence"], 4) and accuracy == format_value(b["accuracy"], 4)
        if "class" in b:
            assert row[0] == str(b["class"])


def test_bins_partition_the_sample(run):
    # Each row falls in exactly one bin (multiclass_probs.csv has no weights): the counts add
    # up to the rows.
    [result] = ok(run("compute", "-l", "ece:bins=10", MULTICLASS, "--format", "json")).json()["results"]
    assert sum(b["count"] for b in result["bins"]) == result["n"]


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_images(run, tmp_path, suffix):
    out = tmp_path / f"reliability.{suffix}"
    ok(run("plot", "reliability", BINARY, "-o", out, "--width", "500", "--height", "400"))
    data = out.read_bytes()
    if suffix == "png":
        assert png_size(data) == (500, 400)
    else:
        assert b'width="500px" height="400px"' in data


def test_a_score_without_bins_is_refused(run):
    failed(run("plot", "reliability", "-l", "bce", BINARY), "bce has no bins")


def test_a_report_has_the_diagram_of_its_calibration_score(run, tmp_path):
    # (A regression report has no diagram: test_report counts its images.)
    page = tmp_path / "binary.html"
    ok(run("report", "-l", "bce", "-l", "ece", BINARY, "-o", page))
    html = page.read_text()
    assert 'id="reliability"' in html and "reliability diagram: ece on" in html
    counts = [format_value(b["count"], 4) for b in json_bins(run, "ece", BINARY)]
    table = html[html.index("bins: ece on") :]
    cells = re.findall(r'<td class="num">([^<]*)</td>', table)
    assert cells[2::5] == counts  # low, high, count, confidence, accuracy


def test_a_classifier_report_computes_its_ece_by_default():
    assert default_losses(Task(tasks.BINARY), calibration=True)[-1] == "ece"
    assert default_losses(Task(tasks.MULTICLASS), calibration=True)[-1] == "ece"
    assert "ece" not in default_losses(Task(tasks.BINARY)) + default_losses(Task(tasks.REGRESSION), calibration=True)

"""The report's SVG figures draw what ``compare --format json`` computes: each input's mean
per-sample loss where the loss's value is, histograms holding every row, reliability bars as
high as the JSON bins' accuracies, and loss curves through values computed by hand. Pixels are
mapped back to data through each plot's ``data-box``, ``data-x`` and ``data-y``."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import pytest

from ._support import SAMPLE_DATA, ok

MODELS = [str(SAMPLE_DATA / "model_a.csv"), str(SAMPLE_DATA / "model_b.csv")]
PIXEL = 0.051  # coordinates are written to a tenth of a pixel


def figures(html: str, kind: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(rf'<svg [^>]*data-figure="{kind}".*?</svg>', html, flags=re.S)]


class Mapping:
    """Data to pixels for the plot of a ``<g data-box data-x data-y>``."""

    def __init__(self, group: ET.Element) -> None:
        self.left, self.top, self.width, self.height = map(float, group.get("data-box").split())
        self.x0, self.x1 = map(float, group.get("data-x").split())
        self.y0, self.y1 = map(float, group.get("data-y").split())

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * self.width

    def py(self, y: float) -> float:
        return self.top + self.height - (y - self.y0) / (self.y1 - self.y0) * self.height


def points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", path)]


def at(polyline: list[tuple[float, float]], x: float) -> float:
    """The polyline's y at pixel ``x``, by linear interpolation between its points."""
    for (x0, y0), (x1, y1) in zip(polyline, polyline[1:], strict=False):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    raise AssertionError(f"{x} outside the line")


def json_results(run, *args: str) -> dict[tuple[str, str], dict]:
    document = json.loads(ok(run("compare", "--format", "json", *args)).stdout)
    return {(r["input"], r["spec"]): r for r in document["results"]}


def test_each_card_marks_the_mean_of_compare_and_counts_every_row(run):
    args = ["-l", "mse", "-l", "mae", "-l", "huber", *MODELS]
    html = ok(run("report", *args)).stdout
    expected = json_results(run, *args)
    cards = figures(html, "samples")
    assert len(cards) == 3
    for card in cards:
        group = card.find(".//g[@data-loss]")
        loss, mapping = group.get("data-loss"), Mapping(group)
        for mark in group.findall("path[@data-mean]"):
            result = expected[(mark.get("data-input"), loss)]
            assert math.isclose(float(mark.get("data-mean")), result["value"], rel_tol=1e-12)
            x = float(re.match(r"M(-?[\d.]+) ", mark.get("d")).group(1))
            assert abs(x - mapping.px(result["value"])) < PIXEL
        for histogram in group.findall("path[@data-counts]"):
            counts = [int(c) for c in histogram.get("data-counts").split()]
            assert sum(counts) == expected[(histogram.get("data-input"), loss)]["n"] == 200
            # The histograms of both inputs share the bins from the smallest value to the largest.
            xs = [float(v) for v in re.findall(r"H(-?[\d.]+)", histogram.get("d"))]
            assert abs(xs[-1] - (mapping.left + mapping.width)) < PIXEL and len(xs) == len(counts)


@pytest.mark.parametrize(
    ("loss", "x", "y"),
    [("mse", 2.0, 4.0), ("mse", -1.0, 1.0), ("mae", 2.5, 2.5), ("huber", 2.0, 1.5), ("huber", 0.5, 0.125)],
)
def test_the_curves_pass_through_values_computed_by_hand(run, loss, x, y):
    # At r = 2: mse r^2 = 4, huber(delta=1) |r| - 1/2 = 1.5; at r = 0.5: huber r^2 / 2 = 0.125.
    html = ok(run("report", "-l", "mse", "-l", "mae", "-l", "huber", str(SAMPLE_DATA / "preds.csv"))).stdout
    [curves] = figures(html, "curves")
    group = curves.find(".//g[@data-box]")
    mapping = Mapping(group)
    [line] = [p for p in group.findall("path") if loss in p.get("data-loss").split(" = ")]
    assert abs(at(points(line.get("d")), mapping.px(x)) - mapping.py(y)) < 0.25  # a line within 0.1 px, rounded


def test_reliability_bars_are_the_json_bins(run):
    args = ["-l", "ece:bins=8", str(SAMPLE_DATA / "binary.csv")]
    html = ok(run("report", *args)).stdout
    [result] = json_results(run, *args).values()
    [diagram] = figures(html, "reliability")
    mapping = Mapping(diagram.find(".//g[@data-box]"))
    bars = diagram.findall(".//rect[@data-accuracy]")
    assert len(bars) == len(result["bins"]) == 8
    for bar, b in zip(bars, result["bins"], strict=True):
        assert float(bar.get("data-accuracy")) == b["accuracy"] and float(bar.get("data-count")) == b["count"]
        assert abs(float(bar.get("y")) - mapping.py(b["accuracy"])) < PIXEL
        assert abs(float(bar.get("x")) - mapping.px(b["low"])) < PIXEL


def test_progress_while_drawing_unless_no_progress(run, monkeypatch):
    from lossctl.cli.progress import ProgressBar

    seen: list[tuple[str, tuple[int, int, str] | None]] = []
    monkeypatch.setattr(ProgressBar, "wanted", staticmethod(lambda no_progress: not no_progress))  # a terminal
    monkeypatch.setattr(ProgressBar, "__call__", lambda self, name, position: seen.append((name, position)))
    ok(run("report", "-l", "mse", "-l", "mae", *MODELS))
    drawing = [position for name, position in seen if name == "drawing the report"]
    assert len(drawing) >= 2 + 2 + 1  # two inputs summarized, two cards, the curves
    assert [d for d, _, _ in drawing] == sorted(d for d, _, _ in drawing)
    assert drawing[-1][0] == drawing[-1][1] and {unit for _, _, unit in drawing} == {"steps"}
    seen.clear()
    ok(run("report", "-l", "mse", *MODELS, "--no-progress"))
    assert seen == []

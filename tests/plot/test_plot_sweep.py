"""``plot.sweep``: the HTML section of a sweep (what the report embeds), built from a result
made by hand."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lossctl.engine.crossings import Crossing
from lossctl.engine.sweep import SweepResult
from lossctl.plot.sweep import sweep_curves, sweep_section

pytest.importorskip("matplotlib")


def result(murphy: dict | None = None) -> SweepResult:
    x = np.array([1.0, 10.0, 100.0])
    values = np.array([[1.0, 2.0, 3.0], [2.0, 2.5, 1.0]])
    crossing = Crossing(("a.csv", "b.csv"), 31.25, 0.5)
    return SweepResult("huber", "delta", x, ["a.csv", "b.csv"], values, True, [crossing], murphy=murphy)


def test_the_section_holds_the_curves_and_the_crossings():
    html = sweep_section(result())
    assert html.startswith('<section id="sweep">') and html.endswith("</section>")
    assert html.count("<svg") == 1 and "<img" not in html  # inline SVG, no image file
    assert "a.csv / b.csv" in html
    assert 'data-value="31.25"' in html and 'data-value="0.5"' in html
    # The crossing's dotted line stands at log10(31.25) of the plot's x range (0, 2), mapped
    # through the pixel box the plot states.
    left, _, width, _ = map(float, re.search(r'data-box="([^"]+)"', html).group(1).split())
    x = float(re.search(r'd="M([0-9.]+) [0-9.]+ V[0-9.]+" stroke="#57606a" stroke-dasharray="2 3"', html).group(1))
    assert x == pytest.approx(left + math.log10(31.25) / 2.0 * width, abs=0.06)
    assert 'data-crossing="31.25"' in html


def test_a_murphy_section_says_whether_a_model_dominates():
    # a.csv is below b.csv at 1 and 10 but above at 100: no model dominates
    assert "No model dominates." in sweep_section(result({"functional": "quantile", "level": 0.5}))


def test_a_log_grid_is_drawn_against_log10_in_the_terminal():
    curves = sweep_curves(result())
    assert curves.axis.title == "log10 delta"
    assert (curves.low, curves.high) == (0.0, 2.0)

"""``plot.sweep``: the HTML section of a sweep (what the report embeds), built from a result
made by hand."""

from __future__ import annotations

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
    assert html.startswith('<section class="sweep">') and html.endswith("</section>")
    assert html.count("<img") == 1 and 'src="data:image/svg+xml;base64,' in html
    assert "a.csv / b.csv" in html
    assert 'data-value="31.25"' in html and 'data-value="0.5"' in html


def test_a_murphy_section_says_whether_a_model_dominates():
    # a.csv is below b.csv at 1 and 10 but above at 100: no model dominates
    assert "No model dominates." in sweep_section(result({"functional": "quantile", "level": 0.5}))


def test_a_log_grid_is_drawn_against_log10_in_the_terminal():
    curves = sweep_curves(result())
    assert curves.axis.title == "log10 delta"
    assert (curves.low, curves.high) == (0.0, 2.0)

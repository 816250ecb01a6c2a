"""Terminal drawings: exact text for a given size, with or without colour."""

from __future__ import annotations

import numpy as np
import pytest
from rich.console import Console

from lossctl.errors import UsageError
from lossctl.losses import resolve
from lossctl.plot.braille import BrailleCanvas
from lossctl.plot.curves import curves_by_axis
from lossctl.plot.samples import summarize
from lossctl.plot.terminal import render_curves, render_samples

from ._support import REGRESSION_40x10


def regression_curves():
    sets, _ = curves_by_axis([resolve(name) for name in ("mse", "mae", "huber:delta=1")], span=3.0, points=401)
    return sets[0]


def test_curves_exact_text():
    assert render_curves(regression_curves(), width=40, height=10).plain == REGRESSION_40x10


def test_curves_fit_the_width_and_height():
    text = render_curves(regression_curves(), width=57, height=7).plain
    lines = text.splitlines()
    assert max(map(len, lines)) == 57
    assert sum(1 for line in lines if line[4] in "┤│") == 7


def test_colour_changes_styles_not_text():
    text = render_curves(regression_curves(), width=40, height=10)
    console = Console(force_terminal=True, color_system="standard", width=200, soft_wrap=True)
    with console.capture() as capture:
        console.print(text, end="")
    coloured = capture.get()
    assert "\x1b[" in coloured
    assert text.plain == REGRESSION_40x10


def test_y_max_cuts_the_curves_off_at_the_top():
    sets, _ = curves_by_axis([resolve("cross-entropy"), resolve("focal:gamma=5")], points=201)
    lines = render_curves(sets[0], width=40, height=8, y_max=2.0).plain.splitlines()
    assert lines[0].startswith("2 ┤")
    assert lines[9].lstrip().startswith("0") and lines[9].rstrip().endswith("1")
    assert lines[10].strip() == "probability of the true class p_t"


def test_too_small_a_plot_is_refused():
    with pytest.raises(UsageError, match="too small"):
        render_curves(regression_curves(), width=12, height=10)


def test_lines_far_off_the_canvas_are_clipped_cheaply():
    canvas = BrailleCanvas(2, 1)
    canvas.line((0.0, -1e300), (3.0, 3.0), series=0)
    canvas.line((0.0, 1e300), (0.0, 2e300), series=1)
    assert canvas.char(0, 0) + canvas.char(0, 1) == "⠀⢸"  # only the dots inside: x = 3, y = 0..3


def test_samples_exact_text():
    values = np.array([0.5, 1.0, 1.5, 2.0, 9.0])
    summary = summarize("mae", np.arange(5), values, bins=3, worst=2)
    assert render_samples(summary, "r.csv", width=30, precision=4).plain == (
        "mae on r.csv: 5 rows, mean 2.8\n"
        "[0.5, 3.333)   4 █████████████\n"
        "[3.333, 6.167) 0\n"
        "[6.167, 9]     1 ███▎\n"
        "min 0.5  median 1.5  p90 6.2  p99 8.72  max 9\n"
        "worst 1% (1 row): 64.3% of the total; worst 10% (1 row): 64.3% of the total\n"
        "worst rows: 5 (9), 4 (2)\n"
    )

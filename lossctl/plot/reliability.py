"""Reliability diagrams: the bins of a calibration score, each bin's observed frequency
(accuracy) against its mean predicted probability (confidence), the diagonal being perfect
calibration (DeGroot & Fienberg 1983; Guo et al. 2017, figure 1). The bins are the score's
own (``LossResult.bins``, the same as the JSON's ``bins``), so the diagram and the number agree.

Drawn in the terminal with braille dots (the diagonal dim, the bins' points joined), followed
by the table of the bins with their counts; or as a PNG/SVG image (matplotlib): a bar per bin
from its low to its high edge up to its accuracy, the mean confidences marked on the bars, the
diagonal, and each bin's count above its bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from lossctl.errors import UsageError, printable
from lossctl.output.numbers import format_value
from lossctl.plot.braille import BrailleCanvas

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from lossctl.engine.results import Evaluation

DIGITS = 4
COLOURS = ("blue", "red", "green", "magenta", "cyan", "yellow")
MIN_COLUMNS = 10


@dataclass(frozen=True)
class Diagram:
    """The bins of one calibration score on one input; ``series`` splits a classwise score's
    bins by class (one series otherwise)."""

    title: str
    bins: list[dict]

    @property
    def series(self) -> list[tuple[str, list[dict]]]:
        classes = list(dict.fromkeys(b["class"] for b in self.bins if "class" in b))
        if not classes:
            return [("bins", self.bins)]
        return [(f"class {k}", [b for b in self.bins if b["class"] == k]) for k in classes]


def diagrams(evaluations: list[Evaluation]) -> list[Diagram]:
    """A diagram per calibration score (overall, not per group) of every input."""
    return [
        Diagram(f"{r.label} on {e.input}", r.bins)
        for e in evaluations
        for r in e.results
        if r.group is None and r.bins is not None
    ]


def render_reliability(diagram: Diagram, *, width: int, height: int) -> Text:
    """The diagram in ``width`` characters, its plot ``height`` rows high, then its bins."""
    gutter = 4  # "1.0 ┤"
    columns = width - gutter - 1
    if columns < MIN_COLUMNS or height < 3:
        raise UsageError(f"a {width}x{height} terminal plot is too small: give at least --width 16 --height 3")
    canvas = BrailleCanvas(columns, height)
    x_scale, y_scale = canvas.dot_width - 1, canvas.dot_height - 1
    canvas.line((0.0, y_scale), (x_scale, 0.0), 0)
    for k, (_, bins) in enumerate(diagram.series, start=1):
        points = [(b["confidence"] * x_scale, (1.0 - b["accuracy"]) * y_scale) for b in bins]
        for start, end in zip(points, points[1:], strict=False):
            canvas.line(start, end, k)
        for x, y in points:
            canvas.dot(round(x), round(y), k)
    text = Text(printable(diagram.title) + "\n", style="bold")
    ticks = {0: "1.0", (height - 1) // 2: "0.5", height - 1: "0.0"}
    for row in range(height):
        text.append(ticks.get(row, "").rjust(3) + ("┤" if row in ticks else "│"))
        for column in range(columns):
            owner = canvas.owner[row][column]
            style = "dim" if owner == 0 else COLOURS[(owner - 1) % len(COLOURS)] if owner > 0 else ""
            text.append(canvas.char(row, column), style=style)
        text.append("\n")
    text.append("   └" + "─" * columns + "\n")
    axis = "0" + "mean predicted probability (confidence)".center(columns - 2) + "1"
    text.append(" " * gutter + axis + "\n")
    text.append(" " * gutter + "accuracy (observed frequency) against confidence; the diagonal is calibrated\n")
    if len(diagram.series) > 1:
        legend = "  ".join(f"{name}" for name, _ in diagram.series)
        text.append(" " * gutter + legend + "\n")
    text.append(bins_table(diagram))
    return text


def bins_table(diagram: Diagram) -> str:
    """The bins as text: edges, count, confidence, accuracy and their gap."""
    classwise = len(diagram.series) > 1
    headers = [*(["class"] if classwise else []), "bin", "count", "confidence", "accuracy", "gap"]
    rows = []
    for b in diagram.bins:
        edges = f"{format_value(b['low'], DIGITS)}..{format_value(b['high'], DIGITS)}"
        numbers = [format_value(b[k], DIGITS) for k in ("count", "confidence", "accuracy")]
        gap = format_value(b["accuracy"] - b["confidence"], DIGITS)
        rows.append([*([str(b["class"])] if classwise else []), edges, *numbers, gap])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines) + "\n"


def reliability_figure(diagram: Diagram, *, width: int, height: int, title: str = "") -> Figure:
    """The diagram as a matplotlib figure of ``width`` x ``height`` pixels."""
    from lossctl.plot.images import figure_of_size, literal

    figure = figure_of_size(width, height)
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", linewidth=1, label="calibrated")
    for name, bins in diagram.series:
        if len(diagram.series) == 1:
            lows = [b["low"] for b in bins]
            widths = [b["high"] - b["low"] for b in bins]
            ax.bar(lows, [b["accuracy"] for b in bins], width=widths, align="edge", alpha=0.35, edgecolor="black")
            for b in bins:
                ax.annotate(
                    f"{format_value(b['count'], 3)}",
                    ((b["low"] + b["high"]) / 2, b["accuracy"]),
                    textcoords="offset points",
                    xytext=(0, 3),
                    ha="center",
                    fontsize="x-small",
                )
        ax.plot(
            [b["confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            marker="o",
            markersize=4,
            label=literal(name),
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("mean predicted probability (confidence)")
    ax.set_ylabel("observed frequency (accuracy)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    ax.set_title(literal(title or diagram.title), fontsize="medium")
    return figure

"""The HTML report's section of a ``diff``: the change of the first loss on each slice, the
slices that disagree with the overall change marked and said in a line under the table.

Each row carries its numbers in full precision (``data-group``, ``data-diff``, ``data-low``,
``data-high``, ``data-p-value``, ``data-disagrees``), so a program can read the page back, as
the comparison table's ``data-value`` does.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from lossctl.output.diff import slices_grid
from lossctl.output.numbers import format_value
from lossctl.plot import page

if TYPE_CHECKING:
    from lossctl.engine.diff import Diff


def diff_section(d: Diff, precision: int = 6) -> str:
    """``<section id="diff-slices">``: the overall change of the first loss, then its change
    on each ``--group-by`` slice (or a note that there are none)."""
    title = f"{escape(d.b.input)} against {escape(d.a.input)}"
    parts = [f'<section id="diff-slices"><h2>Slices: {title}</h2>']
    overall = next((c for c in d.comparisons if c.loss == d.loss), None)
    if overall is not None:
        parts.append(
            f'<p class="note">Overall, {escape(d.loss or "")}: b - a = {escape(format_value(overall.diff, precision))} '
            f"[{escape(format_value(overall.ci.low, precision))}, {escape(format_value(overall.ci.high, precision))}]"
            f" ({overall.ci.level * 100:g}%, {escape(overall.ci.method)}), {escape(overall.verdict)}.</p>"
        )
    if not d.slices:
        parts.append('<p class="note">No slices: diff was run without --group-by.</p></section>')
        return "".join(parts)
    grid = slices_grid(d, precision)
    rows = []
    for s, texts in zip(d.slices, grid.rows, strict=True):
        data = {
            "group": str(s.group),
            "diff": repr(s.diff),
            "low": repr(s.ci.low),
            "high": repr(s.ci.high),
            "p-value": repr(s.p_value),
            "disagrees": "true" if s.disagrees else "false",
        }
        classes = ("disagrees",) if s.disagrees else ()
        rows.append(
            [page.cell(texts[0], classes=classes, data=data)]
            + [page.cell(text, numeric=numeric) for text, numeric in zip(texts[1:], grid.numeric[1:], strict=True)]
        )
    parts.append(page.table(grid.headers, rows, numeric=grid.numeric, caption=grid.title, table_id="diff-slices-table"))
    parts += [f'<p class="note">{escape(line)}</p>' for line in grid.caption.split("; ")]
    parts.append("</section>")
    return "".join(parts)

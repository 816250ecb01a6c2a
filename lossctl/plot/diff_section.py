"""The HTML report's section of a ``diff``: each loss's paired change of the second model
against the first, then the change of the first loss on each slice, the slices that disagree
with the overall change marked and said in a line under the table.

Each row carries its numbers in full precision (``data-loss`` or ``data-group``,
``data-diff``, ``data-low``, ``data-high``, ``data-p-value``, and a slice's
``data-disagrees``), so a program can read the page back, as the comparison table's
``data-value`` does.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from lossctl.output.diff import changes_grid, slices_grid
from lossctl.plot import page

if TYPE_CHECKING:
    from lossctl.engine.diff import Diff


def diff_section(d: Diff, precision: int = 6) -> str:
    """``<section id="diff">``: each loss's change (B - A, interval, p-value, verdict), then
    the first loss's change on each ``--group-by`` slice."""
    parts = [f'<section id="diff"><h2>{escape(d.b.input)} against {escape(d.a.input)}</h2>']
    grid = changes_grid(d, precision)
    by_loss = {c.loss: c for c in d.comparisons}
    rows = []
    for texts in grid.rows:
        c = by_loss.get(texts[0])
        data = {"loss": texts[0]} if c is None else {"loss": texts[0], **_numbers(c.diff, c.ci, c.p_value)}
        rows.append(
            [page.cell(texts[0], data=data)]
            + [page.cell(text, numeric=numeric) for text, numeric in zip(texts[1:], grid.numeric[1:], strict=True)]
        )
    parts.append(page.table(grid.headers, rows, numeric=grid.numeric, caption="b - a, paired row by row"))
    parts += [f'<p class="note">{escape(line)}</p>' for line in grid.caption.split("; ")]
    if d.slices:
        parts.append(_slices(d, precision))
    parts.append("</section>")
    return "".join(parts)


def _numbers(diff: float, ci, p_value: float) -> dict[str, str]:
    return {"diff": repr(diff), "low": repr(ci.low), "high": repr(ci.high), "p-value": repr(p_value)}


def _slices(d: Diff, precision: int) -> str:
    """The first loss's change on each slice, the disagreeing ones marked."""
    grid = slices_grid(d, precision)
    rows = []
    for s, texts in zip(d.slices, grid.rows, strict=True):
        data = {"group": str(s.group), **_numbers(s.diff, s.ci, s.p_value), "disagrees": str(s.disagrees).lower()}
        classes = ("disagrees",) if s.disagrees else ()
        rows.append(
            [page.cell(texts[0], classes=classes, data=data)]
            + [page.cell(text, numeric=numeric) for text, numeric in zip(texts[1:], grid.numeric[1:], strict=True)]
        )
    table = page.table(grid.headers, rows, numeric=grid.numeric, caption=grid.title, table_id="diff-slices-table")
    return table + "".join(f'<p class="note">{escape(line)}</p>' for line in grid.caption.split("; "))

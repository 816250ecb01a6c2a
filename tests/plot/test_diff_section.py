"""The HTML report's section of a ``diff``: the slices, with their numbers in full precision and
the one that disagrees with the overall change marked."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lossctl.engine.diff import diff
from lossctl.options.request import build_request
from lossctl.plot.diff_section import diff_section


class _Rows(HTMLParser):
    """The ``data-*`` attributes of every cell that has them, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        data = {k[5:]: v for k, v in attrs if k.startswith("data-")}
        if tag == "td" and data:
            self.cells.append(data)

    def handle_data(self, data):
        self.text.append(data)


def _planted(folder, group_by: str | None):
    """B better than A on slices q and r (errors sd 0.5 against 1), worse on p (sd 1.4)."""
    rng = np.random.default_rng(12)
    g = np.repeat(np.array(["p", "q", "r"]), 500)
    y = rng.normal(0.0, 1.0, g.size)
    a = y + rng.normal(0.0, 1.0, g.size)
    b = y + rng.normal(0.0, 1.0, g.size) * np.where(g == "p", 1.4, 0.5)
    for name, pred in (("a", a), ("b", b)):
        pq.write_table(pa.table({"g": g, "y_true": y, "y_pred": pred}), folder / f"{name}.parquet")
    requests = [build_request(str(folder / f"{n}.parquet"), ["mse"], ci=0.95, group_by=group_by) for n in "ab"]
    return diff(*requests, top=0), (y, a, b, g)


def test_the_section_holds_each_slice_and_marks_the_disagreeing_one(tmp_path):
    found, (y, a, b, g) = _planted(tmp_path, "g")
    parser = _Rows()
    parser.feed(diff_section(found, precision=4))
    cells = {cell["group"]: cell for cell in parser.cells if "group" in cell}
    assert set(cells) == {"p", "q", "r"}
    for group, cell in cells.items():
        rows = g == group
        expected = np.mean((y[rows] - b[rows]) ** 2) - np.mean((y[rows] - a[rows]) ** 2)
        assert abs(float(cell["diff"]) - expected) <= 1e-12
        assert float(cell["low"]) <= float(cell["diff"]) <= float(cell["high"])
    assert [group for group, cell in cells.items() if cell["disagrees"] == "true"] == ["p"]
    text = "".join(parser.text)
    assert "better than" in text and "overall on mse but worse on g = p" in text


def test_each_loss_has_its_change_with_or_without_slices(tmp_path):
    found, (y, a, b, _) = _planted(tmp_path, None)
    html = diff_section(found)
    assert html.startswith('<section id="diff">') and html.endswith("</section>")
    assert "diff-slices-table" not in html
    parser = _Rows()
    parser.feed(html)
    (cell,) = parser.cells
    expected = np.mean((y - b) ** 2) - np.mean((y - a) ** 2)
    assert cell["loss"] == "mse" and abs(float(cell["diff"]) - expected) <= 1e-12
    assert float(cell["low"]) <= float(cell["diff"]) <= float(cell["high"])

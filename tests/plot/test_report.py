"""``lossctl report``: a self-contained HTML page, opened in headless Chromium, whose table
shows what ``lossctl compare --format json`` computes."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from lossctl.output.numbers import format_value

from ._support import SAMPLE_DATA, failed, ok, png_size

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WINDOW = (1200, 2000)
MODELS = [str(SAMPLE_DATA / "model_a.csv"), str(SAMPLE_DATA / "model_b.csv")]


class ValueCells(HTMLParser):
    """The ``<td data-value>`` cells of a page: their attributes and shown text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "td" and "data-value" in attributes:
            self._open = {**attributes, "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._open is not None:
            self.cells.append(self._open)
            self._open = None


def value_cells(html: str) -> dict[tuple[str, str, str | None], dict[str, str]]:
    parser = ValueCells()
    parser.feed(html)
    return {(c["data-input"], c["data-loss"], c.get("data-group")): c for c in parser.cells}


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is not on PATH: install it (Debian: apt-get install -y chromium); CI installs it"
    return path


def run_chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def assert_table_matches_compare(html: str, document: dict, precision: int = 6) -> None:
    cells = value_cells(html)
    assert len(cells) == len(document["results"])
    for result in document["results"]:
        cell = cells[(result["input"], result["spec"], None if "group" not in result else str(result["group"]))]
        assert math.isclose(float(cell["data-value"]), result["value"], rel_tol=1e-12, abs_tol=0.0), (cell, result)
        assert cell["text"] == format_value(result["value"], precision)


def assert_self_contained(html: str) -> None:
    without_data = re.sub(r'"data:[^"]*"', '""', html)
    for forbidden in ("<script", "<link", "http:", "https:", "url(", "@import", "<iframe"):
        assert forbidden not in without_data.lower(), forbidden
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in html
    assert all(src.startswith("data:image/svg+xml;base64,") for src in re.findall(r'<img src="([^"]*)"', html))


def test_report_in_headless_chromium(run, tmp_path):
    result = ok(run("report", *MODELS, "-o", "report.html", "--title", "two models"))
    assert result.stdout == ""
    assert "wrote report.html" in result.stderr
    report = tmp_path / "report.html"
    html = report.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert html.count("<img ") == 1 + len(MODELS)  # the curves, and each model's distributions
    # Every regression loss of two models is too wide for the page: the table is turned, a
    # column per model, so that it needs no sideways scrolling.
    table = html[html.index('id="comparison-table"') :]
    header = table[: table.index("</tr>")]
    assert all(f">{model}</th>" in header for model in MODELS) and ">mse</th>" not in header

    run_chromium(report, tmp_path / "profile-shot", f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1200,2000")
    assert png_size((tmp_path / "shot.png").read_bytes()) == WINDOW
    dom = run_chromium(report, tmp_path / "profile-dom", "--dump-dom").stdout
    assert "<title>two models</title>" in dom
    assert 'id="comparison-table"' in dom

    document = json.loads(ok(run("compare", "--format", "json", *MODELS)).stdout)
    assert_table_matches_compare(dom, document)
    assert '<td class="num best"' in dom  # the lowest value of each column is marked


def test_report_of_slices_matches_compare(run, tmp_path):
    args = ["-l", "bce", "-l", "brier", "--group-by", "group", str(SAMPLE_DATA / "binary.csv")]
    html = ok(run("report", *args, "--precision", "4", "--image-format", "png", "--bins", "10")).stdout
    document = json.loads(ok(run("compare", "--format", "json", *args)).stdout)
    assert_table_matches_compare(html, document, precision=4)
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'<img src="([^"]*)"', html))
    assert "worst 10: bce" in html


def test_report_says_which_losses_have_no_curve(run):
    html = ok(run("report", "-l", "mse", "-l", "mape", str(SAMPLE_DATA / "preds.csv"), "--worst", "3")).stdout
    assert "mape has no residual curve" in html
    assert "worst 3: mape" in html


def test_report_needs_files_and_refuses_to_overwrite_them(run, tmp_path):
    assert run("report").exit_code == 2
    data = tmp_path / "p.csv"
    data.write_text("y_true,y_pred\n1,2\n3,3\n", encoding="utf-8")
    failed(run("report", "p.csv", "-o", "p.csv"), "refusing to write p.csv")

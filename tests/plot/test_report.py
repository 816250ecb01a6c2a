"""``lossctl report``: a self-contained HTML page, opened in headless Chromium, whose table
shows what ``lossctl compare --format json`` computes."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from lossctl.output.columns import column_format

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
    # The comparison table's cells (the diff section's carry a loss but no input).
    return {(c["data-input"], c["data-loss"], c.get("data-group")): c for c in parser.cells if "data-input" in c}


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
    assert len(cells) == len(document["results"])  # no twins here: every result has its cell
    for result in document["results"]:
        cell = cells[(result["input"], result["spec"], None if "group" not in result else str(result["group"]))]
        assert math.isclose(float(cell["data-value"]), result["value"], rel_tol=1e-12, abs_tol=0.0), (cell, result)
        # a loss's values shown alike across the inputs or slices of its column (output.columns)
        show = column_format(
            [other["value"] for other in document["results"] if other["spec"] == result["spec"]], precision
        )
        assert cell["text"] == show(result["value"])


def assert_self_contained(html: str) -> None:
    without_fragments = html.lower().replace("url(#", "")  # a clip path of the page itself
    for forbidden in ("<script", "<link", "<img", "http:", "https:", "url(", "@import", "<iframe"):
        assert forbidden not in without_fragments, forbidden
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in html


# Added to a copy of the page (whose policy forbids scripts): the widths Chromium laid out.
WIDTH_PROBE = """<script>
const boxes = [...document.querySelectorAll("*")].filter(
  (e) => getComputedStyle(e).overflowX !== "visible" && e.scrollWidth > e.clientWidth);
document.body.dataset.probe = JSON.stringify({page: document.documentElement.scrollWidth,
  window: document.documentElement.clientWidth, scrolling: boxes.map((e) => e.tagName + "." + e.className)});
</script>"""


def laid_out_widths(report: Path, profile: Path, width: int) -> dict:
    html = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", report.read_text(encoding="utf-8"))
    probe = report.with_name("probe.html")
    probe.write_text(html.replace("</body>", WIDTH_PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium(probe, profile, f"--window-size={width},2000", "--dump-dom").stdout
    return json.loads(unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))


def test_report_in_headless_chromium(run, tmp_path):
    result = ok(run("report", *MODELS, "-o", "report.html", "--title", "two models"))
    assert result.stdout == ""
    assert "wrote report.html" in result.stderr
    report = tmp_path / "report.html"
    html = report.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert html.count('data-figure="curves"') == 1
    # Every regression loss of two models is too wide for the page: the table is turned, a
    # column per model, so that it needs no sideways scrolling.
    table = html[html.index('id="comparison-table"') :]
    header = table[: table.index("</tr>")].replace("<wbr>", "")  # paths may wrap after a /
    assert all(f">{model}</th>" in header for model in MODELS) and ">mse</th>" not in header

    run_chromium(report, tmp_path / "profile-shot", f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1200,2000")
    assert png_size((tmp_path / "shot.png").read_bytes()) == WINDOW
    dom = run_chromium(report, tmp_path / "profile-dom", "--dump-dom").stdout
    assert "<title>two models</title>" in dom
    assert 'id="comparison-table"' in dom

    document = json.loads(ok(run("compare", "--format", "json", *MODELS)).stdout)
    assert_table_matches_compare(dom, document)
    assert '<td class="num best"' in dom  # the lowest value of each column is marked
    # No sideways scrolling at 1280 px, of the page or of any box in it.
    widths = laid_out_widths(report, tmp_path / "profile-probe", 1280)
    assert widths["page"] <= widths["window"] and widths["scrolling"] == [], widths


def test_report_of_slices_matches_compare(run):
    args = ["-l", "bce", "-l", "brier", "--group-by", "group", str(SAMPLE_DATA / "binary.csv")]
    html = ok(run("report", *args, "--precision", "4", "--bins", "10")).stdout
    document = json.loads(ok(run("compare", "--format", "json", *args)).stdout)
    assert_table_matches_compare(html, document, precision=4)
    assert "worst 10: bce" in html


def test_twins_are_shown_once(run):
    # smooth-l1 at beta = 1 is huber at delta = 1 (0.5 r^2 within 1, |r| - 0.5 beyond).
    args = ["-l", "huber", "-l", "smooth-l1", "-l", "mse", *MODELS]
    html = ok(run("report", *args)).stdout
    document = json.loads(ok(run("compare", "--format", "json", *args)).stdout)
    cells = value_cells(html)
    assert {loss for _, loss, _ in cells} == {"huber", "mse"}
    for result in document["results"]:
        if result["spec"] == "smooth-l1":
            cell = cells[(result["input"], "huber", None)]
            assert cell["data-same"] == "smooth-l1"
            assert math.isclose(float(cell["data-value"]), result["value"], rel_tol=1e-12)
    assert "(and on every sample): huber = smooth-l1." in html and ">huber = smooth-l1</th>" in html
    assert ">smooth-l1</th>" not in html and "worst 10: smooth-l1" not in html


def test_report_says_which_losses_have_no_curve(run):
    html = ok(run("report", "-l", "mse", "-l", "mape", str(SAMPLE_DATA / "preds.csv"), "--worst", "3")).stdout
    assert "mape has no residual curve" in html
    assert "worst 3: mape" in html


def test_report_needs_files_and_refuses_to_overwrite_them(run, tmp_path):
    assert run("report").exit_code == 2
    data = tmp_path / "p.csv"
    data.write_text("y_true,y_pred\n1,2\n3,3\n", encoding="utf-8")
    failed(run("report", "p.csv", "-o", "p.csv"), "refusing to write p.csv")


def test_more_sections_follow_the_report_and_are_listed(run, monkeypatch):
    from lossctl.plot import html_report

    build = html_report.build_report
    extra = '<section id="extra"><h2>Extra &amp; more</h2><p>x</p></section>'
    monkeypatch.setattr(html_report, "build_report", lambda *args, **kw: build(*args, **{**kw, "more": [extra]}))
    html = ok(run("report", "-l", "mse", MODELS[0])).stdout
    assert html.index('<section id="worst">') < html.index(extra)
    assert '<a href="#comparison">Comparison</a>' in html and '<a href="#extra">Extra &amp; more</a>' in html

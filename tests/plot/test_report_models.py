"""The report of two models on the same labels: how the second differs from the first (the
numbers of ``lossctl diff``) and where they swap rank along Huber's delta (those of ``lossctl
sweep`` on the same grid)."""

from __future__ import annotations

import re

from lossctl.cli.report_models import SWEEPS

from ._support import SAMPLE_DATA

MODELS = [str(SAMPLE_DATA / "model_a.csv"), str(SAMPLE_DATA / "model_b.csv")]


def test_the_report_holds_the_diff_and_the_sweep_of_two_models(invoke, tmp_path):
    page = tmp_path / "report.html"
    assert invoke("report", "-l", "mse", "-l", "mae", *MODELS, "-o", str(page), "--no-progress").exit_code == 0
    html = page.read_text()
    assert '<section id="diff">' in html and '<section id="sweep">' in html
    changes = invoke("diff", "-l", "mse", "-l", "mae", *MODELS, "--top", "0", "--format", "json").json()
    for result in changes["results"]:
        cell = re.search(rf'data-loss="{result["spec"]}" data-diff="([^"]+)"', html)
        assert cell is not None and float(cell.group(1)) == result["diff"]
    loss, parameter, (start, stop, points), _ = SWEEPS["regression"]
    grid = f"{start}:{stop}:log:{points}"
    swept = invoke("sweep", "-l", loss, f"--{parameter}", grid, *MODELS, "--format", "json").json()
    shown = [float(x) for x in re.findall(r'data-crossing="([^"]+)"', html)]
    assert shown == [c["at"] for c in swept["crossings"]] and len(shown) == 1


def test_models_of_other_labels_get_no_such_sections(invoke, tmp_path):
    page = tmp_path / "report.html"
    files = [str(SAMPLE_DATA / "preds.csv"), str(SAMPLE_DATA / "binary.csv")]
    assert invoke("report", *files, "-o", str(page), "--no-progress").exit_code == 0
    html = page.read_text()
    assert '<section id="diff">' not in html and '<section id="sweep">' not in html

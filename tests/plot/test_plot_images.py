"""PNG and SVG images: valid files of the requested size, and a clear message without
matplotlib (which the report, drawing its own SVG, does not need)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

from ._support import SAMPLE_DATA, failed, ok, png_size


def test_curves_png_default_size(run, tmp_path):
    result = ok(run("plot", "curves", "-l", "mse", "-l", "mae", "-l", "huber:delta=1", "-o", "curves.png"))
    assert result.stdout == ""
    assert result.stderr == "wrote curves.png\n"
    assert png_size((tmp_path / "curves.png").read_bytes()) == (800, 500)


def test_curves_svg_requested_size(run, tmp_path):
    ok(run("plot", "curves", "-l", "cross-entropy", "-l", "focal:gamma=5", "-o", "focal.svg", "--width", "641"))
    root = ET.parse(tmp_path / "focal.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("641px", "500px")


def test_svg_is_the_same_for_the_same_data(run, tmp_path):
    ok(run("plot", "curves", "-l", "hinge", "-o", "a.svg"))
    ok(run("plot", "curves", "-l", "hinge", "-o", "b.svg"))
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_samples_png_requested_size(run, tmp_path):
    args = ("plot", "samples", "-l", "mse", "-l", "mae", str(SAMPLE_DATA / "preds.csv"))
    ok(run(*args, "-o", "samples.png", "--width", "640", "--height", "480"))
    assert png_size((tmp_path / "samples.png").read_bytes()) == (640, 480)


def test_samples_svg_default_size_grows_with_the_losses(run, tmp_path):
    ok(
        run(
            "plot", "samples", "-l", "bce", "-l", "focal", "-l", "brier", str(SAMPLE_DATA / "binary.csv"), "-o", "s.svg"
        )
    )
    root = ET.parse(tmp_path / "s.svg").getroot()
    assert (root.get("width"), root.get("height")) == ("800px", f"{3 * 260 + 40}px")


def test_other_image_formats_are_refused(run):
    failed(run("plot", "curves", "-l", "mse", "-o", "curves.gif"), "curves.gif: images are written as .png or .svg")


def test_tiny_images_are_refused(run):
    failed(run("plot", "curves", "-l", "mse", "-o", "c.png", "--width", "20"), "at least 100x100 pixels")


def test_without_matplotlib_the_message_names_the_extra(run, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    failed(run("plot", "curves", "-l", "mse", "-o", "c.png"), "pip install 'lossctl[plot]'")
    failed(run("plot", "samples", str(SAMPLE_DATA / "preds.csv"), "-o", "s.svg"), "pip install 'lossctl[plot]'")
    assert not list(tmp_path.iterdir())
    ok(run("plot", "curves", "-l", "mse", "--width", "40", "--height", "5"))  # the terminal needs nothing
    ok(run("report", "-l", "mse", str(SAMPLE_DATA / "preds.csv"), "-o", "r.html"))  # nor the report's SVG
    assert "<svg" in (tmp_path / "r.html").read_text(encoding="utf-8")

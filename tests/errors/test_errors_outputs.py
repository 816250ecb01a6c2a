"""Nothing lost, nothing damaged: files lossctl writes (``-o``, ``--per-sample``) appear only
when the run succeeds, through a temporary file renamed over the target; a failed run leaves
the previous file byte-identical and no temporary file behind; lossctl never writes over one of
its own inputs."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import stat
from pathlib import Path

import pytest

import lossctl.engine.evaluate as engine

from ._support import error_line, write_csv

PREVIOUS = b"previous content \xe2\x9c\x93 that must survive\n" * 50


def _small_batches(monkeypatch: pytest.MonkeyPatch, rows: int = 3) -> list[int]:
    """Make the CLI's evaluations stream in batches of ``rows``, so that a run fails after
    it has written part of its per-sample output; return the list of batch sizes seen."""
    original = engine.evaluate
    seen: list[int] = []

    def evaluate(request):
        execution = dataclasses.replace(request.execution, chunk_rows=rows)
        outputs = request.outputs
        sink = outputs.per_sample
        if sink is not None:

            def counting(row_numbers, values):
                seen.append(len(row_numbers))
                sink(row_numbers, values)

            outputs = dataclasses.replace(outputs, per_sample=counting)
        return original(dataclasses.replace(request, execution=execution, outputs=outputs))

    monkeypatch.setattr(engine, "evaluate", evaluate)
    return seen


def _leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name not in keep)


@pytest.fixture
def failing(tmp_path):
    """20 rows whose last prediction is not a probability: bce fails on row 20."""
    rows = [f"{i % 2},{0.1 + (i % 8) / 10:.1f}" for i in range(19)] + ["1,1.7"]
    return write_csv(tmp_path / "preds.csv", "y_true,y_pred", rows)


@pytest.mark.parametrize("target", ["losses.csv", "losses.parquet"])
def test_failed_run_leaves_per_sample_file_intact(invoke, tmp_path, monkeypatch, failing, target):
    (tmp_path / target).write_bytes(PREVIOUS)
    seen = _small_batches(monkeypatch)
    line = error_line(*invoke("compute", "-l", "bce", "--per-sample", target, "preds.csv"))
    assert "row 20" in line
    assert sum(seen) >= 15, "the run did not write part of its output before failing"
    assert (tmp_path / target).read_bytes() == PREVIOUS
    assert _leftovers(tmp_path, {"preds.csv", target}) == [], "a temporary file was left behind"


def test_failed_run_creates_no_per_sample_file(invoke, tmp_path, monkeypatch, failing):
    _small_batches(monkeypatch)
    error_line(*invoke("compute", "-l", "bce", "--per-sample", "losses.csv", "preds.csv"))
    assert _leftovers(tmp_path, {"preds.csv"}) == []


@pytest.mark.parametrize("fmt", ["json", "table", "csv", "markdown"])
def test_failed_run_leaves_output_file_intact(invoke, tmp_path, monkeypatch, failing, fmt):
    (tmp_path / "result.txt").write_bytes(PREVIOUS)
    _small_batches(monkeypatch)
    line = error_line(*invoke("compute", "-l", "bce", "--format", fmt, "-o", "result.txt", "preds.csv"))
    assert "row 20" in line
    assert (tmp_path / "result.txt").read_bytes() == PREVIOUS
    assert _leftovers(tmp_path, {"preds.csv", "result.txt"}) == []


def test_failed_run_with_both_outputs(invoke, tmp_path, monkeypatch, failing):
    (tmp_path / "result.json").write_bytes(PREVIOUS)
    (tmp_path / "losses.csv").write_bytes(PREVIOUS)
    _small_batches(monkeypatch)
    args = ["compute", "-l", "bce", "--format", "json", "-o", "result.json", "--per-sample", "losses.csv", "preds.csv"]
    error_line(*invoke(*args))
    assert (tmp_path / "result.json").read_bytes() == PREVIOUS
    assert (tmp_path / "losses.csv").read_bytes() == PREVIOUS
    assert _leftovers(tmp_path, {"preds.csv", "result.json", "losses.csv"}) == []


def test_interrupted_run_leaves_per_sample_file_intact(invoke, tmp_path, monkeypatch):
    """Ctrl-C in the middle of a run: exit 130, the previous file intact, no temporary file."""
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", [f"{i},{i + 1}" for i in range(30)])
    (tmp_path / "losses.csv").write_bytes(PREVIOUS)
    seen = _small_batches(monkeypatch)
    from lossctl.output.per_sample import PerSampleWriter

    original = PerSampleWriter.__call__

    def interrupting(self, rows, values):
        original(self, rows, values)
        if len(seen) >= 4:
            raise KeyboardInterrupt

    monkeypatch.setattr(PerSampleWriter, "__call__", interrupting)
    code, out, err = invoke("compute", "-l", "mse", "--per-sample", "losses.csv", "preds.csv")
    assert code == 130, err
    assert out == ""
    assert [line for line in err.splitlines() if line.strip()] == ["Error: interrupted"]
    assert (tmp_path / "losses.csv").read_bytes() == PREVIOUS
    assert _leftovers(tmp_path, {"preds.csv", "losses.csv"}) == []


def test_successful_run_replaces_the_files(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "2,4"])
    (tmp_path / "result.json").write_bytes(PREVIOUS)
    (tmp_path / "losses.csv").write_bytes(PREVIOUS)
    args = ["compute", "-l", "mse", "--format", "json", "-o", "result.json", "--per-sample", "losses.csv", "preds.csv"]
    code, out, err = invoke(*args)
    assert code == 0, err
    assert out == ""  # the result went to the file
    assert json.loads((tmp_path / "result.json").read_text())["results"][0]["value"] == 2.5
    # each row's label and prediction beside its squared error: (2 - 1)^2 = 1, (4 - 2)^2 = 4
    assert (tmp_path / "losses.csv").read_text().splitlines() == ["row,y_true,y_pred,mse", "1,1,2,1", "2,2,4,4"]
    assert _leftovers(tmp_path, {"preds.csv", "result.json", "losses.csv"}) == []


# -- never over an input ------------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path):
    write_csv(tmp_path / "preds.csv", "id,y_pred", ["1,0.5", "2,0.25"])
    write_csv(tmp_path / "labels.csv", "id,y_true", ["1,1", "2,0"])
    return {name: (tmp_path / name).read_bytes() for name in ("preds.csv", "labels.csv")}


@pytest.mark.parametrize("option", ["-o", "--output", "--per-sample"])
@pytest.mark.parametrize("target", ["preds.csv", "./preds.csv", "labels.csv", "sub/../labels.csv"])
def test_refuses_to_write_over_an_input(invoke, tmp_path, inputs, option, target):
    (tmp_path / "sub").mkdir()
    line = error_line(*invoke("compute", "-l", "bce", option, target, "preds.csv", "labels.csv", "--on", "id"))
    assert "refus" in line and target in line
    for name, content in inputs.items():
        assert (tmp_path / name).read_bytes() == content
    assert _leftovers(tmp_path, {"preds.csv", "labels.csv", "sub"}) == []


def test_refuses_to_write_over_an_input_through_a_link(invoke, tmp_path, inputs):
    (tmp_path / "link.csv").symlink_to(tmp_path / "preds.csv")
    line = error_line(*invoke("compute", "-l", "bce", "-o", "link.csv", "preds.csv", "labels.csv", "--on", "id"))
    assert "link.csv" in line
    assert (tmp_path / "preds.csv").read_bytes() == inputs["preds.csv"]


def test_refuses_to_write_over_the_model_weights(invoke, tmp_path):
    import numpy as np

    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.5", "0,0.25"])
    np.save(tmp_path / "w.npy", np.array([0.5, -1.0]))
    before = (tmp_path / "w.npy").read_bytes()
    args = ["compute", "-l", "bce + 0.1*l2", "--model-weights", "w.npy", "-o", "w.npy", "preds.csv"]
    line = error_line(*invoke(*args))
    assert "w.npy" in line
    assert (tmp_path / "w.npy").read_bytes() == before


def test_refuses_to_write_over_a_compared_file(invoke, tmp_path):
    write_csv(tmp_path / "a.csv", "y_true,y_pred", ["1,2"])
    write_csv(tmp_path / "b.csv", "y_true,y_pred", ["1,3"])
    before = (tmp_path / "b.csv").read_bytes()
    line = error_line(*invoke("compare", "-l", "mse", "-o", "b.csv", "a.csv", "b.csv"))
    assert "b.csv" in line
    assert (tmp_path / "b.csv").read_bytes() == before


# -- an output that cannot be written -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["compute", "-l", "mse", "preds.csv", "-o", "{target}"],
        ["compute", "-l", "mse", "preds.csv", "--per-sample", "{target}"],
        ["check", "preds.csv", "-l", "mse", "--max", "9", "--junit-xml", "{target}"],
        ["report", "preds.csv", "-o", "{target}"],
        ["plot", "curves", "-l", "mse", "-o", "{target}"],
    ],
    ids=["-o", "--per-sample", "--junit-xml", "report -o", "plot -o"],
)
def test_an_output_into_a_missing_directory_is_one_line_before_any_work(invoke, tmp_path, args):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "3,3"])
    target = tmp_path / "missing" / ("out.png" if args[0] == "plot" else "out.html")
    line = error_line(*invoke(*[a.format(target=target) for a in args], cwd=tmp_path))
    assert line == f"Error: cannot write {target}: no directory {tmp_path / 'missing'}"
    assert _leftovers(tmp_path, {"preds.csv"}) == []


def test_a_full_disk_while_writing_is_one_line_and_leaves_no_temporary_file(tmp_path):
    from lossctl.atomic import atomic_path
    from lossctl.errors import OutputError

    target = tmp_path / "out.json"
    with pytest.raises(OutputError) as caught, atomic_path(str(target)) as tmp:
        Path(tmp).write_text("partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # what write(2) says of a full disk
    assert str(caught.value) == f"cannot write {target}: {os.strerror(errno.ENOSPC)}"
    assert list(tmp_path.iterdir()) == []


def test_a_device_is_written_through_and_a_link_keeps_pointing_at_its_file(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "3,3"])
    before = os.stat("/dev/null")
    code, out, err = invoke("compute", "-l", "mse", "preds.csv", "-o", "/dev/null", cwd=tmp_path)
    assert (code, out) == (0, ""), err
    after = os.stat("/dev/null")  # still the device, not a regular file renamed over it
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    (tmp_path / "real.json").write_text("old")
    (tmp_path / "link.json").symlink_to("real.json")
    code, _, err = invoke("compute", "-l", "mse", "preds.csv", "-o", "link.json", "--format", "json", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "link.json").is_symlink()
    # mse of errors [1, 0] = 0.5, now in the file the link points at
    assert json.loads((tmp_path / "real.json").read_text())["results"][0]["value"] == 0.5
    assert _leftovers(tmp_path, {"preds.csv", "real.json", "link.json"}) == []


# -- names from outside reach the terminal inert -------------------------------------------------

# An OSC sequence that retitles the terminal, and a CSI one that clears the screen.
RETITLE, CLEAR = "\x1b]0;owned\x07", "\x1b[2J"


def test_control_characters_from_file_names_print_as_escapes(invoke, tmp_path):
    name = f"a{RETITLE}b.csv"
    write_csv(tmp_path / name, "y_true,y_pred", ["1,2", "3,3"])
    ok = invoke("compute", "-l", "mse", name, cwd=tmp_path)  # title and caption lines
    failed = invoke("compute", "-l", "mse", name, "--y-true", "nope", cwd=tmp_path)  # an error line
    for text in (ok.stdout, failed.stderr):
        assert "\x1b" not in text and "\x07" not in text
        assert "a\\x1b]0;owned\\x07b.csv" in text


def test_control_characters_from_group_values_print_as_escapes(invoke, tmp_path):
    write_csv(tmp_path / "g.csv", "y_true,y_pred,g", ["1,2,a", f"3,3,b{CLEAR}"])
    out = invoke("compute", "-l", "mse", "g.csv", "--group-by", "g", cwd=tmp_path).stdout
    assert "\x1b" not in out and "b\\x1b[2J" in out


def test_junit_xml_with_a_control_character_in_a_name_is_well_formed(invoke, tmp_path):
    from xml.etree import ElementTree

    name = f"p{CLEAR}.csv"
    write_csv(tmp_path / name, "y_true,y_pred", ["1,2", "3,3"])
    ran = invoke("check", name, "-l", "mse", "--max", "9", "--junit-xml", "j.xml", cwd=tmp_path)
    assert ran.exit_code == 0, ran.stderr
    case = ElementTree.parse(tmp_path / "j.xml").getroot().find("testsuite/testcase")
    assert case.get("classname") == "lossctl.p\\x1b[2J.csv"


def test_control_characters_in_the_terminal_plot_print_as_escapes(invoke, tmp_path):
    name = f"a{RETITLE}b.csv"
    write_csv(tmp_path / name, "y_true,y_pred", ["1,2", "3,3", "2,5"])
    out = invoke("plot", "samples", "-l", "mse", name, cwd=tmp_path).stdout
    assert "\x1b" not in out and "a\\x1b]0;owned\\x07b.csv" in out

"""The hostile-input campaign: inputs built to break lossctl, one class at a time — configuration
files and baselines, damaged Parquet and archives, file names and titles, extreme values per
loss, CSV text whose quoted cells hold line ends.

Whatever the input, a run ends with exit 0 and the right value, or exit 2 and one line naming
the file (and column and row, or the limit); never exit 70, never a traceback, never a NumPy
warning on stderr; and every input is byte for byte what it was (hashed before and after).

These are fixed cases, a few seconds in all; test_errors_campaign_fuzzed.py draws the same
classes of input with hypothesis.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from ._campaign import CHECK, MSE, ROWS, dictionary_parquet, mse_of, run
from ._support import error_line, write_csv

# -- configuration files and baselines ------------------------------------------------------------

DEEP_TOML = "x = " + "[" * 5000 + "]" * 5000 + "\n"

BAD_CONFIGS = [
    ("nested 5,000 deep", DEEP_TOML.encode(), "nested too deeply"),
    ("a 400-digit maximum", (CHECK + "max = " + "9" * 400 + "\n").encode(), "checks[0].max: must be a finite number"),
    ("a 5,000-digit integer", (CHECK + "max = " + "9" * 5000 + "\n").encode(), "integer too long"),
    (
        "a datetime in storage_options",
        ("storage_options = {since = 1979-05-27T07:32:00Z}\n" + CHECK + "max = 1\n").encode(),
        "storage_options",
    ),
    ("UTF-16", ("\ufeff" + CHECK + "max = 1\n").encode("utf-16-le"), "UTF-16"),
    ("Latin-1", (CHECK + "name = 'caf\xe9'\nmax = 1\n").encode("latin-1"), "not UTF-8"),
]


@pytest.mark.parametrize(("content", "words"), [case[1:] for case in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS])
def test_a_configuration_that_cannot_be_used_is_one_line_naming_it(invoke, tmp_path, content, words):
    write_csv(tmp_path / "r.csv", "y_true,y_pred", ROWS)
    (tmp_path / "lossctl.toml").write_bytes(content)
    line = error_line(*run(invoke, "check", "r.csv", inputs=[tmp_path / "r.csv", tmp_path / "lossctl.toml"]))
    assert line.startswith("Error: lossctl.toml") and words in line, line


OTHER_PYPROJECTS = {
    "UTF-16": '\ufeff[project]\nname = "other"\n'.encode("utf-16-le"),
    "Latin-1": '[project]\nname = "caf\xe9"\n'.encode("latin-1"),
    "not TOML": b"[project\nname = \n",
    "nested 5,000 deep": DEEP_TOML.encode(),
}


@pytest.mark.parametrize("content", OTHER_PYPROJECTS.values(), ids=OTHER_PYPROJECTS)
def test_another_tools_broken_pyproject_up_the_tree_is_not_read(invoke, tmp_path, content):
    """Checks from the options use no configuration: a pyproject.toml without a lossctl table,
    however broken, in the directory or above it, is none of lossctl's business."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_bytes(content)
    work = tmp_path / "model"
    work.mkdir()
    (work / "pyproject.toml").write_bytes(content)
    write_csv(work / "r.csv", "y_true,y_pred", ROWS)
    inputs = [work / "r.csv", work / "pyproject.toml", tmp_path / "pyproject.toml"]
    ran = run(invoke, "check", "-l", "mse", "--max", "1", "--format", "json", "r.csv", inputs=inputs, cwd=work)
    assert ran.exit_code == 0, ran.stderr
    assert ran.json()["checks"][0]["value"] == pytest.approx(MSE, rel=1e-15)


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_a_broken_pyproject_that_holds_lossctls_table_is_named(invoke, tmp_path, encoding):
    (tmp_path / ".git").mkdir()
    text = '[tool.lossctl]\nfiles = ["r.csv"]\n[[tool.lossctl.checks]]\nloss = "mse"\nname = "caf\xe9"\nmax = 1\n'
    (tmp_path / "pyproject.toml").write_bytes(text.encode(encoding))
    write_csv(tmp_path / "r.csv", "y_true,y_pred", ROWS)
    inputs = [tmp_path / "r.csv", tmp_path / "pyproject.toml"]
    line = error_line(*run(invoke, "check", "-l", "mse", "--max", "1", "r.csv", inputs=inputs))
    assert line.startswith("Error: pyproject.toml: not valid TOML") and "UTF-8" in line, line


NINES = "9" * 400


def _baseline(number: str, *, where: str = "value") -> str:
    """A baseline of mse whose ``value`` (or ``schema``, or interval's ``high``) is ``number``
    as written, however JSON would read it."""
    document = {"results": [{"spec": "mse", "value": 0.3, "ci": {"level": 0.95, "low": 0.1, "high": 0.5}}]}
    if where == "schema":
        document["schema"] = "@"
    elif where == "high":
        document["results"][0]["ci"]["high"] = "@"
    else:
        document["results"][0]["value"] = "@"
    return json.dumps(document).replace('"@"', number)


SIGNIFICANCE = ["--significance", "0.05"]
BAD_BASELINES = {
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, [], "nested too deeply"),
    "1e400": (_baseline("1e400"), [], "not a finite number"),
    "a 400-digit value": (_baseline(NINES), [], "not a finite number"),
    "a 400-digit schema": (_baseline(NINES, where="schema"), [], "newer lossctl"),
    "an interval to 1e400": (_baseline("1e400", where="high"), SIGNIFICANCE, "no interval of finite numbers"),
    "a 400-digit interval": (_baseline(NINES, where="high"), SIGNIFICANCE, "no interval of finite numbers"),
}


@pytest.mark.parametrize(("content", "options", "words"), BAD_BASELINES.values(), ids=BAD_BASELINES)
def test_a_baseline_that_cannot_be_used_is_one_line_naming_it(invoke, tmp_path, content, options, words):
    write_csv(tmp_path / "r.csv", "y_true,y_pred", ROWS)
    (tmp_path / "base.json").write_text(content, encoding="utf-8")
    args = ["check", "-l", "mse", "--baseline", "base.json", *options, "r.csv"]
    line = error_line(*run(invoke, *args, inputs=[tmp_path / "r.csv", tmp_path / "base.json"]))
    assert line.startswith("Error: base.json") and words in line, line


# -- damaged Parquet, Arrow and .npz files --------------------------------------------------------


def _past_the_dictionary() -> bytes:
    """Indices 0, 1, 2, 0, 1, 2, 0, 1 pack (two bits each, the first lowest) to 0x24 0x49; the
    first 0x24 made 0xFF makes four indices 3, past a dictionary of three."""
    data, start, end = dictionary_parquet()
    at = data.index(bytes([0x24, 0x49]), start, end)
    return data[:at] + b"\xff" + data[at + 1 :]


def _not_utf8_in_the_dictionary() -> bytes:
    data, start, end = dictionary_parquet()
    at = data.index(b"north", start, end)
    return data[:at] + b"\xff\xfe" + data[at + 2 :]


def _name_not_utf8(write) -> bytes:
    """A file whose third column is named 'zzé', renamed in place to the bytes zz FF FE."""
    buffer = io.BytesIO()
    write(pa.table({"y_true": [1.0, 2.0], "y_pred": [1.5, 2.0], "zzé": [0.0, 0.0]}), buffer)
    return buffer.getvalue().replace("zzé".encode(), b"zz\xff\xfe")


DAMAGED = {
    "parquet: a column name not UTF-8": (
        "d.parquet",
        lambda: _name_not_utf8(pq.write_table),
        [],
        "not a valid Parquet file",
    ),
    "arrow: a column name not UTF-8": (
        "d.arrow",
        lambda: _name_not_utf8(lambda t, b: feather.write_feather(t, b, compression="uncompressed")),
        [],
        "not a valid Arrow file",
    ),
    "parquet: indices past the dictionary": (
        "d.parquet",
        _past_the_dictionary,
        ["--group-by", "g"],
        "column 'g': damaged data",
    ),
    "parquet: a dictionary value not UTF-8": (
        "d.parquet",
        _not_utf8_in_the_dictionary,
        ["--group-by", "g"],
        "column 'g': damaged data",
    ),
}


@pytest.mark.parametrize(("name", "make", "options", "words"), DAMAGED.values(), ids=DAMAGED)
def test_a_damaged_columnar_file_is_one_line_naming_it(invoke, tmp_path, name, make, options, words):
    (tmp_path / name).write_bytes(make())
    line = error_line(*run(invoke, "compute", "-l", "mse", *options, name, inputs=[tmp_path / name]))
    assert line.startswith(f"Error: {name}") and words in line, line


class _Trap:
    """Unpickled, it would write the file ``unpickled``."""

    def __reduce__(self):
        return (Path.write_text, (Path("unpickled"), "code ran"))


@pytest.mark.parametrize(
    "member",
    [pickle.dumps(_Trap()), pickle.dumps(np.arange(4.0)), b"\x80\x04K\x01."],
    ids=["a trap that writes a file", "a pickled array", "a pickled int"],
)
def test_an_npz_member_that_is_a_pickle_is_refused_never_unpickled(invoke, tmp_path, member):
    buffer = io.BytesIO()
    np.save(buffer, np.array([1.5, 2.0, 2.5, 5.0]))
    with zipfile.ZipFile(tmp_path / "p.npz", "w") as archive:
        archive.writestr("y_true.npy", member)
        archive.writestr("y_pred.npy", buffer.getvalue())
    line = error_line(*run(invoke, "compute", "-l", "mse", "p.npz", inputs=[tmp_path / "p.npz"]))
    assert line.startswith("Error: p.npz") and "'y_true'" in line and "never unpickles" in line, line
    assert not (tmp_path / "unpickled").exists()


# -- file names and titles --------------------------------------------------------------------------

NAMES = {
    "mathtext": "a$\\frac$.csv",
    "two dollars": "$x$ and $y$.csv",
    "control characters": "t\x1b]0;owned\x07\x1b[2J.csv",
    "not UTF-8": os.fsdecode(b"n\xff\xfe.csv"),
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES)
def test_any_file_name_is_read_and_drawn_as_written(invoke, tmp_path, name):
    path = write_csv(tmp_path / name, "y_true,y_pred", ROWS)
    assert mse_of(run(invoke, "compute", "-l", "mse", "--format", "json", name, inputs=[path])) == pytest.approx(
        MSE, rel=1e-15
    )
    for args, output in [
        (["report", "-l", "mse", name, "-o", "r.html"], "r.html"),
        (["plot", "samples", "-l", "mse", name, "-o", "s.png"], "s.png"),
        (["compute", "-l", "mse", "--format", "csv", name, "-o", "r.csv"], "r.csv"),
    ]:
        ran = run(invoke, *args, inputs=[path])
        assert ran.exit_code == 0, (args, ran.stderr)
        if not output.endswith(("png", "svg")):
            (tmp_path / output).read_bytes().decode("utf-8")  # UTF-8 whatever the name's bytes
    ran = run(invoke, "check", "-l", "mse", "--max", "1", "--junit-xml", "j.xml", name, inputs=[path])
    assert ran.exit_code == 0, ran.stderr
    ElementTree.parse(tmp_path / "j.xml")
    assert run(invoke, "compute", "-l", "mse", name, inputs=[path]).exit_code == 0  # a table on stdout


def test_a_control_character_in_a_file_name_does_not_reach_the_terminal(invoke, tmp_path):
    name = NAMES["control characters"]
    path = write_csv(tmp_path / name, "y_true,y_pred", ["1,2", "2,x"])
    line = error_line(*run(invoke, "compute", "-l", "mse", name, inputs=[path]))
    assert "\x1b" not in line and "\x07" not in line and "\\x1b" in line and "row 2" in line


def test_a_calibration_plot_of_a_mathtext_file_name(invoke, tmp_path):
    path = write_csv(
        tmp_path / "p$\\frac$.csv", "y_true,y_pred", ["1,0.8", "0,0.3", "1,0.6", "0,0.1", "1,0.9", "0,0.7"]
    )
    for args in (["-o", "rel.svg"], ["-o", "rel.png", "--title", "$\\frac$"]):
        ran = run(invoke, "plot", "reliability", path.name, *args, inputs=[path])
        assert ran.exit_code == 0, ran.stderr


@pytest.mark.parametrize("title", ["a$\\frac$", "$", "$$", "\\$x$", "$\\undefined{1}$"])
def test_a_title_is_drawn_as_written(invoke, tmp_path, title):
    ran = run(invoke, "plot", "curves", "-l", "mse", "--title", title, "-o", "c.png", inputs=[])
    assert ran.exit_code == 0, ran.stderr


@pytest.mark.parametrize("output", [["--width", "60"], ["-o", "c.png"]])
def test_a_subnormal_top_of_the_loss_axis_draws(invoke, output):
    ran = run(invoke, "plot", "curves", "-l", "mse", "-l", "mae", "--y-max", "1e-320", *output, inputs=[])
    assert ran.exit_code == 0, ran.stderr
    if "-o" not in output:  # the axis says where its top is
        assert "1e-320" in ran.stdout


def test_a_range_beyond_the_floats_is_refused_by_its_limit(invoke):
    line = error_line(*run(invoke, "plot", "curves", "-l", "mse", "--range", "1e308", inputs=[]))
    assert "--range" in line and "1e+300" in line, line


def test_an_overflowing_curve_says_so_not_that_it_depends_on_y_true(invoke):
    """mse at a residual of 1e300 is 1e600, beyond float64: the point is named, and a narrower
    range asked for; huber grows linearly and draws."""
    line = error_line(*run(invoke, "plot", "curves", "-l", "mse", "--range", "1e300", inputs=[]))
    assert "overflows" in line and "narrower range" in line and "y_true itself" not in line, line
    ran = run(invoke, "plot", "curves", "-l", "huber", "--range", "1e300", "--width", "60", inputs=[])
    assert ran.exit_code == 0, ran.stderr


# -- extreme values -------------------------------------------------------------------------------

EXTREMES = ["1e-300", "1e300", "-1e300", "5e-324", "1e308", "-1e308", "1e154", "0"]


@pytest.mark.parametrize(
    ("loss", "options", "rows"),
    [
        ("max-error", [], [f"{a},{b}" for a in EXTREMES for b in EXTREMES]),
        (
            "cost-sensitive-bce",
            ["--from-logits", "--ci"],
            [f"{y},{s}" for y in "01" for s in ["1e300", "-1e300", "700"]],
        ),
        ("mse", ["--ci", "--worst", "2"], ["1e-300,-1e-300", "1e150,0", "0,5e-324"]),
    ],
)
def test_extreme_values_raise_no_numpy_warning(invoke, tmp_path, loss, options, rows):
    path = write_csv(tmp_path / "x.csv", "y_true,y_pred", rows)
    ran = run(invoke, "compute", "-l", loss, *options, "x.csv", inputs=[path])
    assert ran.exit_code == 0 or len(ran.stderr.splitlines()) == 1, ran.stderr


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["1e-300,-1e-300", "0,0"], (2e-300) ** 2 / 2),  # 4e-600 underflows to 0 (IEEE 754)
        (["1e150,0", "0,0"], 1e300 / 2),
        (["1e-160,0", "3e-160,0"], (1e-320 + 9e-320) / 2),
    ],
)
def test_extreme_values_give_the_value_of_float_arithmetic(invoke, tmp_path, rows, expected):
    path = write_csv(tmp_path / "x.csv", "y_true,y_pred", rows)
    value = mse_of(run(invoke, "compute", "-l", "mse", "--format", "json", "x.csv", inputs=[path]))
    assert value == pytest.approx(expected, rel=1e-12, abs=1e-323)


def test_an_overflowing_loss_names_its_row(invoke, tmp_path):
    path = write_csv(tmp_path / "x.csv", "y_true,y_pred", ["1,1", "1e200,-1e200"])
    line = error_line(*run(invoke, "compute", "-l", "mse", "x.csv", inputs=[path]))
    assert "x.csv" in line and "row 2" in line and "overflows" in line, line


@pytest.mark.slow  # a cluster of its own: seconds to start
def test_a_failed_task_on_a_local_dask_cluster_is_one_line(invoke, tmp_path):
    """The worker's log of the failed task (with its Traceback) stays off stderr."""
    pytest.importorskip("distributed")
    path = write_csv(tmp_path / "p.csv", "y_true,y_pred", ["1,0.2", "0,1.5"])
    ran = invoke("compute", "-l", "bce", "--engine", "dask", "p.csv", process=True)
    line = error_line(*ran)
    assert "p.csv" in line and "row 2" in line and "outside [0, 1]" in line, line
    assert path.read_text(encoding="utf-8") == "y_true,y_pred\n1,0.2\n0,1.5\n"


# -- CSV text whose quoted cells hold line ends ---------------------------------------------------


def _quoted_line_ends(path: Path, rows: int, first: int) -> float:
    """A CSV whose ``note`` holds a quoted cell of several lines on every row from ``first``
    on; the mse of its y columns (computed here, in Python floats)."""
    lines, total = [], 0.0
    for i in range(rows):
        y_true, y_pred = (i % 7) / 7, (i % 5) / 5
        total += (y_true - y_pred) ** 2
        note = '"one\ntwo\nthree"' if i + 1 >= first else "plain"
        lines.append(f"{i},{note},{y_true!r},{y_pred!r}\n")
    path.write_text("id,note,y_true,y_pred\n" + "".join(lines), encoding="utf-8")
    return total / rows


@pytest.mark.parametrize("rows", [200, 80_000])  # within one block of text; across many (2.4 MB)
def test_quoted_line_ends_are_read_or_named_by_their_first_row(invoke, tmp_path, rows):
    expected = _quoted_line_ends(tmp_path / "q.csv", rows, first=3)
    ran = run(invoke, "compute", "-l", "mse", "--format", "json", "q.csv", inputs=[tmp_path / "q.csv"])
    if ran.exit_code == 0:
        assert mse_of(ran) == pytest.approx(expected, rel=1e-12)
    else:
        line = error_line(*ran)
        assert line.startswith("Error: q.csv, row 3:") and "quoted cell" in line, line
    if rows == 200:
        assert ran.exit_code == 0, ran.stderr

"""The hostile-input campaign on generated inputs (hypothesis, as many as the profile says:
bounded in ``make test``, long in ``make fuzz``; every test here is marked ``slow``): damaged
Parquet bytes, configurations, file names and extreme values. The promises are the fixed
cases' (test_errors_campaign.py): exit 0 and the right value, or exit 2 and one line naming
the file; never exit 70, a traceback or a NumPy warning; every input unchanged.
"""

from __future__ import annotations

import datetime
import json
import math
import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ._campaign import CHECK, MSE, ROWS, dictionary_parquet, mse_of, run
from ._support import error_line, write_csv

# -- generated inputs (slow) ----------------------------------------------------------------------

SETTINGS = settings(
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as drawn
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


def _one_line_or_success(ran, name: str) -> None:
    if ran.exit_code == 2:
        line = error_line(*ran)
        assert name in line, line


@pytest.mark.slow
@SETTINGS
@given(edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=4))
def test_fuzzed_parquet_bytes(invoke, tmp_path_factory, edits):
    work = tmp_path_factory.mktemp("parquet")
    data, start, end = dictionary_parquet()
    damaged = bytearray(data)
    for at, value in edits:
        damaged[start + at % (len(data) - start)] = value  # the group column, the footer and the rest
    path = work / "f.parquet"
    path.write_bytes(bytes(damaged))
    ran = run(
        invoke, "compute", "-l", "mse", "--group-by", "g", "--format", "json", "f.parquet", inputs=[path], cwd=work
    )
    _one_line_or_success(ran, "f.parquet")


toml_values = st.recursive(
    st.one_of(
        st.integers(-(10**500), 10**500).map(str),
        st.floats().map(
            lambda x: "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf") if math.isinf(x) else repr(x)
        ),
        st.datetimes(timezones=st.just(datetime.timezone.utc)).map(lambda d: d.isoformat()),
        st.text(max_size=5).map(json.dumps),
        st.sampled_from(["true", "false", "9" * 5000]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(inner, max_size=3).map(lambda xs: "{" + ", ".join(f"k{i} = {x}" for i, x in enumerate(xs)) + "}"),
    ),
    max_leaves=8,
)


@pytest.mark.slow
@SETTINGS
@given(
    key=st.sampled_from(["max", "min", "rtol", "storage_options", "y_true", "files", "name", "severity"]),
    value=toml_values,
    depth=st.sampled_from([0, 0, 50, 600, 5000]),
    encoding=st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1", "cp1252"]),
)
def test_fuzzed_configuration(invoke, tmp_path_factory, key, value, depth, encoding):
    work = tmp_path_factory.mktemp("config")
    write_csv(work / "r.csv", "y_true,y_pred", ROWS)
    value = "[" * depth + value + "]" * depth
    table = f"{key} = {value}\n" if key in ("storage_options", "y_true", "files") else ""
    text = table + CHECK + (f"{key} = {value}\n" if not table else "max = 1\n") + "name = 'caf\xe9'\n"
    (work / "lossctl.toml").write_bytes(text.encode(encoding, errors="replace"))
    ran = run(invoke, "check", "r.csv", inputs=[work / "r.csv", work / "lossctl.toml"], cwd=work)
    _one_line_or_success(ran, "lossctl.toml")


name_text = st.text(
    st.one_of(st.sampled_from("$\\{}^_\x1b\x07\x00\x7f\x9b\n\r\t%"), st.characters(blacklist_categories=["Cs"])),
    min_size=1,
    max_size=12,
)


@pytest.mark.slow
@settings(SETTINGS, max_examples=max(5, settings.default.max_examples // 3))  # a drawing takes a second
@given(stem=name_text, raw=st.binary(max_size=3), command=st.sampled_from(["report", "samples", "json"]))
def test_fuzzed_file_names(invoke, tmp_path_factory, stem, raw, command):
    work = tmp_path_factory.mktemp("names")
    stem = stem.replace("/", "_").replace("\x00", "_")
    name = os.fsdecode(os.fsencode(stem) + raw.replace(b"/", b"_").replace(b"\x00", b"_")) + ".csv"
    try:
        path = write_csv(work / name, "y_true,y_pred", ROWS)
    except OSError:  # a name the file system refuses (too long, say) is no test of lossctl
        return
    given = "./" + name  # a name may start with a dash
    args = {
        "samples": ["plot", "samples", "-l", "mse", given, "-o", "out.png", f"--title={stem}"],
        "report": ["report", "-l", "mse", given, "-o", "out.html"],
        "json": ["compute", "-l", "mse", "--format", "json", given],
    }[command]
    ran = run(invoke, *args, inputs=[path], cwd=work)
    assert ran.exit_code == 0, ran.stderr
    if command == "json":
        assert mse_of(ran) == pytest.approx(MSE, rel=1e-15)


LOSSES = [
    [name, *options]
    for name, options in [
        ("mse", []), ("mae", []), ("huber", []), ("log-cosh", []), ("poisson", []), ("msle", []), ("mape", []),
        ("bce", []), ("bce", ["--from-logits"]), ("focal", ["--from-logits"]), ("hinge", []), ("brier", []),
    ]
]  # fmt: skip
extreme = st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-300, 1e300, -1e300, 5e-324, 1e308, -1e308, 1e154, 1 - 1e-16, 700.0])


@pytest.mark.slow
@SETTINGS
@given(
    loss=st.sampled_from(LOSSES),
    y_true=st.lists(extreme, min_size=2, max_size=6),
    y_pred=st.lists(extreme, min_size=6, max_size=6),
    options=st.sampled_from([[], ["--ci"], ["--worst", "2"], ["--nan", "drop"]]),
)
def test_fuzzed_extreme_values(invoke, tmp_path_factory, loss, y_true, y_pred, options):
    work = tmp_path_factory.mktemp("extremes")
    rows = [f"{a!r},{b!r}" for a, b in zip(y_true, y_pred, strict=False)]
    path = write_csv(work / "x.csv", "y_true,y_pred", rows)
    ran = run(invoke, "compute", "-l", *loss, "--format", "json", *options, "x.csv", inputs=[path], cwd=work)
    _one_line_or_success(ran, "x.csv")
    if ran.exit_code == 0:
        for result in ran.json()["results"]:
            assert result["value"] is None or math.isfinite(result["value"])

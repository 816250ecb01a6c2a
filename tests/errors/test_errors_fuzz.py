"""Fuzzing: random and mutated CSV, JSON Lines and Parquet bytes fed through every command.

Whatever the bytes, lossctl ends with exit code 0 or 2 — never a traceback, never exit code 70
("internal error", a bug) — a failed run prints nothing on stdout, and a JSON result parses and
holds finite values only (``null`` only with ``--nan propagate``).

Marked ``slow``: the example budget is the hypothesis profile's (tests/conftest.py), bounded and
the same on every run in ``make test``, long and fresh in ``make fuzz``; never shrunk (a failure is
reported as drawn). Run in-process through ``lossctl.cli.main.main`` (``invoke``) — except JSON
Lines whose first record is ``null``, which crash pyarrow's reader and are therefore run in a
process of their own (``invoke(..., process=True)``).
"""

from __future__ import annotations

import gzip
import io
import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

SETTINGS = settings(
    phases=[Phase.explicit, Phase.generate],  # no shrinking: it would run for minutes on a crash
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

COLUMN_NAMES = [
    "y_true", "y_pred", "target", "label", "pred", "prob", "score", "logit", "weight",
    "prob_0", "prob_1", "prob_2", "logit_0", "logit_1", "id", "group", "distance", "d_ap", "d_an",
    "x", "", "y_true ", "Y-Pred", "a,b", 'q"uote', "é",
]  # fmt: skip

CELLS = [
    "0", "1", "-1", "2", "0.5", "0.25", "1.5", "-0.5", "3", "1e200", "-1e200", "1e308", "1e-320",
    "5e-324", "1e999", "nan", "NaN", "inf", "-inf", "", " ", "NA", "null", "true", "abc", "1,5",
    '"1,5"', '"x"', "0x10", "１", "1_000", "+2", ".5", "5.", "1e", "--1", "\t3",
]  # fmt: skip

COMMANDS = [
    ["compute", "-l", "mse"],
    ["compute", "-l", "bce"],
    ["compute", "-l", "huber:delta=0.5"],
    ["compute", "-l", "cross-entropy"],
    ["compute", "-l", "bce + 0.5*focal:gamma=1"],
    ["compute", "-l", "msle", "--format", "json"],
    ["compute", "-l", "mse", "--format", "json"],
    ["compute", "-l", "bce", "--from-logits", "--format", "json"],
    ["compare"],
    ["compare", "--format", "json"],
    ["compare", "-l", "mse", "-l", "mae", "-l", "log-cosh", "--format", "json"],
]

OPTIONS = [
    ["--nan", "drop"],
    ["--nan", "propagate"],
    ["--worst", "2"],
    ["--group-by", "group"],
    ["--weight", "weight"],
    ["--y-pred", "prob_*"],
    ["--task", "binary"],
    ["--format", "csv"],
    ["--format", "markdown"],
    ["--per-sample", "per_sample.csv"],
    ["--per-sample", "per_sample.parquet"],
    ["-o", "result.out"],
]


SCHEMAS = [
    ["y_true", "y_pred"],
    ["y_true", "y_pred", "weight"],
    ["y_true", "y_pred", "group"],
    ["y_true", "y_pred", "id"],
    ["target", "score"],
    ["y_true", "logit"],
    ["y_true", "prob_0", "prob_1", "prob_2"],
    ["label", "logit_0", "logit_1"],
    ["y_true", "distance"],
    ["d_ap", "d_an"],
]


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (kind, position, bytes) edits: 0 flips a byte, 1 inserts, 2 deletes, 3 truncates."""
    buffer = bytearray(data)
    for kind, position, extra in edits:
        if not buffer:
            buffer.extend(extra)
            continue
        at = position % len(buffer)
        if kind == 0:
            buffer[at] ^= extra[0] if extra else 0xFF
        elif kind == 1:
            buffer[at:at] = extra
        elif kind == 2:
            del buffer[at : at + max(1, len(extra))]
        else:
            del buffer[at:]
    return bytes(buffer)


edits = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=8)), min_size=1, max_size=3
)
maybe_edits = st.one_of(st.just([]), st.just([]), edits)
"""Two times in three the bytes are left whole, so that most files get past the reader."""

invocations = st.tuples(st.sampled_from(COMMANDS), st.lists(st.sampled_from(OPTIONS), max_size=2, unique_by=str))


@st.composite
def column_names(draw) -> list[str]:
    """A plausible schema, sometimes with a column renamed or added from COLUMN_NAMES."""
    names = list(draw(st.sampled_from(SCHEMAS)))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        position = draw(st.integers(0, len(names)))
        names[position : position + draw(st.integers(0, 1))] = [draw(st.sampled_from(COLUMN_NAMES))]
    return names


good_numbers = st.one_of(
    st.sampled_from([0.0, 1.0, 1.0, 0.0, -1.0, 2.0]),
    st.floats(0.0, 1.0),
    st.floats(-1e3, 1e3),
    st.integers(-5, 5).map(float),
)
numbers = st.one_of(good_numbers, good_numbers, good_numbers, st.floats())
cells = st.one_of(
    numbers.map(repr), numbers.map(repr), numbers.map(repr), numbers.map(lambda x: f"{x:g}"), st.sampled_from(CELLS)
)


@st.composite
def csv_bytes(draw, separator: str = ",") -> bytes:
    names = draw(column_names())
    width = st.integers(len(names) - 1, len(names) + 1) if draw(st.integers(0, 4)) == 0 else st.just(len(names))
    rows = draw(st.lists(width.flatmap(lambda n: st.lists(cells, min_size=n, max_size=n)), min_size=1, max_size=12))
    lines = [separator.join(names)] + [separator.join(row) for row in rows]
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    data = text.encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    return _mutate(data, draw(maybe_edits))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.sampled_from(CELLS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(COLUMN_NAMES), inner, max_size=3),
    max_leaves=6,
)
json_cells = st.integers(0, 9).flatmap(
    lambda k: json_values if k == 0 else st.integers(0, 2) if k < 3 else good_numbers
)


@st.composite
def jsonl_bytes(draw) -> bytes:
    names = list(dict.fromkeys(draw(column_names())))
    record = st.fixed_dictionaries({name: json_cells for name in names[:-1]}, optional={names[-1]: json_cells})
    records = draw(
        st.lists(st.integers(0, 9).flatmap(lambda k: json_values if k == 0 else record), min_size=1, max_size=10)
    )
    lines = [json.dumps(record) for record in records]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return _mutate(data, draw(maybe_edits))


_ARROW_TYPES = {
    "float64": (pa.float64(), st.floats(width=64) | st.none()),
    "float64 good": (pa.float64(), good_numbers),
    "float32": (pa.float32(), st.floats(width=32) | st.none()),
    "float32 good": (pa.float32(), st.floats(0, 1, width=32)),
    "int64": (pa.int64(), st.integers(-(2**63), 2**63 - 1) | st.none()),
    "int8": (pa.int8(), st.integers(0, 2)),
    "bool": (pa.bool_(), st.booleans() | st.none()),
    "string": (pa.string(), cells | st.none()),
    "null": (pa.null(), st.none()),
    "dictionary": (pa.dictionary(pa.int32(), pa.string()), st.sampled_from(["a", "b", "0.5"])),
    "list": (pa.list_(pa.float64()), st.lists(st.floats(0, 1), max_size=2)),
}
_USUAL_TYPES = ["float64 good", "float64 good", "float64 good", "float32 good", "int8", "float64"]


@st.composite
def parquet_bytes(draw) -> bytes:
    names = list(dict.fromkeys(draw(column_names())))
    rows = draw(st.integers(1, 10))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(_USUAL_TYPES) if draw(st.integers(0, 3)) else st.sampled_from(sorted(_ARROW_TYPES)))
        type_, values = _ARROW_TYPES[kind]
        data = draw(st.lists(values, min_size=rows, max_size=rows))
        if pa.types.is_dictionary(type_):
            columns[name] = pa.array(data, pa.string()).dictionary_encode()
        else:
            columns[name] = pa.array(data, type_)
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer, row_group_size=draw(st.sampled_from([3, 1000])))
    return _mutate(buffer.getvalue(), draw(maybe_edits))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _first_record_is_null(data: bytes) -> bool:
    """A JSON Lines text whose first record is `null`: pyarrow's JSON reader dies of a
    segmentation fault on it (pyarrow 26), which would end this whole test session."""
    for line in data.split(b"\n"):
        if line.strip():
            return line.strip() == b"null"
    return False


def _last_value(args: list[str], option: str) -> str | None:
    """The value of the last ``option`` in ``args`` (the one Click keeps)."""
    values = [args[i + 1] for i, word in enumerate(args[:-1]) if word == option]
    return values[-1] if values else None


def _check(invoke, directory: Path, data: bytes, name: str, invocation, via_stdin: bool = False) -> None:
    command, options = invocation
    path = directory / name
    path.write_bytes(data)
    target = "-" if via_stdin else str(path)
    args = [*command, *(word for option in options for word in option), target]
    if _first_record_is_null(data):  # may crash the interpreter: run it in a process of its own
        code, out, err = invoke(*args, input=data if via_stdin else None, cwd=directory, process=True)
    else:
        code, out, err = invoke(*args, input=data if via_stdin else None)
    shown = (
        f"lossctl {' '.join(args)}\nstdin/file bytes: {data[:300]!r}\nexit {code}\nstderr: {err}\nstdout: {out[:500]}"
    )
    assert "Traceback" not in err and "Traceback" not in out, shown
    assert "internal error" not in err, shown
    assert code in (0, 2), shown
    if code == 2:
        assert out == "", "a failed run printed a partial result\n" + shown
        assert err.startswith("Error: "), shown
        return
    output = _last_value(args, "-o")
    if output is not None:
        assert out == "", shown
        out = (Path.cwd() / output).read_text(encoding="utf-8")
    if _last_value(args, "--format") == "json":
        doc = json.loads(out)
        propagate = _last_value(args, "--nan") == "propagate"
        for result in doc["results"]:
            value = result["value"]
            if value is None:
                assert propagate, "a null value without --nan propagate\n" + shown
            else:
                assert isinstance(value, int | float) and math.isfinite(value), shown


CSV_CASES = [(",", "f.csv"), (",", "f.csv"), ("\t", "f.tsv"), (",", "f"), ("\t", "f"), (",", "f.csv.gz")]
csv_cases = st.sampled_from(CSV_CASES).flatmap(lambda case: st.tuples(st.just(case[1]), csv_bytes(case[0])))


@SETTINGS
@given(case=csv_cases, invocation=invocations)
def test_fuzz_csv(invoke, fuzz_dir, case, invocation):
    name, data = case
    if name.endswith(".gz"):
        data = gzip.compress(data)
    _check(invoke, fuzz_dir, data, name, invocation)


@SETTINGS
@given(data=jsonl_bytes(), invocation=invocations, name=st.sampled_from(["f.jsonl", "f.ndjson", "f"]))
def test_fuzz_jsonl(invoke, fuzz_dir, data, invocation, name):
    _check(invoke, fuzz_dir, data, name, invocation)


@SETTINGS
@given(data=parquet_bytes(), invocation=invocations, name=st.sampled_from(["f.parquet", "f"]))
def test_fuzz_parquet(invoke, fuzz_dir, data, invocation, name):
    _check(invoke, fuzz_dir, data, name, invocation)


@SETTINGS
@given(data=st.one_of(csv_bytes(), jsonl_bytes(), parquet_bytes(), st.binary(max_size=300)), invocation=invocations)
def test_fuzz_stdin(invoke, fuzz_dir, data, invocation):
    _check(invoke, fuzz_dir, data, "stdin", invocation, via_stdin=True)

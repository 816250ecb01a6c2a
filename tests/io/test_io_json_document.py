"""JSON documents as pandas writes them (``to_json`` with each table orient), read whole; JSON
Lines under a ``.json`` name; the size limit and the errors, one line each."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lossctl.errors import InputError
from lossctl.io import json_document, open_source

FRAME = pd.DataFrame({"id": [3, 1, 2], "y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, None, 2.5], "g": ["a", "b", "a"]})


def read(path, numeric=("y_true", "y_pred"), other=("id", "g")):
    source = open_source(str(path))
    chunks = list(source.iter_chunks(list(numeric), list(other)))
    return source, {name: np.concatenate([c.arrays[name] for c in chunks]) for name in [*numeric, *other]}


@pytest.mark.parametrize("orient", ["records", "columns", "split", "table"])
def test_pandas_orients(tmp_path, orient):
    path = tmp_path / "p.json"
    FRAME.to_json(path, orient=orient)  # pandas is the independent writer
    source, arrays = read(path)
    assert source.format == "json"
    assert [c for c in source.columns if c != "index"] == ["id", "y_true", "y_pred", "g"]
    np.testing.assert_array_equal(arrays["y_true"], FRAME["y_true"].to_numpy())
    np.testing.assert_array_equal(arrays["y_pred"], FRAME["y_pred"].to_numpy())  # null is NaN
    assert arrays["id"].dtype == np.int64 and arrays["id"].tolist() == [3, 1, 2]
    assert arrays["g"].tolist() == ["a", "b", "a"]


def test_object_of_lists(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"y_true": [1, 0], "y_pred": [0.25, 0.5]}))
    _, arrays = read(path, other=())
    assert arrays["y_pred"].tolist() == [0.25, 0.5]


def test_an_array_is_told_by_its_content(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text('[{"y_true": 1, "y_pred": 1.5}]')
    assert open_source(str(path)).format == "json"


def test_json_lines_under_a_json_name(tmp_path):
    path = tmp_path / "p.json"
    FRAME.to_json(path, orient="records", lines=True)
    source, arrays = read(path)
    assert source.format == "jsonl"
    np.testing.assert_array_equal(arrays["y_true"], [1.0, 2.0, 3.0])


def test_too_large_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(json_document, "MAX_BYTES", 10)
    path = tmp_path / "p.json"
    path.write_text('[{"y_true": 1, "y_pred": 1.5}]')  # 30 bytes
    with pytest.raises(InputError, match=r"p.json: a JSON document is read whole, up to 0 MiB.*JSON Lines"):
        open_source(str(path))


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('[{"y": 1}, {"y": "x"}]', ["column 'y', row 2", 'string "x" where the rows above hold numbers']),
        ('[{"y": 1}, {"y": [1]}]', ["column 'y', row 2", "nested value (array)"]),
        ("[[1, 2], [3, 4]]", ["row 1", "must hold objects", "orient='records'"]),
        ("[]", ["holds no data rows"]),
        ('[{"y": 1},', ["not valid JSON"]),
        ('{"a": [1, 2], "b": [1]}', ["different numbers of values"]),
        ("3", ["must hold a table"]),
    ],
)
def test_errors_name_the_place(tmp_path, text, fragments):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        source = open_source(str(path))
        list(source.iter_chunks(["y"]))
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message

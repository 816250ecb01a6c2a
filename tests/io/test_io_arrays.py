""".npy and .npz: column names, lengths, pickles refused, damaged files, weights."""

from __future__ import annotations

import io

import numpy as np
import pytest

from lossctl.errors import InputError
from lossctl.io import open_source


def save(tmp_path, name, *arrays, **named):
    path = tmp_path / name
    if name.endswith(".npy"):
        np.save(path, arrays[0], allow_pickle=True)
    else:
        np.savez(path, **named)
    return str(path)


def error_of(path, **options) -> str:
    with pytest.raises(InputError) as caught:
        open_source(path, **options)
    return str(caught.value)


def test_npy_1d_is_value(tmp_path, read):
    source = open_source(save(tmp_path, "x.npy", np.array([0.5, 1.5, 2.5])))
    assert source.columns == ["value"]
    assert source.num_rows == 3
    np.testing.assert_array_equal(read(source, ["value"])["value"], [0.5, 1.5, 2.5])


def test_npy_2d_columns(tmp_path, read):
    source = open_source(save(tmp_path, "x.npy", np.arange(6, dtype=np.int32).reshape(3, 2)))
    assert source.columns == ["c0", "c1"]
    columns = read(source, ["c0", "c1"], chunk_rows=2)
    np.testing.assert_array_equal(columns["c0"], [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(columns["c1"], [1.0, 3.0, 5.0])


def test_npy_structured_fields(tmp_path, read):
    records = np.array([(1, 0.5, "a"), (2, 1.5, "b")], dtype=[("id", "i4"), ("p", "f4"), ("g", "U1")])
    source = open_source(save(tmp_path, "x.npy", records))
    assert source.columns == ["id", "p", "g"]
    columns = read(source, ["p"], ["id", "g"])
    np.testing.assert_array_equal(columns["p"], [0.5, 1.5])
    assert columns["id"].dtype == np.int64
    assert columns["g"].tolist() == ["a", "b"]


def test_npz_columns(tmp_path, read):
    source = open_source(
        save(tmp_path, "x.npz", y=np.array([0, 1]), logits=np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    )
    assert source.columns == ["y", "logits_0", "logits_1", "logits_2"]
    columns = read(source, ["y", "logits_2"])
    np.testing.assert_array_equal(columns["logits_2"], [3.0, 6.0])


def test_npz_lengths_must_agree_for_columns_read_together(tmp_path, read):
    path = save(tmp_path, "x.npz", y=np.array([0, 1, 1]), p=np.array([0.5, 0.5]))
    source = open_source(path)
    assert source.num_rows is None
    np.testing.assert_array_equal(read(source, ["p"])["p"], [0.5, 0.5])
    with pytest.raises(InputError) as caught:
        read(source, ["y", "p"])
    assert str(caught.value) == (
        f"{path}: array 'p' has 2 rows but array 'y' has 3"
        " (hint: columns read together must come from arrays of the same length)"
    )


def test_arrays_are_read_only(tmp_path):
    source = open_source(save(tmp_path, "x.npy", np.array([0.5, 1.5])))
    (chunk,) = source.iter_chunks(["value"])
    with pytest.raises(ValueError):
        chunk.arrays["value"][0] = 9.0


@pytest.mark.parametrize("name", ["x.npy", "x.npz"])
def test_object_arrays_are_never_unpickled(tmp_path, name):
    objects = np.array([1, "a", None], dtype=object)
    path = save(tmp_path, name, objects, o=objects)
    assert error_of(path) == (
        f"{path}: holds an array of Python objects, which lossctl never unpickles"
        " (hint: save the array with a numeric dtype)"
    )


@pytest.mark.parametrize("name", ["x.npy", "x.npz"])
def test_truncated(tmp_path, name):
    path = save(tmp_path, name, np.arange(100.0), a=np.arange(100.0), b=np.arange(100.0))
    data = open(path, "rb").read()
    with open(path, "wb") as sink:
        sink.write(data[: len(data) - 40])
    with pytest.raises(InputError) as caught:
        open_source(path).read_all_values()
    message = str(caught.value)
    assert message.startswith(f"{path}: not a valid .{name[-3:]} file (")
    assert message.endswith(" (hint: the file may be truncated or corrupt)")


def test_npz_forced_on_npy(tmp_path):
    path = save(tmp_path, "x.npy", np.arange(3.0))
    assert error_of(path, input_format="npz").startswith(f"{path}: not a valid .npz file (it is a single .npy array)")


def test_empty_array(tmp_path):
    path = save(tmp_path, "x.npy", np.array([], dtype=np.float64))
    assert error_of(path) == f"{path}: the arrays hold no rows"


def test_read_all_values_any_shapes(tmp_path):
    w1, b1, w2 = np.arange(12.0).reshape(3, 4), np.array([0.5, -0.5, 1.0, 2.0]), np.arange(8, dtype=np.float32)
    path = save(tmp_path, "w.npz", w1=w1, b1=b1, w2=w2.reshape(2, 2, 2))
    values = open_source(path).read_all_values()
    np.testing.assert_array_equal(values, np.concatenate([w1.ravel(), b1, w2]))


def test_read_all_values_3d_npy(tmp_path, stdin):
    array = np.arange(24.0).reshape(2, 3, 4)
    sink = io.BytesIO()
    np.save(sink, array)
    stdin(sink.getvalue())
    source = open_source("-")
    assert source.columns == [f"c{j}" for j in range(12)]
    np.testing.assert_array_equal(source.read_all_values(), np.arange(24.0))

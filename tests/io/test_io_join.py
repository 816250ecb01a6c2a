"""join_sources: by row order and by key, name clashes, and the errors that name files and rows."""

from __future__ import annotations

import numpy as np
import pytest

from lossctl.errors import InputError
from lossctl.io import join_sources, open_source


def csv(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return open_source(str(path))


def error_of(left, right, on=None) -> str:
    with pytest.raises(InputError) as caught:
        join_sources(left, right, on=on)
    return str(caught.value)


def test_by_row_order(tmp_path, read):
    preds = csv(tmp_path, "preds.csv", "y_pred,g\n0.5,a\n0.25,b\n0.75,a\n")
    labels = csv(tmp_path, "labels.parquet.csv", "y_true\n1\n0\n1\n")
    joined = join_sources(preds, labels, on=None)
    assert joined.columns == ["y_pred", "g", "y_true"]
    assert joined.num_rows == 3
    assert joined.name == f"{preds.name} + {labels.name}"
    chunks = list(joined.iter_chunks(["y_true", "y_pred"], ["g"], chunk_rows=2))
    assert [(c.start, c.num_rows) for c in chunks] == [(0, 2), (2, 1)]
    columns = read(joined, ["y_true", "y_pred"], ["g"])
    np.testing.assert_array_equal(columns["y_true"], [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(columns["y_pred"], [0.5, 0.25, 0.75])
    assert columns["g"].tolist() == ["a", "b", "a"]


def test_by_row_order_one_side_only(tmp_path, read):
    joined = join_sources(csv(tmp_path, "a.csv", "p\n1\n2\n"), csv(tmp_path, "b.csv", "t\n3\n4\n"))
    np.testing.assert_array_equal(read(joined, ["t"])["t"], [3.0, 4.0])


def test_lengths_must_agree(tmp_path):
    preds = csv(tmp_path, "preds.csv", "p\n1\n2\n3\n")
    labels = csv(tmp_path, "labels.csv", "t\n1\n2\n")
    assert error_of(preds, labels) == (
        f"{preds.name} has 3 rows but {labels.name} has 2: joined row by row, they must have as many"
        " (hint: join them on a key column present in both)"
    )


def test_by_key(tmp_path, read):
    preds = csv(tmp_path, "preds.csv", "id,y\n10,0.5\n20,0.25\n30,0.75\n")
    labels = csv(tmp_path, "labels.csv.txt", "y,id\n1,30\n0,10\n1,20\n")
    joined = join_sources(preds, labels, on="id")
    assert joined.columns == ["id", "y", "y@labels"]
    columns = read(joined, ["y", "y@labels"], ["id"], chunk_rows=2)
    assert columns["id"].tolist() == [10, 20, 30]
    np.testing.assert_array_equal(columns["y"], [0.5, 0.25, 0.75])
    np.testing.assert_array_equal(columns["y@labels"], [0.0, 1.0, 1.0])


def test_by_key_right_columns_only(tmp_path, read):
    preds = csv(tmp_path, "preds.csv", "k,p\nb,1\na,2\n")
    labels = csv(tmp_path, "labels.csv", "k,t\na,20\nb,10\n")
    joined = join_sources(preds, labels, on="k")
    chunks = list(joined.iter_chunks(["t"], chunk_rows=1))
    assert [(c.start, c.arrays["t"].tolist()) for c in chunks] == [(0, [10.0]), (1, [20.0])]


def test_integer_and_text_keys_meet_as_text(tmp_path, read):
    preds = csv(tmp_path, "preds.csv", "id,p\n1,0.5\n2,0.25\n")
    labels = csv(tmp_path, "labels.csv", "id,t\n2,1\nx1,0\n")
    assert error_of(preds, labels, on="id") == f"{preds.name}, column 'id', row 1: key '1' is not in {labels.name}"


def test_key_missing_on_the_right(tmp_path):
    preds = csv(tmp_path, "preds.csv", "id,p\n1,0.5\n2,0.25\n3,0.1\n")
    labels = csv(tmp_path, "labels.csv", "id,t\n1,1\n3,0\n")
    assert error_of(preds, labels, on="id") == f"{preds.name}, column 'id', row 2: key 2 is not in {labels.name}"


def test_key_missing_on_the_left(tmp_path):
    preds = csv(tmp_path, "preds.csv", "id,p\n1,0.5\n2,0.25\n")
    labels = csv(tmp_path, "labels.csv", "id,t\n1,1\n2,0\n7,1\n")
    assert error_of(preds, labels, on="id") == f"{labels.name}, column 'id', row 3: key 7 is not in {preds.name}"


def test_duplicated_key(tmp_path):
    preds = csv(tmp_path, "preds.csv", "id,p\na,1\nb,2\nc,3\nb,4\na,5\n")
    labels = csv(tmp_path, "labels.csv", "id,t\na,1\nb,2\nc,3\n")
    assert error_of(preds, labels, on="id") == (
        f"{preds.name}, column 'id', row 4: key 'b' repeats row 2; keys must be unique to join on them"
    )


def test_empty_key(tmp_path):
    preds = csv(tmp_path, "preds.csv", "id,p\n1.5,1\n,2\n")
    labels = csv(tmp_path, "labels.csv", "id,t\n1.5,1\n2.5,2\n")
    assert error_of(preds, labels, on="id") == f"{preds.name}, column 'id', row 2: key '' is not in {labels.name}"


def test_null_key_in_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a", None], "p": [1.0, 2.0]}), tmp_path / "preds.parquet")
    preds = open_source(str(tmp_path / "preds.parquet"))
    labels = csv(tmp_path, "labels.csv", "id,t\na,1\nb,2\n")
    assert error_of(preds, labels, on="id") == f"{preds.name}, column 'id', row 2: the key is missing"


def test_key_column_absent(tmp_path):
    preds = csv(tmp_path, "preds.csv", "id,p\n1,1\n")
    labels = csv(tmp_path, "labels.csv", "ids,t\n1,1\n")
    assert error_of(preds, labels, on="id") == (
        f"{labels.name}, column 'id': no such column (the columns are: ids, t) (hint: did you mean 'ids'?)"
    )


def test_read_all_values_of_both(tmp_path):
    joined = join_sources(csv(tmp_path, "a.csv", "p\n1\n2\n"), csv(tmp_path, "b.csv", "t\n3\n4\n"))
    np.testing.assert_array_equal(joined.read_all_values(), [1.0, 2.0, 3.0, 4.0])


def test_errors_in_data_name_their_own_file(tmp_path, read):
    preds = csv(tmp_path, "preds.csv", "p\n1\n2\n")
    labels = csv(tmp_path, "labels.csv", "t\n3\nx\n")
    with pytest.raises(InputError) as caught:
        read(join_sources(preds, labels), ["p", "t"])
    assert str(caught.value).startswith(f"{labels.name}, column 't', row 2: 'x' is not a number")

"""What the hostile-input campaign's fixed and fuzzed cases share: a run that checks the
campaign's promises (no internal error, no NumPy warning, inputs unchanged), a small valid CSV
and its mse, a check configuration, and a Parquet file with a dictionary-encoded column."""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# y_true 1, 2, 3, 4 against 1.5, 2, 2.5, 5: squared errors 0.25, 0, 0.25, 1, mean 1.5 / 4.
ROWS = ["1,1.5", "2,2", "3,2.5", "4,5"]
MSE = 0.375


def _digests(paths: list[Path]) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def run(invoke, *args, inputs: list[Path], **kwargs):
    """``invoke(*args)`` with NumPy's RuntimeWarnings recorded (none may be raised) and the
    inputs hashed before and after (none may change); never an internal error."""
    before = _digests(inputs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ran = invoke(*args, **kwargs)
    assert _digests(inputs) == before, "an input was modified"
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == [], ran.stderr
    assert ran.exit_code in (0, 1, 2), ran
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr, ran.stderr
    return ran


def mse_of(ran) -> float:
    assert ran.exit_code == 0, ran.stderr
    [result] = ran.json()["results"]
    return result["value"]


CHECK = '[[checks]]\nloss = "mse"\n'


def dictionary_parquet() -> tuple[bytes, int, int]:
    """A Parquet file whose column ``g`` holds 'north', 'south', 'east' in turn, dictionary
    encoded (indices 0, 1, 2, ... bit-packed two bits each); and where its column chunk is."""
    n = 960
    groups = pa.DictionaryArray.from_arrays(pa.array(np.arange(n) % 3, pa.int32()), ["north", "south", "east"])
    table = pa.table({"y_true": np.linspace(0, 1, n), "y_pred": np.linspace(1, 0, n), "g": groups})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="none", use_dictionary=True, data_page_version="1.0")
    chunk = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata.row_group(0).column(2)
    start = chunk.dictionary_page_offset
    return buffer.getvalue(), start, start + chunk.total_compressed_size

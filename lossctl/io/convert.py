"""Columns (Arrow arrays or NumPy arrays) to the NumPy arrays the engine consumes.

A numeric column becomes a contiguous float64 array, nulls as NaN. Anything else requested
("other" columns: group-by and join keys) keeps its natural type: int64 (uint64 kept), float64,
bool, or an object array of `str` (None for null); other Arrow types go through Python objects.

No pandas: pyarrow's own `to_numpy()` and `pa.array(...)` import it (a third of a second in a
fresh process), so Arrow buffers are viewed with `np.frombuffer` instead. Views of float64 and
int64 data without nulls are zero-copy and therefore read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa

from lossctl.errors import InputError

Column = pa.Array | np.ndarray
RawBatch = pa.RecordBatch | Mapping[str, Column]
NOT_A_NUMBER_HINT = "quote it or pick another column"


class NotNumeric(Exception):
    """A cell that is not a number: its 0-based index in its array, and its text."""

    def __init__(self, index: int, text: str) -> None:
        super().__init__(text)
        self.index = index
        self.text = text


def compute():
    """``pyarrow.compute``, imported on first use: it costs 0.1 s at start-up, and plain
    float64 and integer columns never need it."""
    import pyarrow.compute

    return pyarrow.compute


def is_numeric_type(type_: pa.DataType) -> bool:
    """Whether an Arrow column of this type holds numbers (booleans count as 0 and 1)."""
    return (
        pa.types.is_integer(type_)
        or pa.types.is_floating(type_)
        or pa.types.is_boolean(type_)
        or pa.types.is_decimal(type_)
    )


def convert_batches(
    batches: Iterable[RawBatch],
    numeric: list[str],
    other: list[str],
    *,
    file: str,
) -> Iterator[dict[str, np.ndarray]]:
    """Each batch's requested columns converted; a non-number names its file, column and row."""
    start = 0
    for batch in batches:
        yield convert_batch(batch, numeric, other, file=file, start=start)
        start += row_count(batch)


def row_count(batch: RawBatch) -> int:
    """The number of rows of a raw batch, Arrow's or a mapping of columns."""
    return batch.num_rows if isinstance(batch, pa.RecordBatch) else len(next(iter(batch.values())))


def convert_batch(
    batch: RawBatch, numeric: list[str], other: list[str], *, file: str, start: int
) -> dict[str, np.ndarray]:
    """One batch converted; `start` is the 0-based data row of its first row in the file.

    Arrow's readers hand out what a file holds unchecked: dictionary indices past the
    dictionary and text that is not UTF-8 (a damaged Parquet page) are found here, on
    decoding, and named by file, column and the batch's rows."""
    arrays = {}
    for name in [*numeric, *other]:
        try:
            arrays[name] = to_float64(batch[name]) if name in numeric else to_natural(batch[name])
        except NotNumeric as exc:
            raise InputError(
                f"{exc.text!r} is not a number",
                file=file,
                column=name,
                row=start + exc.index + 1,
                hint=NOT_A_NUMBER_HINT,
            ) from None
        except (pa.ArrowException, UnicodeDecodeError) as exc:
            rows = f"rows {start + 1}-{start + row_count(batch)}"
            raise InputError(
                f"damaged data in {rows} ({exc})", file=file, column=name, hint="the file may be corrupt"
            ) from None
    return arrays


def to_float64(column: Column) -> np.ndarray:
    """A contiguous float64 array of the column's values, NaN for nulls."""
    if isinstance(column, np.ndarray):
        return _numpy_float64(column)
    return _arrow_float64(column)


def to_natural(column: Column) -> np.ndarray:
    """The column as a NumPy array of its natural type (see the module docstring)."""
    if isinstance(column, np.ndarray):
        return _numpy_natural(column)
    return _arrow_natural(column)


def _arrow_float64(array: pa.Array) -> np.ndarray:
    type_ = array.type
    if pa.types.is_dictionary(type_):
        return _arrow_float64(array.dictionary_decode())
    if _is_text(type_):
        array = _parse_numbers(array)
    elif not (is_numeric_type(type_) or pa.types.is_null(type_)):
        valid = _validity(array)
        if valid.any():
            index = int(np.argmax(valid))
            raise NotNumeric(index, str(array[index].as_py()))
        return np.full(len(array), np.nan)
    if pa.types.is_integer(array.type) and not array.null_count:
        return _values(array, np.dtype(array.type.to_pandas_dtype())).astype(np.float64)
    if array.type != pa.float64():
        array = compute().cast(array, pa.float64(), safe=False)
    return _float64_values(array)


def _arrow_natural(array: pa.Array) -> np.ndarray:
    type_ = array.type
    if pa.types.is_dictionary(type_):
        return _arrow_natural(array.dictionary_decode())
    if pa.types.is_floating(type_) or (pa.types.is_integer(type_) and array.null_count):
        return _arrow_float64(array)
    if pa.types.is_integer(type_):
        if type_ == pa.uint64():
            return _values(array, np.dtype(np.uint64))
        return _values(array, np.dtype(type_.to_pandas_dtype())).astype(np.int64, copy=False)
    if _is_text(type_):
        return _strings(array)
    if pa.types.is_boolean(type_) and not array.null_count:
        return _bits(array.buffers()[1], array.offset, len(array))
    return np.fromiter(array.to_pylist(), dtype=object, count=len(array))


def _is_text(type_: pa.DataType) -> bool:
    return pa.types.is_string(type_) or pa.types.is_large_string(type_)


def _parse_numbers(array: pa.Array) -> pa.Array:
    """Text parsed as float64 (surrounding blanks ignored, as Arrow's CSV reader does)."""
    pc = compute()
    trimmed = pc.utf8_trim(array, characters=" \t")
    try:
        return pc.cast(trimmed, pa.float64())
    except pa.ArrowInvalid:
        index = _first_unparsable(trimmed)
        raise NotNumeric(index, array[index].as_py()) from None


def _first_unparsable(array: pa.Array) -> int:
    """The index of the first cell of `array` (which holds one) that does not parse.

    Bisection over slices, each cast by Arrow itself: exact, and O(n) in all.
    """
    low, high = 0, len(array)  # the first bad cell is in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        try:
            compute().cast(array.slice(low, middle - low), pa.float64())
            low = middle
        except pa.ArrowInvalid:
            high = middle
    return low


def _float64_values(array: pa.Array) -> np.ndarray:
    values = _values(array, np.dtype(np.float64))
    if not array.null_count:
        return values
    values = values.copy()
    values[~_validity(array)] = np.nan
    return values


def _values(array: pa.Array, dtype: np.dtype) -> np.ndarray:
    """A read-only zero-copy view of a fixed-width array's data buffer.

    Read-only because the buffer may be a memory-mapped input file, or shared by Arrow.
    """
    if not len(array):
        return np.empty(0, dtype=dtype)
    view = np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)
    view.flags.writeable = False
    return view


def _validity(array: pa.Array) -> np.ndarray:
    """True where the array holds a value, False where it holds null."""
    if not array.null_count:
        return np.ones(len(array), dtype=bool)
    if pa.types.is_null(array.type):
        return np.zeros(len(array), dtype=bool)
    return _bits(array.buffers()[0], array.offset, len(array))


def _bits(buffer: pa.Buffer, offset: int, count: int) -> np.ndarray:
    """`count` bits of an Arrow bitmap from bit `offset`, as booleans."""
    first, last = offset // 8, (offset + count + 7) // 8
    packed = np.frombuffer(buffer, dtype=np.uint8, count=last - first, offset=first)
    skip = offset % 8
    return np.unpackbits(packed, bitorder="little")[skip : skip + count].astype(bool)


def _strings(array: pa.Array) -> np.ndarray:
    """An object array of `str`, None for null, through a dictionary (cheap for keys)."""
    encoded = array.dictionary_encode()
    labels = np.fromiter([*encoded.dictionary.to_pylist(), None], dtype=object, count=len(encoded.dictionary) + 1)
    indices = _values(encoded.indices, np.dtype(np.int32)).astype(np.intp)
    indices[~_validity(encoded.indices)] = len(labels) - 1
    return labels[indices]


def _numpy_float64(array: np.ndarray) -> np.ndarray:
    kind = array.dtype.kind
    if kind in "biuf":
        return np.ascontiguousarray(array, dtype=np.float64)
    if kind in "US":
        try:
            return array.astype(np.float64)
        except ValueError:
            index = next(i for i, text in enumerate(array) if not _parses(text))
            raise NotNumeric(index, str(array[index])) from None
    if not len(array):
        return np.empty(0, dtype=np.float64)
    raise NotNumeric(0, str(array[0]))


def _parses(text: str | bytes) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numpy_natural(array: np.ndarray) -> np.ndarray:
    kind = array.dtype.kind
    if kind in "iu" and array.dtype != np.uint64:
        return array.astype(np.int64, copy=False)
    if kind == "f":
        return array.astype(np.float64, copy=False)
    return array

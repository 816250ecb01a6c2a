"""Files that cannot be read because they are damaged: binary files cut or overwritten, compressed
text cut short, pickles (never unpickled), array headers that claim a trillion rows. Each is
exit code 2 and one line on stderr naming the file, and the column and the 1-based data row
where they apply.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import zipfile

import numpy as np
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest
import zstandard

from ._support import Y_PRED, Y_TRUE, csv_bytes, error_line, npy_claiming, table, write_csv

# -- damaged binary files -----------------------------------------------------------------------


def _writers():
    def parquet(path):
        pq.write_table(table(), path)

    def feather_file(path):
        feather.write_feather(table(), path)

    def arrow_stream(path):
        with ipc.new_stream(str(path), table().schema) as writer:
            writer.write_table(table(), max_chunksize=100)

    def npz(path):
        np.savez(path, y_true=Y_TRUE, y_pred=Y_PRED)

    def npz_compressed(path):
        np.savez_compressed(path, y_true=Y_TRUE, y_pred=Y_PRED)

    def npy(path):
        np.save(path, np.column_stack([Y_TRUE, Y_PRED]))

    return {
        "preds.parquet": parquet,
        "preds.feather": feather_file,
        "preds.arrows": arrow_stream,
        "preds.npz": npz,
        "packed.npz": npz_compressed,
        "preds.npy": npy,
    }


WRITERS = _writers()
FORMAT_WORD = {".parquet": "Parquet", ".feather": "Arrow", ".arrows": "Arrow", ".npz": ".npz", ".npy": ".npy"}


def _damaged_args(name: str) -> list[str]:
    args = ["compute", "-l", "mse", name]
    if name.endswith(".npy"):
        args += ["--y-true", "c0", "--y-pred", "c1"]
    if name.endswith(".arrows"):
        args += ["--input-format", "feather"]
    return args


@pytest.mark.parametrize("name", list(WRITERS))
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, -1])
def test_truncated_binary_file(invoke, tmp_path, name, keep):
    path = tmp_path / name
    WRITERS[name](path)
    data = path.read_bytes()
    cut = len(data) - 1 if keep == -1 else max(8, int(len(data) * keep))
    path.write_bytes(data[:cut])
    line = error_line(*invoke(*_damaged_args(name)))
    assert name in line
    assert "truncated or corrupt" in line or "cut short" in line or "no data rows" in line


@pytest.mark.parametrize("name", list(WRITERS))
def test_corrupt_binary_file(invoke, tmp_path, name):
    """Bytes flipped in the middle of the data: refused, or (if the format cannot tell, as an
    uncompressed .npy cannot) read as whatever numbers they now are, never a crash."""
    path = tmp_path / name
    WRITERS[name](path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 32] = bytes(b ^ 0xA5 for b in data[middle : middle + 32])
    path.write_bytes(bytes(data))
    code, out, err = invoke(*_damaged_args(name))
    if code == 0:
        assert name.endswith((".npy", ".npz", ".arrows", ".feather")), "a damaged file read silently"
        return
    line = error_line(code, out, err)
    assert name in line


def test_corrupt_parquet_metadata(invoke, tmp_path):
    pq.write_table(table(), tmp_path / "preds.parquet")
    data = bytearray((tmp_path / "preds.parquet").read_bytes())
    footer = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - footer
    data[start : start + footer] = bytes(reversed(data[start : start + footer]))
    (tmp_path / "preds.parquet").write_bytes(bytes(data))
    line = error_line(*invoke("compute", "-l", "mse", "preds.parquet"))
    assert "preds.parquet" in line and "truncated or corrupt" in line


# -- compressed text cut short ------------------------------------------------------------------

COMPRESSORS = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": zstandard.ZstdCompressor().compress,
}


@pytest.mark.parametrize("ext", list(COMPRESSORS))
@pytest.mark.parametrize("inner", ["csv", "jsonl"])
def test_compressed_file_cut_short(invoke, tmp_path, ext, inner):
    if inner == "csv":
        text = csv_bytes(20_000)
    else:
        text = "".join(json.dumps({"y_true": i % 3, "y_pred": i % 5}) + "\n" for i in range(20_000)).encode()
    data = COMPRESSORS[ext](text)
    name = f"preds.{inner}.{ext}"
    (tmp_path / name).write_bytes(data[: len(data) * 2 // 3])
    line = error_line(*invoke("compute", "-l", "mse", name))
    assert name in line and ("cut short" in line or "corrupt" in line)


@pytest.mark.parametrize("ext", list(COMPRESSORS))
def test_compressed_stdin_cut_short(invoke, ext):
    data = COMPRESSORS[ext](csv_bytes(20_000))
    line = error_line(*invoke("compute", "-l", "mse", "-", input=data[: len(data) // 2]))
    assert "<stdin>" in line and ("cut short" in line or "corrupt" in line)


def test_compressed_parquet_cut_short(invoke, tmp_path):
    buffer = io.BytesIO()
    pq.write_table(table(), buffer)
    data = gzip.compress(buffer.getvalue())
    (tmp_path / "preds.parquet.gz").write_bytes(data[: len(data) - 10])
    line = error_line(*invoke("compute", "-l", "mse", "preds.parquet.gz"))
    assert "preds.parquet.gz" in line and ("cut short" in line or "corrupt" in line)


def test_corrupt_gzip_checksum(invoke, tmp_path):
    data = bytearray(gzip.compress(csv_bytes(5000)))
    data[-6] ^= 0xFF  # inside the CRC-32 trailer
    (tmp_path / "preds.csv.gz").write_bytes(bytes(data))
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv.gz"))
    assert "preds.csv.gz" in line and "corrupt" in line


# -- no pickles ---------------------------------------------------------------------------------


def test_object_npy_is_refused(invoke, tmp_path):
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}, None, 3], dtype=object), allow_pickle=True)
    line = error_line(*invoke("compute", "-l", "mse", "objects.npy"))
    assert "objects.npy" in line and "objects" in line.removeprefix("Error: objects.npy")


def test_object_npz_is_refused(invoke, tmp_path):
    np.savez(tmp_path / "objects.npz", y_true=np.array([1, 2], dtype=object), y_pred=np.array([1.0, 2.0]))
    line = error_line(*invoke("compute", "-l", "mse", "objects.npz"))
    assert "objects.npz" in line and "unpickle" in line


def test_object_model_weights_are_refused(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["0,0.5", "1,0.5"])
    np.save(tmp_path / "w.npy", np.array([[1.0], "x"], dtype=object), allow_pickle=True)
    line = error_line(*invoke("compute", "-l", "bce + 0.1*l2", "--model-weights", "w.npy", "preds.csv"))
    assert "w.npy" in line and "unpickle" in line


def test_pickle_is_never_loaded(invoke, tmp_path):
    """A pickle named .npy: np.load would unpickle it with allow_pickle=True; lossctl refuses."""
    import pickle

    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (tmp_path / "evil.npy").write_bytes(pickle.dumps(Exploit()))
    code, out, err = invoke("compute", "-l", "mse", "evil.npy")
    assert not marker.exists()
    line = error_line(code, out, err)
    assert "evil.npy" in line


# -- arrays whose headers claim too much -----------------------------------------------------------


def test_an_npy_header_claiming_a_trillion_rows(invoke, tmp_path):
    """8 TB claimed, 64 bytes held: refused before anything is allocated."""
    (tmp_path / "claim.npy").write_bytes(npy_claiming(10**12))
    line = error_line(*invoke("compute", "-l", "mse", "--y-true", "value", "--y-pred", "value", "claim.npy"))
    assert line.startswith(
        "Error: claim.npy: not a valid .npy file (the header of the file claims shape (1000000000000,)"
    )


def test_an_npz_member_claiming_a_trillion_rows(invoke, tmp_path):
    with zipfile.ZipFile(tmp_path / "claim.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("y_true.npy", npy_claiming(10**12))
        archive.writestr("y_pred.npy", npy_claiming(8))
    line = error_line(*invoke("compute", "-l", "mse", "claim.npz"))
    assert "claim.npz" in line and "the header of array 'y_true' claims shape (1000000000000,)" in line

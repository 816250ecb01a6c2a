"""Inputs without end or without measure: lossctl stays in bounded memory and ends with one line.

An endless pipe of valid rows is read as it comes, in flat memory, for as long as it flows;
/dev/zero, a line of gigabytes, a small archive that inflates to gigabytes, an array header
that claims 10^12 rows, a value nested 50,000 deep and a `--scheduler` that is not Dask end
with exit code 2 and one line naming the file (and row) or the limit reached: never exit 70,
never a signal, never a traceback, the input unchanged.

Memory is measured on lossctl in a process of its own (`_run`): its peak resident memory (the
kernel's count, wait4(2)) against that of a run on a small file, under an address-space limit
(RLIMIT_AS) that stops a process holding an endless input (MemoryError) before it fills the
machine. Arrow's threads and glibc's arenas reserve address space per core, so the processes
run with two of each (OMP_NUM_THREADS, MALLOC_ARENA_MAX).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import http.server
import lzma
import os
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.errors._support import error_line, npy_claiming

ADDRESS_SPACE = 3 << 30
"""RLIMIT_AS of a measured run: a safety net, far above what a bounded run needs."""

GROWTH_MIB = 160
"""How much more than a run on a small file a bounded run may hold at its peak: the 32 MiB
held of a stream, windows of 8 MiB and a line of up to 8 MiB, Arrow's pools. The inputs below
would need 1 GiB or more if they were held."""

_RUNNER = """
import sys
exec(sys.argv[1])
from lossctl.cli.main import main
sys.argv = ["lossctl", *sys.argv[2:]]
main()
"""


class Run(NamedTuple):
    code: int
    out: str
    err: str
    peak_mib: float


def _limits() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "LOSSCTL_DEBUG"}
    return env | {"NO_COLOR": "1", "OMP_NUM_THREADS": "2", "MALLOC_ARENA_MAX": "2"}


def _run(cwd: Path, *args: str, stdin: object = subprocess.DEVNULL, setup: str = "", timeout: float = 60) -> Run:
    """lossctl run with `args` in a process of its own, `setup` (Python) executed first; its
    exit code (negative: the signal that ended it), output and peak resident memory. A run
    that outlives `timeout` seconds is killed (and fails the test by its code)."""
    with open(cwd / ".out", "w+b") as out, open(cwd / ".err", "w+b") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, setup, *args],
            stdin=stdin,
            stdout=out,
            stderr=err,
            cwd=cwd,
            env=_env(),
            preexec_fn=_limits,
        )
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        _, status, usage = os.wait4(proc.pid, 0)
        watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_maxrss / 1024,
        )


@pytest.fixture(scope="module")
def baseline_mib(tmp_path_factory: pytest.TempPathFactory) -> float:
    """The peak resident memory of a run on a file of two rows."""
    folder = tmp_path_factory.mktemp("baseline")
    (folder / "small.csv").write_text("y_true,y_pred\n1,2\n3,5\n", encoding="utf-8")
    ran = _run(folder, "compute", "-l", "mse", "small.csv")
    assert ran.code == 0, ran.err
    return ran.peak_mib


def _failed(ran: Run, baseline: float) -> str:
    """The one error line of a bounded run that failed as it should."""
    assert ran.peak_mib - baseline < GROWTH_MIB, f"peak {ran.peak_mib:.0f} MiB, baseline {baseline:.0f} MiB"
    return error_line(ran.code, ran.out, ran.err)


def _digest(path: Path, *, head: int | None = None) -> tuple[str, int, int]:
    """The SHA-256 of the file (of its first `head` bytes only, if given), its size and its
    modification time: what must not change when lossctl reads it."""
    with open(path, "rb") as stream:
        digest = (
            hashlib.sha256(stream.read(head)).hexdigest() if head else hashlib.file_digest(stream, "sha256").hexdigest()
        )
    info = path.stat()
    return digest, info.st_size, info.st_mtime_ns


# -- streams without end ---------------------------------------------------------------------------


def _high_water_mib(pid: int) -> float:
    """A running process's peak resident memory so far (VmHWM, proc(5))."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def test_an_endless_pipe_of_rows_is_read_in_flat_memory(tmp_path: Path):
    """(echo y_true,y_pred; yes 1,3) | lossctl compute -l mse -: valid data, read as it comes.
    The peak after 48 MiB of rows and after 144 MiB more are the same but for noise (a process
    holding the stream would have grown by 144 MiB); then the pipe is closed and the value is
    the mean of (1 - 3)^2 = 4 over every row sent."""
    row = b"1,3," + b"x" * 120 + b"\n"  # a padding column, not read, makes the rows cheap to parse
    block = row * (1 << 13)  # 1 MiB
    command = [sys.executable, "-c", _RUNNER, "", "compute", "-l", "mse", "--format", "csv", "-"]
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        preexec_fn=_limits,
    )
    proc.stdin.write(b"y_true,y_pred,pad\n")
    marks = []
    for mebibytes in range(1, 193):
        proc.stdin.write(block)  # returns once lossctl has taken all but a pipe's worth
        if mebibytes in (48, 192):
            marks.append(_high_water_mib(proc.pid))
    out, err = proc.communicate(timeout=120)  # closes the pipe: the end of the input
    assert proc.returncode == 0, err
    assert marks[1] - marks[0] < 32, marks
    assert out.decode().splitlines()[1] == f"<stdin>,mse,mse,,4.0,{192 * (1 << 13)}"


@pytest.mark.parametrize(
    ("args", "limit"),
    [
        (["compute", "-l", "mse", "--input-format", "csv", "/dev/zero"], "8 MiB in one line"),
        pytest.param(
            ["compute", "-l", "mse", "--input-format", "jsonl", "-"], "8 MiB in one line", marks=pytest.mark.slow
        ),
        pytest.param(["compute", "-l", "mse", "/dev/zero"], "unknown format", marks=pytest.mark.slow),
    ],
    ids=["csv-dev-zero", "jsonl-stdin-zeros", "sniffed-dev-zero"],
)
def test_dev_zero_reaches_a_limit(tmp_path, baseline_mib, args, limit):
    """NUL bytes without a line end, from a device or standard input: one line, bounded."""
    with open("/dev/zero", "rb") as zeros:
        line = _failed(_run(tmp_path, *args, stdin=zeros), baseline_mib)
    assert limit in line
    assert "/dev/zero" in line or "<stdin>" in line


def test_model_weights_from_dev_zero(tmp_path, baseline_mib):
    """`--model-weights /dev/zero` is a stream like any other: its format cannot be told."""
    line = _failed(_run(tmp_path, "compute", "-l", "l2", "--model-weights", "/dev/zero"), baseline_mib)
    assert line.startswith("Error: /dev/zero: unknown format")


def test_endless_model_weights_reach_the_held_limit(tmp_path, baseline_mib):
    """Model weights are held (l2 sums their squares once all are read): an endless stream of
    them reaches `limits.HELD_BYTES`, here set to 8 MiB (1,048,576 float64 values)."""
    setup = "import lossctl.io.limits as limits; limits.HELD_BYTES = 8 << 20"
    with subprocess.Popen(["sh", "-c", "echo w; yes 1"], stdout=subprocess.PIPE) as endless:
        ran = _run(tmp_path, "compute", "-l", "l2", "--model-weights", "-", stdin=endless.stdout, setup=setup)
        endless.kill()
    line = _failed(ran, baseline_mib)
    assert line == "Error: <stdin>: more than 8 MiB of values (as float64), the most lossctl reads"


# -- lines and archives that inflate -----------------------------------------------------------------


def test_a_two_gib_line_reaches_the_line_limit(tmp_path, baseline_mib):
    """A header, then 2 GiB without a line end (a sparse file: no disk is used)."""
    path = tmp_path / "long.csv"
    with open(path, "wb") as stream:
        stream.write(b"y_true,y_pred\n1,")
        stream.truncate(2 << 30)
    before = _digest(path, head=1 << 20)  # hashing 2 GiB of zeros would take seconds
    line = _failed(_run(tmp_path, "compute", "-l", "mse", "long.csv"), baseline_mib)
    assert line.startswith("Error: long.csv: more than 8 MiB in one line, the most lossctl reads")
    assert _digest(path, head=1 << 20) == before


def _inflating(compress, members: int) -> bytes:
    """A header line, then `members` MiB of NUL bytes, each MiB its own compressed stream
    (concatenated streams are one file to gzip, bzip2, xz and zstd alike): a few kB that
    inflate to `members` MiB."""
    zeros = compress(b"\0" * (1 << 20))
    return compress(b"y_true,y_pred\n") + zeros * members


def _zstd(data: bytes) -> bytes:
    zstandard = pytest.importorskip("zstandard")
    return zstandard.ZstdCompressor().compress(data)


_CODECS = {"gz": gzip.compress, "zst": _zstd, "bz2": bz2.compress, "xz": lzma.compress}


@pytest.mark.parametrize(
    "extension",
    ["gz", "zst", pytest.param("bz2", marks=pytest.mark.slow), pytest.param("xz", marks=pytest.mark.slow)],
)
def test_a_small_archive_of_a_huge_csv_is_read_in_windows(tmp_path, baseline_mib, extension):
    """1 GiB in a file of kilobytes: decompressed a block at a time, never 1 GiB at once, so
    the line limit is reached (the NUL bytes hold no line end) with the memory of a window."""
    compress = _CODECS[extension]
    path = tmp_path / f"bomb.csv.{extension}"
    path.write_bytes(_inflating(compress, 1024))
    before = _digest(path)
    line = _failed(_run(tmp_path, "compute", "-l", "mse", path.name), baseline_mib)
    assert line.startswith(f"Error: {path.name}: more than 8 MiB in one line")
    assert _digest(path) == before


def test_a_binary_file_that_inflates_reaches_the_held_limit(tmp_path, baseline_mib):
    """A Parquet file must be held whole to be read; gzipped, it is held once decompressed, up
    to `limits.HELD_BYTES` (set to 64 MiB here): 1 GiB of it is refused after 64 MiB."""
    path = tmp_path / "model.parquet.gz"
    path.write_bytes(gzip.compress(b"PAR1") + gzip.compress(b"\0" * (1 << 20)) * 1024)
    setup = "import lossctl.io.streams as streams; streams.HELD_BYTES = 64 << 20"
    line = _failed(_run(tmp_path, "compute", "-l", "mse", path.name, setup=setup), baseline_mib)
    assert line.startswith("Error: model.parquet.gz: more than 64 MiB once decompressed, the most lossctl reads")


# -- arrays that inflate -------------------------------------------------------------


def test_an_npz_member_that_inflates_past_the_held_limit(tmp_path, baseline_mib):
    """An honest member of 256 MiB of zeros (some 250 kB deflated), with `limits.HELD_BYTES`
    set to 64 MiB: refused by the archive's directory, before anything is inflated."""
    path = tmp_path / "big.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("y_true.npy", "w", force_zip64=True) as member:
            member.write(npy_claiming(32 << 20, b""))
            for _ in range(256):
                member.write(b"\0" * (1 << 20))
        archive.writestr("y_pred.npy", npy_claiming(8))
    setup = "import lossctl.io.arrays as arrays; arrays.HELD_BYTES = 64 << 20"
    line = _failed(_run(tmp_path, "compute", "-l", "mse", "big.npz", setup=setup), baseline_mib)
    assert line.startswith("Error: big.npz: more than 64 MiB in the arrays once inflated, the most lossctl reads")


# -- nesting, worst rows -----------------------------------------------------------------------------


def _nested(depth: int) -> str:
    """Row 1, a blank line (no row), row 2 holding 300 `[` in a string (which nest nothing),
    row 3 nesting `depth` arrays in its object."""
    string_row = '{"y_true": 1, "y_pred": 2, "s": "' + "[" * 300 + '"}\n'
    deep_row = '{"y_true": 1, "y_pred": ' + "[" * depth + "]" * depth + "}\n"
    return '{"y_true": 1, "y_pred": 2}\n\n' + string_row + deep_row


@pytest.mark.parametrize("depth", [64, 1_000, 15_000])
def test_json_lines_nested_too_deep(invoke, tmp_path, depth):
    """The row object and `depth` arrays in it: more than 64 levels, refused naming row 3 (the
    blank line is no row, the brackets in row 2's string no nesting) before a parser recurses
    (1,000 deep was a RecursionError)."""
    (tmp_path / "deep.jsonl").write_text(_nested(depth), encoding="utf-8")
    line = error_line(*invoke("compute", "-l", "mse", "deep.jsonl"))
    assert line == "Error: deep.jsonl, row 3: a value nested more than 64 deep, the most lossctl reads"


def test_json_lines_nested_fifty_thousand_deep_in_a_process(tmp_path, baseline_mib):
    """50,000 deep ended the process in Arrow's reader (a stack overflow): run apart."""
    (tmp_path / "deep.jsonl").write_text(_nested(50_000), encoding="utf-8")
    line = _failed(_run(tmp_path, "compute", "-l", "mse", "deep.jsonl"), baseline_mib)
    assert line == "Error: deep.jsonl, row 3: a value nested more than 64 deep, the most lossctl reads"


def test_worst_is_capped_and_says_so(invoke, tmp_path):
    """--worst 5000000 held and printed five million rows (MemoryError): the cap is 100,000."""
    (tmp_path / "r.csv").write_text("y_true,y_pred\n1,2\n", encoding="utf-8")
    line = error_line(*invoke("compute", "-l", "mse", "--worst", "5000000", "r.csv"))
    assert "--worst" in line and "100000" in line
    assert "at most 100,000" in " ".join(invoke("compute", "--help").stdout.split())


# -- a --scheduler that is not Dask ------------------------------------------------------------------


@pytest.fixture
def service(request) -> Iterator[str]:
    """A TCP service on 127.0.0.1 that is not Dask: `ssh` greets as an SSH server does,
    `http` is an HTTP server (it waits for a request), `silent` accepts and says nothing."""
    kind = request.param
    if kind == "http":
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
        server.shutdown()
        server.server_close()
        return
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            if kind == "ssh":
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    threading.Thread(target=serve, daemon=True).start()
    yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    for conn in accepted:
        conn.close()


@pytest.mark.parametrize(
    ("service", "why"),
    [
        ("ssh", "it answered 'SSH-2.0-'..., not as Dask does"),
        pytest.param("http", "it said nothing within 0.5 s", marks=pytest.mark.slow),
        pytest.param("silent", "it said nothing within 0.5 s", marks=pytest.mark.slow),
    ],
    indirect=["service"],
)
def test_a_scheduler_that_is_not_dask(tmp_path, baseline_mib, service, why):
    """One line within the connect timeout (0.5 s here), not "MemoryError: Unable to allocate
    2.82 EiB" (an SSH greeting read as a length) nor a wait without end (an HTTP server)."""
    pytest.importorskip("distributed")
    (tmp_path / "r.csv").write_text("y_true,y_pred\n1,2\n", encoding="utf-8")
    setup = "import lossctl.engine.cluster as cluster; cluster.CONNECT_TIMEOUT = 0.5"
    ran = _run(
        tmp_path, "compute", "-l", "mse", "--engine", "dask", "--scheduler", service, "r.csv", setup=setup, timeout=30
    )
    line = _failed(ran, baseline_mib)
    assert line.startswith(f"Error: cannot connect to the Dask scheduler at {service}: {why}")


@pytest.mark.parametrize(
    ("args", "limit"),
    [
        (["check", "-l", "mse", "--baseline", "/dev/zero"], "in a baseline"),
        (["check", "--config", "/dev/zero"], "in a configuration"),
    ],
)
def test_an_endless_baseline_or_configuration_reaches_the_documents_limit(args, limit):
    # /dev/zero never ends: read whole, it grew to MemoryError; read to the limit, one line.
    ran = subprocess.run(
        [sys.executable, "-m", "lossctl", *args, str(Path(__file__).parents[2] / "sample_data" / "preds.csv")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 2, ran.stderr
    (line,) = ran.stderr.strip().splitlines()
    assert f"more than 64 MiB {limit}, the most lossctl reads" in line

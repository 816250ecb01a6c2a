"""Reading ahead on a second thread: the same items in the same order, the reader's errors
raised where they occurred, a bounded lead, and a reader stopped and closed when the consumer
stops early."""

from __future__ import annotations

import threading
import time

import pytest

from lossctl.engine.read_ahead import read_ahead


def test_same_items_in_order():
    assert list(read_ahead(iter(range(1000)), depth=3)) == list(range(1000))
    assert list(read_ahead(iter([]), depth=1)) == []


def test_items_are_made_on_another_thread():
    def made_on():
        for _ in range(3):
            yield threading.current_thread()

    assert threading.current_thread() not in set(read_ahead(made_on(), depth=1))


def test_reader_error_raised_after_the_items_before_it():
    def failing():
        yield 1
        yield 2
        raise ValueError("row 3 is bad")

    received = []
    with pytest.raises(ValueError, match="row 3 is bad"):
        for item in read_ahead(failing(), depth=4):
            received.append(item)
    assert received == [1, 2]


def test_lead_is_bounded_by_depth():
    made = []

    def counting():
        for i in range(100):
            made.append(i)
            yield i

    items = read_ahead(counting(), depth=2)
    assert next(items) == 0
    # one item taken, `depth` waiting, and one made that waits for room; then no more
    deadline = time.monotonic() + 10
    while len(made) < 1 + 2 + 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert len(made) == 1 + 2 + 1
    items.close()
    # the reader waiting for room is let go when the consumer stops, and makes nothing more
    assert len(made) == 1 + 2 + 1


def test_early_stop_closes_the_reader_on_its_thread():
    closed = threading.Event()
    closed_on = []

    def endless():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed_on.append(threading.current_thread())
            closed.set()

    for item in read_ahead(endless(), depth=2):
        if item == 5:
            break
    # the reader was stopped and closed before the loop was left (no thread left running)
    assert closed.is_set()
    assert closed_on and closed_on[0] is not threading.current_thread()
    assert not any(thread.name == "lossctl-read-ahead" for thread in threading.enumerate())


def test_consumer_error_stops_the_reader():
    closed = threading.Event()

    def endless():
        try:
            while True:
                yield 0
        finally:
            closed.set()

    with pytest.raises(KeyError):
        for _ in read_ahead(endless(), depth=1):
            raise KeyError("fold failed")
    assert closed.is_set()


def test_an_error_in_the_losses_stops_the_reader_at_once(tmp_path, monkeypatch):
    """A loss failing part-way through a file: the reader thread is gone when the error
    reaches the caller, even while the caller holds the error (and with it the frames that
    reference the chunks), and without a garbage collection."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lossctl.engine import pipeline
    from lossctl.engine.evaluate import evaluate
    from lossctl.errors import InputError
    from lossctl.options.request import build_request

    monkeypatch.setattr(pipeline, "READ_AHEAD_ROWS", 16384)  # two chunks ahead: far from the end
    y_true = np.ones(400_000)
    y_true[1000] = -1.0  # Poisson needs targets >= 0
    path = tmp_path / "long.parquet"
    pq.write_table(pa.table({"y_true": y_true, "y_pred": np.ones(400_000)}), path, row_group_size=8192)
    with pytest.raises(InputError) as caught:
        evaluate(build_request(str(path), ["poisson"], chunk_rows=8192))
    assert "row 1001" in str(caught.value)
    assert not any(thread.name == "lossctl-read-ahead" for thread in threading.enumerate())


def test_closing_a_plans_chunks_unread_stops_the_reader(tmp_path, monkeypatch):
    """The Dask client plans a run from the first chunk and closes the rest unread."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lossctl.engine import pipeline
    from lossctl.engine.local import open_input
    from lossctl.engine.plan import plan, resolve_losses
    from lossctl.options.request import build_request

    monkeypatch.setattr(pipeline, "READ_AHEAD_ROWS", 8192)  # the reader waits two chunks ahead

    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"y_true": np.ones(300_000), "y_pred": np.ones(300_000)}), path, row_group_size=4096)
    request = build_request(str(path), ["mse"], chunk_rows=4096)
    losses = resolve_losses(request.losses.names, request.losses, {})
    _, chunks = plan(request, open_input(request), losses)
    assert any(thread.name == "lossctl-read-ahead" for thread in threading.enumerate())
    chunks.close()
    assert not any(thread.name == "lossctl-read-ahead" for thread in threading.enumerate())

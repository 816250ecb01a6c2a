"""The worst rows keep each row's shown columns beside it, however the rows were split."""

from __future__ import annotations

import numpy as np

from lossctl.engine.worst import WorstK


def test_context_follows_its_row_through_updates_and_merges():
    rng = np.random.default_rng(7)
    values = rng.integers(0, 5, 200).astype(float)  # many ties: the earlier row wins
    rows = np.arange(200)
    context = {"id": rows * 10, "label": np.array([f"r{r}" for r in rows], dtype=object)}
    whole = WorstK(7)
    whole.update(values, rows, context)
    parts = []
    for cut in np.array_split(np.arange(200), 5):
        part = WorstK(7)
        part.update(values[cut], rows[cut], {k: v[cut] for k, v in context.items()})
        parts.append(part)
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part)
    assert merged.items() == whole.items()
    # each row's context is the one built from its row number, independently of the order
    assert merged.contexts() == [{"id": row * 10, "label": f"r{row}"} for row, _ in whole.items()]

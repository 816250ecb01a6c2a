"""The tally: folded whole or in parts and merged, it is the same in every attribute (the
Dask engine merges part tallies; a field that ``merge`` forgot would differ here), and its
values are the losses computed directly with NumPy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossctl.engine.binding import Binding
from lossctl.engine.request import Ci
from lossctl.engine.tally import Tally
from lossctl.engine.translate import Translator
from lossctl.errors import InputError
from lossctl.losses import resolve


class FileRows:
    """A source as the translator sees it: a name, and each row in its own file."""

    name = "f.csv"

    def locate(self, column: str, row: int) -> tuple[str, str, int]:
        return self.name, column, row


BINDING = Binding({"y_true": ["t"], "y_pred": ["p"]})


def tally(losses: list[str], **options) -> Tally:
    return Tally([resolve(name) for name in losses], Translator(FileRows(), BINDING), **options)


def data(n: int = 1000, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y, p = rng.normal(size=n), rng.normal(size=n)
    group = rng.choice(np.array(["a", "b", "c"], dtype=object), size=n)
    return y, p, group


def fold(t: Tally, y, p, group, start: int, size: int) -> None:
    for i in range(start, start + len(y), size):
        j = i - start
        t.feed(i, {"y_true": y[j : j + size], "y_pred": p[j : j + size]}, group[j : j + size])


def snapshot(t: Tally) -> dict:
    """Every attribute of a tally, states by their value and count."""
    out = {}
    for name, value in vars(t).items():
        if name == "states":
            out[name] = [(s.result(), s.n) for s in value]
        elif name == "groups":
            out[name] = {k: [(s.result(), s.n) for s in states] for k, states in value.items()}
        elif name == "worst":
            out[name] = [w.items() for w in value]
        elif name == "labels":
            out[name] = value.total
        elif name in ("losses", "translator", "per_sample"):
            continue  # the configuration, not what was tallied
        else:
            out[name] = value
    return out


LOSSES = ["mse", "mae", "huber:delta=0.5"]


@pytest.mark.parametrize("ci", [None, Ci()])
def test_a_tally_merged_from_parts_is_the_tally_of_the_whole(ci):
    y, p, group = data()
    y[[10, 500, 990]] = np.nan  # dropped rows, counted in both
    whole = tally(LOSSES, nan="drop", worst=4, ci=ci)
    fold(whole, y, p, group, 0, 64)
    parts = []
    for start, stop in [(0, 300), (300, 301), (301, 1000)]:
        part = whole.empty()
        fold(part, y[start:stop], p[start:stop], group[start:stop], start, 64)
        parts.append(part)
    merged = whole.empty()
    for part in parts:
        merged.merge(part)
    mine, theirs = snapshot(whole), snapshot(merged)
    assert mine.keys() == theirs.keys()
    for key in mine:
        if key in ("states", "groups"):
            continue
        assert mine[key] == theirs[key], key
    for (value, n), (merged_value, merged_n) in zip(mine["states"], theirs["states"], strict=True):
        assert n == merged_n and math.isclose(value, merged_value, rel_tol=1e-12)
    assert mine["groups"].keys() == theirs["groups"].keys()


def test_values_are_the_losses_computed_directly():
    y, p, group = data()
    y[[3, 4]] = np.nan
    t = tally(LOSSES, nan="drop")
    fold(t, y, p, group, 0, 100)
    keep = ~np.isnan(y)
    r = y[keep] - p[keep]
    huber = np.where(np.abs(r) <= 0.5, 0.5 * r**2, 0.5 * (np.abs(r) - 0.25))  # delta (|r| - delta/2)
    expected = [np.mean(r**2), np.mean(np.abs(r)), np.mean(huber)]
    results, warnings = t.results()
    assert warnings == [] and (t.rows, t.dropped) == (1000, 2)
    overall = [res for res in results if res.group is None]
    for res, value in zip(overall, expected, strict=True):
        assert res.n == 998 and math.isclose(res.value, value, rel_tol=1e-12)
    a = keep & (group == "a")
    (mse_a,) = [res for res in results if res.group == "a" and res.label == "mse"]
    assert math.isclose(mse_a.value, np.mean((y[a] - p[a]) ** 2), rel_tol=1e-12)


def test_propagate_makes_every_value_nan_and_error_names_the_row():
    y, p, group = data(10)
    y[6] = np.nan
    propagated = tally(["mse"], nan="propagate")
    fold(propagated, y, p, group, 0, 4)
    assert math.isnan(propagated.results()[0][0].value)
    stopped = tally(["mse"], nan="error")
    with pytest.raises(InputError) as caught:
        fold(stopped, y, p, group, 0, 4)
    assert (caught.value.file, caught.value.column, caught.value.row) == ("f.csv", "t", 7)  # 0-based 6


def test_a_default_loss_that_fails_is_skipped_and_the_earliest_failure_kept():
    """Lenient (defaults): msle fails on a negative prediction; merging keeps the failure of
    the earlier part, as one pass would."""
    y = np.array([1.0, 2.0, 3.0, 4.0])
    p = np.array([1.0, -1.0, 3.0, -2.0])
    group = np.array(["a"] * 4, dtype=object)
    first, second = tally(["mse", "msle"], strict=False), tally(["mse", "msle"], strict=False)
    fold(first, y[:2], p[:2], group[:2], 0, 2)
    fold(second, y[2:], p[2:], group[2:], 2, 2)
    first.merge(second)
    results, warnings = first.results()
    assert [r.label for r in results if r.group is None] == ["mse"]
    assert math.isclose(results[0].value, (0 + 9 + 0 + 36) / 4, rel_tol=1e-15)
    assert len(warnings) == 1 and warnings[0].startswith("msle skipped: f.csv, column 'p', row 2")

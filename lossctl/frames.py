"""DataFrames in and out, for a notebook: ``lossctl.evaluate``.

>>> import lossctl
>>> lossctl.evaluate("sample_data/model_a.csv", ["mse", "mae"])       # doctest: +SKIP
         model loss spec  group      value    n
0  model_a.csv  mse  mse   None  93.419051  200
1  model_a.csv  mae  mae   None   2.485700  200

The same engine as the command line, so the same numbers bit for bit: a pandas or polars
DataFrame (or a pyarrow Table) is handed to it as an Arrow IPC file in a temporary directory,
which keeps every float as it is. Several models are a mapping of names to inputs, scored one
after the other; each result is a row, long and tidy, so that
``df.pivot(index="loss", columns="model", values="value")`` gives losses by models. pandas is
imported here only, when the function is called: the command line never pays for it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

Input = Any  # a path, a pandas or polars DataFrame, or a pyarrow Table
COLUMNS = ("model", "loss", "spec", "group", "value", "n")


def evaluate(
    data: Input | Mapping[str, Input],
    losses: Sequence[str] | str | None = None,
    *,
    by: str | None = None,
    ci: float | None = None,
    **options: Any,
) -> Any:
    """A pandas DataFrame of the losses of ``data`` (default: every loss that fits), one row per
    model, loss and (with ``by``, a column) group: ``model``, ``loss``, ``spec`` (the name with
    its changed parameters), ``group``, ``value``, ``n``, and with ``ci`` (a level, 0.95)
    ``low``, ``high`` and ``method``.

    ``data`` is a path, a DataFrame or a pyarrow Table, or a mapping of model names to them.
    ``options`` are the command line's, by key: ``y_true="target"``, ``weight="w"``,
    ``delta=0.5``, ``labels="labels.csv"``, ``ci_method="bootstrap"``, ``engine="dask"``...
    Warnings (clipped probabilities, losses that do not fit) are in ``df.attrs["warnings"]``.
    Errors are raised as ``lossctl.errors.LossctlError``, with the message the command line
    prints.
    """
    import pandas as pd

    from lossctl.engine.evaluate import evaluate as run
    from lossctl.options.request import build_request

    models = dict(data) if isinstance(data, Mapping) else {_name(data): data}
    names = [losses] if isinstance(losses, str) else list(losses or ())
    rows, warnings = [], []
    with tempfile.TemporaryDirectory(prefix="lossctl-frames-") as directory:
        for k, (model, value) in enumerate(models.items()):
            path = _path(value, Path(directory) / f"input{k}.arrow")
            request = build_request(path, names, strict=False, group_by=by, ci=ci, **options)
            evaluation, notes = run(request)
            warnings += notes + evaluation.warnings()
            rows += [_row(str(model), result) for result in evaluation.results]
    frame = pd.DataFrame(rows, columns=list(COLUMNS) + (["low", "high", "method"] if ci is not None else []))
    frame.attrs["warnings"] = warnings
    return frame


def _name(data: Input) -> str:
    return os.path.basename(os.fspath(data)) if isinstance(data, (str, os.PathLike)) else "data"


def _path(data: Input, spare: Path) -> str:
    """A path the engine reads: the given one, or an Arrow IPC file of a frame at ``spare``."""
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data)
    import pyarrow as pa
    from pyarrow import feather

    if isinstance(data, pa.Table):
        table = data
    elif hasattr(data, "to_arrow"):  # polars
        table = data.to_arrow()
    else:
        table = pa.Table.from_pandas(data, preserve_index=False)
    feather.write_feather(table, spare, compression="uncompressed")
    return str(spare)


def _row(model: str, result) -> dict[str, Any]:
    row = {
        "model": model,
        "loss": result.loss.name,
        "spec": result.label,
        "group": result.group,
        "value": result.value,
        "n": result.n,
    }
    if result.ci is not None:
        row.update(low=result.ci.low, high=result.ci.high, method=result.ci.method)
    return row

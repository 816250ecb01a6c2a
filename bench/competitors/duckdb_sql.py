"""DuckDB: one SQL aggregate over the file, multi-threaded, as a user of DuckDB would write it.

    python duckdb_sql.py {mse,huber,bce,cross-entropy} FILE

``read_csv`` / ``read_parquet`` scan only the columns the expression names; the mean is
DuckDB's ``avg`` (a double-precision sum). Prints the value (``repr`` of the float).
"""

from __future__ import annotations

import sys

import duckdb

EPS = 2.220446049250313e-16  # float64 eps: scikit-learn's clip of probabilities
LOGITS = [f"logit_{k}" for k in range(10)]


def _cross_entropy() -> str:
    """logsumexp of the ten logits (shifted by their maximum) minus the true class's logit."""
    top = f"greatest({', '.join(LOGITS)})"
    total = " + ".join(f"exp({z} - {top})" for z in LOGITS)
    picked = "list_extract([" + ", ".join(LOGITS) + "], y_true::INTEGER + 1)"
    return f"avg(ln({total}) + {top} - {picked})"


EXPRESSIONS = {
    "mse": "avg((y_true - y_pred) * (y_true - y_pred))",
    "huber": "avg(CASE WHEN abs(y_true - y_pred) <= 1 THEN 0.5 * (y_true - y_pred) ^ 2 "
    "ELSE abs(y_true - y_pred) - 0.5 END)",
    "bce": f"avg(-ln(CASE WHEN y_true > 0.5 THEN greatest(least(y_pred, 1 - {EPS}), {EPS}) "
    f"ELSE 1 - greatest(least(y_pred, 1 - {EPS}), {EPS}) END))",
    "cross-entropy": _cross_entropy(),
}


def source(path: str) -> str:
    return f"read_parquet('{path}')" if path.endswith(".parquet") else f"read_csv('{path}')"


if __name__ == "__main__":
    name, path = sys.argv[1:3]
    ((value,),) = duckdb.sql(f"SELECT {EXPRESSIONS[name]} FROM {source(path)}").fetchall()
    print(repr(value))

"""polars: a lazy scan and one expression, multi-threaded, as a user of polars would write it.

    python polars_lazy.py {mse,huber,bce,cross-entropy} FILE

``scan_csv`` / ``scan_parquet`` read only the columns the expression names (projection
pushdown); the mean is polars' ``mean`` (a double-precision sum). Prints the value.
"""

from __future__ import annotations

import sys

import polars as pl

EPS = 2.220446049250313e-16  # float64 eps: scikit-learn's clip of probabilities
LOGITS = [f"logit_{k}" for k in range(10)]


def _cross_entropy() -> pl.Expr:
    """logsumexp of the ten logits (shifted by their maximum) minus the true class's logit."""
    top = pl.max_horizontal(LOGITS)
    total = pl.sum_horizontal([(pl.col(z) - top).exp() for z in LOGITS])
    picked = pl.concat_list(LOGITS).list.get(pl.col("y_true").cast(pl.Int64))
    return (total.log() + top - picked).mean()


def _expression(name: str) -> pl.Expr:
    r = pl.col("y_true") - pl.col("y_pred")
    if name == "mse":
        return (r * r).mean()
    if name == "huber":
        return pl.when(r.abs() <= 1.0).then(0.5 * r * r).otherwise(r.abs() - 0.5).mean()
    if name == "bce":
        p = pl.col("y_pred").clip(EPS, 1.0 - EPS)
        return -pl.when(pl.col("y_true") > 0.5).then(p.log()).otherwise((1.0 - p).log()).mean()
    return _cross_entropy()


def scan(path: str) -> pl.LazyFrame:
    return pl.scan_parquet(path) if path.endswith(".parquet") else pl.scan_csv(path)


if __name__ == "__main__":
    name, path = sys.argv[1:3]
    print(repr(scan(path).select(_expression(name)).collect().item()))

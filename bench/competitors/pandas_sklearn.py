"""The user's alternative: pandas reads the whole file, scikit-learn computes the loss.

    python pandas_sklearn.py {mse,huber,bce,cross-entropy,r2,d2:mae,gamma-deviance,ece} FILE

Written as a user would write it (no tuning): ``pd.read_csv`` / ``pd.read_parquet`` of the
whole file, then ``sklearn.metrics``. scikit-learn has no Huber metric, so Huber is the
one-line NumPy formula on the pandas columns; cross-entropy is ``log_loss`` of the softmax of
the logits. The skill scores are scikit-learn's; ECE, which scikit-learn lacks, is torchmetrics'
definition in NumPy (15 equal-width bins). Prints the value (``repr`` of the float).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from scipy.special import softmax
from sklearn.metrics import (
    d2_absolute_error_score,
    log_loss,
    mean_gamma_deviance,
    mean_squared_error,
    r2_score,
)


def read(path: str) -> pd.DataFrame:
    """The whole file as a DataFrame."""
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)


def mse(df: pd.DataFrame) -> float:
    return mean_squared_error(df.y_true, df.y_pred)


def huber(df: pd.DataFrame, delta: float = 1.0) -> float:
    err = (df.y_true - df.y_pred).abs()
    return np.where(err <= delta, 0.5 * err**2, delta * (err - 0.5 * delta)).mean()


def bce(df: pd.DataFrame) -> float:
    return log_loss(df.y_true, df.y_pred)


def cross_entropy(df: pd.DataFrame) -> float:
    proba = softmax(df.filter(like="logit_").to_numpy(), axis=1)
    return log_loss(df.y_true, proba, labels=np.arange(proba.shape[1]))


def r2(df: pd.DataFrame) -> float:
    return r2_score(df.y_true, df.y_pred)


def gamma_deviance(df: pd.DataFrame) -> float:
    return mean_gamma_deviance(df.y_true, df.y_pred)


def d2_mae(df: pd.DataFrame) -> float:
    return d2_absolute_error_score(df.y_true, df.y_pred)


def ece(df: pd.DataFrame, bins: int = 15) -> float:
    confidence, outcome = df.y_pred.to_numpy(), df.y_true.to_numpy()
    index = np.clip(np.floor(confidence * bins).astype(int), 0, bins - 1)
    count = np.bincount(index, minlength=bins)
    gap = np.abs(np.bincount(index, outcome, bins) - np.bincount(index, confidence, bins))
    return float(gap.sum() / count.sum())


LOSSES = {
    "mse": mse,
    "huber": huber,
    "bce": bce,
    "cross-entropy": cross_entropy,
    "r2": r2,
    "d2:mae": d2_mae,
    "gamma-deviance": gamma_deviance,
    "ece": ece,
}


if __name__ == "__main__":
    loss, path = sys.argv[1:3]
    print(repr(float(LOSSES[loss](read(path)))))

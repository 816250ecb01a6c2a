"""The prediction files of the check tests and their losses, computed by hand."""

from __future__ import annotations

# y_true = [1, 2, 3] in every file; only the last prediction differs.
#   preds.csv   y_pred = [1, 2, 5]: errors 0, 0, 2 -> mse = (0 + 0 + 4) / 3 = 4/3, mae = 2/3
#   better.csv  y_pred = [1, 2, 4]: errors 0, 0, 1 -> mse = 1/3,             mae = 1/3
#   worse.csv   y_pred = [1, 2, 6]: errors 0, 0, 3 -> mse = 9/3 = 3,         mae = 1
FILES = {"preds.csv": 5, "better.csv": 4, "worse.csv": 6}
MSE = {"preds.csv": 4 / 3, "better.csv": 1 / 3, "worse.csv": 3.0}
MAE = {"preds.csv": 2 / 3, "better.csv": 1 / 3, "worse.csv": 1.0}

"""The vocabulary of reductions, without dependencies (so that the command line can offer it as
choices without loading NumPy): how the per-sample losses of a mean become one value."""

MEAN, SUM = "mean", "sum"
REDUCTIONS = (MEAN, SUM)

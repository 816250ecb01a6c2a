"""The vocabulary of confidence intervals, without dependencies (so that the command line can
offer it as choices without loading NumPy): the methods, the default seed."""

METHODS = ("normal", "bootstrap")
DEFAULT_SEED = 0

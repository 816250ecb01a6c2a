"""The vocabulary of multi-output averaging, without dependencies (so that the command line can
offer it as choices without loading NumPy): how the outputs' values of a multi-output
regression make one (scikit-learn's ``multioutput``)."""

UNIFORM, RAW, VARIANCE_WEIGHTED = "uniform", "raw", "variance-weighted"
MULTIOUTPUT = (UNIFORM, RAW, VARIANCE_WEIGHTED)

"""The vocabulary of calibration bins, without dependencies (so that the command line can
offer it as choices without loading NumPy): how the bins' edges are cut."""

EQUAL_WIDTH, EQUAL_MASS = "equal-width", "equal-mass"
BINNINGS = (EQUAL_WIDTH, EQUAL_MASS)

"""``python -m lossctl``."""

from lossctl.cli.main import entry_point

entry_point()

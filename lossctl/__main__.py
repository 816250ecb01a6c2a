"""``python -m lossctl``."""

from lossctl.cli.main import main

main()

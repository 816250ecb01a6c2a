"""The evaluation's options, each declared once (``declared``), and the one builder of engine
requests from their values (``request``). The command line derives its options from the
declarations, and the configuration (``[tool.lossctl]``) its keys and their validation."""

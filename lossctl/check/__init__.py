"""``lossctl check``, the CI gate: checks from the command line or ``[tool.lossctl]``, their
verdicts against thresholds and baselines, and the reports CI systems read.

- ``config``: where checks come from (discovery, TOML, validation key by key);
- ``checks``: a check (one loss, one condition) and its verdict on a value;
- ``baseline``: the value of a loss in a ``lossctl compute --format json`` document;
- ``verdicts``: every check judged, each input read once for all its losses;
- ``report``: the table, the JSON document, the Markdown summary, the failure lines;
- ``junit``: the JUnit XML report.
"""

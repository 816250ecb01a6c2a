"""``lossctl check``, the CI gate: checks from the command line or ``[tool.lossctl]``, their
verdicts against thresholds and baselines, and the reports CI systems read.

- ``config``: where checks come from (discovery, TOML, validation key by key);
- ``checks``: a check (one loss, one condition) and its verdict on a value;
- ``verdicts``: every check judged, each input read once for all its losses;

What the gate reports (its table, the JSON document, JUnit XML, the step summary) and the
baselines it reads are ``lossctl.output``'s.
"""

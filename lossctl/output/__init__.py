"""Results as people and machines read them: the result document (``document``, one versioned
JSON schema, written and read back as a baseline), and every renderer: grids and numbers, rich
tables (``table``), Markdown and CSV (``render``), per-sample files, the gate's outcomes, table
and lines (``gate``), JUnit XML (``junit``) and the GitHub step summary."""

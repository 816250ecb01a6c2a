"""Results as people and machines read them: the result document (``document``, one versioned
JSON schema, read back by ``baseline``), and every renderer: grids and numbers, rich tables
(``table``), Markdown and CSV (``render``), per-sample files, the gate's table and lines
(``gate``, ``outcome``), JUnit XML (``junit``) and the GitHub step summary."""

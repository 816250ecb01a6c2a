"""Reading never imports pandas (it costs a third of a second in a fresh process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from lossctl.io import open_source, join_sources
for path in sys.argv[1:]:
    source = open_source(path)
    for chunk in source.iter_chunks(["y_true", "y_pred"], ["g"] if "g" in source.columns else [], chunk_rows=7):
        pass
    source.read_all_values()
joined = join_sources(open_source(sys.argv[1]), open_source(sys.argv[2]), on="id")
list(joined.iter_chunks(["y_pred", "y_pred@data"], ["g"]))
print("pandas" in sys.modules)
"""


def test_reading_does_not_import_pandas(tmp_path, table):
    paths = [str(table.write(tmp_path, fmt)) for fmt in ("csv", "parquet", "feather", "jsonl", "npz")]
    paths.append(str(table.write(tmp_path, "tsv", compression="gz")))
    root = Path(__file__).parents[2]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *paths], capture_output=True, text=True, cwd=root, check=True
    )
    assert result.stdout.strip() == "False", result.stderr

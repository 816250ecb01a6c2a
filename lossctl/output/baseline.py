"""Baselines: a result document (``output.document``) of ``lossctl compute --format json -o
FILE`` (or ``compare``, or ``check``), read back to give the value a check compares with.
Documents without a ``schema`` (written before it was versioned) have the same results; a
schema newer than this lossctl's is refused rather than misread.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any

from lossctl.errors import InputError
from lossctl.output.document import SCHEMA


@dataclass(frozen=True)
class Baseline:
    """The overall results (not per-group ones) of a baseline document."""

    path: str
    results: tuple[dict[str, Any], ...]

    @classmethod
    def load(cls, path: str) -> Baseline:
        """Read and check the document at ``path``; an ``InputError`` naming it otherwise."""
        try:
            with open(path, encoding="utf-8") as f:
                document = json.load(f)
        except OSError as exc:
            raise InputError(f"cannot read the baseline: {exc.strerror or exc}", file=path) from None
        except ValueError as exc:
            raise InputError(f"the baseline is not JSON: {exc}", file=path) from None
        schema = document.get("schema", SCHEMA) if isinstance(document, dict) else SCHEMA
        if not isinstance(schema, int) or isinstance(schema, bool) or schema > SCHEMA:
            raise InputError(
                f"result schema {schema!r}, written by a newer lossctl; this one reads schema {SCHEMA}",
                file=path,
                hint="upgrade lossctl, or write the baseline again with this version",
            )
        results = document.get("results") if isinstance(document, dict) else None
        if not isinstance(results, list) or not all(isinstance(r, dict) and "spec" in r for r in results):
            raise InputError(
                'not a lossctl result: expected {"results": [{"spec": ..., "value": ...}, ...]}',
                file=path,
                hint="write baselines with lossctl compute --format json -o FILE",
            )
        return cls(path, tuple(r for r in results if "group" not in r))

    def value(self, spec: str, input_name: str) -> float:
        """The baseline's value of the loss ``spec`` (canonical label) on the input with the
        file name of ``input_name``, or on its only input; an ``InputError`` when there is
        none, or several that cannot be told apart."""
        same_loss = [r for r in self.results if r["spec"] == spec]
        if len(same_loss) > 1:
            name = os.path.basename(input_name)
            same_loss = [r for r in same_loss if os.path.basename(str(r.get("input", ""))) == name]
            if len(same_loss) != 1:
                found = "none" if not same_loss else f"{len(same_loss)}"
                raise InputError(f"several results for {spec}, and {found} from a file named {name!r}", file=self.path)
        if not same_loss:
            known = ", ".join(dict.fromkeys(r["spec"] for r in self.results)) or "none"
            raise InputError(f"no result for {spec} (results for: {known})", file=self.path)
        value = same_loss[0].get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"the baseline value of {spec} is not a number: {value!r}", file=self.path)
        return float(value)

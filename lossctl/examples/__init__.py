"""The reference documents' worked examples, recomputed, and the errata of their formulas.

The documents (``../shared/seeds/``, Chinese tutorials on loss functions) teach losses through
worked examples whose arithmetic is not always right. Each example here carries its data (also
in ``sample_data/``), what the document computed, and where; ``worked(id)`` recomputes it with
the loss core and gives a verdict: ``match``, ``document-wrong`` or ``no-documented-value``
(``implausible`` or ``plausible`` for a logged loss read against a bound), and ``command`` the
``lossctl`` command line that gives the same value from the example's file.

    >>> from lossctl.examples import worked
    >>> w = worked("spam-bce")
    >>> w.documented, round(w.computed, 3), w.verdict
    (1.031, 0.234, 'document-wrong')
"""

from __future__ import annotations

from lossctl.examples.errata import ERRATA, errata
from lossctl.examples.records import (
    DOCUMENT_WRONG,
    IMPLAUSIBLE,
    MATCH,
    NO_DOCUMENTED_VALUE,
    PLAUSIBLE,
    VERDICTS,
    Erratum,
    Example,
    Worked,
)
from lossctl.examples.worked import as_json, examples, judge, work, work_all, worked

__all__ = [
    "DOCUMENT_WRONG",
    "ERRATA",
    "IMPLAUSIBLE",
    "MATCH",
    "NO_DOCUMENTED_VALUE",
    "PLAUSIBLE",
    "VERDICTS",
    "Erratum",
    "Example",
    "Worked",
    "as_json",
    "errata",
    "examples",
    "judge",
    "work",
    "work_all",
    "worked",
]

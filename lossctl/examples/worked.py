"""Recomputing the examples with the loss core, and judging the documents' values."""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import Any

import lossctl.losses as core
from lossctl.examples.documented import DOCUMENTED
from lossctl.examples.records import (
    DOCUMENT_WRONG,
    IMPLAUSIBLE,
    MATCH,
    NO_DOCUMENTED_VALUE,
    PLAUSIBLE,
    Example,
    Worked,
)
from lossctl.examples.variants import VARIANTS

EXAMPLES: tuple[Example, ...] = DOCUMENTED + VARIANTS
"""Every example: the documents' own, then the variants they name."""


def examples() -> list[Example]:
    """Every worked example: the documents' own in document order, then the variants."""
    return list(EXAMPLES)


def worked(example_id: str) -> Worked:
    """The example ``example_id`` recomputed; an unknown id raises ``KeyError``."""
    by_id = {example.id: example for example in EXAMPLES}
    if example_id not in by_id:
        close = difflib.get_close_matches(example_id, list(by_id), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else f"examples are {', '.join(by_id)}"
        raise KeyError(f"unknown example {example_id!r}; {hint}")
    return work(by_id[example_id])


def work_all() -> list[Worked]:
    """Every example recomputed."""
    return [work(example) for example in EXAMPLES]


def work(example: Example) -> Worked:
    """``example`` with lossctl's value, its per-sample terms, a verdict and its explanation."""
    arrays = example.arrays()
    computed = core.compute(example.loss, **arrays)
    terms = core.per_sample(example.loss, **{role: v for role, v in arrays.items() if role != "sample_weight"})
    verdict = judge(example.documented, computed, example.tolerance, ceiling=example.ceiling)
    base = {f.name: getattr(example, f.name) for f in fields(Example)}
    return Worked(
        **base,
        computed=computed,
        terms=terms,
        verdict=verdict,
        explanation=_explanation(example, verdict, computed, terms),
    )


def judge(documented: float | None, computed: float, decimals: int | None, *, ceiling: bool = False) -> str:
    """``match`` when ``computed`` rounded to the document's ``decimals`` is ``documented``;
    with ``ceiling``, ``implausible`` when ``documented`` exceeds ``computed`` at those decimals,
    else ``plausible``."""
    if documented is None:
        return NO_DOCUMENTED_VALUE
    if decimals is None:
        raise ValueError("a documented value needs the number of decimals it was rounded to")
    if ceiling:
        return IMPLAUSIBLE if round(documented, decimals) > round(computed, decimals) else PLAUSIBLE
    return MATCH if round(computed, decimals) == round(documented, decimals) else DOCUMENT_WRONG


def as_json(example: Worked) -> dict[str, Any]:
    """The JSON object of one worked example (the schema of ``lossctl examples --format json``)."""
    return {
        "id": example.id,
        "source": example.where,
        "loss": example.loss,
        "params": dict(example.params),
        "documented": example.documented,
        "computed": example.computed,
        "verdict": example.verdict,
        "explanation": example.explanation,
        "command": example.command,
    }


def _explanation(example: Example, verdict: str, computed: float, terms: Any) -> str:
    if verdict != MATCH:
        if not example.comment:
            raise ValueError(f"example {example.id}: a {verdict} verdict needs a comment")
        return example.comment
    agreeing = ""
    if example.documented_terms is not None:
        decimals = example.tolerance
        same = [round(t, decimals) == round(d, decimals) for t, d in zip(terms, example.documented_terms, strict=True)]
        agreeing = f"; each of its {len(same)} terms agrees too" if all(same) else ""
    return (
        f"lossctl's {computed:.{example.tolerance}f} rounds to the documented "
        f"{example.documented:.{example.tolerance}f} at {example.tolerance} decimals{agreeing}."
    )

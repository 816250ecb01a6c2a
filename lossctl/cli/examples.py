"""``lossctl examples``: the reference documents' worked examples, recomputed, and their
errata."""

from __future__ import annotations

import json

import click

from lossctl.cli.completion import complete_examples
from lossctl.cli.output import write_result
from lossctl.output.grid import Grid
from lossctl.output.numbers import format_value
from lossctl.output.table import render_grids


def _examples_grid(precision: int) -> Grid:
    from lossctl.examples import work_all

    rows = []
    for w in work_all():
        documented = "-" if w.documented is None else format_value(w.documented, precision)
        rows.append([w.id, w.where, w.loss, documented, format_value(w.computed, precision), w.verdict])
    return Grid(
        title="worked examples of the reference documents",
        headers=["id", "source", "loss", "documented", "computed", "verdict"],
        rows=rows,
        numeric=[False, False, False, True, True, False],
        caption="lossctl examples ID shows one step by step; --errata lists the wrong formulas",
    )


def _errata_grid() -> Grid:
    from lossctl.examples import errata

    rows = [[e.id, e.where, e.loss, e.document_formula, e.correct_formula] for e in errata()]
    return Grid(
        title="errata of the reference documents' formulas",
        headers=["id", "source", "loss", "the document writes", "correct"],
        rows=rows,
        numeric=[False] * 5,
    )


def _one(example_id: str, fmt: str) -> str:
    from lossctl.errors import UsageError
    from lossctl.examples import as_json, worked

    try:
        w = worked(example_id)
    except KeyError as exc:
        raise UsageError(str(exc.args[0]) if exc.args else f"no example {example_id!r}") from None
    if fmt == "json":
        return json.dumps(as_json(w), indent=2, ensure_ascii=False) + "\n"
    lines = w.steps() + ["", f"verdict: {w.verdict}"]
    if w.explanation:
        lines.append(w.explanation)
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("example_id", required=False, shell_complete=complete_examples)
@click.option("--errata", is_flag=True, help="List the errata of the documents' formulas instead.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@click.option("--precision", type=click.IntRange(1, 17), default=6, show_default=True, help="Significant digits.")
def examples(example_id: str | None, errata: bool, fmt: str, precision: int) -> None:
    """The reference documents' worked examples, recomputed exactly, each with a verdict:
    match, document-wrong (and the slip: which term, which value) or no-documented-value.

    \b
    Examples:
      lossctl examples
      lossctl examples spam-bce          # step by step, beside the document's derivation
      lossctl examples --errata
      lossctl examples --format json
    """
    if example_id is not None:
        write_result(_one(example_id, fmt), None, [])
        return
    if fmt == "json":
        if errata:
            from dataclasses import asdict

            from lossctl.examples import errata as all_errata

            payload = [asdict(e) for e in all_errata()]
        else:
            from lossctl.examples import as_json, work_all

            payload = [as_json(w) for w in work_all()]
        write_result(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", None, [])
        return
    grid = _errata_grid() if errata else _examples_grid(precision)
    write_result(render_grids([grid], fmt), None, [])

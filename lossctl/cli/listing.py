"""``lossctl list`` and ``lossctl explain``: the catalog of losses and one loss in full."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from lossctl.cli.completion import complete_losses
from lossctl.cli.output import write_result
from lossctl.losses.tasks import TASKS
from lossctl.output.grid import Grid
from lossctl.output.table import render_grids

if TYPE_CHECKING:
    from lossctl.losses import LossSpec


def _parameters(spec: LossSpec) -> str:
    shown = [f"{p.name}={_default(p.default)}" + (" or [..]" if p.spelling else "") for p in spec.params]
    return ", ".join(shown) or "-"


def _default(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:g}" if isinstance(value, float) else str(value)


@click.command(name="list")
@click.option("--task", type=click.Choice(TASKS), help="Only the losses that fit this task.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def list_losses(task: str | None, fmt: str) -> None:
    """List every loss by task: names, aliases, parameters and defaults.

    \b
    Example:
      lossctl list --task regression
    """
    from lossctl.losses import catalog, specs_for_task

    specs = catalog() if task is None else specs_for_task(task)
    if fmt == "json":
        rows = [
            {
                "name": s.name,
                "aliases": list(s.aliases),
                "tasks": list(s.tasks),
                "params": {p.name: p.default for p in s.params},
                "summary": s.summary,
                "streams": not s.held,
                **({"held": s.held} if s.held else {}),
            }
            for s in specs
        ]
        write_result(json.dumps(rows, indent=2) + "\n", None, [])
        return
    grid = Grid(
        title="lossctl losses",
        headers=["task", "loss", "aliases", "parameters", "summary"],
        rows=[[", ".join(s.tasks), s.name, ", ".join(s.aliases), _parameters(s), s.summary] for s in specs],
        numeric=[False] * 5,
        keys=(1,),
    )
    write_result(render_grids([grid], fmt), None, [])


def explanation(spec: LossSpec) -> str:
    """The plain-text explanation of one loss."""
    lines = [f"{spec.name}: {spec.summary}"]
    if spec.aliases:
        lines.append(f"aliases: {', '.join(spec.aliases)}")
    lines += [
        f"task: {', '.join(spec.tasks)}",
        "",
        f"formula: {spec.formula}",
        f"latex:   {spec.latex}",
        "",
        "parameters:" if spec.params else "parameters: none",
    ]
    for p in spec.params:
        domain = "true or false" if p.kind == "bool" else str(p.domain)
        lines.append(f"  {p.name} = {_default(p.default)}  in {domain}: {p.doc}")
        if p.spelling:
            lines.append(f"    written: {spec.name}:{p.spelling}")
    lines += ["", f"conventions: {spec.conventions or 'none beyond the formula'}"]
    lines.append(f"same number as: {spec.peers or '-'}")
    lines.append(f"properties: {spec.properties or '-'}")
    lines.append(f"intervals (--ci): {_interval_methods(spec)}")
    lines.append(f"reference: {spec.reference}")
    errata = _errata(spec.name)
    if errata:
        lines += ["", "errata in the reference documents:"]
        lines += [f"  - {e}" for e in errata]
    return "\n".join(lines) + "\n"


def _interval_methods(spec: LossSpec) -> str:
    from lossctl.losses.intervals import methods_of

    return methods_of(spec.configure().state())


def _errata(name: str) -> list[str]:
    from lossctl.examples import errata

    return [
        f'{e.where}: writes "{e.document_formula}"; correct: {e.correct_formula}. {e.explanation}' for e in errata(name)
    ]


@click.command()
@click.argument("name", shell_complete=complete_losses)
def explain(name: str) -> None:
    """Explain the loss NAME: formula, parameters and domains, conventions, the peer
    libraries that compute the same number, properties, references, and the reference
    documents' errata about it.

    \b
    Example:
      lossctl explain huber
    """
    from lossctl.losses import get_spec

    write_result(explanation(get_spec(name)), None, [])

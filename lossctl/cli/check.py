"""``lossctl check``: the CI gate. Exit 0 when no check failed, 1 when one did, 2 for a usage,
configuration or input error.

On the command line each ``--loss`` opens a check, and the check options that follow it
(``--max``, ``--min``, ``--baseline``, ``--baseline-file``, ``--rtol``, ``--atol``,
``--significance``, ``--min-effect``, ``--severity``, ``--name``)
belong to it, up to the next ``--loss``: ``--loss mse --max 0.5 --loss mae --max 0.4`` is two
checks. Click gathers a repeated option's values without their order relative to other
options, so ``PairedCommand`` records the order in which the options were given.
"""

from __future__ import annotations

import os
from typing import Any

import click

from lossctl.check.checks import SEVERITIES
from lossctl.cli.completion import complete_files, complete_losses
from lossctl.cli.options import INTERVAL_KEYS, LevelCommand, declared_options, interval_options, levels_filled
from lossctl.cli.output import note, warn, write_result
from lossctl.errors import UsageError
from lossctl.options.declared import OPTIONS
from lossctl.output.table import render_tables

PAIRED = (
    "loss",
    "max",
    "min",
    "baseline",
    "baseline_file",
    "rtol",
    "atol",
    "significance",
    "min_effect",
    "severity",
    "name",
)
"""The options that belong to the ``--loss`` before them."""
_ORDER = "lossctl.check.order"
CHECK_INPUT_KEYS = tuple(o.key for o in OPTIONS if o.config and o.command_line)
"""The evaluation options of ``check``: those a configuration may set."""


class PairedCommand(LevelCommand):
    """A command that records, in ``ctx.meta``, the order in which the ``PAIRED`` options
    were given (one entry per occurrence); ``--ci`` may stand alone, as in ``compute``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _, _, order = self.make_parser(ctx).parse_args(args=levels_filled(list(args)))
        ctx.meta[_ORDER] = [param.name for param in order if param.name in PAIRED]
        return super().parse_args(ctx, args)


def pair(order: list[str], values: dict[str, tuple]) -> list[dict[str, Any]]:
    """The checks of the command line, as tables like ``[[tool.lossctl.checks]]`` entries:
    each ``--loss`` with the options that follow it. ``order`` names the options as they
    were given; ``values`` holds each option's values in that order."""
    pending = {name: list(values[name]) for name in PAIRED}
    tables: list[dict[str, Any]] = []
    for name in order:
        value = pending[name].pop(0)
        if name == "loss":
            tables.append({"loss": value})
        elif not tables:
            raise UsageError(f"--{name} {value} comes before any --loss: check options apply to the --loss before them")
        elif name in tables[-1]:
            raise UsageError(f"--loss {tables[-1]['loss']}: --{name} given twice; repeat --loss for another check")
        else:
            tables[-1][name] = value
    return tables


def _render(outcomes: list, evaluations: list, warnings: list[str], fmt: str) -> str:
    """The result for stdout: a table, the JSON document, or Markdown."""
    from lossctl.output import gate
    from lossctl.output.document import document_text

    if fmt == "json":
        return document_text(evaluations, warnings, outcomes)
    if fmt == "markdown":
        return gate.markdown(outcomes)
    return render_tables([gate.grid(outcomes, caption=False)])  # the summary goes to stderr


@click.command(
    cls=PairedCommand,
    epilog="""\b
Examples:
  lossctl check preds.csv --loss mse --max 0.5 --loss mae --max 0.4
  lossctl check preds.csv --loss "huber:delta=1.0" --max 0.35 --severity warn
  lossctl check preds.csv --loss mse --baseline main.json --rtol 0.02
  lossctl check preds.csv --loss mse --baseline-file main_preds.csv --significance 0.05
  lossctl check --junit-xml report.xml          # checks from [tool.lossctl]""",
)
@click.argument("files", nargs=-1, shell_complete=complete_files)
@click.option(
    "--loss",
    "-l",
    shell_complete=complete_losses,
    multiple=True,
    metavar="SPEC",
    help="Open a check of this loss; the check options after it belong to it.",
)
@click.option("--max", type=float, multiple=True, metavar="X", help="The check passes when value <= MAX (inclusive).")
@click.option("--min", type=float, multiple=True, metavar="X", help="The check passes when value >= MIN (inclusive).")
@click.option(
    "--baseline",
    multiple=True,
    shell_complete=complete_files,
    metavar="FILE",
    help="A 'lossctl compute --format json' result; the check fails when value > baseline + max(ATOL, RTOL*|baseline|).",
)
@click.option(
    "--baseline-file",
    multiple=True,
    shell_complete=complete_files,
    metavar="FILE",
    help="A baseline model's predictions on the same rows, in the same order; compared as --baseline is.",
)
@click.option("--rtol", type=float, multiple=True, metavar="R", help="Relative tolerance of the baseline (default 0).")
@click.option("--atol", type=float, multiple=True, metavar="A", help="Absolute tolerance of the baseline (default 0).")
@click.option(
    "--significance",
    type=float,
    multiple=True,
    metavar="ALPHA",
    help="Fail a baseline check only on a regression significant at ALPHA (one-sided), e.g. 0.05.",
)
@click.option(
    "--min-effect",
    multiple=True,
    metavar="X",
    help="With --significance: fail only when the loss rose by more than X (or X% of the baseline).",
)
@click.option(
    "--severity",
    type=click.Choice(SEVERITIES),
    multiple=True,
    help="A failed 'warn' check is reported, not fatal.  [default: fail]",
)
@click.option("--name", multiple=True, help="The check's name in reports.  [default: '<loss> <criterion> <limit>']")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: lossctl.toml, or pyproject.toml with [tool.lossctl], nearest up to the repository root).",
)
@declared_options(*CHECK_INPUT_KEYS, validated=False)  # checked by the configuration's validators
@interval_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--junit-xml", type=click.Path(dir_okay=False), help="Also write a JUnit XML report here: a testcase per check."
)
@click.option("--no-summary", is_flag=True, help="Do not append the Markdown table to $GITHUB_STEP_SUMMARY.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when a check failed.")
@click.pass_context
def check(
    ctx: click.Context,
    files: tuple[str, ...],
    config: str | None,
    fmt: str,
    junit_xml: str | None,
    no_summary: bool,
    exit_zero: bool,
    **kwargs: Any,
) -> None:
    """Fail (exit 1) when a loss on FILES crosses a threshold or regresses against a baseline.

    Checks come from the command line (each --loss with the --max, --min or --baseline,
    --rtol, --atol, --severity, --name that follow it) or from [[tool.lossctl.checks]] in the
    configuration. Command-line checks, FILES and input options replace the configuration's.
    A threshold is inclusive, and compared at full precision. A baseline check fails only
    when the value is worse: value > baseline + max(atol, rtol*|baseline|); with
    --significance, only when it is significantly worse (paired row by row against
    --baseline-file; against a --baseline written with compute --ci, from both intervals) and
    by more than --min-effect. Exit 0 when no
    check failed ('warn' checks never fail), 1 when one did, 2 for a usage, configuration or
    input error.
    """
    from lossctl.atomic import check_output, write_text
    from lossctl.check import config as configuration
    from lossctl.check import verdicts
    from lossctl.errors import LossctlError
    from lossctl.output import gate
    from lossctl.output.junit import junit_error
    from lossctl.output.junit import junit_xml as render_junit
    from lossctl.output.step_summary import append_summary

    tables = pair(ctx.meta.get(_ORDER, []), {name: kwargs.pop(name) for name in PAIRED})
    intervals = {key: kwargs.pop(key) for key in INTERVAL_KEYS}
    settings = configuration.settings(config)
    command_line = configuration.Origin()
    given = configuration.validate(
        {k: v for k, v in kwargs.items() if v is not None}, configuration.INPUT_KEYS, command_line, ""
    )
    if tables:
        checks = tuple(configuration.make_check(t, command_line, f"--loss {t['loss']}") for t in tables)
        configuration.distinct_names(checks, command_line, "")
    else:
        checks = settings.checks if settings else ()
    if not checks:
        raise UsageError(
            "no checks: give --loss SPEC --max X (or --min, --baseline), or [[tool.lossctl.checks]] in pyproject.toml or lossctl.toml"
        )
    inputs = list(files) or list(settings.files if settings else ())
    options = {**(settings.options if settings else {}), **given}
    if intervals["ci"] is not None:  # every result with its interval, as compute --ci gives
        options.update({key: value for key, value in intervals.items() if value is not None})

    read = verdicts.files_read(list(checks), inputs, options) + ([settings.origin.file] if settings else [])
    if junit_xml:
        check_output(junit_xml, read)  # before a long evaluation, not after it
    summary_file = None if no_summary else os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        check_output(summary_file, read)  # an output named by the environment is one too

    if settings and not tables:
        note(f"checks from {settings.origin.file}")
    try:
        outcomes, evaluations, warnings = verdicts.verdicts(list(checks), inputs, options)
    except LossctlError as exc:  # the CI page says why the gate did not run
        if junit_xml:
            write_text(junit_xml, junit_error(str(exc)), inputs=read)
        if summary_file:
            append_summary(summary_file, f"**{gate.TITLE}**: stopped, {exc}")
        raise
    for message in warnings:
        warn(message)
    write_result(_render(outcomes, evaluations, warnings, fmt), None, [])
    if junit_xml:
        write_text(junit_xml, render_junit(outcomes), inputs=read)
        note(f"wrote {junit_xml}")
    if summary_file:
        problem = append_summary(summary_file, gate.markdown(outcomes))
        if problem:
            warn(problem)
    for line in gate.breaches(outcomes):
        note(line)
    note(gate.summary(outcomes) + (" (--exit-zero: exit 0)" if exit_zero and not gate.passed(outcomes) else ""))
    if not gate.passed(outcomes) and not exit_zero:
        click.get_current_context().exit(1)

"""The commands' options, as decorators. The evaluation's options are made from their one
declaration (``lossctl.options.declared``); the output options are declared here, once."""

from __future__ import annotations

import click

from lossctl.cli.completion import complete_choices, complete_files, complete_losses
from lossctl.options.declared import BY_KEY, CHOICE, FLAG, INTEGER, LEVEL, NUMBER, PARAMETERS, PATH, Option
from lossctl.output.render import FORMATS

INPUT_KEYS = (
    "y_true",
    "y_pred",
    "weight",
    "u_weights",
    "v_weights",
    "x1",
    "x2",
    "query",
    "lower",
    "upper",
    "std",
    "variance",
    "members",
    "quantiles",
    "classes",
    "pos_label",
    "group_by",
    "on",
    "model_weights",
    "task",
    "multioutput",
    "nan",
    "input_format",
    "encoding",
)
ENGINE_KEYS = ("engine", "scheduler")
MAX_WORST = 100_000
"""The most worst rows listed: each is held, and printed (a table of 100,000 rows takes some
50 s and 300 MB; JSON, 5 s and 200 MB), so that a large K is refused rather than filling memory."""
INTERVAL_KEYS = ("ci", "ci_method", "seed")


def compose(*decorators):
    """One decorator applying ``decorators`` in order, the first outermost."""

    def apply(f):
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


def option(key: str, *, validated: bool = True):
    """The click option of the declared option ``key``. Its value is None when not given, so
    that a configuration can supply it; the declared default is shown in the help.
    ``validated=False`` leaves a choice unchecked by click (the configuration's validator
    checks it, and names it as the configuration does)."""
    declared: Option = BY_KEY[key]
    text = declared.help
    if declared.default not in (None, False):
        text += f"  [default: {declared.default}]"
    if declared.type == FLAG:
        flag = declared.flag
        return click.option(f"{flag}/--no-{flag[2:]}", declared.key, default=None, help=text)
    if declared.type == LEVEL:  # --ci 0.9, or --ci alone (see LevelCommand)
        kind = click.FloatRange(0.0, 1.0, min_open=True, max_open=True)
        return click.option(declared.flag, declared.key, type=kind, default=None, metavar=declared.metavar, help=text)
    kind: click.ParamType | type | None = None
    metavar = declared.metavar
    complete = complete_files if declared.type == PATH else None
    if declared.type == NUMBER:
        kind = float
    elif declared.type == INTEGER:
        kind = click.IntRange(0)
    elif declared.type == PATH:
        kind = click.Path(dir_okay=False)
    elif declared.type == CHOICE:
        kind = click.Choice(declared.choices) if validated else None
        metavar = None if validated else f"[{'|'.join(declared.choices)}]"
        complete = None if validated else complete_choices(declared.choices)
    return click.option(
        declared.flag, declared.key, type=kind, metavar=metavar, default=None, help=text, shell_complete=complete
    )


class LevelCommand(click.Command):
    """A command whose level options (``--ci``) may stand alone, meaning their default: Click
    would take the next word, a file name say, for the level, so a level option not followed
    by a number gets its default written in before parsing."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, levels_filled(args))


def levels_filled(args: list[str]) -> list[str]:
    flags = {BY_KEY[key].flag: BY_KEY[key].default for key in BY_KEY if BY_KEY[key].type == LEVEL}
    out: list[str] = []
    for i, word in enumerate(args):
        if word == "--":
            return out + args[i:]
        out.append(word)
        if word in flags and not _is_number(args[i + 1] if i + 1 < len(args) else ""):
            out.append(str(flags[word]))
    return out


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def declared_options(*keys: str, validated: bool = True):
    """The click options of the declared options ``keys``, in that order."""
    return compose(*(option(key, validated=validated) for key in keys))


parameter_options = declared_options(*PARAMETERS, "from_logits")
# The commands that draw histograms keep --bins for theirs: a calibration score's bins are
# then given in its spec (ece:bins=10).
drawing_parameter_options = declared_options(*(key for key in PARAMETERS if key != "bins"), "from_logits")
input_options = declared_options(*INPUT_KEYS)
engine_options = declared_options(*ENGINE_KEYS)
interval_options = declared_options(*INTERVAL_KEYS)

precision_option = click.option(
    "--precision", type=click.IntRange(1, 17), default=6, show_default=True, help="Significant digits shown in tables."
)
no_progress_option = click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
labels_option = option("labels")
reference_option = click.option(
    "--reference",
    type=click.Path(dir_okay=False),
    help="The model the others are compared with (one of FILES): each one's skill, 1 - loss / its loss; "
    "with --ci also the paired difference, row by row (default there: the first file).",
)


def format_option(formats: tuple[str, ...] = FORMATS):
    """``--format``, among ``formats`` (a command that has no CSV form leaves it out)."""
    return click.option(
        "--format", "fmt", type=click.Choice(formats), default="table", show_default=True, help="Output format."
    )


output_file_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the result to this file (atomically) instead of stdout.",
)

output_options = compose(
    format_option(),
    precision_option,
    click.option(
        "--worst",
        type=click.IntRange(0, MAX_WORST),
        default=0,
        help=f"Also list the K rows with the largest per-sample loss (at most {MAX_WORST:,}, which are held "
        "and printed; --per-sample writes every row's loss).",
    ),
    click.option(
        "--per-sample", type=click.Path(dir_okay=False), help="Write per-sample losses to this .csv or .parquet file."
    ),
    output_file_option,
    no_progress_option,
)


def evaluation_values(kwargs: dict) -> dict:
    """The declared options among a command's keyword arguments (a new dict: the command's
    own are left as they are)."""
    return {key: value for key, value in kwargs.items() if key in BY_KEY}


fitting_losses_option = click.option(
    "--loss",
    "-l",
    "losses",
    multiple=True,
    shell_complete=complete_losses,
    help="A loss to compare (repeatable); default: every loss that fits.",
)
"""``--loss``/``-l`` of the commands that compare models (compare, diff, report): the losses
named, or every loss that fits the input."""

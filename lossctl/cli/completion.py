"""Shell completion, through Click's protocol (``_LOSSCTL_COMPLETE=bash_source lossctl``): the
callbacks that complete a loss name and its parameters, an example's id, a file name, or a
choice that the configuration's validator checks rather than Click.

Click asks a parameter's ``shell_complete`` for the candidates of the word under the cursor
(https://click.palletsprojects.com/en/stable/shell-completion/). A ``file`` item tells the
shell to complete file names itself, as it would without completion; an argument of no type
would otherwise complete nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import click
from click.shell_completion import CompletionItem

Complete = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def complete_files(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The shell's own completion of file names (and directories, and globs it expands)."""
    return [CompletionItem(incomplete, type="file")]


def complete_losses(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Loss names and aliases that start with ``incomplete`` (case and ``_``/``-`` aside);
    after ``name:``, the parameters of that loss not given yet (``huber:`` -> ``huber:delta=``)."""
    from lossctl.losses import catalog

    specs = catalog()
    typed = incomplete.lower().replace("_", "-")
    names = [name for spec in specs for name in (spec.name, *spec.aliases) if name.startswith(typed)]
    if names or ":" not in incomplete:
        return [CompletionItem(name, help=_summary(specs, name)) for name in names]
    head, _, settings = incomplete.rpartition(":")
    spec = next((s for s in specs if head.lower().replace("_", "-") in (s.name, *s.aliases)), None)
    if spec is None:
        return []
    given, _, current = settings.rpartition(",")
    if "=" in current:
        return []
    taken = {setting.partition("=")[0] for setting in given.split(",") if setting}
    stem = f"{head}:{given}," if given else f"{head}:"
    return [
        CompletionItem(f"{stem}{p.name}=", help=p.doc)
        for p in spec.params
        if p.name.startswith(current) and p.name not in taken
    ]


def _summary(specs: Iterable, name: str) -> str | None:
    return next((s.summary for s in specs if name in (s.name, *s.aliases)), None)


def complete_examples(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The ids of the worked examples that start with ``incomplete``."""
    from lossctl.examples import examples

    return [CompletionItem(e.id) for e in examples() if e.id.startswith(incomplete)]


def complete_choices(choices: tuple[str, ...]) -> Complete:
    """The ``choices`` that start with the word typed: for an option whose choices are
    checked by the configuration's validator, not by a ``click.Choice``."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(choice) for choice in choices if choice.startswith(incomplete)]

    return complete

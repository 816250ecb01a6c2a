"""Shell completion, through Click's protocol (``_LOSSCTL_COMPLETE=bash_source lossctl``): the
callbacks that complete a loss name and its parameters, an example's id, a file name, or a
choice that the configuration's validator checks rather than Click.

Click asks a parameter's ``shell_complete`` for the candidates of the word under the cursor
(https://click.palletsprojects.com/en/stable/shell-completion/). A ``file`` item tells the
shell to complete file names itself, as it would without completion; an argument of no type
would otherwise complete nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import click
from click import shell_completion
from click.shell_completion import CompletionItem, split_arg_string

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


class ColonBashComplete(shell_completion.BashComplete):
    """Click's bash completion, aware that bash cuts words at ``:`` (``COMP_WORDBREAKS``),
    which splits ``huber:delta=1`` into three words: the line up to the cursor
    (``COMP_LINE``) is parsed instead of bash's words, and each candidate is cut to the part
    of it that bash replaces, from the last ``:`` of the word (as bash-completion's
    ``__ltrim_colon_completions``). Without ``COMP_LINE``, Click's protocol as it is."""

    source_template = shell_completion._SOURCE_BASH.replace(
        'env COMP_WORDS="${COMP_WORDS[*]}"', 'env COMP_LINE="${COMP_LINE:0:COMP_POINT}" COMP_WORDS="${COMP_WORDS[*]}"'
    )
    _cut = 0

    def get_completion_args(self) -> tuple[list[str], str]:
        line = os.environ.get("COMP_LINE")
        if line is None:
            return super().get_completion_args()
        words = split_arg_string(line)
        ended = not words or line[-1:].isspace()
        args, incomplete = (words[1:], "") if ended else (words[1:-1], words[-1])
        bash_words, cword = split_arg_string(os.environ.get("COMP_WORDS", "")), int(os.environ.get("COMP_CWORD", 0))
        bash_word = bash_words[cword] if cword < len(bash_words) else ""
        self._cut = max(0, len(incomplete) - len(bash_word))
        return args, incomplete

    def format_completion(self, item: CompletionItem) -> str:
        value = item.value[self._cut :] if item.type == "plain" else item.value
        return f"{item.type},{value}"


def use_colon_aware_bash() -> None:
    """Complete bash with ``ColonBashComplete``: called before Click answers a completion."""
    shell_completion.add_completion_class(ColonBashComplete, "bash")

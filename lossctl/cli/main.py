"""The ``lossctl`` command group and its entry point.

``main`` turns every error into one line on stderr and an exit code: 0 success, 1 a failed
check, 2 a usage, configuration, input or data error, 130 an interrupt (129 a hang-up, 143 a
SIGTERM: each unwinds, so no temporary file is left behind), 70 a bug in lossctl
(an internal error, reported as such rather than disguised as the user's). Importing this module
stays cheap: commands import the engine, pyarrow and rich only when they run.
"""

from __future__ import annotations

import atexit
import gc
import os
import pkgutil
import signal
import sys
import threading
from typing import NoReturn

import click

from lossctl import __version__
from lossctl.cli.groups import HelpGroup
from lossctl.errors import printable, runtime_warnings_silenced

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

COMMANDS = {
    "check": "lossctl.cli.check:check",
    "compare": "lossctl.cli.compare:compare",
    "compute": "lossctl.cli.compute:compute",
    "diff": "lossctl.cli.diff:diff",
    "examples": "lossctl.cli.examples:examples",
    "explain": "lossctl.cli.listing:explain",
    "list": "lossctl.cli.listing:list_losses",
    "plot": "lossctl.cli.plot:plot",
    "report": "lossctl.cli.report:report",
    "sweep": "lossctl.cli.sweep:sweep",
}
"""Each command's module and name: a command's module is imported only when it runs (or
when the group's help lists them all)."""


class _LazyGroup(HelpGroup):
    """A group of the COMMANDS, each imported when asked for (Click's lazy loading pattern:
    https://click.palletsprojects.com/en/stable/complex/#lazily-loading-subcommands)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return pkgutil.resolve_name(COMMANDS[cmd_name]) if cmd_name in COMMANDS else None


@click.group(cls=_LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="lossctl")
def cli() -> None:
    """lossctl: every loss that matters, exact, side by side.

    \b
    Examples:
      lossctl compute --loss huber --delta 1.0 preds.csv
      lossctl compare preds.csv
      lossctl check --loss mse --max 0.5 preds.parquet
      lossctl explain focal
      lossctl examples
      lossctl report preds.csv -o report.html
    Shell completion (bash): eval "$(_LOSSCTL_COMPLETE=bash_source lossctl)"
    """


class Interrupted(BaseException):
    """Ctrl-C, SIGTERM or SIGHUP, raised instead of KeyboardInterrupt (which click answers with
    a blank line) or the default action (which ends the process before any cleanup)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# The signals that end a run, and what the error line says of each.
_ENDING = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):  # not on Windows
    _ENDING[signal.SIGHUP] = "hung up"


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def _fail(message: str, code: int = 2) -> int:
    click.echo(f"Error: {printable(message)}", err=True)
    return code


# The loss core's hints speak of parameters, as a Python caller sets them; on the command line
# they are options.
_SETTINGS_AS_OPTIONS = {"from_logits=True": "--from-logits"}


def _as_options(exc: Exception, unknown_loss: type[Exception]) -> None:
    """Reword the hint of a loss core error for the command line."""
    if isinstance(exc, unknown_loss) and exc.hint is None:
        exc.hint = "'lossctl list' shows every loss"
    for setting, option in _SETTINGS_AS_OPTIONS.items():
        if exc.hint:
            exc.hint = exc.hint.replace(setting, option)


def _run(argv: list[str] | None) -> int:
    """Run the command line and return its exit code; every error is one line on stderr."""
    from lossctl.errors import LossctlError
    from lossctl.losses import ExpressionError, LossError, UnknownLossError

    try:
        # Without standalone mode, click returns the code of ctx.exit(code) instead of exiting.
        code = cli.main(args=argv, prog_name="lossctl", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "lossctl"
        return _fail(f"{exc.format_message()} (see '{command} --help')", exc.exit_code)
    except click.ClickException as exc:
        return _fail(exc.format_message(), exc.exit_code)
    except Interrupted as exc:
        return _fail(_ENDING[exc.signum], 128 + exc.signum)
    except (KeyboardInterrupt, click.exceptions.Abort):
        return _fail("interrupted", 128 + signal.SIGINT)
    except BrokenPipeError:
        # The reader went away (`lossctl ... | head`): end quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ExpressionError as exc:
        return _fail(f"malformed loss expression: {exc.message}\n  {exc.caret().replace(chr(10), chr(10) + '  ')}")
    except (LossctlError, LossError) as exc:
        _as_options(exc, UnknownLossError)
        return _fail(str(exc), getattr(exc, "exit_code", 2))
    except Exception as exc:  # a bug in lossctl, not the user's error: say so, in one line
        if os.environ.get("LOSSCTL_DEBUG"):
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc} (set LOSSCTL_DEBUG=1 for the traceback)", 70)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; never a traceback for a user's error."""
    if "_LOSSCTL_COMPLETE" in os.environ:  # a shell asks for completions (see cli.completion)
        from lossctl.cli.completion import use_colon_aware_bash

        use_colon_aware_bash()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {signum: signal.signal(signum, _interrupt) for signum in _ENDING} if in_main_thread else {}
    try:
        with runtime_warnings_silenced():
            code = _run(argv)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if code:
        # Free what the error's traceback held (Arrow readers and their threads) while the
        # interpreter is whole, not during its shutdown.
        gc.collect()
    sys.exit(code)


def entry_point() -> NoReturn:
    """The installed ``lossctl`` and ``python -m lossctl``: ``main``, then a quick exit.

    Python's own shutdown frees every module and object one by one: 40-70 ms after a large
    file, with nothing left to do. Here the ``atexit`` handlers run (temporary directories,
    Dask's clients), the output is flushed, then ``os._exit`` ends the process with
    ``main``'s code. While a thread that is not a daemon is alive, Python's own shutdown
    ends the process instead: it lets such a thread finish its work (and wakes an idle
    executor's workers, as only it can). ``main`` itself exits the usual way, for callers in
    a Python process of their own.
    """
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's, since 3.0
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if run_exit_handlers is None or not isinstance(code, int) or others:
        sys.exit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away (`lossctl ... | head`): it misses nothing
            pass
        except OSError:  # say, a full disk: Python's own shutdown reports it, and exits 120
            sys.exit(code)
    os._exit(code)

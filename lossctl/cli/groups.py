"""The command groups' class: importing only Click, so that ``lossctl --version`` stays fast."""

from __future__ import annotations

import click


class HelpGroup(click.Group):
    """A group that, run bare, prints its help and exits 0 (Click's default prints it as an
    error, with exit 2): ``lossctl`` and ``lossctl plot`` alone are a request for help."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            click.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)

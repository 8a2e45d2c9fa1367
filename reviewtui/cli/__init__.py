"""The ``reviewtui`` command: a click group whose commands parse, call a service and print.

Exit codes: 0 ok; 1 a failure the user can fix (bad input, not found, read-only), with a one-line
message on stderr; 2 usage. Global options go before the command: ``reviewtui --db X vendors``.

Commands live in one module per area (``cli/core.py``, ...), listed in ``COMMAND_MODULES``; each
module defines ``register(group)``. No SQL and no Textual here.
"""

from __future__ import annotations

import importlib
import sys

import click

from reviewtui import __version__
from reviewtui.cli.context import CliContext, fail

COMMAND_MODULES = [
    "reviewtui.cli.core",
    "reviewtui.cli.meetings",
]


class ReviewGroup(click.Group):
    """A click group that turns errors a user can fix into exit code 1 and one line on stderr."""

    def invoke(self, ctx: click.Context):
        from reviewtui.db.errors import UserError

        try:
            return super().invoke(ctx)
        except UserError as exc:
            fail(str(exc))


@click.group(
    cls=ReviewGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db",
    envvar="REVIEWTUI_DB",
    metavar="PATH_OR_URL",
    help="SQLite file or database URL (postgresql+psycopg://...). Default: the embedded "
    "SQLite file in your data directory. Env: REVIEWTUI_DB.",
)
@click.option("--as", "as_user", metavar="NAME", help="Act as NAME (when the server allows it).")
@click.version_option(__version__, "--version", prog_name="reviewtui")
@click.pass_context
def main(ctx: click.Context, db: str | None, as_user: str | None) -> None:
    """Vendor performance reviews: scorecards, live meetings, actions and signed-off minutes.

    Without a command, opens the TUI on the database.
    """
    ctx.obj = CliContext.create(db=db, as_user=as_user)
    if ctx.invoked_subcommand is None:
        from reviewtui.tui import run_tui

        sys.exit(run_tui(ctx.obj))


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(main)


_register()

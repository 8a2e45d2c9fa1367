"""The ``reviewtui`` command: a click group whose commands parse, call a service and print.

Exit codes: 0 ok; 1 a failure the user can fix (bad input, not found, read-only), with a one-line
message on stderr; 2 usage. Global options go before the command: ``reviewtui --db X vendors``.

Commands live in one module per area (``cli/core.py``, ...), listed in ``COMMAND_MODULES``; each
module defines ``register(group)``. No SQL and no Textual here.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import cast

import click

from reviewtui import __version__
from reviewtui.cli.context import CliContext, fail

COMMAND_MODULES = [
    "reviewtui.cli.core",
    "reviewtui.cli.minutes",
    "reviewtui.cli.scorecard",
    "reviewtui.cli.imports",
    "reviewtui.cli.trail",
    "reviewtui.cli.backup",
    "reviewtui.cli.meetings",
    "reviewtui.cli.actions",
    "reviewtui.cli.plans",
    "reviewtui.cli.escalations",
    "reviewtui.cli.audits",
    "reviewtui.cli.keys",
    "reviewtui.cli.mail",
]


class ReviewGroup(click.Group):
    """A click group that turns errors a user can fix into exit code 1 and one line on stderr."""

    def invoke(self, ctx: click.Context):
        from reviewtui.cli.output import inert_output
        from reviewtui.db.errors import UserError

        # No control character a command prints reaches the terminal (see cli/output.py).
        with inert_output():
            try:
                return super().invoke(ctx)
            except UserError as exc:
                fail(str(exc))
            except Exception as exc:
                from reviewtui.db.errors import storage_problem

                problem = storage_problem(exc)
                if problem is None:
                    raise
                where = getattr(ctx.obj, "settings", None)
                fail(f"the database {(where and where.db) or ''} {problem}".replace("  ", " "))


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
@click.option(
    "--as",
    "as_user",
    metavar="NAME",
    help="Act as NAME instead of the login name (only where the server's configuration allows it).",
)
@click.option(
    "--role",
    type=click.Choice(["facilitator", "viewer", "vendor"], case_sensitive=False),
    help="Restrict this session: viewer reads everything and changes nothing; vendor sees one "
    "vendor (--vendor) and may only sign off its own side. Narrows, never widens, the role the "
    "server's configuration gives the login.",
)
@click.option("--vendor", metavar="NAME", help="The one vendor a --role vendor session sees.")
@click.option(
    "--low-bandwidth",
    is_flag=True,
    default=None,
    help="For slow links: no animation, no cursor blink, no mouse reporting. "
    "Env: REVIEWTUI_LOW_BANDWIDTH=1.",
)
@click.version_option(__version__, "--version", prog_name="reviewtui")
@click.pass_context
def main(
    ctx: click.Context,
    db: str | None,
    as_user: str | None,
    role: str | None,
    vendor: str | None,
    low_bandwidth: bool | None,
) -> None:
    """Vendor performance reviews: scorecards, live meetings, actions and signed-off minutes.

    Without a command, opens the TUI on the database. Run as an sshd forced command, a command
    the client asks for (SSH_ORIGINAL_COMMAND) runs under the forced options, if it is open to
    restricted sessions.
    """
    from reviewtui.cli import access

    ctx.obj = CliContext.create(
        db=db, as_user=as_user, role=role, vendor=vendor, low_bandwidth=low_bandwidth
    )
    if ctx.invoked_subcommand is not None:
        cmd = _group(ctx).get_command(ctx, ctx.invoked_subcommand)
        access.check_command(ctx.invoked_subcommand, cmd, ctx.obj.settings, remote=False)
        return
    requested = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
    if requested:
        flags, words = access.parse_remote(requested)
        if "--low-bandwidth" in flags:
            ctx.obj.settings.low_bandwidth = True
        if words:
            _run_remote(ctx, words)
            return
    from reviewtui.tui import run_tui

    sys.exit(run_tui(ctx.obj))


def _group(ctx: click.Context) -> click.Group:
    """The command of ``main``'s own context: the group (click types it as any command)."""
    return cast(click.Group, ctx.command)


def _run_remote(ctx: click.Context, words: list[str]) -> None:
    """Run the command a client asked for through a forced command, under its options."""
    from reviewtui.cli import access

    if words[0] in ("-h", "--help"):
        click.echo(ctx.get_help())
        return
    if words[0] == "--version":
        click.echo(f"reviewtui, version {__version__}")
        return
    name, cmd, rest = _group(ctx).resolve_command(ctx, words)
    assert name is not None and cmd is not None
    access.check_command(name, cmd, ctx.obj.settings, remote=True)
    ctx.invoked_subcommand = name
    with cmd.make_context(name, rest, parent=ctx) as sub:
        cmd.invoke(sub)


def _register() -> None:
    from reviewtui.cli import hygiene

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(main)
    hygiene.guard(main)  # every text option checked the same way (one-line, dates, length)


_register()

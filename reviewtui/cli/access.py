"""Which commands a restricted session may run, and commands asked for through a forced command.

Viewer and vendor sessions, and any command a client asks for through an sshd forced command
(``SSH_ORIGINAL_COMMAND``), may run only the commands marked with :func:`restricted_ok`. The
database refuses their writes anyway (:mod:`reviewtui.db.access`); this gate also keeps them
away from commands that touch files outside the database (backup, restore, demo --reset, exports
to a path) and from new commands whose queries nobody has scoped yet. Unmarked is refused: a
command becomes available to restricted sessions when someone has checked it and marked it.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, TypeVar

import click

from reviewtui.cli.context import fail

if TYPE_CHECKING:
    from reviewtui.config import Settings

_MARK = "reviewtui_restricted_ok"
C = TypeVar("C", bound=click.Command)

# Global options a client may add to the forced command: they only take features away.
REMOTE_GLOBAL_FLAGS = ("--low-bandwidth",)


def restricted_ok(cmd: C) -> C:
    """Open a command (a group: all of it) to viewer and vendor sessions and forced commands.

    Mark only a command that reads through scoped queries (``reviewtui.db.access.scoped`` /
    ``require_visible``), writes only through an ORM session, and prints to stdout: no file
    written or replaced, no program started. Put it above ``@click.command()``.
    """
    setattr(cmd, _MARK, True)
    return cmd


def is_restricted_ok(cmd: click.Command | None) -> bool:
    return bool(getattr(cmd, _MARK, False))


def check_command(
    name: str, cmd: click.Command | None, settings: Settings, *, remote: bool
) -> None:
    """Exit 1 with a message when this session may not run ``name``."""
    if is_restricted_ok(cmd):
        return
    if remote:
        fail(
            f"`{name}` cannot be run through this server's forced command; "
            "log in without a command for the app, or ask a facilitator"
        )
    if settings.role != "facilitator":
        who = f"vendor {settings.vendor!r}" if settings.role == "vendor" else "viewer"
        fail(f"`reviewtui {name}` is not open to this session ({who}); ask a facilitator")


def parse_remote(command_line: str) -> tuple[list[str], list[str]]:
    """Split what an ssh client asked for into (allowed global flags, command and arguments).

    Accepts ``[reviewtui] [--low-bandwidth] [COMMAND ARGS...]``; any other global option (``--db``,
    ``--role``, ``--as`` ...) is the server's to set and exits 2 with a message.
    """
    try:
        words = shlex.split(command_line)
    except ValueError as exc:
        fail(f"cannot read the requested command {command_line!r}: {exc}", code=2)
    if words and (words[0] == "reviewtui" or words[0].endswith("/reviewtui")):
        words = words[1:]
    flags: list[str] = []
    while words and words[0].startswith("-"):
        word = words[0]
        if word in REMOTE_GLOBAL_FLAGS:
            flags.append(word)
            words = words[1:]
        elif word in ("-h", "--help", "--version"):
            break
        else:
            fail(
                f"{word.split('=')[0]} is set by the server's forced command and cannot be "
                f"given by the client (allowed: {', '.join(REMOTE_GLOBAL_FLAGS)})",
                code=2,
            )
    return flags, words

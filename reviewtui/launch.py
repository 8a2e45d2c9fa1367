"""The ``reviewtui`` command's entry point: opening the TUI skips the command-line parser.

``reviewtui`` and ``reviewtui --db PATH`` (what a facilitator types) open the TUI without
importing click and the command modules (~45 ms before the first frame, a sixth of the bare
Textual app's start-up). They mean exactly what the click group makes of them: the same
settings (``CliContext.create``), ``REVIEWTUI_DB`` when ``--db`` is not given, the same
one-line error and exit code 1 for a problem the user can fix. Every other command line, and
any session run through an sshd forced command (``SSH_ORIGINAL_COMMAND``), goes to the click
group in :mod:`reviewtui.cli`.
"""

from __future__ import annotations

import os
import sys


def tui_only(args: list[str]) -> str | None | bool:
    """The ``--db`` value of a command line that only opens the TUI (None: not given), or
    False when the command line is anything else."""
    if not args:
        return None
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return args[0][len("--db=") :]
    return False


def main() -> None:
    db = tui_only(sys.argv[1:])
    if db is False or os.environ.get("SSH_ORIGINAL_COMMAND", "").strip():
        from reviewtui.cli import main as cli

        cli()
        return
    from reviewtui.cli.context import CliContext, fail
    from reviewtui.db.errors import UserError
    from reviewtui.tui import run_tui

    assert db is not True
    ctx = CliContext.create(db=db or os.environ.get("REVIEWTUI_DB") or None)
    try:
        code = run_tui(ctx)
    except UserError as exc:
        fail(str(exc))
    sys.exit(code)

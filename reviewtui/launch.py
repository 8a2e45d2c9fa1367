"""The ``reviewtui`` command's entry point: opening the TUI skips the command-line parser.

``reviewtui`` and ``reviewtui --db PATH`` (what a facilitator types) open the TUI without
importing click and the command modules (~45 ms before the first frame, a sixth of the bare
Textual app's start-up). They mean exactly what the click group makes of them: the same
settings (``CliContext.create``), ``REVIEWTUI_DB`` when ``--db`` is not given, the same
one-line error and exit code 1 for a problem the user can fix. Every other command line, and
any session run through an sshd forced command (``SSH_ORIGINAL_COMMAND``), goes to the click
group in :mod:`reviewtui.cli`; a command line that exports minutes forks the PDF renderer first
(:func:`reviewtui.exports.prefork.start_early`).
"""

from __future__ import annotations

import atexit
import gc
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


def exports_minutes(args: list[str]) -> bool:
    """Whether a command line exports minutes (``... export minutes ...``, not its help)."""
    for i, word in enumerate(args[:-1]):
        if word == "export" and args[i + 1] == "minutes":
            return not {"-h", "--help"} & set(args)
    return False


def main() -> None:
    # At exit the interpreter's last garbage collections walk every object the data layer made
    # when it was imported (SQLAlchemy, SQLModel, pydantic): ~0.1 s at the end of every command
    # that read the database. Frozen first, those objects are left to the end of the process;
    # every atexit handler and flush still runs (registered first, this runs last).
    atexit.register(gc.freeze)
    args = sys.argv[1:]
    db = tui_only(args)
    if db is False or os.environ.get("SSH_ORIGINAL_COMMAND", "").strip():
        if exports_minutes(args) and not os.environ.get("SSH_ORIGINAL_COMMAND"):
            # WeasyPrint's import (~0.6 s) is the longest part of a PDF export: start it in a
            # child now (the command discards it if the export is not a PDF after all).
            from reviewtui.exports import prefork

            prefork.start_early()
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

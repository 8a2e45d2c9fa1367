"""Start the Textual app from the CLI (kept apart so the CLI never imports Textual needlessly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewtui.cli.context import CliContext


def run_tui(ctx: CliContext, meeting_id: int | None = None) -> int:
    """Run the TUI on the context's database (optionally straight on a meeting).

    Returns the process exit code. SIGHUP and SIGTERM save every typed note before the process
    leaves (see reviewtui.drafts).
    """
    if not _may_create(ctx):
        return 1
    from reviewtui import prefetch

    # Before Textual is imported: the dashboard's rows are computed on the other core meanwhile.
    rows = prefetch.start(ctx.settings, ctx.db_url)

    from reviewtui import drafts as note_drafts
    from reviewtui.app import ReviewApp

    app = ReviewApp(settings=ctx.settings, db_url=ctx.db_url)
    app.start_meeting_id = meeting_id
    app.prefetch = rows
    note_drafts.install(lambda code: app.exit(return_code=code))
    try:
        # Mouse reporting sends a report for every move over the window: off on slow links.
        app.run(mouse=not ctx.settings.low_bandwidth)
    finally:
        if rows is not None:
            rows.cancel()
    return app.return_code or 0


def _may_create(ctx: CliContext) -> bool:
    """An SQLite file named explicitly but missing: ask before making it (a typo in --db
    should not open an empty database), on a terminal; refuse elsewhere (``ctx.db_url``)."""
    import sys

    missing = ctx.missing_file()
    if missing is None:
        return True
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        ctx.db_url  # noqa: B018  (exits 1 with the one-line message)
        return False
    try:
        answer = input(f"No database at {missing}. Create a new one there? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        print("reviewtui: nothing created", file=sys.stderr)
        return False
    ctx.may_create = True
    return True

"""Start the Textual app from the CLI (kept apart so the CLI never imports Textual needlessly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewtui.cli.context import CliContext


def run_tui(ctx: CliContext) -> int:
    """Run the TUI on the context's database; returns the process exit code."""
    from reviewtui.app import ReviewApp

    app = ReviewApp(settings=ctx.settings, db_url=ctx.db_url)
    app.run()
    return app.return_code or 0

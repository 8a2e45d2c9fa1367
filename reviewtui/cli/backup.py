"""``reviewtui backup DEST`` and ``reviewtui restore SRC`` (SQLite; pg_dump guidance otherwise)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reviewtui.cli.context import CliContext, fail

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(backup)
    group.add_command(restore)


def _sqlite_path(ctx: CliContext, *, restore: bool) -> Path:
    from reviewtui.db.backup import pg_guidance
    from reviewtui.db.engine import normalise_url, sqlite_path

    url = normalise_url(ctx.db_url)
    path = sqlite_path(url)
    if path is None:
        if url.startswith("postgresql"):
            fail(pg_guidance(url, restore=restore))
        fail(f"{ctx.db_url}: only SQLite files can be backed up and restored by reviewtui")
    return path


@click.command()
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
@pass_ctx
def backup(ctx: CliContext, dest: Path, force: bool) -> None:
    """Copy the database to DEST (a file, or a folder for a dated file), safely while others work.

    Uses SQLite's online backup API: the copy is one committed state even while other sessions
    write, and it is checked (integrity, schema revision) before it appears at DEST. For
    PostgreSQL, prints the pg_dump command to use and exits 1.
    """
    from reviewtui.db.backup import backup_sqlite

    path = _sqlite_path(ctx, restore=False)
    info = backup_sqlite(path, dest, overwrite=force)
    click.echo(
        f"backed up {path} to {info.path} ({info.size:,} bytes, revision {info.revision}, "
        f"{info.vendors} vendors, {info.changes} audit entries)"
    )


@click.command()
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def restore(ctx: CliContext, src: Path, yes: bool) -> None:
    """Replace the database's content with the backup SRC, keeping the current content aside.

    SRC must be an intact reviewtui SQLite database at a schema revision this version knows;
    nothing is touched otherwise. The current database is first copied to
    <db>.before-restore-<time>, and the restore is recorded in the audit trail. Sessions that
    have the database open see the restored data at their next action. For PostgreSQL, prints
    the pg_restore command to use and exits 1.
    """
    from reviewtui.db import models as m
    from reviewtui.db import open_database
    from reviewtui.db.backup import check_file, restore_sqlite
    from reviewtui.domain import clock

    ctx.may_create = True  # restoring into a new file is how a backup is brought back
    path = _sqlite_path(ctx, restore=True)
    info = check_file(src)
    if not yes:
        if not sys.stdin.isatty():
            fail("restore replaces the whole database: add --yes to confirm")
        click.confirm(
            f"Replace the content of {path} with {src} ({info.vendors} vendors, "
            f"{info.changes} audit entries)?",
            abort=True,
        )
    result = restore_sqlite(src, path)
    # Bring the restored file to this version's schema, then say in its own trail who did this.
    db = open_database(str(path), user=ctx.settings.user)
    try:
        with db.session() as s:
            s.add(
                m.ChangeLog(
                    at=clock.now(),
                    user=ctx.settings.user,
                    op="restore",
                    entity="database",
                    before=None,
                    after=json.dumps(
                        {
                            "source": str(src.resolve()),
                            "revision": info.revision,
                            "kept_aside": str(result.kept_aside) if result.kept_aside else None,
                        },
                        sort_keys=True,
                    ),
                )
            )
    finally:
        db.dispose()
    kept = f"; the previous content is in {result.kept_aside}" if result.kept_aside else ""
    click.echo(f"restored {path} from {src}{kept}")

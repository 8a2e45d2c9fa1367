"""Core commands: demo, vendors, db upgrade|current."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reviewtui.cli.access import restricted_ok
from reviewtui.cli.context import CliContext, fail
from reviewtui.cli.output import emit, format_option

pass_ctx = click.make_pass_decorator(CliContext)

VENDOR_COLUMNS = [
    ("name", "Vendor"),
    ("category", "Category"),
    ("criticality", "Criticality"),
    ("open_actions", "Open actions"),
    ("overdue_actions", "Overdue"),
    ("last_review", "Last review"),
    ("next_review_due", "Next review due"),
]


def register(group: click.Group) -> None:
    group.add_command(demo)
    group.add_command(vendors)
    group.add_command(db_group)


@click.command()
@click.option("--seed-only", is_flag=True, help="Fill the demo database, do not open the TUI.")
@click.option("--reset", is_flag=True, help="Throw the demo data away and seed it afresh.")
@pass_ctx
def demo(ctx: CliContext, seed_only: bool, reset: bool) -> None:
    """Open the TUI on realistic demo data (a separate database unless --db is given).

    Run again, it opens the existing demo data; --reset starts it afresh.
    """
    from reviewtui import config
    from reviewtui.db.engine import sqlite_path

    ctx.may_create = True
    if not ctx.settings.db:
        ctx.use_db(str(config.demo_db_path()))
    if reset:
        _reset(ctx)
    from reviewtui.db import vendors as vendor_q
    from reviewtui.demo import seed

    with ctx.db.session() as s:
        if vendor_q.count(session=s) == 0:
            counts = seed(s)
            made = True
        else:
            made = False
    where = sqlite_path(ctx.db.url) or ctx.db.url
    if made:
        _demo_key(ctx)
    if made:
        click.echo(
            f"demo data: {counts['vendors']} vendors, {counts['kpis']} KPIs, "
            f"{counts['measurements']} measurements, {counts['meetings']} meetings, "
            f"{counts['actions']} actions in {where}",
            err=seed_only is False,
        )
    elif seed_only:
        click.echo(f"demo data already in {where} (use --reset to start afresh)")
    if seed_only:
        return
    from reviewtui.tui import run_tui

    sys.exit(run_tui(ctx))


def _reset(ctx: CliContext) -> None:
    from reviewtui.db.engine import make_engine, normalise_url, sqlite_path

    url = normalise_url(ctx.db_url)
    path = sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", *DEMO_KEY_SUFFIXES):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    from reviewtui.db.models import metadata

    engine = make_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()


DEMO_KEY_SUFFIXES = (".signing.p12", ".signing.p12.password")


def _demo_key(ctx: CliContext) -> None:
    """`keys init` for a fresh demo database (key beside it), so its signed minutes export
    signed; the demo's stand-in organisation is Contoso Group."""
    from reviewtui import config
    from reviewtui.cli.keys import create_registered
    from reviewtui.db import certificates
    from reviewtui.db.engine import sqlite_path
    from reviewtui.exports import keys

    with ctx.db.read() as s:
        if certificates.current_key(session=s) is not None:
            return
    db_file = sqlite_path(ctx.db.url)
    if db_file is not None:
        base = Path(str(db_file))
        for suffix in DEMO_KEY_SUFFIXES:  # left from an older demo database of the same name
            Path(str(base) + suffix).unlink(missing_ok=True)
    else:  # a server database: a key of its own in the data folder
        import secrets

        base = config.demo_db_path().with_name(f"demo-{secrets.token_hex(4)}")
        base.parent.mkdir(parents=True, exist_ok=True)
    out = Path(str(base) + DEMO_KEY_SUFFIXES[0])
    # Part of seeding the demo, like its rows (demo.seed): no change-trail entry.
    info, _ = create_registered(ctx, "Contoso Group", out, audited=False)
    click.echo(
        f"demo signing key: {out} (SHA-256 {keys.pretty_fingerprint(info.fingerprint)})", err=True
    )


@restricted_ok
@click.command()
@format_option()
@pass_ctx
def vendors(ctx: CliContext, fmt: str) -> None:
    """List vendors with open and overdue actions and the next review due.

    JSON: a list of {id, name, service, category, criticality, open_actions, overdue_actions,
    last_review, next_review_due, contract_review}; dates as YYYY-MM-DD.
    """
    from dataclasses import replace

    from reviewtui.db import escalations as esc_q
    from reviewtui.db import vendors as vendor_q

    with ctx.db.read() as s:
        rows = vendor_q.list_vendors(session=s, cadence_defaults=ctx.settings.cadence_months)
        # The rule on today's scorecards, not the mark the escalations left when they last ran.
        marked = set(esc_q.contract_review_vendor_ids(session=s, settings=ctx.settings))
    rows = [replace(r, contract_review=r.id in marked) for r in rows]
    emit(
        [r.as_dict() for r in rows],
        fmt,
        VENDOR_COLUMNS,
        title="Vendors",
        empty="no vendors yet: run `reviewtui demo` or import KPIs",
    )


@click.group("db")
def db_group() -> None:
    """Database schema: show the revision, upgrade."""


@db_group.command("current")
@pass_ctx
def db_current(ctx: CliContext) -> None:
    """Print the schema revision of the database."""
    from reviewtui.db.engine import make_engine, normalise_url
    from reviewtui.db.migrations import HEAD
    from reviewtui.db.schema import current_revision

    engine = make_engine(normalise_url(ctx.db_url))
    try:
        rev = current_revision(engine)
    except Exception as exc:
        fail(f"cannot open the database {ctx.db_url}: {exc}")
    finally:
        engine.dispose()
    state = "(head)" if rev == HEAD else f"(head is {HEAD})"
    click.echo(f"{rev or 'empty'} {state}")


@db_group.command("upgrade")
@pass_ctx
def db_upgrade(ctx: CliContext) -> None:
    """Upgrade the database schema to the newest revision."""
    from reviewtui.db.engine import make_engine, normalise_url
    from reviewtui.db.migrations import HEAD
    from reviewtui.db.schema import ensure_current

    ctx.may_create = True
    url = normalise_url(ctx.db_url)
    engine = make_engine(url)
    try:
        ran = ensure_current(engine, url)
    except Exception as exc:
        fail(f"upgrade failed: {exc}")
    finally:
        engine.dispose()
    click.echo(f"upgraded to {HEAD}" if ran else f"already at {HEAD}")


@db_group.command("copy")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="The database to copy into (postgresql+psycopg://user@host/name, or a new SQLite "
    "file); it must hold no reviewtui data.",
)
@pass_ctx
def db_copy(ctx: CliContext, target: str) -> None:
    """Copy the whole database (--db) into an empty one, e.g. to move from SQLite to PostgreSQL.

    Creates the schema at the current revision in the target and copies every table with its
    ids, the audit trail as it is and signed-off minutes byte for byte, in one transaction;
    the source is only read. A target with any reviewtui data is refused.
    """
    from reviewtui.db.copy import copy_database, display

    tty = sys.stderr.isatty()

    def progress(table: str, done: int, total: int) -> None:
        if tty:
            end = "\n" if done == total else ""
            click.echo(f"\r  {table:<16} {done:>9,} / {total:,} rows", nl=False, err=True)
            click.echo(end, nl=False, err=True)
        elif done == total:
            click.echo(f"  {table:<16} {total:>9,} rows", err=True)

    click.echo(f"copying {display(ctx.db_url)} to {display(target)}", err=True)
    result = copy_database(ctx.db_url, target, progress=progress)
    click.echo(
        f"copied {result.rows:,} rows in {len(result.tables)} tables to {display(target)} "
        f"(schema {result.revision})"
    )

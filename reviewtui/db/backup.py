"""Backups and restores of a SQLite database, safe while other reviewtui processes work on it.

Both directions use SQLite's online backup API, which copies pages under SQLite's own locks:

- a backup copies the whole database in one step inside one read transaction, so it is a
  committed state even while others write (in WAL mode writers do not wait for it);
- a restore first backs the live database up beside itself (kept aside), then copies the
  checked file *into* the live database as one write transaction. Processes that have the
  database open see the restored data at their next transaction; nothing is unlinked or
  overwritten under their feet, as a file copy would.

PostgreSQL has pg_dump and pg_restore for this; :func:`pg_guidance` says how.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from reviewtui.db.engine import BUSY_TIMEOUT_MS
from reviewtui.db.errors import UserError
from reviewtui.domain import clock

SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables every reviewtui database has had since the first revision.
REQUIRED_TABLES = ("alembic_version", "vendor", "meeting", "changelog")


@dataclass(frozen=True)
class DatabaseFileInfo:
    """What a checked SQLite file holds."""

    path: Path
    revision: str
    size: int
    vendors: int
    changes: int


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return con


def _stamp() -> str:
    return clock.now().strftime("%Y%m%dT%H%M%SZ")


def _revision_known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    from reviewtui.db.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return script.get_revision(revision) is not None
    except Exception:
        return False


def check_file(path: Path) -> DatabaseFileInfo:
    """Check that ``path`` is an intact reviewtui SQLite database of a revision this version
    knows; raises UserError saying what is wrong. Reads only."""
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise UserError(f"{path}: not a SQLite database")
    try:
        con = _connect(path, read_only=True)
    except sqlite3.Error as exc:
        raise UserError(f"{path}: cannot open it: {exc}") from exc
    try:
        try:
            problems = [r[0] for r in con.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{path}: damaged: {exc}") from exc
        if problems != ["ok"]:
            raise UserError(f"{path}: damaged: {problems[0]}")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise UserError(f"{path}: not a reviewtui database (no table {missing[0]})")
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None:
            raise UserError(f"{path}: not a reviewtui database (no schema revision)")
        revision = row[0]
        if not _revision_known(revision):
            raise UserError(
                f"{path}: the database is at revision {revision}, which this reviewtui "
                "does not know; restore it with a newer reviewtui"
            )
        vendors = con.execute("SELECT count(*) FROM vendor").fetchone()[0]
        changes = con.execute("SELECT count(*) FROM changelog").fetchone()[0]
    finally:
        con.close()
    return DatabaseFileInfo(path, revision, path.stat().st_size, vendors, changes)


def _copy(src: sqlite3.Connection, dest_path: Path) -> None:
    """One-step backup of ``src`` into a new single-file database at ``dest_path``."""
    dest = sqlite3.connect(dest_path, isolation_level=None)
    try:
        src.backup(dest)  # pages=-1: every page in one step, one consistent snapshot
        # The copy keeps the source's WAL flag; a backup file should stand alone.
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()


def backup_sqlite(db_path: Path, dest: Path, *, overwrite: bool = False) -> DatabaseFileInfo:
    """Copy the live database at ``db_path`` to ``dest`` (a file, or a folder to put a dated
    file in) and check the copy. The file appears only once complete, readable by owner and
    group only."""
    if not db_path.is_file():
        raise UserError(f"{db_path}: no such database")
    if dest.is_dir():
        dest = dest / f"reviewtui-{_stamp()}.db"
    if dest.exists() and not overwrite:
        raise UserError(f"{dest} exists already (use --force to replace it)")
    if dest.resolve() == db_path.resolve():
        raise UserError(f"{dest} is the database itself")
    if not dest.parent.is_dir():
        raise UserError(f"{dest.parent}: no such folder")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    old = os.umask(0o027)
    try:
        src = _connect(db_path)
        try:
            _copy(src, partial)
        finally:
            src.close()
        partial.chmod(0o640)
        info = check_file(partial)
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        raise UserError(f"backup of {db_path} failed: {exc}") from exc
    finally:
        os.umask(old)
        partial.unlink(missing_ok=True)
    return DatabaseFileInfo(dest, info.revision, info.size, info.vendors, info.changes)


@dataclass(frozen=True)
class RestoreResult:
    restored: DatabaseFileInfo
    kept_aside: Path | None


def restore_sqlite(src_path: Path, db_path: Path) -> RestoreResult:
    """Replace the content of the database at ``db_path`` with the checked file ``src_path``.

    Nothing is touched until the file has passed :func:`check_file`; the database's current
    content is then kept aside as ``<db>.before-restore-<time>`` (unless there was none).
    """
    info = check_file(src_path)
    if src_path.resolve() == db_path.resolve():
        raise UserError(f"{src_path} is the database itself")
    kept: Path | None = None
    old = os.umask(0o007)
    try:
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.before-restore-{_stamp()}")
            live = _connect(db_path)
            try:
                _copy(live, kept)
            finally:
                live.close()
            kept.chmod(0o640)
        else:
            from reviewtui.db.engine import ensure_sqlite_file

            ensure_sqlite_file(db_path)
        src = _connect(src_path, read_only=True)
        live = _connect(db_path)
        try:
            # Into the live file under SQLite's write lock: others see it at their next read.
            src.backup(live)
            if live.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                live.execute("PRAGMA journal_mode=WAL")
            problems = [r[0] for r in live.execute("PRAGMA integrity_check")]
        finally:
            live.close()
            src.close()
    except sqlite3.Error as exc:
        where = f"; the previous content is in {kept}" if kept else ""
        raise UserError(f"restore into {db_path} failed: {exc}{where}") from exc
    finally:
        os.umask(old)
    if problems != ["ok"]:
        raise UserError(
            f"{db_path}: damaged after the restore ({problems[0]}); "
            f"the previous content is in {kept}"
        )
    return RestoreResult(restored=info, kept_aside=kept)


def pg_guidance(url: str, *, restore: bool) -> str:
    """How to do it with PostgreSQL's own tools, naming the database without its password."""
    u = make_url(url)
    # Rebuilt without the password (URL.set(password=None) would keep it).
    target = URL.create(
        "postgresql", username=u.username, host=u.host, port=u.port, database=u.database
    ).render_as_string(hide_password=False)
    if restore:
        return (
            "restoring a PostgreSQL database is pg_restore's job: "
            f"pg_restore --clean --if-exists --no-owner --dbname '{target}' reviewtui.dump "
            "(stop reviewtui sessions first; the password comes from ~/.pgpass or PGPASSWORD)"
        )
    return (
        "backing up a PostgreSQL database is pg_dump's job (consistent while others work): "
        f"pg_dump --format=custom --file reviewtui-$(date +%F).dump '{target}' "
        "(the password comes from ~/.pgpass or PGPASSWORD)"
    )

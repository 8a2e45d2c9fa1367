"""Bring a database to the current schema, cheaply when it already is."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from reviewtui.db.migrations import HEAD, alembic_config


class SchemaTooNew(RuntimeError):
    """The database was written by a newer reviewtui."""


def current_revision(engine: Engine) -> str | None:
    """The stored Alembic revision, or None for a database without reviewtui tables."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, url: str) -> None:
    """Run Alembic up to head (imports Alembic: only call when an upgrade is due)."""
    from alembic import command

    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def ensure_current(engine: Engine, url: str) -> bool:
    """Upgrade when the stored revision is not HEAD; return True when an upgrade ran."""
    rev = current_revision(engine)
    if rev == HEAD:
        return False
    if rev is not None and not _known(rev, url):
        raise SchemaTooNew(
            f"the database is at revision {rev}, which this reviewtui does not know; "
            "upgrade reviewtui"
        )
    upgrade(engine, url)
    return True


def _known(rev: str, url: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(url))
    try:
        return script.get_revision(rev) is not None
    except Exception:
        return False

"""Storage: engine factory, models, one query module per aggregate, migrations."""

from __future__ import annotations

from reviewtui.db.engine import Database, normalise_url


def open_database(url: str, user: str = "") -> Database:
    """Open (creating and upgrading when needed) the database at ``url``.

    The schema check is one query; Alembic is imported only when an upgrade is due.
    """
    from reviewtui.db import (
        changelog,  # noqa: F401  (registers the audit-trail hook)
        freeze,  # noqa: F401  (registers the signed-minutes guard)
    )
    from reviewtui.db.schema import ensure_current

    db = Database(normalise_url(url), user=user)
    ensure_current(db.engine, db.url)
    return db


__all__ = ["Database", "normalise_url", "open_database"]

"""Storage: engine factory, models, one query module per aggregate, migrations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewtui.db.engine import Database, normalise_url


def __getattr__(name: str) -> Any:
    # Importing a light module of the package (``reviewtui.db.errors``) must not import
    # SQLAlchemy: the TUI reaches its first frame before the data layer is loaded.
    if name in ("Database", "normalise_url"):
        from reviewtui.db import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_database(
    url: str,
    user: str = "",
    *,
    role: str = "facilitator",
    vendor: str | None = None,
    name: str = "",
) -> Database:
    """Open (creating and upgrading when needed) the database at ``url`` for ``user``.

    ``role``/``vendor`` restrict what the sessions may read and write (see
    :mod:`reviewtui.db.access`); a vendor session fails with NotFound when its vendor is not in
    the database. ``name`` is the person behind ``user`` (facilitators, authors). The schema check is one query; Alembic is imported only when an upgrade is due.
    """
    from reviewtui.db import (
        changelog,  # noqa: F401  (registers the audit-trail hook)
        freeze,  # noqa: F401  (registers the signed-minutes guard)
    )
    from reviewtui.db.engine import Database, make_engine, normalise_url
    from reviewtui.db.migrations import HEAD
    from reviewtui.db.schema import current_revision, ensure_current

    db = Database(normalise_url(url), user=user, role=role, vendor=vendor, name=name)
    try:
        if db.role != "viewer":
            ensure_current(db.engine, db.url)
        elif current_revision(db.engine) != HEAD:
            # A viewer's engine cannot write; the schema upgrade is not the viewer's doing.
            writer = make_engine(db.url)
            try:
                ensure_current(writer, db.url)
            finally:
                writer.dispose()
        db.resolve_scope()
    except BaseException:
        db.dispose()
        raise
    return db


__all__ = ["Database", "normalise_url", "open_database"]

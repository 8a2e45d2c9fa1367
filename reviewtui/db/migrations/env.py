"""Alembic environment: uses reviewtui's own engine factory so SQLite gets its pragmas."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from reviewtui.db import models
from reviewtui.db.engine import make_engine

config = context.config
target_metadata = models.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None, "alembic_config() sets sqlalchemy.url"
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise SystemExit("reviewtui migrations run online only")
run_migrations_online()

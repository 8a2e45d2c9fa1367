"""The one place that builds database engines and sessions.

SQLite: WAL journal, ``busy_timeout``, ``foreign_keys=ON`` and ``BEGIN IMMEDIATE`` for every
write transaction, with pysqlite's own implicit BEGIN switched off. Without this, two processes
doing read-modify-write on the same row lose updates silently (pysqlite defers its BEGIN until
the first write, so both read the old value). Read-only sessions use a deferred BEGIN so that
readers never queue behind a writer.

PostgreSQL: ``postgresql+psycopg://`` URLs; row locks (``SELECT ... FOR UPDATE``) or version
columns protect read-modify-write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 30_000


def normalise_url(db: str) -> str:
    """Turn a path or URL given on the command line into an SQLAlchemy URL."""
    if "://" in db:
        if db.startswith("postgresql://") or db.startswith("postgres://"):
            # The psycopg (3) driver is the one we ship.
            return "postgresql+psycopg://" + db.split("://", 1)[1]
        return db
    path = Path(db).expanduser().resolve()
    return f"sqlite:///{path}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # pragma: no cover - exercised by every test
        # Take transaction control away from pysqlite: we issue BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if conn.get_execution_options().get("readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _ensure_sqlite_file(path: Path) -> None:
    """Create the database file (and its folder) private to owner and group, in WAL mode."""
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        old = os.umask(0o007)
        try:
            con = sqlite3.connect(path)
            con.execute("PRAGMA journal_mode=WAL")
            con.close()
        finally:
            os.umask(old)
        path.chmod(0o660)
    else:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()


def make_engine(url: str) -> Engine:
    """Build an engine for ``url`` (already normalised) with the dialect settings above."""
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            _ensure_sqlite_file(path)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    """An engine plus the acting user; hands out sessions that are one unit of work each."""

    url: str
    user: str = ""
    engine: Engine = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write unit of work: commits on success, rolls back on any exception."""
        with Session(self.engine, expire_on_commit=False) as s:
            s.info["user"] = self.user
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (deferred BEGIN on SQLite, so it never waits for writers)."""
        # Closing (not rolling back) ends the transaction without expiring loaded objects.
        with Session(self.engine.execution_options(readonly=True), expire_on_commit=False) as s:
            s.info["user"] = self.user
            yield s

    def dispose(self) -> None:
        self.engine.dispose()

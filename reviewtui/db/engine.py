"""The one place that builds database engines and sessions.

SQLite: WAL journal, ``busy_timeout``, ``foreign_keys=ON`` and ``BEGIN IMMEDIATE`` for every
write transaction, with pysqlite's own implicit BEGIN switched off. Without this, two processes
doing read-modify-write on the same row lose updates silently (pysqlite defers its BEGIN until
the first write, so both read the old value). Read-only sessions use a deferred BEGIN so that
readers never queue behind a writer.

PostgreSQL: ``postgresql+psycopg://`` URLs; row locks (``SELECT ... FOR UPDATE``) or version
columns protect read-modify-write.

Access: a ``Database`` carries the session's role and, for role vendor, the one vendor it may see
(resolved to an id when opened). Every session it hands out says so in ``session.info``
(``user``, ``role``, ``vendor_id``, ``vendor_name``); :mod:`reviewtui.db.access` refuses writes
and scopes reads from there. A viewer's connections are also read-only in the database itself
(``PRAGMA query_only`` on SQLite, ``default_transaction_read_only`` on PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 30_000

#: PostgreSQL: connections each reviewtui process keeps open (``pool_size``) and may open on top
#: when every one is busy (``max_overflow``). With the meeting watch's own LISTEN connection a
#: session holds at most PG_POOL_SIZE + PG_MAX_OVERFLOW + 1 = 4 server connections, so 20
#: sessions stay at 80, under PostgreSQL's default max_connections (100, 3 of them reserved
#: for superusers). REVIEWTUI_PG_POOL_SIZE / REVIEWTUI_PG_MAX_OVERFLOW change them
#: (docs/deploy-ssh.md).
PG_POOL_SIZE = 2
PG_MAX_OVERFLOW = 1


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


def _configure_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: object) -> None:  # pragma: no cover - every test
        # Take transaction control away from pysqlite: we issue BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if read_only or conn.get_execution_options().get("readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def ensure_sqlite_file(path: Path) -> None:
    """Create the database file (and its folder) private to owner and group, in WAL mode."""
    import sqlite3

    if not path.exists():
        # SQLite gives the -wal and -shm files the database file's mode, so 0660 here is
        # 0660 there too, whatever the umask of the process that creates them later.
        old = os.umask(0o007)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
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


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """Build an engine for ``url`` (already normalised) with the dialect settings above.

    ``read_only``: every connection refuses writes at the database level.
    """
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            ensure_sqlite_file(path)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine, read_only=read_only)
        return engine
    pool = {
        "pool_size": _env_int("REVIEWTUI_PG_POOL_SIZE", PG_POOL_SIZE, least=1),
        "max_overflow": _env_int("REVIEWTUI_PG_MAX_OVERFLOW", PG_MAX_OVERFLOW),
        "pool_pre_ping": True,
    }
    # JIT compiling pays off for long analytical queries, not for ours: the planner's costs for
    # the scorecard's per-KPI index probes pass jit_above_cost and compiling took ~1 s of 1.5.
    options = "-c jit=off"
    if read_only:
        options += " -c default_transaction_read_only=on"
    return create_engine(url, connect_args={"options": options}, **pool)


def _env_int(name: str, default: int, least: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None
    if value < least:
        # (pool_size 0 would mean "no limit" to SQLAlchemy)
        raise ValueError(f"{name}={raw!r} must be at least {least}")
    return value


@dataclass
class Database:
    """An engine plus the acting user and their access; hands out one unit of work per session.

    ``role`` is facilitator, viewer or vendor; for vendor, ``vendor`` names the one vendor the
    session may see, and :meth:`resolve_scope` (called by ``open_database``) finds its id.
    """

    url: str
    user: str = ""
    role: str = "facilitator"
    vendor: str | None = None
    # The person behind ``user`` (config ``[users.LOGIN] name``): facilitators and authors.
    name: str = ""
    engine: Engine = field(init=False)
    vendor_id: int | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        from reviewtui.db import access  # noqa: F401  (registers the write guard)

        if self.role not in ("facilitator", "viewer", "vendor"):
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "vendor" and not self.vendor:
            raise ValueError("role vendor needs the vendor's name")
        self.engine = make_engine(self.url, read_only=self.role == "viewer")

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @property
    def restricted(self) -> bool:
        """True for viewer and vendor sessions."""
        return self.role != "facilitator"

    def resolve_scope(self) -> None:
        """Find the id of the vendor a vendor session is restricted to (NotFound if absent)."""
        if self.role != "vendor":
            return
        from sqlalchemy import select
        from sqlmodel import col

        from reviewtui.db import models as m
        from reviewtui.db.errors import NotFound
        from reviewtui.domain.text import fold

        # The exact name in any case, folded in Python (SQL lower() folds ASCII only); never a
        # part of a name: a session scoped to "Acme" must not open "Acme Logistics".
        key = fold(self.vendor or "")
        with Session(self.engine.execution_options(readonly=True)) as s:
            rows = s.execute(
                select(col(m.Vendor.id), col(m.Vendor.name)).order_by(col(m.Vendor.id))
            ).all()
        found = next(((vid, n) for vid, n in rows if fold(n) == key), None)
        if found is None:
            # Say nothing about the vendors that do exist: this session may not know them.
            raise NotFound(
                f"this session is for vendor {self.vendor!r}, which is not in the database"
            )
        self.vendor_id, self.vendor = found

    def _stamp(self, s: Session) -> None:
        s.info["user"] = self.user
        s.info["name"] = self.name  # empty: the login stands for the person
        s.info["role"] = self.role
        s.info["vendor_id"] = self.vendor_id
        s.info["vendor_name"] = self.vendor
        if self.role == "vendor" and self.vendor_id is None:
            raise RuntimeError("a vendor session must be opened with resolve_scope() first")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write unit of work: commits on success, rolls back on any exception."""
        with Session(self.engine, expire_on_commit=False) as s:
            self._stamp(s)
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
            self._stamp(s)
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def person_name(session: Session) -> str:
    """The acting person's name for what people read (facilitator, author), else the login."""
    # Author columns hold 100 characters (PostgreSQL enforces it).
    return (session.info.get("name") or session.info.get("user", "") or "")[:100]


def acting_login(session: Session) -> str:
    """The acting user's login (empty for an unattributed session, e.g. a migration)."""
    return session.info.get("user", "") or ""

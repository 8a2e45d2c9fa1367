"""The portfolio's scorecards with the stdlib ``sqlite3`` module (or libpq itself on
PostgreSQL, libpq itself): no SQLAlchemy to import.

Two processes need every vendor's scorecard and little else: the TUI's start-up child
(:mod:`reviewtui.prefetch`), which computes the dashboard's rows on the second core while the
parent imports Textual, and ``reviewtui scorecard --all``. Importing SQLAlchemy, SQLModel and
the models costs each ~0.4 s. On an SQLite file, for a session that sees every vendor, they run
instead the very SQL text the data layer runs (:mod:`reviewtui.db.dashboard_sql`, rendered from
the SQLAlchemy queries and checked against them by a test) and build the results with the same
functions (:mod:`reviewtui.domain.portfolio`). On PostgreSQL (a URL from :func:`postgres_url`)
the same statements, rendered for PostgreSQL, run through libpq (:mod:`reviewtui.db.libpq`, not
psycopg, whose import alone costs ~0.5 s) in one read-only snapshot.

Whenever this path cannot give the data layer's answer it returns None, and the caller goes
the usual way: the file is missing (the data layer creates it), its schema is not the current
one (the data layer upgrades it), or SQLite reports any error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reviewtui.db.dashboard_sql import STATEMENTS, STATEMENTS_PG
from reviewtui.db.migrations import HEAD
from reviewtui.domain import portfolio as shared

if TYPE_CHECKING:
    from reviewtui.config import Settings
    from reviewtui.db.libpq import Connection as PgConnection

#: As reviewtui.db.engine.BUSY_TIMEOUT_MS (not imported: that module imports SQLAlchemy).
BUSY_TIMEOUT_S = 30.0

T = TypeVar("T")


def sqlite_file(url: str) -> Path | None:
    """The SQLite file of a path or a plain ``sqlite:///PATH`` URL (see ``normalise_url``),
    else None."""
    if "://" not in url:
        return Path(url).expanduser().resolve()
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix) :]
            if not rest or rest == ":memory:" or "?" in rest or "%" in rest:
                return None
            return Path(rest)
    return None


def postgres_url(url: str) -> str | None:
    """A PostgreSQL URL as libpq takes it (``postgresql+psycopg://`` -> ``postgresql://``), else
    None. Without SQLAlchemy: this runs before it is imported."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return None


class _Reader:
    """Runs the generated statements on one connection, in one read transaction."""

    def __init__(
        self, con: sqlite3.Connection | PgConnection, today: date, *, postgres: bool = False
    ) -> None:
        self.con = con
        self.today = today
        self.statements = STATEMENTS_PG if postgres else STATEMENTS
        self.postgres = postgres

    def run(
        self, name: str, *, last: int = 2, ids: list[int] | None = None
    ) -> list[tuple[Any, ...]]:
        sql, stored = self.statements[name]
        params: dict[str, object] = {}
        for key, value in stored.items():
            if value == "$today":
                # How SQLAlchemy binds a date: as text on SQLite, a date for psycopg.
                value = self.today if self.postgres else self.today.isoformat()
            elif value == "$offset":
                value = last - 1
            elif isinstance(value, str) and value.startswith("$id:"):
                assert ids
                # A short chunk repeats its last id: the same IN list, the same statement.
                value = ids[min(int(value[4:]), len(ids) - 1)]
            params[key] = value
        if isinstance(self.con, sqlite3.Connection):
            return self.con.execute(sql, params).fetchall()
        return self.con.execute(sql, params)  # libpq's rows are a list already


def _read_pg(url: str, today: date, work: Callable[[_Reader], T]) -> T | None:
    """``work`` in one read-only REPEATABLE READ transaction on PostgreSQL, or None.

    Through libpq itself (:mod:`reviewtui.db.libpq`), not psycopg: ``import psycopg`` alone
    costs the start-up child ~0.5 s."""
    from reviewtui.db import libpq

    try:
        with libpq.connect(
            url,
            options="-c jit=off -c default_transaction_read_only=on -c DateStyle=ISO,YMD",
            connect_timeout="10",
        ) as con:
            con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            found = con.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
            if not found or not found[0][0]:
                return None
            version = con.execute("SELECT version_num FROM alembic_version")
            if not version or version[0][0] != HEAD:
                return None
            return work(_Reader(con, today, postgres=True))
    except libpq.LibpqError:
        return None


def _read(path: Path | str, today: date, work: Callable[[_Reader], T]) -> T | None:
    """``work`` in one read transaction on ``path`` (or a PostgreSQL URL from
    :func:`postgres_url`), or None (see the module's docstring)."""
    if isinstance(path, str):
        return _read_pg(path, today, work)
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        con.execute("PRAGMA query_only=ON")
        con.execute("BEGIN")  # one snapshot for every query, as a read session
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != HEAD:
            return None
        return work(_Reader(con, today))
    except sqlite3.Error:
        return None
    finally:
        con.close()


def _scorecards(
    r: _Reader, limits: shared.Limits, history: int, exact_misses: bool
) -> list[shared.VendorScorecard]:
    """As :func:`reviewtui.db.scorecards.portfolio` without a period or a vendor list."""
    names = r.run("names")
    defs = shared.kpi_defs(r.run("kpis"))
    last = max(history, 2)
    values = shared.pivoted(r.run("values", last=last))
    results = shared.evaluate_all(
        defs,
        values,
        None,
        last,
        limits,
        exact_misses,
        lambda ids: shared.pivoted(r.run("history", ids=ids)),
    )
    return [shared.scorecard(vid, name, defs.get(vid, []), results, limits) for vid, name in names]


def portfolio(
    path: Path | str, settings: Settings, *, today: date, history: int, exact_misses: bool = True
) -> list[shared.VendorScorecard] | None:
    """What :func:`reviewtui.db.scorecards.portfolio` gives a session that sees every vendor,
    at the latest period, or None when only the data layer can tell."""
    limits = shared.Limits.of(settings)
    return _read(path, today, lambda r: _scorecards(r, limits, history, exact_misses))


def overview(
    path: Path | str, settings: Settings, *, today: date, worst: int = 3
) -> list[shared.PortfolioRow] | None:
    """What :func:`reviewtui.db.portfolio.portfolio_overview` gives a session that sees every
    vendor, or None when only the data layer can tell."""
    limits = shared.Limits.of(settings)

    def work(r: _Reader) -> list[shared.PortfolioRow]:
        base = shared.vendor_rows(
            r.run("vendors"), cadence_defaults=settings.cadence_months, today=today
        )
        # The periods portfolio_overview loads: enough to see an escalation.
        cards = _scorecards(r, limits, max(2, settings.escalate_after_misses), False)
        return shared.overview(base, {c.vendor_id: c for c in cards}, today=today, worst=worst)

    return _read(path, today, work)

"""The dashboard's first rows with the stdlib ``sqlite3`` module: no SQLAlchemy at start-up.

The TUI's start-up child (:mod:`reviewtui.prefetch`) computes the dashboard's rows on the
second core while the parent imports Textual. Importing SQLAlchemy, SQLModel and the models
costs that child ~0.4 s, most of the time it has. On an SQLite file, for a session that sees
every vendor, it runs instead the very SQL text the data layer runs
(:mod:`reviewtui.db.dashboard_sql`, rendered from the SQLAlchemy queries and checked against them
by a test) and builds the rows with the same functions (:mod:`reviewtui.domain.portfolio`).

Whenever this path cannot be sure of giving the data layer's answer it returns None, and the
caller goes the usual way: the file is missing (the data layer creates it), its schema is not
the current one (the data layer upgrades it), or SQLite reports any error.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from reviewtui.db.dashboard_sql import STATEMENTS
from reviewtui.db.migrations import HEAD
from reviewtui.domain import portfolio as shared

#: As reviewtui.db.engine.BUSY_TIMEOUT_MS (not imported: that module imports SQLAlchemy).
BUSY_TIMEOUT_S = 30.0


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


def _params(name: str, today: date, last: int) -> tuple[str, dict[str, object]]:
    sql, stored = STATEMENTS[name]
    params: dict[str, object] = {}
    for key, value in stored.items():
        if value == "$today":
            value = today.isoformat()  # how SQLAlchemy binds a date on SQLite
        elif value == "$offset":
            value = last - 1
        params[key] = value
    return sql, params


def overview(
    path: Path, settings, *, today: date, worst: int = 3
) -> list[shared.PortfolioRow] | None:
    """The rows :func:`reviewtui.db.portfolio.portfolio_overview` gives a session that sees
    every vendor, or None when only the data layer can tell (see the module's docstring)."""
    if not path.is_file():
        return None
    limits = shared.Limits.of(settings)
    # The periods portfolio_overview loads: enough to see an escalation, never fewer than two.
    last = max(2, settings.escalate_after_misses)
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

        def run(name: str) -> list[tuple]:
            sql, params = _params(name, today, last)
            return con.execute(sql, params).fetchall()

        base = shared.vendor_rows(
            run("vendors"), cadence_defaults=settings.cadence_months, today=today
        )
        names = run("names")
        defs = shared.kpi_defs(run("kpis"))
        values = shared.pivoted(run("values"))
    except sqlite3.Error:
        return None
    finally:
        con.close()
    results, longer = shared.evaluate_loaded(defs, values, None, last, limits, exact_misses=False)
    if longer:  # not with the dashboard's settings (it loads a whole escalation's periods)
        return None
    cards = {
        vid: shared.scorecard(vid, name, defs.get(vid, []), results, limits) for vid, name in names
    }
    return shared.overview(base, cards, today=today, worst=worst)

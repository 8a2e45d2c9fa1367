"""The portfolio dashboard: every vendor's score and status with its actions and reviews.

Action counts and review dates come from grouped SQL (:func:`reviewtui.db.vendors.list_vendors`);
scores come from :func:`reviewtui.db.scorecards.portfolio`, which loads only the few latest
periods of each KPI that the rules need.
"""

from __future__ import annotations

import os
from datetime import date

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from reviewtui.config import Settings
from reviewtui.db import scorecards, vendors
from reviewtui.domain import clock
from reviewtui.domain.portfolio import (
    RELOAD_CHUNK,
    PortfolioRow,
    WorstKpi,
    attention_key,
    overview,
)

__all__ = ["PortfolioRow", "WorstKpi", "attention_key", "portfolio_overview"]


def portfolio_overview(
    *,
    session: Session,
    settings: Settings | None = None,
    period: str | None = None,
    only_vendor: str | None = None,
    today: date | None = None,
    worst: int = 3,
) -> list[PortfolioRow]:
    """Every vendor (or the one a restricted session may see), attention first."""
    settings = settings or Settings()
    today = today or clock.today()
    base = vendors.list_vendors(
        session=session,
        only_vendor=only_vendor,
        cadence_defaults=settings.cadence_months,
        today=today,
    )
    cards = {
        c.vendor_id: c
        for c in scorecards.portfolio(
            session=session,
            period=period,
            settings=settings,
            vendor_ids=[v.id for v in base] if only_vendor is not None else None,
            # Enough periods to see an escalation; how long a run beyond that is the rows
            # never show (at 500 vendors the exact counts cost a second of full history).
            history=max(2, settings.escalate_after_misses),
            exact_misses=False,
        )
    }
    return overview(base, cards, today=today, worst=worst)


# --- The same SQL for the stdlib sqlite3 module (reviewtui.db.firstrows) ---

#: What the SQL text is rendered with where the values change from run to run.
_TODAY = date(1901, 2, 3)
_LAST = 987_654
_IDS = [-1 - i for i in range(RELOAD_CHUNK)]


def sqlite_statements(backend: str = "sqlite") -> dict[str, tuple[str, dict[str, object]]]:
    """The dashboard's queries as SQL text with named parameters, for a session that sees
    every vendor: name -> (sql, parameters). Parameter values ``"$today"`` and ``"$offset"``
    stand for today's date and the OFFSET that picks the first period loaded, ``"$id:N"`` for
    the Nth KPI id of a chunk of ``RELOAD_CHUNK``. ``backend``: ``sqlite`` (``:name``
    parameters, for stdlib sqlite3) or ``postgresql`` (``%(name)s``, for psycopg)."""
    dialect: Dialect
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import psycopg

        dialect = psycopg.dialect()
    else:
        from sqlalchemy.dialects import sqlite

        dialect = sqlite.dialect(paramstyle="named")
    queries = {
        "vendors": vendors.vendors_query(today=_TODAY),
        "names": scorecards.vendor_names_query(),
        "kpis": scorecards.kpi_defs_query(None),
        "values": scorecards.pivot_query(None, last=_LAST, lateral=backend == "postgresql"),
        # A chunk of KPIs' whole histories (see reviewtui.domain.portfolio.evaluate_loaded).
        "history": scorecards.pivot_query(None, kpi_ids=_IDS),
    }
    out = {}
    for name, q in queries.items():
        compiled = q.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        params: dict[str, object] = {}
        for key, value in compiled.params.items():
            if value == _TODAY:
                value = "$today"
            elif value == _LAST - 1:
                value = "$offset"
            elif value in _IDS:
                value = f"$id:{-1 - value}"
            params[key] = value
        out[name] = (compiled.string, params)
    return out


def write_sqlite_module(path: str | os.PathLike[str] | None = None) -> str:
    """Render :func:`sqlite_statements` as the source of ``reviewtui/db/dashboard_sql.py``
    (written to ``path`` when given)."""
    lines = [
        '"""The dashboard\'s queries as SQLite text: GENERATED, do not edit.',
        "",
        "Rendered from the SQLAlchemy queries by ``uv run python -m reviewtui.db.portfolio``;",
        "tests/db/test_firstrows.py fails when this file and the queries disagree.",
        '"""',
        "",
        "STATEMENTS: dict[str, tuple[str, dict[str, object]]] = {",
    ]
    for name, (sql, params) in sqlite_statements().items():
        lines.append(f"    {name!r}: (")
        lines.append(f"        {sql!r},")
        lines.append(f"        {params!r},")
        lines.append("    ),")
    lines.append("}")
    lines.append("")
    lines.append("# The same for PostgreSQL (psycopg's %(name)s parameters).")
    lines.append("STATEMENTS_PG: dict[str, tuple[str, dict[str, object]]] = {")
    for name, (sql, params) in sqlite_statements("postgresql").items():
        lines.append(f"    {name!r}: (")
        lines.append(f"        {sql!r},")
        lines.append(f"        {params!r},")
        lines.append("    ),")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return text


if __name__ == "__main__":
    from pathlib import Path

    write_sqlite_module(Path(__file__).with_name("dashboard_sql.py"))

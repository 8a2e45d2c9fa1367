"""The dashboard's first rows through stdlib sqlite3 (reviewtui.db.firstrows) equal the data
layer's, from the same SQL text, and give way to the data layer whenever they cannot."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reviewtui import config
from reviewtui.db import dashboard_sql, firstrows, open_database, scorecards
from reviewtui.db import models as m
from reviewtui.db.portfolio import portfolio_overview, write_sqlite_module

TODAY = date(2026, 11, 28)


def _expected(path: Path, settings: config.Settings) -> list:
    db = open_database(str(path), user="tester")
    try:
        with db.read() as s:
            return portfolio_overview(session=s, settings=settings, today=TODAY)
    finally:
        db.dispose()


def test_the_generated_sql_is_the_data_layers_sql() -> None:
    text = Path(dashboard_sql.__file__).read_text(encoding="utf-8")
    assert text == write_sqlite_module(), (
        "reviewtui/db/dashboard_sql.py is stale: run `uv run python -m reviewtui.db.portfolio`"
    )


def test_demo_rows_equal_the_data_layers(demo_path: Path) -> None:
    settings = config.Settings()
    rows = firstrows.overview(demo_path, settings, today=TODAY)
    assert rows is not None and len(rows) >= 4
    assert rows == _expected(demo_path, settings)


def test_rows_follow_the_settings(demo_path: Path) -> None:
    settings = config.Settings(escalate_after_misses=2, vendor_green=99.0, vendor_amber=97.0)
    settings.cadence_months["critical"] = 2
    rows = firstrows.overview(demo_path, settings, today=TODAY)
    assert rows == _expected(demo_path, settings)
    assert rows != firstrows.overview(demo_path, config.Settings(), today=TODAY)


def _edge_case_db(path: Path) -> None:
    """Vendors without KPIs or values, quarterly and lower-is-better KPIs, two sources that
    disagree, left-over values of another frequency, open and overdue actions."""
    db = open_database(str(path), user="tester")
    with db.session() as s:
        empty = m.Vendor(name="Empty Ltd", criticality="low")
        mixed = m.Vendor(name="Mixed plc", criticality="critical", contract_review=True)
        s.add_all([empty, mixed])
        s.flush()
        q = m.Kpi(vendor_id=mixed.id, name="Audit", target=90, threshold=80, frequency="quarterly")
        low = m.Kpi(vendor_id=mixed.id, name="Defects", direction="lower", target=2, weight=3)
        none = m.Kpi(vendor_id=mixed.id, name="Never reported", target=1)
        s.add_all([q, low, none])
        s.flush()
        # Three quarters missed in a row: longer than the two periods `scorecard --all` loads.
        quarters = (("2025-Q4", 95), ("2026-Q1", 75), ("2026-Q2", 85), ("2026-Q3", 70))
        for period, value in (*quarters, ("2026-10", 1)):
            s.add(m.Measurement(kpi_id=q.id, period=period, value=value))
        for i, value in enumerate((1.0, 2.5, 3.0, 4.0, 1.5)):
            s.add(m.Measurement(kpi_id=low.id, period=f"2026-{6 + i:02d}", value=value))
        s.add(m.Measurement(kpi_id=low.id, period="2026-10", value=1.0, source="independent"))
        s.add(m.Action(vendor_id=mixed.id, title="Fix", owner="Ann", due_date=date(2026, 11, 1)))
        s.add(m.Action(vendor_id=mixed.id, title="Later", owner="Bo", due_date=date(2027, 1, 1)))
        late = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)
        s.add(m.Meeting(vendor_id=mixed.id, scheduled_at=late, status="ended"))
        s.add(m.Meeting(vendor_id=mixed.id, scheduled_at=late.replace(month=11), status="planned"))
    db.dispose()


def test_edge_cases_equal_the_data_layers(tmp_path: Path) -> None:
    path = tmp_path / "edge.db"
    _edge_case_db(path)
    settings = config.Settings()
    rows = firstrows.overview(path, settings, today=TODAY)
    assert rows is not None
    assert rows == _expected(path, settings)
    assert {r.name for r in rows} == {"Empty Ltd", "Mixed plc"}
    mixed = next(r for r in rows if r.name == "Mixed plc")
    assert mixed.last_review is not None and mixed.overdue_actions == 1
    # The mark follows the rule on the scorecard (one KPI to escalate is not two), not the
    # stored mark left by an earlier run of the escalations.
    assert mixed.escalate == 1 and mixed.contract_review is False
    # The review already planned is the next one, not last review + cadence (31 Oct).
    planned = datetime(2026, 11, 30, 23, 30, tzinfo=UTC).astimezone().date()
    assert mixed.next_review_due == planned


@pytest.mark.parametrize("history", [2, 12])
def test_portfolio_scorecards_equal_the_data_layers(
    demo_path: Path, tmp_path: Path, history: int
) -> None:
    edge = tmp_path / "edge.db"
    _edge_case_db(edge)
    settings = config.Settings()
    for path in (demo_path, edge):
        cards = firstrows.portfolio(path, settings, today=TODAY, history=history)
        db = open_database(str(path), user="tester")
        with db.read() as s:
            expected = scorecards.portfolio(session=s, settings=settings, history=history)
        db.dispose()
        assert cards == expected
    audit = next(k for c in cards for k in c.kpis if k.kpi == "Audit")
    assert audit.consecutive_misses == 3  # the whole history was read for it


def test_an_old_schema_or_a_missing_file_goes_to_the_data_layer(
    demo_path: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nothing-here.db"
    assert firstrows.overview(missing, config.Settings(), today=TODAY) is None
    assert not missing.exists()  # not created: the data layer creates files, 0660 and in WAL
    con = sqlite3.connect(demo_path)
    con.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    con.commit()
    con.close()
    assert firstrows.overview(demo_path, config.Settings(), today=TODAY) is None
    not_a_db = tmp_path / "text.db"
    not_a_db.write_text("hello")
    assert firstrows.overview(not_a_db, config.Settings(), today=TODAY) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/srv/r.db", Path("/srv/r.db")),
        ("sqlite:////srv/r.db", Path("/srv/r.db")),
        ("sqlite:///rel.db", Path("rel.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:////srv/r.db?mode=ro", None),
        ("postgresql+psycopg://u@h/db", None),
    ],
)
def test_which_urls_take_the_sqlite3_path(url: str, expected: Path | None) -> None:
    assert firstrows.sqlite_file(url) == expected


def _data_layer_modules_after(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; which SQLAlchemy/SQLModel modules it loaded."""
    code += (
        "\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'sqlmodel')))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_start_up_child_imports_no_sqlalchemy(demo_path: Path) -> None:
    code = (
        "from reviewtui import config, prefetch\n"
        f"rows = prefetch.compute(config.Settings(), {str(demo_path)!r})\n"
        "assert len(rows) >= 4, rows\n"
    )
    assert _data_layer_modules_after(code) == []


def test_scorecard_all_on_sqlite_imports_no_sqlalchemy(demo_path: Path) -> None:
    code = (
        "import io, contextlib\n"
        "from reviewtui.cli.group import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['--db', {str(demo_path)!r}, 'scorecard', '--all', '--format', 'json'],"
        " standalone_mode=False)\n"
        "assert 'Keystone Precision Manufacturing' in out.getvalue()\n"
    )
    assert _data_layer_modules_after(code) == []


@pytest.mark.postgres
def test_postgresql_rows_equal_the_data_layers(pg_url: str) -> None:
    """The same statements rendered for PostgreSQL, through bare psycopg, give the data
    layer's rows and scorecards; a database at another revision gives way (None)."""
    from reviewtui.db.firstrows import postgres_url
    from reviewtui.demo import seed

    db = open_database(pg_url, user="tester")
    try:
        with db.session() as s:
            seed(s)
        settings = config.Settings()
        with db.read() as s:
            expected = portfolio_overview(session=s, settings=settings, today=TODAY)
            cards = scorecards.portfolio(session=s, settings=settings, history=2)
        url = postgres_url(pg_url)
        assert url is not None and url.startswith("postgresql://")
        rows = firstrows.overview(url, settings, today=TODAY)
        assert rows is not None and len(rows) >= 4
        assert rows == expected
        assert firstrows.portfolio(url, settings, today=TODAY, history=2) == cards
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
        assert firstrows.overview(url, settings, today=TODAY) is None
    finally:
        db.dispose()

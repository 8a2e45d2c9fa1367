"""Migrations: HEAD matches the scripts, start-up upgrades cheaply, the audit trail records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, text

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db.migrations import HEAD, alembic_config
from reviewtui.db.schema import current_revision


def test_head_constant_matches_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [HEAD]


def test_migrations_match_the_models(db) -> None:
    """Autogenerate finds nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), m.metadata)
    assert diff == []


def test_new_database_is_upgraded_to_head(db) -> None:
    assert current_revision(db.engine) == HEAD


def test_startup_on_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_database(str(path)).dispose()
    code = (
        "import sys; from reviewtui.db import open_database; "
        f"open_database({str(path)!r}).dispose(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_older_database_is_upgraded_on_open(tmp_path: Path) -> None:
    """A database left at an earlier revision (here: none, tables absent) is brought to head."""
    import sqlite3

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    con.commit()
    con.close()
    db = open_database(str(path))
    assert current_revision(db.engine) == HEAD
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM vendor")).scalar() == 0
    db.dispose()


def test_every_write_is_in_the_audit_trail_with_the_user(db) -> None:
    with db.session() as s:
        v = m.Vendor(name="Acme")
        s.add(v)
        s.flush()
        s.add(m.Kpi(vendor_id=v.id, name="OTIF", target=97))
    with db.session() as s:
        k = s.scalar(select(m.Kpi))
        k.target = 98
    with db.session() as s:
        s.delete(s.scalar(select(m.Kpi)))
    with db.read() as s:
        rows = s.scalars(select(m.ChangeLog).order_by(m.ChangeLog.id)).all()
    ops = [(r.op, r.entity, r.user) for r in rows]
    assert ops == [
        ("insert", "vendor", "tester"),
        ("insert", "kpi", "tester"),
        ("update", "kpi", "tester"),
        ("delete", "kpi", "tester"),
    ]
    update = rows[2]
    assert json.loads(update.before) == {"target": 97.0}
    assert json.loads(update.after) == {"target": 98.0}
    assert all(r.vendor_id == rows[0].entity_id for r in rows)

"""The engine factory: SQLite pragmas, and no lost updates between two real processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from reviewtui.db import open_database
from reviewtui.db.engine import make_engine, normalise_url

WORKER = textwrap.dedent(
    """
    import sys
    from reviewtui.db import open_database
    from reviewtui.db import models as m
    db = open_database(sys.argv[1], user=sys.argv[3])
    for _ in range(int(sys.argv[2])):
        with db.session() as s:
            v = s.get(m.Vendor, 1, with_for_update=True)
            v.version = v.version + 1   # read, then write back
    db.dispose()
    """
)


def test_sqlite_file_has_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "a.db"))
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    db.dispose()
    # Private to owner and group: no world access.
    assert (tmp_path / "a.db").stat().st_mode & 0o007 == 0


def test_write_sessions_take_the_write_lock_at_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer cannot even start while the first one is open."""
    import sqlite3

    db = open_database(str(tmp_path / "a.db"))
    with db.session() as s:
        s.execute(text("SELECT 1"))  # the write lock is held from here on
        other = sqlite3.connect(tmp_path / "a.db", timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    db.dispose()


def test_normalise_url() -> None:
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("/tmp/x.db") == "sqlite:////tmp/x.db"
    assert normalise_url("sqlite:///rel.db") == "sqlite:///rel.db"


def _run_two_writers(url: str, n: int) -> None:
    from reviewtui.db import models as m

    db = open_database(url, user="setup")
    with db.session() as s:
        s.add(m.Vendor(name="Counter", version=0))
    db.dispose()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(n), f"w{i}"], stderr=subprocess.PIPE
        )
        for i in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    db = open_database(url)
    with db.read() as s:
        assert s.get(m.Vendor, 1).version == 2 * n
    db.dispose()


def test_two_processes_lose_no_update_on_sqlite(tmp_path: Path) -> None:
    _run_two_writers(normalise_url(str(tmp_path / "race.db")), 1000)


@pytest.mark.postgres
def test_two_processes_lose_no_update_on_postgres(pg_url: str) -> None:
    _run_two_writers(pg_url, 1000)


def test_plain_pysqlite_does_lose_updates(tmp_path: Path) -> None:
    """The control: SQLAlchemy's default pysqlite setup loses updates in the same race.

    Shows the test above can fail: without our engine settings the total comes out short.
    """
    script = textwrap.dedent(
        """
        import sys
        from sqlalchemy import create_engine, text
        e = create_engine(sys.argv[1], connect_args={"timeout": 30})
        for _ in range(int(sys.argv[2])):
            with e.begin() as c:
                v = c.execute(text("SELECT n FROM counter")).scalar()
                c.execute(text("UPDATE counter SET n = :n"), {"n": v + 1})
        """
    )
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    e = make_engine(url)  # only to create the file in WAL mode
    e.dispose()
    import sqlite3

    con = sqlite3.connect(tmp_path / "plain.db")
    con.execute("CREATE TABLE counter (n INTEGER)")
    con.execute("INSERT INTO counter VALUES (0)")
    con.commit()
    con.close()
    procs = [
        subprocess.Popen([sys.executable, "-c", script, url, "1000"], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        p.communicate(timeout=600)
    con = sqlite3.connect(tmp_path / "plain.db")
    total = con.execute("SELECT n FROM counter").fetchone()[0]
    con.close()
    # Either updates were lost or a process died of "database is locked": never 2000 clean.
    assert total < 2000 or any(p.returncode != 0 for p in procs)

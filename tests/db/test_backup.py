"""Backups taken while another process writes, and restores that check before they replace."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db.backup import check_file, restore_sqlite
from reviewtui.db.errors import UserError
from tests.test_cli import rt

# Each transaction adds one vendor with three KPIs: a committed state always has 3 KPIs per
# "W" vendor, and (through the audit trail) 4 changelog rows per vendor.
WRITER = textwrap.dedent(
    """
    import sys, pathlib
    from reviewtui.db import open_database
    from reviewtui.db import models as m
    db = open_database(sys.argv[1], user="writer")
    stop = pathlib.Path(sys.argv[2])
    i = 0
    while not stop.exists():
        with db.session() as s:
            v = m.Vendor(name=f"W{i:06d}", notes="x" * 500)
            s.add(v)
            s.flush()
            for k in range(3):
                s.add(m.Kpi(vendor_id=v.id, name=f"K{k}", target=90.0))
        i += 1
    db.dispose()
    print(i)
    """
)


def _fill(path: Path, n: int) -> None:
    """A database of some size, so that a backup takes a while."""
    db = open_database(str(path), user="setup")
    with db.session() as s:
        s.info["no_changelog"] = True
        for i in range(n):
            s.add(m.Vendor(name=f"Bulk {i:05d}", notes="n" * 3000))
    db.dispose()


def _writer_count(path: Path) -> int:
    con = sqlite3.connect(path, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM vendor WHERE name LIKE 'W%'").fetchone()[0]
    finally:
        con.close()


def _consistent_state(path: Path) -> int:
    """Check a backup file; returns how many writer transactions it holds."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        w = con.execute("SELECT count(*) FROM vendor WHERE name LIKE 'W%'").fetchone()[0]
        kpis = con.execute(
            "SELECT count(*) FROM kpi JOIN vendor ON vendor.id = kpi.vendor_id "
            "WHERE vendor.name LIKE 'W%'"
        ).fetchone()[0]
        uneven = con.execute(
            "SELECT count(*) FROM (SELECT vendor_id FROM kpi GROUP BY vendor_id "
            "HAVING count(*) != 3)"
        ).fetchone()[0]
        logged = con.execute("SELECT count(*) FROM changelog WHERE user = 'writer'").fetchone()[0]
        bulk = con.execute("SELECT count(*) FROM vendor WHERE name LIKE 'Bulk%'").fetchone()[0]
    finally:
        con.close()
    assert (kpis, uneven, logged, bulk) == (3 * w, 0, 4 * w, 3000)
    names = [f"W{i:06d}" for i in range(w)]  # a prefix of the writer's sequence, no gaps
    con = sqlite3.connect(path)
    try:
        got = [
            r[0] for r in con.execute("SELECT name FROM vendor WHERE name LIKE 'W%' ORDER BY name")
        ]
    finally:
        con.close()
    assert got == names
    return w


def test_backup_while_another_process_writes_is_complete_and_consistent(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    _fill(live, 3000)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(live), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _writer_count(live) < 20:
            assert writer.poll() is None, writer.communicate()[1]
            assert time.monotonic() < deadline, "the writer did not get going"
            time.sleep(0.1)
        grew = False
        for n in range(4):
            before = _writer_count(live)
            dest = tmp_path / f"backup-{n}.db"
            out = rt("--db", str(live), "backup", str(dest))
            after = _writer_count(live)
            assert out.returncode == 0, out.stderr
            assert f"backed up {live} to {dest}" in out.stdout
            held = _consistent_state(dest)
            # Complete: everything committed before the backup began is in it.
            assert before <= held <= after
            grew = grew or after > before
            assert dest.stat().st_mode & 0o077 == 0o040  # owner rw, group r, no world
        assert grew, "the writer never wrote while a backup ran"
    finally:
        stop.touch()
        _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err


def test_backup_into_a_folder_names_the_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    _fill(live, 3)
    folder = tmp_path / "backups"
    folder.mkdir()
    out = rt("--db", str(live), "backup", str(folder))
    assert out.returncode == 0, out.stderr
    (made,) = folder.iterdir()
    assert made.name == "reviewtui-20261128T090000Z.db"  # the frozen clock
    again = rt("--db", str(live), "backup", str(made))
    assert again.returncode == 1 and "exists already (use --force" in again.stderr
    assert rt("--db", str(live), "backup", str(made), "--force").returncode == 0
    assert [p.name for p in folder.iterdir()] == [made.name]  # no partial file left behind


def _digest(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT id, name, notes FROM vendor ORDER BY id").fetchall()
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def live_and_backup(tmp_path: Path) -> tuple[Path, Path]:
    live = tmp_path / "live.db"
    _fill(live, 5)
    backup = tmp_path / "backup.db"
    assert rt("--db", str(live), "backup", str(backup)).returncode == 0
    db = open_database(str(live), user="later")
    with db.session() as s:
        s.add(m.Vendor(name="Added after the backup"))
    db.dispose()
    return live, backup


def _bad_files(tmp_path: Path, good: Path) -> dict[str, tuple[Path, str]]:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n" * 10)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    future = tmp_path / "future.db"
    future.write_bytes(good.read_bytes())
    con = sqlite3.connect(future)
    con.execute("UPDATE alembic_version SET version_num = '0999_from_the_future'")
    con.commit()
    con.close()
    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    page = 4096
    for off in range(2 * page, len(data) - page, page):  # scribble over every page but two
        data[off + 10 : off + 60] = b"\xff" * 50
    damaged.write_bytes(bytes(data))
    return {
        "missing": (tmp_path / "nope.db", "no such file"),
        "text": (text_file, "not a SQLite database"),
        "other": (other, "not a reviewtui database (no table alembic_version)"),
        "future": (future, "revision 0999_from_the_future, which this reviewtui does not know"),
        "damaged": (damaged, "damaged"),
    }


def test_restore_checks_the_file_before_touching_anything(tmp_path: Path, live_and_backup) -> None:
    live, backup = live_and_backup
    before = _digest(live)
    for name, (bad, message) in _bad_files(tmp_path, backup).items():
        with pytest.raises(UserError, match=re.escape(message)):
            restore_sqlite(bad, live)
        out = rt("--db", str(live), "restore", str(bad), "--yes")
        assert out.returncode == 1, name
        assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1, name
        assert _digest(live) == before, name
    assert not list(tmp_path.glob("live.db.before-restore-*"))


def test_restore_keeps_the_replaced_content_aside_and_open_sessions_see_the_backup(
    tmp_path: Path, live_and_backup
) -> None:
    live, backup = live_and_backup
    replaced = _digest(live)
    open_elsewhere = open_database(str(live), user="someone")  # a session left open meanwhile
    with open_elsewhere.read() as s:
        assert s.scalar(text("SELECT count(*) FROM vendor")) == 6
    refused = subprocess.run(
        [sys.executable, "-m", "reviewtui", "--db", str(live), "restore", str(backup)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode == 1 and "add --yes to confirm" in refused.stderr
    out = rt("--db", str(live), "restore", str(backup), "--yes")
    assert out.returncode == 0, out.stderr
    (kept,) = tmp_path.glob("live.db.before-restore-*")
    assert f"the previous content is in {kept}" in out.stdout
    assert _digest(kept) == replaced and check_file(kept).vendors == 6
    assert _digest(live) == _digest(backup)
    with open_elsewhere.read() as s:
        assert s.scalar(text("SELECT count(*) FROM vendor")) == 5
        assert s.scalar(text("PRAGMA journal_mode")) == "wal"
    with open_elsewhere.session() as s:  # and can write on
        s.add(m.Vendor(name="After the restore"))
    open_elsewhere.dispose()
    assert live.stat().st_mode & 0o777 == 0o660


@pytest.mark.postgres
def test_postgres_gets_pg_dump_guidance_without_the_password(pg_url: str) -> None:
    url = pg_url.replace("postgres@", "postgres:s3cret@")
    out = rt("--db", url, "backup", "/tmp/never.db")
    assert out.returncode == 1
    assert "pg_dump --format=custom" in out.stderr and "postgresql://postgres@" in out.stderr
    assert "s3cret" not in out.stderr
    out = rt("--db", url, "restore", "/tmp/never.db", "--yes")
    assert out.returncode == 1 and "pg_restore --clean" in out.stderr
    assert not Path("/tmp/never.db").exists()

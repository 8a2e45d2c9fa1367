"""One rule for vendor names (Unicode case folding, exact or a unique part) on SQLite and
PostgreSQL; databases that are not there, cannot be written, or are newer than the program."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from reviewtui.db import open_database
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import NotFound, UserError
from tests.test_cli import rt

NAMES = ["Österreich Logistik", "Straße Facility Services", "İstanbul Call Center", "Acme"]
# What people type for each, and the stored name it must find.
TYPED = [
    ("österreich logistik", "Österreich Logistik"),
    ("ÖSTERREICH LOGISTIK", "Österreich Logistik"),
    ("österreich", "Österreich Logistik"),  # a unique part
    ("STRASSE FACILITY SERVICES", "Straße Facility Services"),  # ß folds to ss
    ("strasse", "Straße Facility Services"),
    ("istanbul call center", "İstanbul Call Center"),
    ("İSTANBUL", "İstanbul Call Center"),
    ("acme", "Acme"),
]


@pytest.fixture
def named(db_url: str):
    db = open_database(db_url, user="tester")
    with db.session() as s:
        for n in NAMES:
            vendor_q.create(n, session=s)
    yield db_url, db
    db.dispose()


def test_every_lookup_folds_case_in_python(named) -> None:
    url, db = named
    with db.read() as s:
        for typed, stored in TYPED:
            vid = vendor_q.match_id(typed, session=s)
            assert vendor_q.get_by_name(typed, session=s).name == stored, typed
            assert [n for _, n in vendor_q.names(session=s) if _ == vid] == [stored]
        # Exact-name filters (a vendor session's scope) take any case, never a part.
        assert [n for _, n in vendor_q.names(session=s, only_vendor="ÖSTERREICH LOGISTIK")] == [
            "Österreich Logistik"
        ]
        assert vendor_q.names(session=s, only_vendor="österreich") == []
        rows = vendor_q.list_vendors(session=s, only_vendor="straße facility services")
        assert [r.name for r in rows] == ["Straße Facility Services"]
        with pytest.raises(NotFound, match="no vendor named 'Nobody'"):
            vendor_q.match_id("Nobody", session=s)
        with pytest.raises(UserError, match="matches"):
            vendor_q.match_id("c", session=s)  # in several names: say which
    with db.session() as s, pytest.raises(UserError, match="exists already"):
        vendor_q.create("ÖSTERREICH logistik", session=s)


def test_a_vendor_session_is_scoped_by_the_exact_name_in_any_case(named) -> None:
    url, _ = named
    scoped = open_database(url, user="raj", role="vendor", vendor="İSTANBUL CALL CENTER")
    try:
        assert scoped.vendor == "İstanbul Call Center"  # headings show the stored name
        with scoped.read() as s:
            assert [n for _, n in vendor_q.names(session=s)] == ["İstanbul Call Center"]
            with pytest.raises(NotFound):
                vendor_q.match_id("Acme", session=s)  # another vendor is not found, nor named
    finally:
        scoped.dispose()
    with pytest.raises(NotFound, match="which is not in the database"):
        open_database(url, user="raj", role="vendor", vendor="İstanbul")  # a part is not enough


def test_commands_take_the_same_names(named) -> None:
    url, _ = named
    names = TYPED[:3] + TYPED[4:6]
    for typed, stored in names:
        card = rt("--db", url, "scorecard", typed, "--format", "json")
        assert card.returncode == 0, (typed, card.stderr)
        assert json.loads(card.stdout)["vendor"] == stored
    # The other commands resolve names through the same lookup: each takes another typed form
    # (one process a command, not one a command and a name: each costs 0.6 s of CPU).
    for command, (typed, _) in zip(("audit", "actions", "meetings"), names[2:], strict=True):
        assert rt("--db", url, command, "--vendor", typed).returncode == 0, (command, typed)
    session = rt("--db", url, "--role", "vendor", "--vendor", "österreich logistik", "vendors",
                 "--format", "json")  # fmt: skip
    assert session.returncode == 0, session.stderr
    assert [v["name"] for v in json.loads(session.stdout)] == ["Österreich Logistik"]
    part = rt("--db", url, "--role", "vendor", "--vendor", "österreich", "vendors")
    assert part.returncode == 1 and "Acme" not in part.stderr


def test_an_explicit_database_that_is_not_there_is_refused(tmp_path: Path) -> None:
    typo = tmp_path / "nonexist_dir" / "x.db"
    for args, env in (
        (["actions", "--overdue", "--fail-if-any"], {"REVIEWTUI_DB": str(typo)}),
        (["--db", str(typo), "vendors"], {}),
        (["--db", str(typo), "scorecard", "--all"], {}),
        (["--db", str(typo), "db", "current"], {}),
        (["--db", f"sqlite:///{typo}", "audit"], {}),
    ):
        out = rt(*args, env=env)
        assert out.returncode == 1, (args, out.stdout)
        assert out.stderr == (
            f"reviewtui: no database at {typo} (named by --db or REVIEWTUI_DB): check the path, "
            "or create one with `reviewtui --db PATH db upgrade`\n"
        )
        assert not typo.parent.exists()  # nothing created
    # The app asks first; with nobody to ask (no terminal), it refuses like a command.
    tui = rt("--db", str(typo))
    assert tui.returncode == 1 and "no database at" in tui.stderr
    assert not typo.parent.exists()
    # The commands that make a database still do.
    assert rt("--db", str(typo), "db", "upgrade").returncode == 0
    assert typo.exists()
    other = tmp_path / "d" / "demo.db"
    assert rt("--db", str(other), "demo", "--seed-only").returncode == 0 and other.exists()
    # The default database in the data directory is made on first use.
    assert rt("vendors").returncode == 0


def test_a_read_only_and_a_newer_database_get_one_line(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    assert rt("--db", str(db), "demo", "--seed-only").returncode == 0
    newer = tmp_path / "newer.db"
    src, con = sqlite3.connect(db), sqlite3.connect(newer)
    src.backup(con)  # the WAL's content too
    src.close()
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    con.close()
    out = rt("--db", str(newer), "vendors")
    assert out.returncode == 1
    assert out.stderr == (
        "reviewtui: the database is at revision 0099_from_the_future, which this reviewtui "
        "does not know; upgrade reviewtui\n"
    )
    # Read-only: file modes do not stop root, so the file is made immutable there instead.
    db.chmod(0o444)
    add = ["actions", "add", "--vendor", "Harbor", "--title", "x", "--due", "+3d"]
    immutable = False
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(db)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"running as root and chattr +i failed: {made.stderr!r}")
        immutable = True
    try:
        out = rt("--db", str(db), *add)
        listed = rt("--db", str(db), "vendors")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db)], check=True)
        db.chmod(0o644)
    assert out.returncode == 1, out.stderr
    assert out.stderr == (
        f"reviewtui: the database {db} is read-only (file or folder permissions): "
        "nothing was changed\n"
    )
    assert listed.returncode == 0 and "Harbor Facilities" in listed.stdout  # reading still works

"""``reviewtui db copy --to URL``: moving a database (SQLite -> PostgreSQL) with the real command."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import rt

KEYSTONE = "Keystone Precision Manufacturing"
VIEWS = (
    ["vendors", "--format", "json"],
    ["scorecard", "--all", "--format", "json"],
    ["actions", "--format", "json"],
    ["audit", "--format", "json"],
)


def _digest(path: Path) -> dict[str, str]:
    """The bytes of the database and its WAL, to prove the source was not written."""
    out = {}
    for suffix in ("", "-wal"):
        f = Path(str(path) + suffix)
        if f.exists():
            out[suffix] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def _demo_with_trail(tmp_path: Path) -> Path:
    """The demo database plus a few changes made through the CLI, so the trail has entries."""
    src = tmp_path / "demo.db"
    assert rt("--db", str(src), "demo", "--seed-only").returncode == 0
    add = rt(
        "--db", str(src), "actions", "add", "--vendor", KEYSTONE,
        "--title", "Ship the 8D report — 報告書 / דו\"ח", "--due", "2026-12-15",
        "--format", "json",
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    action_id = json.loads(add.stdout)["id"]
    upd = rt(
        "--db", str(src), "actions", "update", str(action_id), "--status", "in_progress",
        "--note", "started, Ура 🎉",
    )  # fmt: skip
    assert upd.returncode == 0, upd.stderr
    return src


def _signed_meetings(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT DISTINCT meeting_id FROM minutesrevision WHERE status = 'signed_off'"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _views(db: str) -> list[str]:
    outs = []
    for args in VIEWS:
        out = rt("--db", db, *args)
        assert out.returncode == 0, (args, out.stderr)
        outs.append(out.stdout)
    return outs


@pytest.mark.postgres
def test_copy_demo_to_postgresql(tmp_path: Path, pg_url: str) -> None:
    src = _demo_with_trail(tmp_path)
    lite = _views(str(src))
    assert len(json.loads(lite[3])) >= 3  # the trail has the CLI's changes
    # (Taken after the views: the last connection of a reader checkpoints the WAL.)
    before = _digest(src)

    out = rt("--db", str(src), "db", "copy", "--to", pg_url)
    assert out.returncode == 0, out.stderr
    assert "copied" in out.stdout and "0004" not in out.stderr  # no traceback, one summary
    assert "changelog" in out.stderr and "measurement" in out.stderr  # progress per table
    assert _digest(src) == before, "the source was written"

    # The same four views, byte for byte: the copy added no audit entry of its own.
    pg = _views(pg_url)
    for args, a, b in zip(VIEWS, lite, pg, strict=True):
        assert json.loads(a) == json.loads(b), args
        assert a == b, args

    signed = _signed_meetings(src)
    assert signed, "the demo has signed-off minutes"
    for mid in signed:
        ver = rt("--db", pg_url, "verify", "--meeting", str(mid))
        assert ver.returncode == 0, ver.stdout + ver.stderr
        assert ver.stdout.startswith("verified")

    # Sequences continue after the copied ids: a new action gets the next id.
    highest = max(a["id"] for a in json.loads(pg[2]))
    add = rt(
        "--db", pg_url, "actions", "add", "--vendor", KEYSTONE, "--title", "after the move",
        "--due", "2026-12-20", "--format", "json",
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    assert json.loads(add.stdout)["id"] > highest

    # And back out of PostgreSQL into a new SQLite file (a read-only snapshot of the server).
    back = tmp_path / "back.db"
    out = rt("--db", pg_url, "db", "copy", "--to", str(back))
    assert out.returncode == 0, out.stderr
    assert _views(str(back)) == _views(pg_url)

    # A target with reviewtui data is refused, with one line, and left as it was.
    trail = rt("--db", pg_url, "audit", "--format", "json").stdout
    again = rt("--db", str(src), "db", "copy", "--to", pg_url)
    assert again.returncode == 1
    err = [ln for ln in again.stderr.splitlines() if ln.startswith("reviewtui:")]
    assert len(err) == 1 and "already holds reviewtui data" in err[0], again.stderr
    assert "Traceback" not in again.stderr
    assert rt("--db", pg_url, "audit", "--format", "json").stdout == trail


def test_copy_sqlite_to_sqlite_and_refusals(tmp_path: Path) -> None:
    src = _demo_with_trail(tmp_path)
    lite = _views(str(src))
    before = _digest(src)
    dest = tmp_path / "copy.db"
    out = rt("--db", str(src), "db", "copy", "--to", str(dest))
    assert out.returncode == 0, out.stderr
    assert _digest(src) == before
    assert lite == _views(str(dest))
    for mid in _signed_meetings(src):
        assert rt("--db", str(dest), "verify", "--meeting", str(mid)).returncode == 0

    # Into itself, into a database with data, from something that is not a reviewtui database.
    for source, target, words in (
        (src, src, "is the source database itself"),
        (src, dest, "already holds reviewtui data"),
        (tmp_path / "missing.db", tmp_path / "new.db", "no database at"),
    ):
        bad = rt("--db", str(source), "db", "copy", "--to", str(target))
        assert bad.returncode == 1, bad.stdout
        assert bad.stderr.strip().splitlines()[-1].startswith("reviewtui: ")
        assert words in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "new.db").exists()

    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    bad = rt("--db", str(foreign), "db", "copy", "--to", str(tmp_path / "new.db"))
    assert bad.returncode == 1 and "not a reviewtui database" in bad.stderr
    assert not (tmp_path / "new.db").exists()


def test_restricted_sessions_may_not_copy(tmp_path: Path) -> None:
    src = _demo_with_trail(tmp_path)
    out = rt("--db", str(src), "--role", "viewer", "db", "copy", "--to", str(tmp_path / "x.db"))
    assert out.returncode == 1 and "not open to this session" in out.stderr
    assert not (tmp_path / "x.db").exists()

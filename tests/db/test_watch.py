"""ChangeWatch: other sessions' commits reach a watcher by NOTIFY (PostgreSQL) or data_version."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import select

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db.watch import CHANNEL, ChangeWatch

WHEN = datetime.fromisoformat("2026-11-28T10:00:00+00:00")


def _meeting(db) -> tuple[int, int]:
    with db.session() as s:
        v = m.Vendor(name="Acme")
        s.add(v)
        s.flush()
        mid = mq.create_meeting(v.id, WHEN, session=s)
    with db.read() as s:
        return mid, mq.get_meeting(mid, session=s).items[0].id


def _wait(event: threading.Event, seconds: float = 10.0) -> bool:
    return event.wait(seconds)


def test_started_watch_calls_back_on_another_sessions_commit(db) -> None:
    mid, item = _meeting(db)
    watch = ChangeWatch(db, mid)
    watch.changed()
    calls = threading.Event()
    watch.start(calls.set)
    other = open_database(db.url, user="bob")
    try:
        time.sleep(0.3)  # the listener is up (PostgreSQL), the first data_version read done
        assert not calls.is_set(), "a call back without any change"
        with other.session() as s:
            mq.save_notes(item, "from bob", 0, session=s)
        assert _wait(calls), "no call back within 10 s of bob's commit"
        assert watch.changed()  # and the version did move
        with other.read() as s:
            assert mq.get_meeting(mid, session=s).item(item).notes == "from bob"
    finally:
        watch.close()
        other.dispose()
    assert watch.mechanism == ("data_version" if db.is_sqlite else "notify")


def test_a_commit_before_the_watch_starts_is_told(db) -> None:
    """The meeting screen starts its watch once the meeting is painted, a moment after it read
    the meeting: a commit in that moment must still be told (PostgreSQL sent its NOTIFY before
    anyone listened; SQLite's data_version moved before the first look)."""
    mid, item = _meeting(db)
    with db.read() as s:
        shown = mq.get_meeting(mid, session=s).version
    watch = ChangeWatch(db, mid)
    watch.seen(shown)
    other = open_database(db.url, user="bob")
    try:
        with other.session() as s:
            mq.save_notes(item, "from bob, before the watch listened", 0, session=s)
        calls = threading.Event()
        watch.start(calls.set)
        assert _wait(calls), "a commit made before the watch started was never told"
    finally:
        watch.close()
        other.dispose()


def test_a_watch_closed_before_it_started_never_starts(db) -> None:
    """The screen may close (Esc at once) before its deferred start runs."""
    mid, _ = _meeting(db)
    watch = ChangeWatch(db, mid)
    watch.close()
    watch.start(lambda: None)
    assert watch._thread is None


@pytest.mark.postgres
def test_postgresql_watch_is_woken_by_the_notification_itself(pg_url: str) -> None:
    """No polling: a bare NOTIFY (no data changed) wakes the watch; no NOTIFY, no call."""
    db = open_database(pg_url, user="tester")
    try:
        mid, _item = _meeting(db)
        watch = ChangeWatch(db, mid)
        watch.changed()
        calls = threading.Event()
        watch.start(calls.set)
        time.sleep(0.5)
        # A change of ANOTHER meeting's version is not ours.
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"NOTIFY {CHANNEL}, '{mid + 1000} 99'")
        assert not _wait(calls, 1.5)
        with db.engine.begin() as conn:
            version = conn.scalar(select(m.Meeting.version).where(m.Meeting.id == mid))
            conn.exec_driver_sql(f"NOTIFY {CHANNEL}, '{mid} {version + 1}'")
        assert _wait(calls), "the watch did not hear the notification"
        watch.close()
    finally:
        db.dispose()


@pytest.mark.postgres
def test_the_trigger_notifies_on_commit_only(pg_url: str) -> None:
    import psycopg

    from reviewtui.db.watch import libpq_url

    db = open_database(pg_url, user="tester")
    try:
        mid, item = _meeting(db)
        with psycopg.connect(libpq_url(db.url), autocommit=True) as listener:
            listener.execute(f"LISTEN {CHANNEL}")
            with db.session() as s:
                mq.save_notes(item, "x", 0, session=s)
                s.flush()
                assert list(listener.notifies(timeout=0.3)) == []  # not before the commit
            got = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
        with db.read() as s:
            version = mq.get_meeting(mid, session=s).version
        assert got == [f"{mid} {version}"]
    finally:
        db.dispose()

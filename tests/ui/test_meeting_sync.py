"""Two sessions on one meeting over PostgreSQL see each other's notes through LISTEN/NOTIFY.

Alice runs the real app on the meeting screen and types; Bob is a second session with the
same watch code the screen uses (ChangeWatch) and the same save (meetings.save_notes). Nothing
polls on PostgreSQL any more: without the notification, neither would see the other.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import select

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db.watch import ChangeWatch
from tests.ui.conftest import make_app, settle

KEYSTONE = "Keystone Precision Manufacturing"


async def _until(pilot, ready, seconds: float = 15.0) -> float:
    """Wait (generously: the machine is shared) until ``ready()``; returns the seconds taken."""
    t0 = time.monotonic()
    while not ready():
        if time.monotonic() - t0 > seconds:
            raise AssertionError(f"not within {seconds} s")
        await pilot.pause(0.02)
    return time.monotonic() - t0


@pytest.mark.postgres
async def test_two_sessions_see_each_others_notes_through_notification(pg_url: str) -> None:
    from reviewtui.demo import seed

    bob = open_database(pg_url, user="bob")
    watch: ChangeWatch | None = None
    try:
        with bob.session() as s:
            seed(s)
        with bob.session() as s:
            vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
            mid = mq.create_meeting(
                vid, datetime.fromisoformat("2026-11-28T10:00:00+00:00"), session=s
            )
        with bob.read() as s:
            first = mq.get_meeting(mid, session=s).items[0].id

        heard = threading.Event()
        watch = ChangeWatch(bob, mid)
        watch.changed()
        watch.start(heard.set)

        app = make_app(pg_url)  # type: ignore[arg-type]
        app.start_meeting_id = mid
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert screen.change_watch is not None
            assert screen.change_watch.mechanism == "notify"

            # Alice types (a meeting opens in the notes); Bob's watch is told, and reads her words.
            assert screen.focused is screen.editor
            for ch in "Alice: ok":
                await pilot.press("space" if ch == " " else ch)
                await asyncio.sleep(0.08)  # a person's pace
            await asyncio.to_thread(heard.wait, 15)
            assert heard.is_set(), "Bob's watch was not notified of Alice's save"

            def bob_reads() -> str:
                with bob.read() as s:
                    return mq.get_meeting(mid, session=s).item(first).notes

            t0 = time.monotonic()
            while bob_reads() != "Alice: ok" and time.monotonic() - t0 < 15:
                heard.clear()
                await asyncio.to_thread(heard.wait, 2)
            assert bob_reads() == "Alice: ok"

            # Bob writes on top of Alice's version; it is on Alice's screen by notification.
            await pilot.press("escape")
            await settle(pilot)
            with bob.read() as s:
                version = mq.get_meeting(mid, session=s).item(first).notes_version
            with bob.session() as s:
                mq.save_notes(first, "Alice: ok\nBob: agreed", version, session=s)
            await _until(pilot, lambda: screen.editor.text == "Alice: ok\nBob: agreed")
    finally:
        if watch is not None:
            watch.close()
        bob.dispose()

"""Learning that a meeting changed in another session, within a fraction of a second.

Every change to a meeting or its rows bumps ``meeting.version`` (:mod:`reviewtui.db.meetings`).
How a session hears of it depends on the backend:

- PostgreSQL: a trigger (migration ``0004_i16_meeting_notify``) sends ``NOTIFY reviewtui_meeting,
  '<meeting id> <version>'`` whenever a meeting's version moves; the server delivers it when
  the writing transaction commits. The watch keeps one connection outside the pool that
  ``LISTEN``s and blocks in the kernel until a notification arrives: no polling, no work
  while nothing happens. The connection is re-opened after a drop (with a version check, since
  notifications sent meanwhile are lost).
- SQLite has no notifications. ``PRAGMA data_version`` on a dedicated connection changes when
  another connection commits; reading it costs microseconds, so it is checked every
  ``SQLITE_CHECK_S`` and only a change leads to reading the meeting's version.

Either way the watch calls ``on_change`` (from its own thread) when the meeting's version moved
since the last one seen; the screen then reloads the meeting in a worker.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from reviewtui.db.engine import Database

#: The PostgreSQL channel the meeting trigger notifies on (payload "<meeting id> <version>").
CHANNEL = "reviewtui_meeting"
#: SQLite: how often ``PRAGMA data_version`` is read (the sync delay is at most this, plus load).
SQLITE_CHECK_S = 0.05
#: PostgreSQL: how long one wait for notifications lasts before the stop flag is looked at.
PG_WAIT_S = 1.0
#: PostgreSQL: the pause before re-opening a dropped LISTEN connection.
PG_RETRY_S = 2.0


def libpq_url(url: str) -> str:
    """A ``postgresql+psycopg://`` URL as libpq takes it (for psycopg.connect)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeWatch:
    """Watches one meeting for changes committed by other sessions (see the module doc).

    ``changed()`` says whether the version moved since the last look (and remembers it);
    ``seen(version)`` notes a version already shown. The thread only calls back; the screen's
    reload asks ``changed()``. ``start(on_change)`` begins watching in a
    background thread; ``close()`` stops it.
    """

    def __init__(self, db: Database, meeting_id: int) -> None:
        from reviewtui.db.engine import BUSY_TIMEOUT_MS, sqlite_path

        self.meeting_id = meeting_id
        self._db = db
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._version: int | None = None
        self._data_version: int | None = None
        self._con: sqlite3.Connection | None = None
        path = sqlite_path(db.url)
        if path is not None:
            self._con = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
            )

    @property
    def mechanism(self) -> str:
        """``notify`` (PostgreSQL LISTEN/NOTIFY) or ``data_version`` (SQLite)."""
        return "data_version" if self._con is not None or self._db.is_sqlite else "notify"

    def _read_version(self) -> int | None:
        if self._con is not None:
            row = self._con.execute(
                "SELECT version FROM meeting WHERE id = ?", (self.meeting_id,)
            ).fetchone()
            return row[0] if row else None
        with self._db.engine.connect() as conn:
            return conn.execute(
                text("SELECT version FROM meeting WHERE id = :id"), {"id": self.meeting_id}
            ).scalar()

    def changed(self) -> bool:
        """Whether the meeting's version moved since the last look or ``seen`` (one row read)."""
        with self._lock:
            version = self._read_version()
            if version == self._version:
                return False
            self._version = version
            return True

    def _newer(self, version: int) -> bool:
        with self._lock:
            return self._version is None or version > self._version

    def seen(self, version: int) -> None:
        """Note a version already shown (after loading it), so it does not count as a change."""
        with self._lock:
            if self._version is None or version > self._version:
                self._version = version

    # -- the watching thread -------------------------------------------------------------------

    def start(self, on_change: Callable[[], None]) -> None:
        """Call ``on_change()`` from a background thread whenever the meeting may have changed."""
        if self._thread is not None or self._stop.is_set():  # started, or closed already
            return
        target = self._watch_sqlite if self._con is not None else self._watch_postgres
        self._thread = threading.Thread(
            target=target, args=(on_change,), name=f"watch-meeting-{self.meeting_id}", daemon=True
        )
        self._thread.start()

    def _sqlite_moved(self) -> bool:
        """data_version moved and the meeting's version is newer than the one seen."""
        with self._lock:
            if self._con is None:
                return False
            dv = self._con.execute("PRAGMA data_version").fetchone()[0]
            if dv == self._data_version:
                return False
            self._data_version = dv
            version = self._read_version()
            return version is not None and (self._version is None or version > self._version)

    def _watch_sqlite(self, on_change: Callable[[], None]) -> None:
        while not self._stop.wait(SQLITE_CHECK_S):
            try:
                if self._sqlite_moved() and not self._stop.is_set():
                    on_change()
            except sqlite3.Error:
                pass  # locked or busy for a moment: the next check makes up for it
        self._close_sqlite()

    def _watch_postgres(self, on_change: Callable[[], None]) -> None:
        import psycopg

        prefix = f"{self.meeting_id} "
        while not self._stop.is_set():
            try:
                with psycopg.connect(libpq_url(self._db.url), autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Anything committed before LISTEN took effect was not notified.
                    version = self._read_version()
                    if version is not None and self._newer(version) and not self._stop.is_set():
                        on_change()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=PG_WAIT_S):
                            if not note.payload.startswith(prefix):
                                continue
                            version = int(note.payload[len(prefix) :])
                            if self._newer(version) and not self._stop.is_set():
                                on_change()
            except Exception:  # server restarted, network gone: listen again shortly
                if self._stop.wait(PG_RETRY_S):
                    return

    def _close_sqlite(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def close(self) -> None:
        """Stop watching: the thread ends within ``PG_WAIT_S`` and calls back no more."""
        self._stop.set()
        if self._thread is None:
            self._close_sqlite()
        # else the thread closes the SQLite connection itself as it leaves

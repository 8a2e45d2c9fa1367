"""Watching a meeting for changes made by other sessions, cheaply enough to ask twice a second."""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from reviewtui.db.engine import Database


class ChangeWatch:
    """Tells cheaply whether a meeting changed since the last look (call every 0.5-1 s).

    SQLite: ``PRAGMA data_version`` on a dedicated connection changes whenever another
    connection commits; only then is the meeting's version read. PostgreSQL: the meeting's
    version is read (one indexed row). Either way ``changed()`` is true when the version moved.
    """

    def __init__(self, db: Database, meeting_id: int) -> None:
        from reviewtui.db.engine import BUSY_TIMEOUT_MS, sqlite_path

        self.meeting_id = meeting_id
        self._db = db
        self._lock = threading.Lock()
        self._version: int | None = None
        self._data_version: int | None = None
        self._con: sqlite3.Connection | None = None
        path = sqlite_path(db.url)
        if path is not None:
            self._con = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
            )

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
        with self._lock:
            if self._con is not None:
                dv = self._con.execute("PRAGMA data_version").fetchone()[0]
                if dv == self._data_version:
                    return False
                self._data_version = dv
            version = self._read_version()
            if version == self._version:
                return False
            self._version = version
            return True

    def seen(self, version: int) -> None:
        """Note a version already shown (after loading it), so it does not count as a change."""
        with self._lock:
            self._version = version

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

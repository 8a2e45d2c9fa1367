"""The dashboard's first rows, computed on the second core while the TUI imports Textual.

Start-up used to be serial: import Textual and draw, then (in a worker thread, but under the
same GIL) import SQLAlchemy and SQLModel (~0.5-0.9 s), open the database and run the portfolio
query. :func:`start` forks a child before the parent imports Textual; the child imports the data
layer, runs :func:`reviewtui.db.portfolio.portfolio_overview` exactly as the dashboard would and
writes the rows, pickled, to a pipe. The parent reads them in the dashboard's worker (a blocking
read that releases the GIL). The rows are :mod:`reviewtui.domain.portfolio` dataclasses, so
unpickling them imports no SQLAlchemy either.

Anything unusual (no ``fork``, an error in the child, no answer in time) makes :meth:`rows`
return None and the dashboard runs its own query, which then reports the error in place.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewtui.config import Settings
    from reviewtui.domain.portfolio import PortfolioRow

WAIT_S = 30.0
"""How long the dashboard waits for the child before running the query itself."""


def compute(settings: Settings, db_url: str) -> list[PortfolioRow]:
    """The dashboard's rows, as the dashboard's own worker computes them.

    On an SQLite file, for a session that sees every vendor, through the stdlib ``sqlite3``
    module when it can (:mod:`reviewtui.db.firstrows`: the same SQL, ~0.4 s sooner).
    """
    if settings.role != "vendor":
        from reviewtui.db import firstrows
        from reviewtui.domain import clock

        path = firstrows.sqlite_file(db_url) or firstrows.postgres_url(db_url)
        if path is not None:
            rows = firstrows.overview(path, settings, today=clock.today())
            if rows is not None:
                return rows
    from reviewtui.db import open_database
    from reviewtui.db.portfolio import portfolio_overview

    db = open_database(db_url, user=settings.user, role=settings.role, vendor=settings.vendor)
    try:
        with db.read() as s:
            return portfolio_overview(
                session=s,
                settings=settings,
                only_vendor=settings.vendor if settings.role == "vendor" else None,
            )
    finally:
        db.dispose()


class Prefetch:
    """A child process computing the dashboard's rows; read them once with :meth:`rows`."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd
        self._done = False

    def ready(self) -> bool:
        """Whether the child has answered (or failed): :meth:`rows` would not wait for it."""
        if self._done:
            return False
        return bool(select.select([self.fd], [], [], 0)[0])

    def rows(self, timeout: float = WAIT_S) -> list[PortfolioRow] | None:
        """The child's rows (blocks until they come), or None when it failed or took too long."""
        if self._done:
            return None
        self._done = True
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    self._kill()
                    return None
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            self._reap()
        try:
            kind, payload = pickle.loads(b"".join(chunks))
        except Exception:
            return None
        return payload if kind == "rows" else None

    def cancel(self) -> None:
        """Stop the child and drop its answer (the app is leaving before the dashboard read it)."""
        if not self._done:
            self._done = True
            self._kill()
            os.close(self.fd)
            self._reap()

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def _reap(self) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def start(settings: Settings, db_url: str) -> Prefetch | None:
    """Fork the child (call before importing Textual, while the process has one thread)."""
    if not hasattr(os, "fork"):
        return None
    r, w = os.pipe()
    pid = os.fork()
    if pid:
        os.close(w)
        return Prefetch(pid, r)
    # The child: never touch the terminal, never run the parent's exit handlers.
    try:
        os.close(r)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        try:
            payload: tuple[str, object] = ("rows", compute(settings, db_url))
        except BaseException as exc:  # noqa: BLE001 - the parent will run the query and tell
            payload = ("error", f"{type(exc).__name__}: {exc}")
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(w, view) :]
    finally:
        os._exit(0)

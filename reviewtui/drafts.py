"""Nothing typed is lost: drafts of notes, and the flush on SIGHUP, SIGTERM and exit.

The meeting screen saves notes well within a second of the last keystroke. What is typed in
between lives in a :class:`Drafts` registry. When the SSH connection drops (SIGHUP), the process
is told to stop (SIGTERM) or the screen goes away, :func:`flush` writes every draft to the
database synchronously through a fresh engine, and only then does the process exit.

Textual installs no handler for SIGHUP or SIGTERM (textual#5140), so by default either signal
kills the process on the spot. :func:`install` puts ours in place for the real TUI run. When the
terminal is gone (``tcgetattr`` fails with EIO after a hang-up) the process leaves with
``os._exit`` and writes nothing to it; when it is still there, the app exits normally so the
terminal is restored. A watchdog makes sure the process ends either way.

No Textual import here: the registry and the flush are plain Python and SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

CONFLICT_SEPARATOR = "\n\n--- notes by {who}, kept after a conflicting edit ---\n"


@dataclass(frozen=True)
class Draft:
    """The latest typed text of one agenda item, based on a stored notes version."""

    meeting_id: int
    item_id: int
    text: str
    base_version: int
    # The stored text of ``base_version``: what both sides of a crossing save started from.
    base_text: str
    cursor: tuple[int, int] = (0, 0)
    # Texts of this draft handed to a save: if one of them turns up as "their" version in a
    # conflict, it was our own earlier save and the draft simply rebases.
    sent: frozenset[str] = field(default_factory=frozenset)


class Drafts:
    """Unsaved notes of one session, per agenda item, and the last version it stored of each.

    Updates replace whole immutable drafts under a lock (UI thread and save workers); the
    signal handler reads a copy without the lock, since it may interrupt a holder of it.

    The version a new draft is based on comes from here, not from the screen: a save worker
    records the version it produced in the same locked step that drops the saved draft, so a
    key pressed before the UI thread hears of that save still starts a draft on it (it used to
    start one on the version before, and the next save "conflicted" with the typist's own
    words).
    """

    def __init__(self, db_url: str, user: str) -> None:
        self.db_url = db_url
        self.user = user
        self._drafts: dict[int, Draft] = {}
        self._stored: dict[int, tuple[int, str]] = {}  # item -> (version, text) we stored
        self._lock = threading.Lock()

    def edit(
        self,
        meeting_id: int,
        item_id: int,
        text: str,
        base_version: int,
        cursor=(0, 0),
        *,
        base_text: str,
    ) -> Draft:
        """Record typed text; a draft already under way keeps its base version.

        A new draft is based on ``base_version`` with its text ``base_text`` (what the screen
        loaded) or on the version this session stored last, whichever is newer (versions of an
        item only grow).
        """
        with self._lock:
            old = self._drafts.get(item_id)
            if old is not None:
                new = replace(old, text=text, cursor=tuple(cursor))
            else:
                sent: frozenset[str] = frozenset()
                known = self._stored.get(item_id)
                if known is not None and known[0] >= base_version:
                    base_version, base_text = known
                    sent = frozenset({base_text})
                new = Draft(meeting_id, item_id, text, base_version, base_text, tuple(cursor), sent)
            self._drafts[item_id] = new
            return new

    def get(self, item_id: int) -> Draft | None:
        return self._drafts.get(item_id)

    def sending(self, item_id: int) -> Draft | None:
        """The draft to save now, its text remembered as sent."""
        with self._lock:
            d = self._drafts.get(item_id)
            if d is None:
                return None
            d = replace(d, sent=d.sent | {d.text})
            self._drafts[item_id] = d
            return d

    def stored(self, item_id: int, text: str, version: int) -> Draft | None:
        """A save of ``text`` became ``version``: drop the draft, or rebase what was typed since."""
        with self._lock:
            known = self._stored.get(item_id)
            if known is None or version >= known[0]:
                self._stored[item_id] = (version, text)
            d = self._drafts.get(item_id)
            if d is None:
                return None
            if d.text == text:
                del self._drafts[item_id]
                return None
            if version >= d.base_version:
                d = replace(d, base_version=version, base_text=text, sent=d.sent | {text})
                self._drafts[item_id] = d
            return d

    def last_stored(self, item_id: int) -> tuple[int, str] | None:
        """The newest (version, text) of ``item_id`` this session stored, if any."""
        return self._stored.get(item_id)

    def rebase(
        self, item_id: int, version: int, base_text: str, text: str | None = None
    ) -> Draft | None:
        """Base the draft on ``version``, stored as ``base_text`` (after a merge, optionally
        with the merged text)."""
        with self._lock:
            d = self._drafts.get(item_id)
            if d is None:
                return None
            d = replace(
                d, base_version=version, base_text=base_text, text=d.text if text is None else text
            )
            self._drafts[item_id] = d
            return d

    def discard(self, item_id: int) -> None:
        with self._lock:
            self._drafts.pop(item_id, None)

    def snapshot(self) -> list[Draft]:
        """Every draft, without taking the lock (safe in a signal handler)."""
        return list(dict(self._drafts).values())

    def __len__(self) -> int:
        return len(self._drafts)


# Every live registry, so that the signal handler finds them all.
_REGISTRIES: list[Drafts] = []


def register(drafts: Drafts) -> None:
    _REGISTRIES.append(drafts)


def unregister(drafts: Drafts) -> None:
    if drafts in _REGISTRIES:
        _REGISTRIES.remove(drafts)


def save_draft(d: Draft, *, session, who: str) -> tuple[int, str]:
    """Store a draft for good: our own earlier saves rebase; someone else's is merged in
    (:func:`reviewtui.domain.merge.merge3`), as often as it crosses this save. Returns the
    version and the text stored."""
    from reviewtui.db import meetings as meeting_q
    from reviewtui.domain.merge import merge3

    base, base_text, text = d.base_version, d.base_text, d.text
    for _ in range(5):
        try:
            return meeting_q.save_notes(d.item_id, text, base, session=session), text
        except meeting_q.NotesConflict as c:
            if c.theirs not in d.sent:
                separator = CONFLICT_SEPARATOR.format(who=who or "someone")
                text = merge3(base_text, text, c.theirs, separator=separator).text
            base, base_text = c.version, c.theirs
    raise RuntimeError(f"notes of item {d.item_id} kept changing while saving")


def flush(drafts: Drafts, *, dispose: bool = True) -> int:
    """Write every draft of ``drafts`` to the database now; returns how many were written.

    Uses a fresh engine (no pool or lock shared with the interrupted program). A draft that
    cannot be stored (meeting signed off or deleted) goes to a recovery file instead.
    """
    from reviewtui import uistate
    from reviewtui.db import changelog  # noqa: F401  (the audit trail records the flush)
    from reviewtui.db.engine import Database

    pending = drafts.snapshot()
    if not pending:
        return 0
    db = Database(drafts.db_url, user=drafts.user)
    written = 0
    try:
        for d in pending:
            try:
                with db.session() as s:
                    version, text = save_draft(d, session=s, who=drafts.user)
            except Exception as exc:  # keep the words whatever went wrong
                _recover(d, drafts.user, exc)
                continue
            current = drafts.get(d.item_id)
            if text != d.text and current is not None and current.text == d.text:
                drafts.rebase(d.item_id, version, text, text)  # merged: the typed words are in
            drafts.stored(d.item_id, text, version)
            written += 1
            with contextlib.suppress(OSError):
                uistate.remember(drafts.db_url, d.meeting_id, d.item_id, d.cursor)
    finally:
        if dispose:
            db.dispose()
    return written


def recovery_file() -> Path:
    from reviewtui import config

    return config.default_db_path().parent / "recovered-notes.txt"


def _recover(d: Draft, user: str, exc: Exception) -> None:
    path = recovery_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as f:
        f.write(
            f"--- {stamp} meeting {d.meeting_id} item {d.item_id} ({user}): "
            f"not saved to the database: {exc}\n{d.text}\n"
        )


def flush_all() -> int:
    return sum(flush(r) for r in list(_REGISTRIES))


def terminal_alive(fd: int | None = None) -> bool:
    """False once the terminal has hung up (tcgetattr then fails with EIO)."""
    import termios

    try:
        if fd is None:
            stdin = sys.__stdin__
            if stdin is None:  # no terminal at all (started detached)
                return False
            fd = stdin.fileno()
        termios.tcgetattr(fd)
        return True
    except (OSError, ValueError, AttributeError, termios.error):
        return False


def install(exit_app: Callable[[int], None], *, grace_seconds: float = 3.0) -> None:
    """Handle SIGHUP and SIGTERM: flush drafts, then leave (quietly if the terminal is gone).

    ``exit_app(code)`` asks the app to exit normally; it is called through the event loop.
    """
    import asyncio

    busy = threading.Event()

    def handler(signum, _frame) -> None:
        if busy.is_set():
            return
        busy.set()
        code = 128 + signum
        try:
            flush_all()
        except Exception:  # pragma: no cover - flush() already keeps what it cannot store
            log.exception("flush on signal failed")
        if not terminal_alive():
            os._exit(code)
        watchdog = threading.Timer(grace_seconds, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()
        try:
            asyncio.get_running_loop().call_soon_threadsafe(exit_app, code)
        except RuntimeError:  # the app is not running (yet or any more): nothing to restore
            os._exit(code)

    signal.signal(signal.SIGHUP, handler)
    signal.signal(signal.SIGTERM, handler)

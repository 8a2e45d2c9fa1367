"""Live sync between sessions: commit-to-screen, keystroke-to-screen, idle CPU, 20 sessions.

    uv run python -m benchmarks.sync_bench [--backend sqlite|postgresql] [--crowd]

Every session is its own process, except the crowd's lightweight clients (threads of one
process, each with its own engine and its own watch). Times cross processes through
``time.monotonic()`` (CLOCK_MONOTONIC: one clock for the whole machine).

- change -> screen: a writer process commits a note with ``meetings.save_notes`` (what the
  editor's save runs) at random moments; a real app (Textual's Pilot, headless) follows the
  meeting with that item shown; the figure is commit -> the follower's editor shows the text.
- keystroke -> screen: a real app types into an item's notes (``simulate_key``, ~12 keys a
  second, as a person); another real app follows; the figure is key -> the follower's editor
  shows the text with that key, the save debounce (0.3 s, 0.6 s at most) included.
- idle: the follower's CPU time (every thread of it) over 20 s with nothing happening.
- crowd (PostgreSQL): 20 sessions on one meeting: 5 typing on different items (1 real app, 4
  clients that type through ``note_drafts.Drafts`` and save with the editor's rules), 15 following
  (2 real apps, 13 clients with ``ChangeWatch`` + ``get_meeting``, what the screen runs).
  Reported: commit -> every follower p95, keystrokes lost, false conflicts, the peak number of
  server connections of the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("REVIEWTUI_NOW", "2026-11-28T09:00:00+00:00")

HERE = Path(__file__).resolve().parent
KEYSTONE = "Keystone Precision Manufacturing"
TYPED = "the vendor agreed to ship the 8D report by Friday and to add a second shift "


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def _emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


# -- set-up -------------------------------------------------------------------------------------


def new_meeting(url: str, items: int = 5) -> tuple[int, list[int]]:
    """A new meeting of the demo vendor; its first ``items`` agenda item ids."""
    from datetime import datetime

    from sqlalchemy import select

    from reviewtui.db import meetings as mq
    from reviewtui.db import models as m
    from reviewtui.db import open_database

    db = open_database(url, user="bench")
    try:
        with db.session() as s:
            vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
            mid = mq.create_meeting(
                vid, datetime.fromisoformat("2026-11-28T10:00:00+00:00"), session=s
            )
        with db.read() as s:
            ids = [i.id for i in mq.get_meeting(mid, session=s).items]
        return mid, ids[:items]
    finally:
        db.dispose()


def go_to(url: str, mid: int, item: int) -> None:
    """Make ``item`` the meeting's current item: every session opening it shows that item."""
    from reviewtui.db import meetings as mq
    from reviewtui.db import open_database

    db = open_database(url, user="bench")
    try:
        with db.session() as s:
            mq.go_to_item(mid, item, session=s)
    finally:
        db.dispose()


# -- the processes -----------------------------------------------------------------------------


def _app(url: str, user: str, mid: int):
    from reviewtui import config
    from reviewtui.app import ReviewApp

    s = config.load()
    s.user = user
    app = ReviewApp(settings=s, db_url=url)
    app.start_meeting_id = mid
    return app


async def _ready(pilot, item: int):
    from reviewtui.screens.meeting import MeetingScreen

    app = pilot.app
    t0 = time.monotonic()
    while True:
        await asyncio.sleep(0.02)
        scr = app.screen
        if isinstance(scr, MeetingScreen) and scr.view is not None and scr.change_watch:
            if scr.editor.item_id == item:
                break
            # Show ``item`` as a person would: highlight it in the agenda.
            scr.agenda.highlighted = scr.agenda.get_option_index(str(item))
        if time.monotonic() - t0 > 90:
            raise RuntimeError("the meeting screen never showed the item")
    await app.workers.wait_for_complete()
    await asyncio.sleep(0.3)
    return scr


async def follower_app(url: str, mid: int, item: int, stop: Path, idle: float) -> None:
    """Follow the meeting (showing ``item``): print each new text of it, and each newer notes
    version of any item, with the time it was on the screen."""
    app = _app(url, "follower", mid)
    versions: dict[int, int] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await _ready(pilot, item)
        _emit({"ready": time.monotonic()})
        seen = scr.editor.text
        while not stop.exists():
            await asyncio.sleep(0.005)
            now = time.monotonic()
            text = scr.editor.text
            if text != seen and scr.editor.item_id == item:
                seen = text
                _emit({"seen": text, "t": now})
            view = scr.view
            if view is not None:
                for it in view.items:
                    if versions.get(it.id, -1) < it.notes_version:
                        versions[it.id] = it.notes_version
                        _emit({"item": it.id, "version": it.notes_version, "t": now})
        if idle:
            # Nothing happens: what does following a meeting cost? Every thread's CPU time.
            c0, t0 = time.process_time(), time.monotonic()
            await asyncio.sleep(idle)
            _emit({"idle_cpu": (time.process_time() - c0) / (time.monotonic() - t0)})
        _emit({"done": True})


async def typist_app(url: str, mid: int, item: int, text: str, rate: float) -> None:
    """Type ``text`` into ``item``'s notes at ~``rate`` keys a second; print each key's time."""
    from reviewtui.drafts import CONFLICT_SEPARATOR

    # A conflict keeps both texts in the note, under this line (there is no merge dialog).
    conflict_line = CONFLICT_SEPARATOR.split("}", 1)[1].strip()  # ", kept after ... ---"
    app = _app(url, "typist", mid)
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await _ready(pilot, item)
        scr.edit_notes()
        await asyncio.sleep(0.3)
        _emit({"ready": time.monotonic()})
        rng = random.Random(item)
        for n, ch in enumerate(text, 1):
            app.simulate_key(ch)
            _emit({"key": n, "t": time.monotonic()})
            await asyncio.sleep(rng.uniform(0.5, 1.5) / rate)
        t0 = time.monotonic()
        while scr.editor.typing and time.monotonic() - t0 < 30:
            await asyncio.sleep(0.05)
        await app.workers.wait_for_complete()
        _emit(
            {
                "done": True,
                "shown": scr.editor.text,
                "conflict_open": conflict_line in scr.editor.text,
            }
        )


def writer(url: str, mid: int, item: int, count: int) -> None:
    """Commit ``count`` note changes of ``item`` at random moments; print each commit's time."""
    from reviewtui.db import meetings as mq
    from reviewtui.db import open_database

    db = open_database(url, user="writer")
    rng = random.Random(7)
    with db.read() as s:
        version = mq.get_meeting(mid, session=s).item(item).notes_version
    for k in range(count):
        time.sleep(rng.uniform(0.35, 0.9))
        text = f"change {k} " + "x" * rng.randint(0, 40)
        with db.session() as s:
            version = mq.save_notes(item, text, version, session=s)
        _emit({"committed": text, "t": time.monotonic()})
    db.dispose()
    _emit({"done": True})


# -- lightweight clients: the same save rules and the same watch, without a terminal ------------


class TypistClient:
    """Types into one item like the notes editor: a draft per key, saved 0.3 s after the last
    key or 0.6 s after the first unsaved one (NotesEditor's rules), through the same calls."""

    def __init__(self, url: str, mid: int, item: int, rate: float, out: list) -> None:
        from reviewtui import drafts as note_drafts
        from reviewtui.db import open_database

        self.db = open_database(url, user=f"typist-{item}")
        self.drafts = note_drafts.Drafts(self.db.url, self.db.user)
        self.mid, self.item, self.rate, self.out = mid, item, rate, out
        self.lock = threading.Lock()
        self.shown_version = 0
        self.shown_text = ""
        self.first_dirty: float | None = None
        self.last_change = 0.0
        self.typed = ""
        self.false_conflicts = 0
        self.done_typing = False

    def type(self) -> None:
        rng = random.Random(self.item)
        for ch in TYPED:
            with self.lock:
                self.typed += ch
                self.drafts.edit(
                    self.mid, self.item, self.typed, self.shown_version, base_text=self.shown_text
                )
                now = time.monotonic()
                self.last_change = now
                if self.first_dirty is None:
                    self.first_dirty = now
            time.sleep(rng.uniform(0.5, 1.5) / self.rate)
        self.done_typing = True

    def save_loop(self) -> None:
        from reviewtui.db import meetings as mq

        while not (self.done_typing and self.drafts.get(self.item) is None):
            time.sleep(0.1)
            now = time.monotonic()
            with self.lock:
                due = self.drafts.get(self.item) is not None and (
                    now - self.last_change >= 0.3
                    or (self.first_dirty is not None and now - self.first_dirty >= 0.6)
                )
                if not due:
                    continue
                d = self.drafts.sending(self.item)
                self.first_dirty = None
            try:
                with self.db.session() as s:
                    version = mq.save_notes(self.item, d.text, d.base_version, session=s)
            except mq.NotesConflict as c:
                if c.theirs not in d.sent:
                    self.false_conflicts += 1
                with self.lock:
                    self.drafts.rebase(self.item, c.version, c.theirs)
                continue
            t = time.monotonic()
            with self.lock:
                self.drafts.stored(self.item, d.text, version)
                self.shown_version, self.shown_text = version, d.text
            self.out.append({"commit": self.item, "version": version, "t": t})


class FollowerClient:
    """Follows the meeting like the screen: ChangeWatch calls, get_meeting reloads."""

    def __init__(self, url: str, mid: int, idx: int, out: list) -> None:
        from reviewtui.db import open_database
        from reviewtui.db.watch import ChangeWatch

        self.db = open_database(url, user=f"follower-{idx}")
        self.mid, self.idx, self.out = mid, idx, out
        self.watch = ChangeWatch(self.db, mid)
        self.wake = threading.Event()
        self.versions: dict[int, int] = {}
        self.stop = False

    def run(self) -> None:
        from reviewtui.db import meetings as mq

        self.watch.changed()
        self.watch.start(self.wake.set)
        while not self.stop:
            if not self.wake.wait(0.5):
                continue
            self.wake.clear()
            if not self.watch.changed():
                continue
            with self.db.read() as s:
                view = mq.get_meeting(self.mid, session=s)
            t = time.monotonic()
            self.watch.seen(view.version)
            for it in view.items:
                if self.versions.get(it.id, -1) < it.notes_version:
                    self.versions[it.id] = it.notes_version
                    self.out.append({"f": self.idx, "item": it.id, "version": it.notes_version,
                                     "t": t})  # fmt: skip
        self.watch.close()
        self.db.dispose()


def crowd_clients(url: str, mid: int, items: list[int], followers: int, stop: Path) -> None:
    out: list[dict] = []
    typists = [TypistClient(url, mid, i, 12.0, out) for i in items]
    fols = [FollowerClient(url, mid, k, out) for k in range(followers)]
    threads = [threading.Thread(target=f.run, daemon=True) for f in fols]
    for t in threads:
        t.start()
    _emit({"ready": time.monotonic()})
    while not Path(str(stop) + ".go").exists():
        time.sleep(0.05)
    work = [threading.Thread(target=t.type) for t in typists]
    work += [threading.Thread(target=t.save_loop) for t in typists]
    for t in work:
        t.start()
    for t in work:
        t.join()
    _emit({"typed": {t.item: t.typed for t in typists},
           "false_conflicts": sum(t.false_conflicts for t in typists)})  # fmt: skip
    while not stop.exists():
        time.sleep(0.05)
    for f in fols:
        f.stop = True
    for t in threads:
        t.join(timeout=5)
    for t in typists:
        t.db.dispose()
    for e in out:
        _emit(e)
    _emit({"done": True})


# -- orchestration -------------------------------------------------------------------------------


class Child:
    """A role of this module in its own process; its JSON lines collected as they come."""

    def __init__(self, *args: object) -> None:
        self.lines: list[dict] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sync_bench", *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE.parent,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                self.lines.append(json.loads(line))

    def has(self, key: str) -> bool:
        return any(key in x for x in self.lines)

    def wait_for(self, key: str, limit: float = 120.0) -> None:
        t0 = time.monotonic()
        while not self.has(key):
            if self.proc.poll() is not None and not self.has(key):
                self._reader.join(2)
                if self.has(key):
                    return
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise RuntimeError(f"child ended without {key!r}: {err[-2000:]}")
            if time.monotonic() - t0 > limit:
                raise RuntimeError(f"child never said {key!r}")
            time.sleep(0.02)

    def finish(self, limit: float = 120.0) -> list[dict]:
        self.wait_for("done", limit)
        self.proc.wait(30)
        self._reader.join(5)
        return self.lines


def _first_at_least(seen: list[tuple[float, int]], n: int) -> float | None:
    """The first time a follower showed something at least ``n`` long/new."""
    for t, k in seen:
        if k >= n:
            return t
    return None


def _key_latencies(
    keys: list[tuple[int, float]], shown: list[tuple[float, str]], typed: str = TYPED
) -> list[float]:
    """Per key n: the first time a follower showed the typed text up to and with key n."""
    out = []
    for n, t in keys:
        want = typed[:n]
        at = next((ts for ts, text in shown if text.startswith(want)), None)
        if at is not None:
            out.append(at - t)
    return out


def measure_pair(url: str, changes: int = 25, idle: float = 20.0, typed: str = TYPED) -> dict:
    """The two-session figures on one backend: commit->screen, key->screen, idle CPU."""
    mid, items = new_meeting(url, items=2)
    tmp = Path(tempfile.mkdtemp(prefix="reviewtui-sync-"))
    # commit -> screen
    go_to(url, mid, items[0])
    stop = tmp / "stop-1"
    fol = Child("follower-app", url, mid, items[0], stop, idle)
    fol.wait_for("ready")
    w = Child("writer", url, mid, items[0], changes).finish()
    time.sleep(1.5)
    stop.touch()
    flines = fol.finish(limit=idle + 60)
    commits = [(x["committed"], x["t"]) for x in w if "committed" in x]
    index = {text: k for k, (text, _) in enumerate(commits)}
    seen = [(x["t"], index.get(x["seen"], -1)) for x in flines if "seen" in x]
    change_lat, missed = [], 0
    for k, (_, t) in enumerate(commits):
        at = _first_at_least(seen, k)
        if at is None:
            missed += 1
        else:
            change_lat.append(at - t)
    idle_cpu = next((x["idle_cpu"] for x in flines if "idle_cpu" in x), None)
    # keystroke -> screen
    go_to(url, mid, items[1])
    stop = tmp / "stop-2"
    fol = Child("follower-app", url, mid, items[1], stop, 0)
    fol.wait_for("ready")
    typ = Child("typist-app", url, mid, items[1], typed, 12)
    tlines = typ.finish(limit=180)
    time.sleep(1.5)
    stop.touch()
    flines = fol.finish()
    keys = [(x["key"], x["t"]) for x in tlines if "key" in x]
    key_lat = _key_latencies(keys, [(x["t"], x["seen"]) for x in flines if "seen" in x], typed)
    shutil.rmtree(tmp, ignore_errors=True)
    from reviewtui.db import meetings as mq
    from reviewtui.db import open_database

    db = open_database(url, user="bench")
    with db.read() as s:
        stored = mq.get_meeting(mid, session=s).item(items[1]).notes
    db.dispose()
    return {
        "stored_intact": stored == typed,
        "change_to_screen": change_lat,
        "changes_never_shown": missed,
        "keystroke_to_screen": key_lat,
        "keys_typed": len(keys),
        "keys_never_shown": len(keys) - len(key_lat),
        "idle_cpu_fraction": idle_cpu,
        "final_text_matches": next((x["shown"] for x in tlines if "shown" in x), "") == typed,
    }


def _connections(url: str, stop: threading.Event, peak: list[int]) -> None:
    import psycopg

    from reviewtui.db.watch import libpq_url

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        while not stop.is_set():
            n = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            peak.append(n)
            stop.wait(0.2)


def measure_crowd(url: str, apps_following: int = 2, client_typists: int = 4) -> dict:
    """20 sessions on one meeting (PostgreSQL): see the module doc."""
    from reviewtui.db import meetings as mq
    from reviewtui.db import open_database

    mid, items = new_meeting(url, items=1 + client_typists)
    go_to(url, mid, items[0])
    tmp = Path(tempfile.mkdtemp(prefix="reviewtui-crowd-"))
    stop = tmp / "stop"
    followers = 15 - apps_following
    conns: list[int] = []
    halt = threading.Event()
    sampler = threading.Thread(target=_connections, args=(url, halt, conns), daemon=True)
    sampler.start()
    fols = [Child("follower-app", url, mid, items[0], stop, 0) for _ in range(apps_following)]
    clients = Child("crowd-clients", url, mid, ",".join(map(str, items[1:])), followers, stop)
    for c in [*fols, clients]:
        c.wait_for("ready", limit=180)
    typ = Child("typist-app", url, mid, items[0], TYPED, 12)
    typ.wait_for("ready", limit=180)
    Path(str(stop) + ".go").touch()
    tlines = typ.finish(limit=300)
    clients.wait_for("typed", limit=300)
    time.sleep(2.0)
    stop.touch()
    clines = clients.finish(limit=120)
    flines = [f.finish(limit=120) for f in fols]
    halt.set()
    sampler.join(5)
    shutil.rmtree(tmp, ignore_errors=True)
    # commit -> screen, every follower, the client typists' commits
    commits = [x for x in clines if "commit" in x]
    seen: dict[tuple, list[tuple[float, int]]] = {}
    for x in clines:
        if "f" in x:
            seen.setdefault((f"c{x['f']}", x["item"]), []).append((x["t"], x["version"]))
    for k, fl in enumerate(flines):
        for x in fl:
            if "version" in x:
                seen.setdefault((f"a{k}", x["item"]), []).append((x["t"], x["version"]))
    names = {f"c{k}" for k in range(followers)} | {f"a{k}" for k in range(apps_following)}
    lat, never = [], 0
    for c in commits:
        for who in names:
            at = _first_at_least(seen.get((who, c["commit"]), []), c["version"])
            if at is None:
                never += 1
            else:
                lat.append(at - c["t"])
    # keystroke -> screen for the app typist, on the following apps
    keys = [(x["key"], x["t"]) for x in tlines if "key" in x]
    key_lat = []
    for fl in flines:
        key_lat += _key_latencies(keys, [(x["t"], x["seen"]) for x in fl if "seen" in x])
    typed = next(x["typed"] for x in clines if "typed" in x)
    db = open_database(url, user="bench")
    with db.read() as s:
        stored = {i.id: i.notes for i in mq.get_meeting(mid, session=s).items}
    db.dispose()
    lost = sum(1 for i in items if stored.get(i) != TYPED)
    tdone = next(x for x in tlines if "done" in x)
    return {
        "sessions": 1 + apps_following + client_typists + followers,
        "real_apps": 1 + apps_following,
        "commit_to_screen": lat,
        "commits": len(commits),
        "commit_views_never_shown": never,
        "keystroke_to_screen": key_lat,
        "items_with_keystrokes_lost": lost,
        "false_conflicts": next(x["false_conflicts"] for x in clines if "false_conflicts" in x)
        + (1 if tdone.get("conflict_open") else 0),
        "typed_by_clients_ok": all(v == TYPED for v in typed.values()),
        "peak_connections": max(conns) if conns else None,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    role = argv[0] if argv else ""
    if role == "follower-app":
        url, mid, item, stop, idle = argv[1:6]
        asyncio.run(follower_app(url, int(mid), int(item), Path(stop), float(idle)))
        return 0
    if role == "typist-app":
        url, mid, item, text, rate = argv[1:6]
        asyncio.run(typist_app(url, int(mid), int(item), text, float(rate)))
        return 0
    if role == "writer":
        writer(argv[1], int(argv[2]), int(argv[3]), int(argv[4]))
        return 0
    if role == "crowd-clients":
        url, mid, items, followers, stop = argv[1:6]
        crowd_clients(url, int(mid), [int(i) for i in items.split(",")], int(followers), Path(stop))
        return 0
    ap = argparse.ArgumentParser(description="live sync figures")
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "postgres"], default="sqlite")
    ap.add_argument("--crowd", action="store_true", help="also the 20-session figure (PostgreSQL)")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.backend, crowd=args.crowd), indent=2))
    return 0


def run(backend: str, *, crowd: bool = False, url: str | None = None) -> dict:
    """The figures on ``backend``; ``url``: a database with the demo data (else made here)."""
    stop = None
    tmp = Path(tempfile.mkdtemp(prefix="reviewtui-syncdb-"))
    exe = str(Path(sys.executable).with_name("reviewtui"))
    if url is None:
        if backend == "sqlite":
            url = str(tmp / "demo.db")
        else:
            from benchmarks import pgserver

            pg_tmp = Path(tempfile.mkdtemp(prefix="reviewtui-syncpg-"))
            server, stop_server = pgserver.start(pg_tmp, max_connections=100)

            def stop() -> None:
                stop_server()
                shutil.rmtree(pg_tmp, ignore_errors=True)

            url = server.new_database("sync")
        subprocess.run([exe, "--db", url, "demo", "--seed-only"], check=True, capture_output=True)
    try:
        out = {"backend": "sqlite" if backend == "sqlite" else "postgresql"}
        out["pair"] = measure_pair(url)
        if crowd and out["backend"] == "postgresql":
            out["crowd"] = measure_crowd(url)
        return out
    finally:
        if stop is not None:
            stop()
        shutil.rmtree(tmp, ignore_errors=True)


def summary(figs: dict) -> dict:
    """p50/p95 of each list of samples (seconds)."""
    out = {}
    for k, v in figs.items():
        if isinstance(v, list) and v and isinstance(v[0], float):
            out[k] = {"n": len(v), "p50": statistics.median(v), "p95": p95(v), "max": max(v)}
        else:
            out[k] = v
    return out


if __name__ == "__main__":
    sys.exit(main())

"""The large database of issue 8, built once and cached under ``benchmarks/cache/``.

500 vendors x 20 monthly KPIs x 36 periods (both sources on a quarter of the KPIs: the
portfolio of :mod:`benchmarks.scorecard_bench`), three contacts a vendor, 50,000 actions and
5,000 meetings with agendas and notes. Meeting 1 is in progress with 30 agenda items (the one
the meeting figure opens). Bulk Core inserts, no audit trail: this is load, not history.

A ``Size`` scales everything down for the smoke test (``Size.tiny()``).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks import scorecard_bench

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
TODAY = date(2026, 11, 28)
NOW = "2026-11-28T09:00:00+00:00"
WORDS = [
    "calibration",
    "report",
    "rota",
    "forecast",
    "spares",
    "audit",
    "invoice",
    "backlog",
    "training",
    "escalation",
    "schedule",
    "inspection",
    "firmware",
    "patch",
    "knowledge",
    "article",
    "shift",
    "cover",
    "control",
    "plan",
    "deburring",
    "packaging",
    "label",
    "carrier",
    "customs",
    "handover",
    "runbook",
]  # noqa: SIM905


@dataclass(frozen=True)
class Size:
    """How big the database is."""

    vendors: int = 500
    actions: int = 50_000
    meetings: int = 5_000
    items_per_meeting: int = 5
    big_meeting_items: int = 30

    @classmethod
    def tiny(cls) -> Size:
        return cls(vendors=6, actions=300, meetings=30, items_per_meeting=3)

    @property
    def tag(self) -> str:
        return f"{self.vendors}v-{self.actions}a-{self.meetings}m"


def path_for(size: Size, cache: Path = CACHE) -> Path:
    """The cached file, named after the size and the schema revision (a migration rebuilds)."""
    from reviewtui.db.migrations import HEAD

    return cache / f"large-{size.tag}-{HEAD}.db"


def ensure(size: Size, cache: Path = CACHE, *, rebuild: bool = False) -> tuple[Path, float]:
    """The database file (built when missing) and the seconds spent building it (0 if cached)."""
    path = path_for(size, cache)
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    if path.exists():
        return path, 0.0
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    build(partial, size)
    partial.rename(path)
    return path, time.perf_counter() - t0


def build(path: Path, size: Size) -> None:
    """Fill a new SQLite file at ``path``."""
    from sqlalchemy import insert

    from reviewtui.db import models as m
    from reviewtui.db import open_database

    url = f"sqlite:///{path}"
    scorecard_bench.build(url, size.vendors)
    rng = random.Random(8)
    db = open_database(url, user="bench")
    vendor_ids = list(range(1, size.vendors + 1))
    with db.engine.begin() as conn:
        conn.execute(
            insert(m.Contact),
            [
                {"vendor_id": v, "side": side, "name": f"{side.title()} {v}-{j}"}
                for v in vendor_ids
                for side, j in (("client", 0), ("vendor", 0), ("vendor", 1))
            ],
        )
        owners: dict[int, list[tuple[int, str]]] = {}
        for cid, vid, name in conn.exec_driver_sql("SELECT id, vendor_id, name FROM contact"):
            owners.setdefault(vid, []).append((cid, name))
        insert_actions(conn, size.actions, vendor_ids, owners, rng)
        insert_meetings(conn, size, vendor_ids, rng)
        conn.exec_driver_sql("ANALYZE")
    db.dispose()


def insert_actions(conn, count: int, vendor_ids: list[int], owners, rng: random.Random) -> None:
    """``count`` actions (shared with benchmarks/actions_bench.py): 40% done, 5% cancelled, the rest open or in progress; due dates from a
    year ago to six months ahead of the frozen today."""
    from sqlalchemy import insert

    from reviewtui.db import models as m

    rows = []
    for i in range(count):
        vid = rng.choice(vendor_ids)
        cid, owner = rng.choice(owners[vid])
        r = rng.random()
        status = (
            "done"
            if r < 0.40
            else "cancelled"
            if r < 0.45
            else "open"
            if r < 0.80
            else "in_progress"
        )
        rows.append(
            {
                "vendor_id": vid,
                "title": " ".join(rng.sample(WORDS, 4)).capitalize() + f" #{i}",
                "owner": owner,
                "owner_contact_id": cid,
                "due_date": TODAY + timedelta(days=rng.randint(-365, 180)),
                "priority": rng.choice(("low", "medium", "medium", "high", "critical")),
                "status": status,
            }
        )
    for start in range(0, len(rows), 5000):
        conn.execute(insert(m.Action), rows[start : start + 5000])


def insert_meetings(conn, size: Size, vendor_ids: list[int], rng: random.Random) -> None:
    """Monthly reviews and QBRs over three years, past ones ended with notes on every item."""
    from sqlalchemy import insert

    from reviewtui.db import models as m

    now = datetime.fromisoformat(NOW)
    meetings, items = [], []
    for mid in range(1, size.meetings + 1):
        vid = vendor_ids[(mid - 1) % len(vendor_ids)]
        when = now - timedelta(days=rng.randint(-60, 3 * 365), hours=rng.randint(0, 8))
        if mid == 1:
            status, when = "in_progress", now - timedelta(minutes=20)
        else:
            status = "ended" if when < now else "planned"
        qbr = mid % 3 == 0
        meetings.append(
            {
                "id": mid,
                "vendor_id": vid,
                "type": "qbr" if qbr else "monthly",
                "title": "Quarterly business review" if qbr else "Monthly service review",
                "scheduled_at": when,
                "started_at": when if status != "planned" else None,
                "ended_at": when + timedelta(hours=1) if status == "ended" else None,
                "status": status,
                "facilitator": "bench",
            }
        )
        n = size.big_meeting_items if mid == 1 else size.items_per_meeting
        for pos in range(n):
            done = status == "ended" or (mid == 1 and pos < n // 2)
            items.append(
                {
                    "meeting_id": mid,
                    "position": pos,
                    "title": f"Item {pos + 1}: {' '.join(rng.sample(WORDS, 3))}",
                    "kind": "custom",
                    "timebox_minutes": 5,
                    "notes": (" ".join(rng.choices(WORDS, k=40)) + ".") if done else "",
                    "notes_version": 1 if done else 0,
                    "notes_updated_at": when if done else None,
                }
            )
    conn.execute(insert(m.Meeting), meetings)
    for start in range(0, len(items), 5000):
        conn.execute(insert(m.AgendaItem), items[start : start + 5000])

"""How fast the Actions screen's query and ``reviewtui actions`` are at 50,000 actions.

    uv run python benchmarks/actions_bench.py [--rebuild] [--repeat 7]

Builds once (and caches under benchmarks/cache/, which git ignores) an SQLite database with
500 vendors and 50,000 actions (40% done, 5% cancelled, the rest open or in progress, due dates
from a year ago to six months ahead), then prints the time of the database query behind the
Actions screen (first page, overdue filter, free-text search, a deep page, one vendor's
carry-over) and the wall time of ``reviewtui actions --overdue --format json`` run as a process.
The clock is frozen at 2026-11-28 so that every run sees the same overdue set. Processes run
with bytecode caching on, as an installed reviewtui does.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.largedb import WORDS, insert_actions

NOW = "2026-11-28T09:00:00+00:00"
os.environ["REVIEWTUI_NOW"] = NOW
os.environ.setdefault("TZ", "UTC")

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"


def _db_path() -> Path:
    """The cached database, named after the schema revision: a new migration rebuilds it."""
    from reviewtui.db.migrations import HEAD

    return CACHE / f"actions-50k-{HEAD}.db"


DB = _db_path()
VENDORS = 500
ACTIONS = 50_000
TODAY = date(2026, 11, 28)


def build(path: Path) -> None:
    from sqlalchemy import insert

    from reviewtui.db import models as m
    from reviewtui.db import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    db = open_database(str(path), user="bench")
    with db.engine.begin() as conn:
        conn.execute(
            insert(m.Vendor),
            [{"name": f"Vendor {i:03d} {rng.choice(WORDS).title()} Ltd"} for i in range(VENDORS)],
        )
        vendor_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM vendor ORDER BY id")]
        contacts = []
        for vid in vendor_ids:
            for side, n in (("client", 1), ("vendor", 2)):
                for j in range(n):
                    contacts.append(
                        {"vendor_id": vid, "side": side, "name": f"{side.title()} {vid}-{j}"}
                    )
        conn.execute(insert(m.Contact), contacts)
        owners: dict[int, list[tuple[int, str]]] = {}
        for cid, vid, name in conn.exec_driver_sql("SELECT id, vendor_id, name FROM contact"):
            owners.setdefault(vid, []).append((cid, name))
        now = time.time()
        insert_actions(conn, ACTIONS, vendor_ids, owners, rng)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.dispose()
    print(f"built {path} ({VENDORS} vendors, {ACTIONS:,} actions) in {time.time() - now:.1f} s")


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(best, median) in milliseconds, and the last result; one warm-up call first."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times), statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuild", action="store_true", help="build the database afresh")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    if args.rebuild or not DB.exists():
        build(DB)

    from reviewtui.db import actions as action_q
    from reviewtui.db import open_database

    db = open_database(str(DB), user="bench")
    with db.read() as s:
        vid = action_q.list_actions(session=s, limit=1).rows[0].vendor_id
    F = action_q.ActionFilter
    cases = [
        ("first page (open, by due date)", F(), 0),
        ("overdue only, first page", F(overdue=True), 0),
        ("search 'calibration report'", F(search="calibration report"), 0),
        ("owner 'vendor 12'", F(owner="vendor 12"), 0),
        (
            "all statuses, page 100",
            F(statuses=("open", "in_progress", "done", "cancelled")),
            19_800,
        ),
        ("one vendor, open", F(vendor_id=vid), 0),
    ]
    print(f"\n{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    print(f"database: {DB} ({DB.stat().st_size / 1e6:.1f} MB)\n")
    print(
        f"{'Actions screen query (200 rows a page)':<42} {'best ms':>8} {'median':>8} {'rows':>6} {'total':>7}"
    )
    for label, flt, offset in cases:

        def run(flt=flt, offset=offset):
            with db.read() as s:
                return action_q.list_actions(flt, session=s, offset=offset)

        best, med, page = timed(run, args.repeat)
        print(f"{label:<42} {best:8.1f} {med:8.1f} {len(page.rows):6d} {page.total:7,d}")

    def carry():
        with db.read() as s:
            return action_q.carry_over_actions(vid, session=s)

    best, med, rows = timed(carry, args.repeat)
    print(f"{'carry_over_actions(one vendor)':<42} {best:8.1f} {med:8.1f} {len(rows):6d}")
    db.dispose()

    exe = shutil.which("reviewtui") or str(Path(sys.executable).parent / "reviewtui")
    # As installed: Python may cache bytecode (some sandboxes turn that off for everything).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(f"\n{'Process wall time':<42} {'best ms':>8} {'median':>8} {'rows':>6}")
    for label, argv in (
        ("reviewtui --version (start-up only)", ["--version"]),
        ("reviewtui actions --overdue --format json", ["actions", "--overdue", "--format", "json"]),
        ("reviewtui actions --format ics (all open)", ["actions", "--format", "ics"]),
    ):
        cmd = [exe, "--db", str(DB), *argv] if argv[0] != "--version" else [exe, *argv]

        def proc(cmd=cmd):
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
            return out.stdout

        best, med, out = timed(proc, max(3, args.repeat // 2))
        n = out.count('"id":') if "json" in argv else out.count("BEGIN:VEVENT")
        print(f"{label:<42} {best:8.0f} {med:8.0f} {n if argv[0] != '--version' else '':>6}")


if __name__ == "__main__":
    main()

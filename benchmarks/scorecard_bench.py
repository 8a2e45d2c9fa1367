"""How fast are scorecards on a large portfolio?

Builds (once, cached in ``benchmarks/cache/``) a database of 500 vendors x 20 monthly KPIs x 36
periods, with vendor-reported and independent values on a quarter of the KPIs (450,000
measurement rows), then prints the time of:

- ``portfolio()`` in process (the query behind ``scorecard --all`` and the dashboard),
- ``reviewtui scorecard --all --format json`` as a separate process (start-up included),
- one vendor's scorecard in process (``vendor_scorecard()``), and as a process,
- the dashboard's rows (``portfolio_overview()``).

Goals (issue 3): one vendor within 50 ms, the portfolio within 2 s on a 2-core machine.

    uv run python benchmarks/scorecard_bench.py [--vendors 500] [--db URL] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
KPIS_PER_VENDOR = 20
PERIODS = 36
LAST_PERIOD = "2026-10"


def build(url: str, vendors: int) -> None:
    """Fill an empty database with the benchmark portfolio (bulk Core inserts, no audit trail)."""
    from sqlalchemy import insert

    from reviewtui.db import models as m
    from reviewtui.db import open_database
    from reviewtui.domain import clock, periods

    rng = random.Random(3)
    keys = periods.last_n(LAST_PERIOD, PERIODS)
    now = clock.now()
    db = open_database(url, user="bench")
    with db.session() as s:
        s.info["no_changelog"] = True
        s.execute(
            insert(m.Vendor),
            [
                {
                    "id": v,
                    "name": f"Vendor {v:04d}",
                    "criticality": ("critical", "standard", "low")[v % 3],
                    "category": "other",
                    "created_at": now,
                    "annual_contract_cost": 1_000_000.0,
                    "baseline_inhouse_cost": 1_200_000.0,
                }
                for v in range(1, vendors + 1)
            ],
        )
        kpi_rows, meas = [], []
        kid = 0
        for v in range(1, vendors + 1):
            for k in range(KPIS_PER_VENDOR):
                kid += 1
                higher = k % 2 == 0
                target = 95.0 if higher else 5.0
                kpi_rows.append(
                    {
                        "id": kid,
                        "vendor_id": v,
                        "name": f"KPI {k:02d}",
                        "unit": "%",
                        "direction": "higher" if higher else "lower",
                        "target": target,
                        "threshold": 90.0 if higher else 7.0,
                        "weight": float(1 + k % 4),
                        "frequency": "monthly",
                        "category": ("quality", "cost", "delivery", "service")[k % 4],
                    }
                )
                both = k % 4 == 0
                level = rng.uniform(-4, 4)
                for i, p in enumerate(keys):
                    if rng.random() < 0.03:
                        continue  # a month without a report
                    x = round(target + level + rng.uniform(-3, 3), 1)
                    meas.append((kid, p, x, "independent" if both else "vendor", now))
                    if both:
                        meas.append((kid, p, round(x + rng.uniform(-1, 2), 1), "vendor", now))
                    del i
        s.execute(insert(m.Kpi), kpi_rows)
        cols = ("kpi_id", "period", "value", "source", "recorded_at")
        for i in range(0, len(meas), 20_000):
            s.execute(
                insert(m.Measurement),
                [dict(zip(cols, r, strict=True)) for r in meas[i : i + 20_000]],
            )
    db.dispose()
    print(f"built {vendors} vendors, {len(kpi_rows)} KPIs, {len(meas)} measurements")


def _timed(fn, repeat: int) -> tuple[float, float]:
    """(first, median of the rest) in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    rest = times[1:] or times
    return times[0], statistics.median(rest)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vendors", type=int, default=500)
    ap.add_argument("--db", help="a database URL to use instead of the cached SQLite file")
    ap.add_argument("--rebuild", action="store_true", help="build the cached database afresh")
    args = ap.parse_args(argv)

    os.environ.setdefault("REVIEWTUI_NOW", "2026-11-28T09:00:00+00:00")
    if args.db:
        url = args.db
        fresh = True
    else:
        CACHE.mkdir(exist_ok=True)
        from reviewtui.db.migrations import HEAD

        path = CACHE / f"scorecards-{args.vendors}-{HEAD}.db"
        if args.rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        fresh = not path.exists()
        url = f"sqlite:///{path}"
    if fresh:
        t0 = time.perf_counter()
        build(url, args.vendors)
        print(f"build: {time.perf_counter() - t0:.1f} s")

    from reviewtui.config import Settings
    from reviewtui.db import open_database
    from reviewtui.db.portfolio import portfolio_overview
    from reviewtui.db.scorecards import portfolio, vendor_scorecard

    settings = Settings()
    db = open_database(url, user="bench")

    def run_portfolio(history=12):
        with db.read() as s:
            out = portfolio(session=s, settings=settings, history=history)
        assert len(out) == args.vendors

    def run_vendor():
        with db.read() as s:
            vendor_scorecard(args.vendors // 2, session=s, settings=settings)

    def run_overview():
        with db.read() as s:
            rows = portfolio_overview(session=s, settings=settings)
        assert len(rows) == args.vendors

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {db.engine.dialect.name}")
    first, med = _timed(run_portfolio, 4)
    print(
        f"portfolio() in process:            first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms"
    )
    first, med = _timed(lambda: run_portfolio(None), 2)
    print(
        f"  (all history, unoptimised path:  first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms)"
    )
    first, med = _timed(run_overview, 4)
    print(
        f"portfolio_overview() (dashboard):  first {first * 1000:7.0f} ms, median {med * 1000:7.0f} ms"
    )
    first, med = _timed(run_vendor, 21)
    print(
        f"vendor_scorecard() in process:     first {first * 1000:7.1f} ms, median {med * 1000:7.1f} ms"
    )
    db.dispose()

    exe = shutil.which("reviewtui") or str(Path(sys.executable).parent / "reviewtui")
    for label, cmd in [
        ("`scorecard --all --format json`", ["scorecard", "--all", "--format", "json"]),
        (
            "`scorecard 'Vendor 0250' --format json`",
            ["scorecard", "Vendor 0250", "--format", "json"],
        ),
    ]:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            out = subprocess.run([exe, "--db", url, *cmd], capture_output=True, check=False)
            times.append(time.perf_counter() - t0)
            if out.returncode != 0:
                print(out.stderr.decode(), file=sys.stderr)
                return 1
        print(
            f"{label} process: median {statistics.median(times) * 1000:7.0f} ms "
            f"({len(out.stdout) // 1024} KiB of JSON)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

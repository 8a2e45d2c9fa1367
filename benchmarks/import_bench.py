"""How fast, and how fair, is a big measurement import? (issue 15, point 2)

Builds a fresh SQLite database with 20 vendors x 10 weekly KPIs and a meeting, writes a CSV of
20,000 values (100 weeks per KPI), then measures in this process:

- the floor: reading and parsing the file alone (``importers.reader.read``),
- the import of all 20,000 rows (checks, writes, audit trail), while another connection saves
  a meeting note every 50 ms as the meeting screen does (``db.meetings.save_notes``),
- the longest wait of one of those note saves, and how many were saved meanwhile.

Budgets: the import within 3 s; no note save waiting over 0.5 s.

    uv run python benchmarks/import_bench.py [--rows 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

VENDORS, KPIS = 20, 10
IMPORT_BUDGET_S, NOTE_WAIT_BUDGET_S = 3.0, 0.5


def make_files(work: Path, rows: int) -> tuple[Path, Path]:
    kpis = ["vendor,kpi,unit,direction,target,frequency"]
    kpis += [f"Vendor {v},KPI {k},%,higher,95,weekly" for v in range(VENDORS) for k in range(KPIS)]
    (work / "kpis.csv").write_text("\n".join(kpis) + "\n", encoding="utf-8")
    values = ["vendor,kpi,period,value"]
    weeks = -(-rows // (VENDORS * KPIS))
    n = 0
    for v in range(VENDORS):
        for k in range(KPIS):
            for w in range(weeks):
                if n == rows:
                    break
                year, week = 2020 + w // 52, w % 52 + 1
                values.append(f"Vendor {v},KPI {k},{year}-W{week:02d},{90 + (n % 10) / 3:.2f}")
                n += 1
    (work / "values.csv").write_text("\n".join(values) + "\n", encoding="utf-8")
    return work / "kpis.csv", work / "values.csv"


def _type_notes(db_path: str, item_id: int, stop, ready, out) -> None:
    from reviewtui.db import meetings as meeting_q
    from reviewtui.db import open_database

    typist = open_database(db_path, user="facilitator")
    version, words, waits = 0, [], []
    ready.set()
    while not stop.is_set():
        words.append(f"w{len(words)}")
        t0 = time.perf_counter()
        with typist.session() as s:
            version = meeting_q.save_notes(item_id, " ".join(words), version, session=s)
        waits.append(time.perf_counter() - t0)
        time.sleep(0.05)
    typist.dispose()
    out.send(waits)


def one_run(work: Path, rows: int) -> dict[str, float]:
    from reviewtui.db import models as m
    from reviewtui.db import open_database
    from reviewtui.importers.kpis import import_kpis
    from reviewtui.importers.measurements import import_measurements
    from reviewtui.importers.reader import read

    db_path = work / f"bench-{time.monotonic_ns()}.db"
    kpis, values = make_files(work, rows)
    db = open_database(str(db_path), user="bench")
    with db.session() as s:
        import_kpis(kpis, session=s)
    with db.session() as s:
        vendor = s.query(m.Vendor).first()
        mt = m.Meeting(vendor_id=vendor.id, title="Live review", type="monthly",
                       scheduled_at=datetime.now(UTC))  # fmt: skip
        s.add(mt)
        s.flush()
        item = m.AgendaItem(meeting_id=mt.id, position=1, title="Notes")
        s.add(item)
        s.flush()
        item_id = item.id

    started = time.perf_counter()
    table = read(values, required=("vendor", "kpi", "period", "value"))
    parse_s = time.perf_counter() - started
    assert len(table.rows) == rows

    # A facilitator typing notes in a live meeting, in a process of its own (as the app is):
    # a save every 50 ms, each timed from asking for the write lock to the commit.
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    stop = ctx.Event()
    ready = ctx.Event()
    parent_end, child_end = ctx.Pipe()
    saver = ctx.Process(target=_type_notes, args=(str(db_path), item_id, stop, ready, child_end))
    saver.start()
    ready.wait(60)
    time.sleep(0.2)
    started = time.perf_counter()
    with db.session() as s:
        summary = import_measurements(values, session=s)
    import_s = time.perf_counter() - started
    time.sleep(0.1)
    stop.set()
    waits: list[float] = parent_end.recv()
    saver.join()
    assert summary.created == rows, summary
    with db.read() as s:
        logged = s.query(m.ChangeLog).filter(m.ChangeLog.entity == "measurement").count()
    assert logged == rows, f"the audit trail has {logged} of {rows} values"
    db.dispose()
    return {
        "parse_s": parse_s,
        "import_s": import_s,
        "longest_note_wait_s": max(waits),
        "note_saves": float(len(waits)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rt-import-bench-") as tmp:
        results = [one_run(Path(tmp), args.rows) for _ in range(args.runs)]
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    worst_wait = max(r["longest_note_wait_s"] for r in results)
    print(f"import of {args.rows:,} measurement rows (CSV), median of {args.runs} runs")
    print(f"  floor: parsing alone            {med['parse_s']:7.2f} s")
    print(
        f"  import (checks, writes, audit)  {med['import_s']:7.2f} s  "
        f"(budget {IMPORT_BUDGET_S} s; {med['import_s'] / med['parse_s']:.1f}x the floor)"
    )
    print(
        f"  longest note-save wait          {worst_wait:7.3f} s  "
        f"(budget {NOTE_WAIT_BUDGET_S} s; {med['note_saves']:.0f} saves during the import)"
    )
    ok = med["import_s"] <= IMPORT_BUDGET_S and worst_wait <= NOTE_WAIT_BUDGET_S
    print("  budgets met" if ok else "  OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

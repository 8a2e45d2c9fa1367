"""KPI definitions and their measurements: read one, add, edit, delete, record a value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import models as m
from reviewtui.db.errors import NotFound, UserError
from reviewtui.domain import clock
from reviewtui.domain import kpi_fields as fields
from reviewtui.domain.kpi_fields import FieldError
from reviewtui.views.kpis import KpiView


def get(kpi_id: int, *, session: Session) -> KpiView:
    row = session.execute(
        select(m.Kpi, col(m.Vendor.name))
        .join(m.Vendor, col(m.Vendor.id) == m.Kpi.vendor_id)
        .where(col(m.Kpi.id) == kpi_id)
    ).first()
    if row is None:
        raise NotFound(f"no KPI with id {kpi_id}")
    k, vendor = row
    n = session.scalar(
        select(func.count()).select_from(m.Measurement).where(col(m.Measurement.kpi_id) == kpi_id)
    )
    return KpiView(
        k.id,
        k.vendor_id,
        vendor,
        k.name,
        k.unit,
        k.direction,
        k.target,
        k.threshold,
        k.weight,
        k.frequency,
        k.category,
        k.description,
        int(n or 0),
    )


def _check_frequency_change(kpi: m.Kpi, frequency: str, session: Session) -> None:
    if kpi.id is None or kpi.frequency == frequency:
        return
    n = session.scalar(
        select(func.count()).select_from(m.Measurement).where(col(m.Measurement.kpi_id) == kpi.id)
    )
    if n:
        raise FieldError(
            "frequency",
            f"{kpi.name!r} has {n} {kpi.frequency} values; a KPI's frequency cannot change "
            "once it has values (add a new KPI instead)",
        )


def save(
    vendor_id: int,
    *,
    session: Session,
    kpi_id: int | None = None,
    name: str,
    unit: str = "",
    direction: str,
    target: str | float,
    threshold: str | float | None = None,
    weight: str | float | None = None,
    frequency: str | None = None,
    category: str | None = None,
    description: str = "",
) -> m.Kpi:
    """Add a KPI (``kpi_id`` None) or edit one; values as typed, checked like an import."""
    try:
        name = fields.text(name, "name", required=True)
        unit = fields.text(unit, "unit", max_length=40)
        direction_ = fields.direction(direction)
        target_ = fields.number(target, "target")
        threshold_ = fields.threshold(threshold, direction_, target_)
        weight_ = fields.weight(weight)
        frequency_ = fields.frequency(frequency)
        category_ = fields.category(category)
    except FieldError as exc:
        raise UserError(str(exc)) from None
    clash = session.scalar(
        select(col(m.Kpi.id)).where(
            col(m.Kpi.vendor_id) == vendor_id,
            func.lower(col(m.Kpi.name)) == name.lower(),
            col(m.Kpi.id) != (kpi_id or -1),
        )
    )
    if clash is not None:
        raise UserError(f"name: the vendor already has a KPI called {name!r}")
    if kpi_id is None:
        if session.get(m.Vendor, vendor_id) is None:
            raise NotFound(f"no vendor with id {vendor_id}")
        kpi = m.Kpi(vendor_id=vendor_id, name=name, target=target_)
        session.add(kpi)
    else:
        found = session.get(m.Kpi, kpi_id)
        if found is None or found.vendor_id != vendor_id:
            raise NotFound(f"no KPI with id {kpi_id} (it may have been deleted)")
        kpi = found
        try:
            _check_frequency_change(kpi, frequency_, session)
        except FieldError as exc:
            raise UserError(str(exc)) from None
    new = {
        "name": name,
        "unit": unit,
        "direction": direction_,
        "target": target_,
        "threshold": threshold_,
        "weight": weight_,
        "frequency": frequency_,
        "category": category_,
        "description": description,
    }
    changed = any(getattr(kpi, k) != v for k, v in new.items())
    for k, v in new.items():
        setattr(kpi, k, v)
    if kpi_id is not None and changed:
        kpi.version += 1
    session.flush()
    return kpi


def delete(kpi_id: int, *, session: Session) -> str:
    """Delete a KPI and its measurements; returns its name."""
    kpi = session.get(m.Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"no KPI with id {kpi_id} (it may have been deleted already)")
    name = kpi.name
    # Through the ORM, one by one, so the audit trail keeps every deleted value.
    for meas in session.scalars(select(m.Measurement).where(col(m.Measurement.kpi_id) == kpi_id)):
        session.delete(meas)
    session.delete(kpi)
    session.flush()
    return name


def record(
    kpi_id: int,
    period: str,
    value: str | float,
    *,
    session: Session,
    source: str | None = None,
    note: str | None = None,
) -> str:
    """Enter a KPI's value for a period from a source; 'created', 'updated' or 'unchanged'."""
    kpi = session.get(m.Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"no KPI with id {kpi_id} (it may have been deleted)")
    try:
        key = fields.period(period, kpi.frequency)
        value_ = fields.number(value, "value")
        source_ = fields.source(source)
    except FieldError as exc:
        raise UserError(str(exc)) from None
    return upsert(kpi_id, key, value_, source_, note, session=session)


def upsert(
    kpi_id: int, period: str, value: float, source: str, note: str | None, *, session: Session
) -> str:
    """Write one checked value; ``note`` None keeps an existing note."""
    row = session.scalar(
        select(m.Measurement).where(
            col(m.Measurement.kpi_id) == kpi_id,
            col(m.Measurement.period) == period,
            col(m.Measurement.source) == source,
        )
    )
    user = session.info.get("user", "")
    if row is None:
        session.add(
            m.Measurement(
                kpi_id=kpi_id,
                period=period,
                value=value,
                source=source,
                note=note or "",
                recorded_at=clock.now(),
                recorded_by=user,
            )
        )
        return "created"
    if row.value == value and (note is None or row.note == note):
        return "unchanged"
    row.value = value
    if note is not None:
        row.note = note
    row.recorded_at = clock.now()
    row.recorded_by = user
    return "updated"


def delete_value(kpi_id: int, period: str, source: str, *, session: Session) -> bool:
    """Remove one value; False when there was none."""
    row = session.scalar(
        select(m.Measurement).where(
            col(m.Measurement.kpi_id) == kpi_id,
            col(m.Measurement.period) == period,
            col(m.Measurement.source) == source,
        )
    )
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


@dataclass(frozen=True)
class Written:
    """What :func:`write_values` did, and the longest it held the write lock for one batch."""

    created: int
    updated: int
    unchanged: int
    longest_batch_s: float


def stored_values(
    keys: list[tuple[int, str, str]], *, session: Session
) -> dict[tuple[int, str, str], tuple[int, float, str]]:
    """(kpi id, period, source) -> (id, value, note) of the values already stored for ``keys``."""
    out: dict[tuple[int, str, str], tuple[int, float, str]] = {}
    by_kpi: dict[int, set[tuple[str, str]]] = {}
    for kid, p, s in keys:
        by_kpi.setdefault(kid, set()).add((p, s))
    # One query per KPI (a file holds a few dozen KPIs): an index range scan each, where a
    # tuple IN over thousands of keys would be parsed and planned in chunks.
    ids = list(by_kpi)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        q = select(
            col(m.Measurement.id),
            col(m.Measurement.kpi_id),
            col(m.Measurement.period),
            col(m.Measurement.source),
            col(m.Measurement.value),
            col(m.Measurement.note),
        ).where(col(m.Measurement.kpi_id).in_(chunk))
        for mid, kid, p, s, val, note in session.execute(q):
            if (p, s) in by_kpi[kid]:
                out[(kid, p, s)] = (mid, val, note)
    return out


def write_values(
    rows: list[tuple[int, str, float, str, str | None]],
    *,
    session: Session,
    vendor_of: dict[int, int],
    batch_seconds: float = 0.2,
    pause_seconds: float = 0.1,
    progress: Callable[[int, int], object] | None = None,
) -> Written:
    """Write checked values (kpi id, period, value, source, note or None to keep) in batches,
    each its own short transaction, with their audit-trail entries.

    A batch holds the write lock for about ``batch_seconds`` (its size adapts to the machine),
    then the lock is left free for ``pause_seconds``, so that a note saved in a live meeting
    meanwhile waits about that long at most, not for the whole import. Every row was checked before the first batch; a batch that fails rolls back alone
    and the values are upserts, so importing the same file again completes an interrupted run.
    ``vendor_of`` maps each KPI id to its vendor (for the audit trail). ``progress(done, total)``
    is called after each batch.
    """
    import os
    import sys
    import time

    from sqlalchemy import bindparam, insert, update

    user = session.info.get("user", "")
    stored = stored_values([(k, p, s) for k, p, _, s, _ in rows], session=session)
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any], dict[str, Any], int, str]] = []
    unchanged = 0
    seen: set[tuple[int, str, str]] = set()
    for kid, p, val, s, note in rows:
        if (kid, p, s) in seen:
            continue
        seen.add((kid, p, s))
        old = stored.get((kid, p, s))
        if old is None:
            inserts.append(
                {"kpi_id": kid, "period": p, "value": val, "source": s, "note": note or ""}
            )
        elif old[1] == val and (note is None or old[2] == note):
            unchanged += 1
        else:
            before: dict[str, Any] = {"value": old[1]}
            after: dict[str, Any] = {"value": val}
            if note is not None and note != old[2]:
                before["note"], after["note"] = old[2], note
            updates.append((old[0], before, after, kid, old[2]))
    session.commit()  # the reads above end: the first batch takes the lock afresh
    total = len(inserts) + len(updates)
    done = 0
    size = 500
    longest = 0.0
    work: list[tuple[str, Any]] = [("insert", r) for r in inserts] + [
        ("update", u) for u in updates
    ]
    table = m.table_of(m.Measurement)
    ins_stmt = insert(table)  # Core executemany: one statement for the batch
    upd_stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values(
            value=bindparam("_value"),
            note=bindparam("_note"),
            recorded_at=bindparam("_at"),
            recorded_by=bindparam("_by"),
        )
    )
    while done < total:
        batch = work[done : done + size]
        started = time.perf_counter()
        now = clock.now()
        log: list[dict[str, Any]] = []
        new = [dict(r, recorded_at=now, recorded_by=user) for kind, r in batch if kind == "insert"]
        if new:
            session.execute(ins_stmt, new)
            # The new rows' ids, for the audit trail: one query for the batch's KPIs.
            kids = {r["kpi_id"] for r in new}
            wanted = {(r["kpi_id"], r["period"], r["source"]) for r in new}
            id_of = {
                (kid, p, src): mid
                for mid, kid, p, src in session.execute(
                    select(table.c.id, table.c.kpi_id, table.c.period, table.c.source).where(
                        table.c.kpi_id.in_(kids)
                    )
                )
                if (kid, p, src) in wanted
            }
            for r in new:
                mid = id_of[(r["kpi_id"], r["period"], r["source"])]
                after = {
                    "id": mid,
                    "kpi_id": r["kpi_id"],
                    "period": r["period"],
                    "value": r["value"],
                    "source": r["source"],
                    "note": r["note"],
                    "recorded_at": now.isoformat(),
                    "recorded_by": user,
                }
                log.append(_log_row(now, user, "insert", mid, vendor_of, r["kpi_id"], None, after))
        changed = [u for kind, u in batch if kind == "update"]
        if changed:
            params = []
            for mid, before, after, kid, old_note in changed:
                note = after.get("note", old_note)
                params.append(
                    {"_id": mid, "_value": after["value"], "_note": note, "_at": now, "_by": user}
                )
                log.append(_log_row(now, user, "update", mid, vendor_of, kid, before, after))
            session.execute(upd_stmt, params)
        if log:
            session.execute(insert(m.table_of(m.ChangeLog)), log)
        session.commit()
        took = time.perf_counter() - started
        longest = max(longest, took)
        done += len(batch)
        # Aim each batch at batch_seconds on this machine, now that one has been timed.
        # Growing at most twofold a batch: one fast batch on a busy machine must not make the
        # next one hold the lock for seconds.
        rate = len(batch) / max(took, 1e-4)
        size = max(50, min(size * 2, 5_000, int(rate * batch_seconds)))
        if os.environ.get("REVIEWTUI_DEBUG_BATCHES"):
            print(f"batch {len(batch)} rows {took:.3f} s", file=sys.stderr)
        if progress is not None:
            progress(done, total)
        if done < total:
            # SQLite hands its lock to no one: a waiting writer polls (every 100 ms once it has
            # waited a while) and would miss a lock free for microseconds between two batches.
            time.sleep(pause_seconds)
    return Written(len(inserts), len(updates), unchanged, longest)


def _log_row(
    now: datetime,
    user: str,
    op: str,
    mid: int,
    vendor_of: dict[int, int],
    kid: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    import json

    return {
        "at": now,
        "user": user,
        "op": op,
        "entity": "measurement",
        "entity_id": mid,
        "vendor_id": vendor_of.get(kid),
        "before": json.dumps(before, sort_keys=True) if before is not None else None,
        "after": json.dumps(after, sort_keys=True) if after is not None else None,
    }

"""The audit trail: every insert, update and delete through a session is written to ``changelog``.

Hooked on the ORM flush, so every write path (TUI, CLI, importers) is covered without each of them
remembering to log. The acting user comes from ``session.info["user"]``; a session that sets
``session.info["no_changelog"]`` (demo seeding, benchmarks) is not logged.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from reviewtui.db import models as m
from reviewtui.domain import clock

# How to find the vendor of a row that has no vendor_id of its own: (model, parent attr, parent).
_PARENTS: dict[type, tuple[str, type]] = {
    m.Measurement: ("kpi_id", m.Kpi),
    m.Attendance: ("meeting_id", m.Meeting),
    m.AgendaItem: ("meeting_id", m.Meeting),
    m.Outcome: ("agenda_item_id", m.AgendaItem),
    m.ActionNote: ("action_id", m.Action),
    m.Verification: ("plan_id", m.ActionPlan),
    m.EscalationLog: ("escalation_id", m.Escalation),
    m.Finding: ("audit_id", m.Audit),
    m.MinutesRevision: ("meeting_id", m.Meeting),
    m.SignOff: ("meeting_id", m.Meeting),
}


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def _row_dict(obj: Any) -> dict[str, Any]:
    return {c.key: _jsonable(getattr(obj, c.key)) for c in inspect(obj).mapper.column_attrs}


def _vendor_of(session: Session, obj: Any, cache: dict[tuple[type, int], int | None]) -> int | None:
    if isinstance(obj, m.Vendor):
        return obj.id
    if hasattr(obj, "vendor_id"):
        vendor_id: int | None = obj.vendor_id
        return vendor_id
    link = _PARENTS.get(type(obj))
    if link is None:
        return None
    attr, parent = link
    pid = getattr(obj, attr)
    if pid is None:
        return None
    key = (parent, pid)
    if key not in cache:
        with session.no_autoflush:
            found = session.get(parent, pid)
        cache[key] = _vendor_of(session, found, cache) if found is not None else None
    return cache[key]


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _ctx: object) -> None:
    if session.info.get("no_changelog"):
        return
    user = session.info.get("user", "")
    now = clock.now()
    cache: dict[tuple[type, int], int | None] = {}
    rows: list[dict[str, Any]] = []

    def add(op: str, obj: Any, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        rows.append(
            {
                "at": now,
                "user": user,
                "op": op,
                "entity": type(obj).__tablename__,
                "entity_id": getattr(obj, "id", None),
                "vendor_id": _vendor_of(session, obj, cache),
                "before": json.dumps(before, sort_keys=True) if before is not None else None,
                "after": json.dumps(after, sort_keys=True) if after is not None else None,
            }
        )

    for obj in session.new:
        if isinstance(obj, SQLModel) and not isinstance(obj, m.ChangeLog):
            add("insert", obj, None, _row_dict(obj))
    for obj in session.dirty:
        if not isinstance(obj, SQLModel) or isinstance(obj, m.ChangeLog):
            continue
        state = inspect(obj)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for attr in state.mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if hist.has_changes() and hist.deleted:
                before[attr.key] = _jsonable(hist.deleted[0])
                after[attr.key] = _jsonable(hist.added[0] if hist.added else None)
        if before != after:
            add("update", obj, before, after)
    for obj in session.deleted:
        if isinstance(obj, SQLModel) and not isinstance(obj, m.ChangeLog):
            add("delete", obj, _row_dict(obj), None)
    if rows:
        session.connection().execute(m.table_of(m.ChangeLog).insert(), rows)

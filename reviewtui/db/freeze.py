"""Signed-off minutes are read-only: one guard on every flush, not a check in every command.

Once both sides have signed a revision of a meeting's minutes, the meeting and everything the
minutes show of it may no longer change through the ORM:

- the meeting row itself;
- its attendance, agenda items (and their notes), the outcomes of those items, the feedback
  given in it and the action notes made in it (insert, update or delete);
- the sign-offs and the minutes revision of a signed-off revision;
- new actions or escalations attached to it, moving an action or escalation into or out of it,
  and deleting an action raised in it.

Actions raised in the meeting keep living afterwards (their status, owner and due date may
change between meetings): the minutes froze their state at sign-off in the stored JSON.

The guard runs in ``before_flush`` (every ``session.add``/``delete``/attribute change, whichever
screen, command or importer made it) and in ``do_orm_execute`` for ORM ``update()``/``delete()``
statements (the optimistic-locking pattern ``UPDATE ... WHERE version = :v``). It raises
:class:`~reviewtui.db.errors.ReadOnly` with the way out: ``reviewtui amend MEETING``.

It also takes a row lock on the meetings concerned (``FOR NO KEY UPDATE`` on PostgreSQL; SQLite
already serialises writers with ``BEGIN IMMEDIATE``), as sign-off does, so an edit racing a
sign-off either lands before the minutes are frozen (and is in them) or is refused.

Amending (:func:`reviewtui.db.signoff.amend`) names the meeting in
``session.info[AMENDING]`` for the one flush that reopens it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, Update, event, inspect, select, tuple_
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel import col

from reviewtui.db import models as m
from reviewtui.db.errors import ReadOnly

#: ``session.info`` key: the meeting ids whose sign-off is being lifted by an amendment.
AMENDING = "minutes_amending"

# Rows that belong to one meeting through their own meeting_id: every change is guarded.
_OWNED_BY_MEETING = (m.Attendance, m.AgendaItem, m.Feedback, m.ActionNote)
# Rows that point at a meeting but live on after it: only attaching and detaching is guarded.
_ATTACHED_TO_MEETING = (m.Action, m.Escalation)

_WHAT: dict[type, str] = {
    m.Meeting: "the meeting",
    m.Attendance: "its attendance",
    m.AgendaItem: "its agenda and notes",
    m.Outcome: "the outcomes of its agenda items",
    m.Feedback: "the feedback given in it",
    m.ActionNote: "the action notes made in it",
    m.Action: "the actions raised in it",
    m.Escalation: "the escalations raised in it",
    m.SignOff: "the sign-offs of a signed-off revision",
    m.MinutesRevision: "a signed-off revision of its minutes",
}


def _values(obj: Any, attr: str, op: str) -> set[Any]:
    """The attribute's value before and after this flush (both matter: moving rows out counts)."""
    if op == "insert":
        v = getattr(obj, attr)
        return {v} if v is not None else set()
    hist = inspect(obj).attrs[attr].history
    vals = set(hist.added) | set(hist.unchanged) | set(hist.deleted)
    if not vals:
        vals = {getattr(obj, attr)}
    return {v for v in vals if v is not None}


def _changed(obj: Any, attr: str) -> bool:
    return bool(inspect(obj).attrs[attr].history.has_changes())


class _Checks:
    """What one flush (or one statement) touches, resolved with as few queries as possible."""

    def __init__(self) -> None:
        self.meetings: dict[int, type] = {}  # meeting id -> first kind of row touched
        self.agenda_items: dict[int, type] = {}  # outcome's agenda item id -> kind
        self.revisions: dict[tuple[int, int], type] = {}  # (meeting id, revision) -> kind

    def meeting(self, mid: int, kind: type) -> None:
        self.meetings.setdefault(mid, kind)

    def empty(self) -> bool:
        return not (self.meetings or self.agenda_items or self.revisions)

    def enforce(self, session: Session) -> None:
        if self.empty():
            return
        conn = session.connection()
        if self.agenda_items:
            item_rows = conn.execute(
                select(col(m.AgendaItem.id), col(m.AgendaItem.meeting_id)).where(
                    col(m.AgendaItem.id).in_(list(self.agenda_items))
                )
            )
            for item_id, mid in item_rows:
                self.meeting(mid, self.agenda_items[item_id])
        if self.revisions:
            revision_rows = conn.execute(
                select(col(m.MinutesRevision.meeting_id), col(m.MinutesRevision.revision)).where(
                    tuple_(col(m.MinutesRevision.meeting_id), col(m.MinutesRevision.revision)).in_(
                        list(self.revisions)
                    ),
                    col(m.MinutesRevision.status) == "signed_off",
                )
            )
            for mid, rev in revision_rows:
                _refuse(session, mid, self.revisions[(mid, rev)], revision=rev)
        if not self.meetings:
            return
        amending = session.info.get(AMENDING) or set()
        rows = conn.execute(
            select(col(m.Meeting.id), col(m.Meeting.status))
            .where(col(m.Meeting.id).in_(sorted(self.meetings)))
            .order_by(col(m.Meeting.id))
            .with_for_update(key_share=True)
        )
        for mid, status in rows:
            if status == "signed_off" and mid not in amending:
                _refuse(session, mid, self.meetings[mid])


def _refuse(session: Session, meeting_id: int, kind: type, revision: int | None = None) -> None:
    row = (
        session.connection()
        .execute(
            select(col(m.Meeting.scheduled_at), col(m.Meeting.revision), col(m.Vendor.name))
            .join(m.Vendor, col(m.Vendor.id) == m.Meeting.vendor_id)
            .where(col(m.Meeting.id) == meeting_id)
        )
        .first()
    )
    if row is None:  # pragma: no cover - the meeting row was there a moment ago
        raise ReadOnly(f"meeting {meeting_id} is signed off")
    when, current, vendor = row
    rev = revision or current
    raise ReadOnly(
        f"the minutes of meeting {meeting_id} ({vendor}, {when:%Y-%m-%d}) are signed off "
        f"(revision {rev}), so {_WHAT.get(kind, 'its records')} cannot change. "
        f"To change them, amend the minutes: `reviewtui amend {meeting_id}` "
        "(or press A on the meeting's minutes screen); the amendment is a new revision "
        "that needs its own sign-off."
    )


def _collect(session: Session) -> _Checks:
    checks = _Checks()
    ops = (
        [("insert", o) for o in session.new]
        + [("update", o) for o in session.dirty if session.is_modified(o)]
        + [("delete", o) for o in session.deleted]
    )
    for op, obj in ops:
        kind = type(obj)
        if kind is m.Meeting:
            if op != "insert":
                checks.meeting(obj.id, kind)
        elif isinstance(obj, _OWNED_BY_MEETING):
            for mid in _values(obj, "meeting_id", op):
                checks.meeting(mid, kind)
        elif kind is m.Outcome:
            for item_id in _values(obj, "agenda_item_id", op):
                checks.agenda_items.setdefault(item_id, kind)
        elif isinstance(obj, _ATTACHED_TO_MEETING):
            attaching = op == "insert" or (op == "update" and _changed(obj, "meeting_id"))
            deleting_action = op == "delete" and kind is m.Action
            if attaching or deleting_action:
                for mid in _values(obj, "meeting_id", op):
                    checks.meeting(mid, kind)
        elif kind is m.SignOff:
            mids = _values(obj, "meeting_id", op)
            revs = _values(obj, "revision", op)
            for mid in mids:
                for rev in revs:
                    checks.revisions.setdefault((mid, rev), kind)
        elif kind is m.MinutesRevision and op != "insert":
            # The committed row decides: a draft may become signed off, not the reverse.
            committed = inspect(obj).attrs["status"].history
            old = (committed.deleted or committed.unchanged or [obj.status])[0]
            if old == "signed_off":
                _refuse(session, obj.meeting_id, kind, revision=obj.revision)
    return checks


@event.listens_for(Session, "before_flush")
def _guard_flush(session: Session, _ctx: object, _instances: object) -> None:
    _collect(session).enforce(session)


# ORM update()/delete() statements bypass the flush; look at the rows they would touch.
_STATEMENT_TABLES: dict[str, type] = {
    m.table_of(t).name: t
    for t in (*_OWNED_BY_MEETING, *_ATTACHED_TO_MEETING, m.Meeting, m.Outcome, m.SignOff)
}


@event.listens_for(Session, "do_orm_execute")
def _guard_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    stmt = state.statement
    table = getattr(stmt, "table", None)
    model = _STATEMENT_TABLES.get(getattr(table, "name", ""))
    if model is None:
        if getattr(table, "name", "") == m.MinutesRevision.__tablename__:
            _guard_revision_statement(state)
        return
    assert isinstance(stmt, Update | Delete)  # is_update / is_delete said so
    where = stmt.whereclause
    session = state.session
    conn = session.connection()
    checks = _Checks()
    if model is m.Outcome:
        q = select(col(m.Outcome.agenda_item_id)).distinct()
        for (item_id,) in conn.execute(q.where(where) if where is not None else q):
            checks.agenda_items.setdefault(item_id, model)
    elif model is m.Meeting:
        q = select(col(m.Meeting.id))
        for (mid,) in conn.execute(q.where(where) if where is not None else q):
            checks.meeting(mid, model)
    elif model is m.SignOff:
        pairs = select(col(m.SignOff.meeting_id), col(m.SignOff.revision)).distinct()
        for mid, rev in conn.execute(pairs.where(where) if where is not None else pairs):
            checks.revisions.setdefault((mid, rev), model)
    else:
        touches_link = state.is_delete if model is m.Action else False
        if model in _OWNED_BY_MEETING:
            touches_link = True
        values = _statement_values(stmt)
        if state.is_update and "meeting_id" in values:
            touches_link = True
            if values["meeting_id"] is not None:
                checks.meeting(values["meeting_id"], model)
        if touches_link:
            links = select(m.table_of(model).c.meeting_id).distinct()
            for (mid,) in conn.execute(links.where(where) if where is not None else links):
                if mid is not None:
                    checks.meeting(mid, model)
    checks.enforce(session)


def _statement_values(stmt: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in (getattr(stmt, "_values", None) or {}).items():
        name = getattr(key, "key", None) or getattr(key, "name", None) or str(key)
        out[name] = getattr(val, "value", val)
    return out


def _guard_revision_statement(state: ORMExecuteState) -> None:
    stmt = state.statement
    assert isinstance(stmt, Update | Delete)  # only update()/delete() statements come here
    where = stmt.whereclause
    q = select(col(m.MinutesRevision.meeting_id), col(m.MinutesRevision.revision)).where(
        col(m.MinutesRevision.status) == "signed_off"
    )
    conn = state.session.connection()
    for mid, rev in conn.execute(q.where(where) if where is not None else q):
        _refuse(state.session, mid, m.MinutesRevision, revision=rev)


def frozen_meetings(session: Session, meeting_ids: list[int]) -> set[int]:
    """Which of ``meeting_ids`` are signed off (for screens that want to say so up front)."""
    if not meeting_ids:
        return set()
    rows = session.execute(
        select(col(m.Meeting.id)).where(
            col(m.Meeting.id).in_(meeting_ids), col(m.Meeting.status) == "signed_off"
        )
    )
    return {mid for (mid,) in rows}

"""Who may read and write what: enforced here, once, for every screen and command.

A session says who it serves in ``session.info`` (set by :class:`reviewtui.db.engine.Database`):
``role`` is facilitator (everything), viewer (reads everything, writes nothing) or vendor (reads
its own vendor's data only, writes only its own side's sign-off), and ``vendor_id`` is that
vendor. Sessions made without a ``Database`` carry no role and are not restricted.

Writes are checked on every ORM flush and every ORM bulk statement, so no query module has to
remember: a refused write raises :class:`~reviewtui.db.errors.ReadOnly` and the unit of work rolls
back. Reads cannot be checked after the fact, so every query that returns vendor data applies
the scope itself, in one line::

    q = access.scoped(select(m.Kpi), m.Kpi.vendor_id, session=session)   # lists
    access.require_visible(meeting.vendor_id, session=session, what="meeting", ident=meeting_id)

``require_visible`` raises NotFound with the same words a missing row gets, so a restricted
session learns nothing about what it may not see; for the same reason a write function whose
checks could name other vendors' data calls ``require_facilitator`` first.
"""

from __future__ import annotations

from typing import Any, Protocol, Self, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from reviewtui.db import models as m
from reviewtui.db.errors import NotFound, ReadOnly


class Filterable(Protocol):
    """A statement that takes a WHERE clause (a ``select()``, ``update()`` or ``delete()``)."""

    def where(self, *whereclause: Any) -> Self: ...


Q = TypeVar("Q", bound=Filterable)


def scope_vendor_ids(session: Session) -> frozenset[int] | None:
    """The vendor ids this session may see, or None when it may see every vendor."""
    if session.info.get("role") == "vendor":
        vid = session.info.get("vendor_id")
        return frozenset() if vid is None else frozenset({vid})
    return None


def scoped(query: Q, vendor_id_column: Any, *, session: Session) -> Q:
    """``query`` limited to the vendors this session may see (unchanged when it sees all).

    ``vendor_id_column`` is the column holding the vendor's id in ``query`` (``m.Vendor.id``,
    ``m.Kpi.vendor_id``, ``m.Meeting.vendor_id`` ...); join to it first for child rows.
    """
    ids = scope_vendor_ids(session)
    if ids is None:
        return query
    return query.where(vendor_id_column.in_(sorted(ids)))


def is_visible(vendor_id: int | None, *, session: Session) -> bool:
    ids = scope_vendor_ids(session)
    return ids is None or (vendor_id is not None and vendor_id in ids)


def require_visible(
    vendor_id: int | None,
    *,
    session: Session,
    what: str = "vendor",
    ident: object = None,
) -> None:
    """Raise NotFound ("no {what} with id {ident}") unless this session may see ``vendor_id``."""
    if not is_visible(vendor_id, session=session):
        raise NotFound(f"no {what} with id {vendor_id if ident is None else ident}")


def _who(session: Session) -> str:
    if session.info.get("role") == "viewer":
        return "this session is read-only (role viewer)"
    return f"this session is restricted to vendor {session.info.get('vendor_name')!r}"


def require_facilitator(session: Session, *, doing: str) -> None:
    """Refuse a viewer or vendor session up front, e.g. ``doing="add a vendor"``.

    The flush guard below refuses their writes anyway; calling this first keeps a write
    function's own checks (``a vendor named X exists already``) from telling a restricted
    session about data it may not see.
    """
    role = session.info.get("role")
    if role not in (None, "facilitator"):
        raise ReadOnly(f"{_who(session)}: cannot {doing}")


def _vendor_may_add(session: Session, obj: object) -> bool:
    """A vendor session may record its own side's sign-off of its own vendor's meeting."""
    if not isinstance(obj, m.SignOff) or obj.side != "vendor":
        return False
    with session.no_autoflush:
        meeting = session.get(m.Meeting, obj.meeting_id)
    return meeting is not None and meeting.vendor_id == session.info.get("vendor_id")


def _vendor_signoff_freeze(session: Session, op: str, obj: object) -> bool:
    """The vendor's sign-off may complete the minutes: the freeze it causes is allowed.

    ``record_signoff`` marks the session with the meeting it is signing (after checking the
    meeting is the vendor's own); only that meeting's row and its minutes revisions may change.
    """
    mid = session.info.get("vendor_signoff_meeting")
    if mid is None or op == "delete":
        return False
    if isinstance(obj, m.Meeting):
        return obj.id == mid and obj.vendor_id == session.info.get("vendor_id")
    return isinstance(obj, m.MinutesRevision) and obj.meeting_id == mid


@event.listens_for(Session, "before_flush")
def _refuse_restricted_writes(session: Session, _ctx: Any, _instances: Any) -> None:
    role = session.info.get("role")
    if role is None or role == "facilitator":
        return
    changes = [("add", o) for o in session.new]
    changes += [("change", o) for o in session.dirty if session.is_modified(o)]
    changes += [("delete", o) for o in session.deleted]
    for op, obj in changes:
        if role == "vendor" and op == "add" and _vendor_may_add(session, obj):
            continue
        if role == "vendor" and _vendor_signoff_freeze(session, op, obj):
            continue
        entity = getattr(obj, "__tablename__", type(obj).__name__)
        allowed = (
            "it may only record the vendor's own sign-off"
            if role == "vendor"
            else "ask a facilitator"
        )
        raise ReadOnly(f"{_who(session)}: cannot {op} a {entity} record; {allowed}")


@event.listens_for(Session, "do_orm_execute")
def _refuse_restricted_bulk(state: ORMExecuteState) -> None:
    role = state.session.info.get("role")
    if role in (None, "facilitator"):
        return
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnly(f"{_who(state.session)}: changes are refused")

"""What mail needs from the database: who to write to, what was sent, and recording a sending.

Recipients come from the rows: a meeting's attendees through their contact's email, a vendor's
contacts for an invitation, an action's owner through the contact it names. The record
(:class:`reviewtui.db.models.MailSent`) holds one row per accepted recipient of each message,
so that the same revision is not sent twice to the same person and reminders go out at most once
a day. Query functions return frozen dataclasses; no SMTP here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import models as m
from reviewtui.db.errors import NotFound, UserError
from reviewtui.domain import clock, enums
from reviewtui.views.mail import Attendee, ContactAddress, DueAction, InviteState, SentRow

#: Meeting statuses an invitation, a reschedule or a cancellation may still change.
INVITABLE = ("planned",)


@dataclass(frozen=True)
class Delivery:
    """What to record for one accepted recipient of one message."""

    kind: str
    recipient: str
    recipient_name: str = ""
    field: str = "to"
    vendor_id: int | None = None
    meeting_id: int | None = None
    revision: int | None = None
    draft: bool = False
    message_id: str = ""
    sha256: str = ""
    attachment_sha256: str = ""
    sequence: int | None = None
    day: date | None = None


def _visible_meeting(session: Session, meeting_id: int) -> m.Meeting:
    mt = session.get(m.Meeting, meeting_id)
    if mt is None or not access.is_visible(mt.vendor_id, session=session):
        raise NotFound(f"no meeting with id {meeting_id}")
    return mt


def attendees(meeting_id: int, *, session: Session) -> tuple[Attendee, ...]:
    """The meeting's attendance list (both sides, any status) with each contact's email."""
    _visible_meeting(session, meeting_id)
    rows = session.execute(
        select(m.Attendance, col(m.Contact.email))
        .outerjoin(m.Contact, col(m.Contact.id) == m.Attendance.contact_id)
        .where(col(m.Attendance.meeting_id) == meeting_id)
        .order_by(col(m.Attendance.side), col(m.Attendance.id))
    )
    return tuple(
        Attendee(a.name, a.side, a.status, (email or "").strip(), a.organisation)
        for a, email in rows
    )


def vendor_contacts(vendor_id: int, *, session: Session) -> tuple[ContactAddress, ...]:
    """The vendor's contacts on both sides that have an email, client side first."""
    return tuple(
        ContactAddress(c.name, c.side, c.email.strip())
        for c in session.scalars(
            access.scoped(
                select(m.Contact)
                .where(col(m.Contact.vendor_id) == vendor_id, col(m.Contact.email) != "")
                .order_by(
                    col(m.Contact.side), col(m.Contact.escalation_level), col(m.Contact.name)
                ),
                col(m.Contact.vendor_id),
                session=session,
            )
        )
    )


def _sent(row: m.MailSent) -> SentRow:
    return SentRow(
        at=row.at,
        sent_by=row.sent_by,
        kind=row.kind,
        revision=row.revision,
        draft=row.draft,
        recipient=row.recipient,
        recipient_name=row.recipient_name,
        field=row.field,
        message_id=row.message_id,
        sha256=row.sha256,
        sequence=row.sequence,
    )


def sendings(
    meeting_id: int, *, session: Session, kinds: Sequence[str] | None = None
) -> tuple[SentRow, ...]:
    """What was sent about a meeting, oldest first (``kinds``: only those)."""
    q = access.scoped(
        select(m.MailSent).where(col(m.MailSent.meeting_id) == meeting_id),
        col(m.MailSent.vendor_id),
        session=session,
    )
    if kinds:
        q = q.where(col(m.MailSent.kind).in_(tuple(kinds)))
    return tuple(
        _sent(r) for r in session.scalars(q.order_by(col(m.MailSent.at), col(m.MailSent.id)))
    )


def reminded_today(recipients: Iterable[str], day: date, *, session: Session) -> set[str]:
    """Which of ``recipients`` (lower-case addresses) already had a reminder on ``day``."""
    wanted = sorted({r.lower() for r in recipients})
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(col(m.MailSent.recipient)).where(
                col(m.MailSent.kind) == "reminder",
                col(m.MailSent.day) == day,
                col(m.MailSent.recipient).in_(wanted),
            )
        )
    )


def record(deliveries: Iterable[Delivery], *, session: Session) -> int:
    """Record accepted deliveries (one row each); returns how many."""
    user = session.info.get("user", "") or ""
    now = clock.now()
    n = 0
    for d in deliveries:
        session.add(
            m.MailSent(
                at=now,
                sent_by=user,
                kind=d.kind,
                vendor_id=d.vendor_id,
                meeting_id=d.meeting_id,
                revision=d.revision,
                draft=d.draft,
                recipient=d.recipient.lower(),
                recipient_name=d.recipient_name[:200],
                field=d.field,
                message_id=d.message_id[:300],
                sha256=d.sha256,
                attachment_sha256=d.attachment_sha256,
                sequence=d.sequence,
                day=d.day,
            )
        )
        n += 1
    session.flush()
    return n


# --- invitations ------------------------------------------------------------------------------


def _invite_state(session: Session, mt: m.Meeting) -> InviteState:
    vendor = (
        session.scalar(select(col(m.Vendor.name)).where(col(m.Vendor.id) == mt.vendor_id)) or ""
    )
    items = session.execute(
        select(col(m.AgendaItem.title), col(m.AgendaItem.timebox_minutes))
        .where(col(m.AgendaItem.meeting_id) == mt.id)
        .order_by(col(m.AgendaItem.position), col(m.AgendaItem.id))
    )
    return InviteState(
        meeting_id=mt.id or 0,
        vendor_id=mt.vendor_id,
        vendor=vendor,
        type=mt.type,
        title=mt.title,
        scheduled_at=mt.scheduled_at,
        location=mt.location,
        status=mt.status,
        facilitator=mt.facilitator,
        uid=mt.ical_uid,
        sequence=mt.ical_sequence,
        cancel_reason=mt.cancel_reason,
        agenda=tuple((t, int(n)) for t, n in items),
    )


def invite_state(meeting_id: int, *, session: Session) -> InviteState:
    """The meeting as its invitation describes it (read only)."""
    return _invite_state(session, _visible_meeting(session, meeting_id))


def _planned_for_write(session: Session, meeting_id: int, done: str) -> m.Meeting:
    access.require_facilitator(session, doing="change meetings or send invitations")
    mt = session.get(m.Meeting, meeting_id, with_for_update=True)
    if mt is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    if mt.status not in INVITABLE:
        raise UserError(
            f"meeting {meeting_id} is {enums.label(mt.status)}: only a planned meeting can be "
            f"{done}"
        )
    return mt


def claim_invitation(meeting_id: int, *, session: Session) -> InviteState:
    """The meeting's invitation state, giving it a UID the first time (kept for its whole life)."""
    mt = _planned_for_write(session, meeting_id, "invited to")
    if not mt.ical_uid:
        mt.ical_uid = f"meeting-{mt.id}-{secrets.token_hex(6)}@reviewtui"
        mt.version = (mt.version or 0) + 1
    session.flush()
    return _invite_state(session, mt)


def reschedule(meeting_id: int, when: datetime, *, session: Session) -> InviteState:
    """Move a planned meeting to ``when``; an invitation's SEQUENCE goes up by one."""
    if when.tzinfo is None:
        raise UserError("the meeting time needs a time zone")
    mt = _planned_for_write(session, meeting_id, "rescheduled")
    mt.scheduled_at = when
    if mt.ical_uid:
        mt.ical_sequence += 1
    mt.version = (mt.version or 0) + 1
    session.flush()
    return _invite_state(session, mt)


def cancel(meeting_id: int, reason: str = "", *, session: Session) -> InviteState:
    """Cancel a planned meeting (kept in the list, status cancelled); SEQUENCE goes up by one."""
    reason = " ".join(reason.split())
    mt = _planned_for_write(session, meeting_id, "cancelled")
    mt.status = "cancelled"
    mt.cancel_reason = reason
    if mt.ical_uid:
        mt.ical_sequence += 1
    mt.version = (mt.version or 0) + 1
    session.flush()
    return _invite_state(session, mt)


def invited(meeting_id: int, *, session: Session) -> tuple[tuple[str, str], ...]:
    """Everyone an invitation or update of the meeting reached: (address, name), first first."""
    seen: dict[str, str] = {}
    for addr, name in session.execute(
        select(col(m.MailSent.recipient), col(m.MailSent.recipient_name))
        .where(
            col(m.MailSent.meeting_id) == meeting_id, col(m.MailSent.kind).in_(("invite", "update"))
        )
        .order_by(col(m.MailSent.id))
    ):
        seen.setdefault(addr, name)
    return tuple(seen.items())


# --- reminders --------------------------------------------------------------------------------


def due_actions(*, session: Session, today: date, within_days: int) -> tuple[DueAction, ...]:
    """Open actions due by ``today + within_days`` (overdue ones included), across vendors,
    with the owner's email from the contact the action names (or, failing that, the vendor's
    one contact of that name)."""
    horizon = date.fromordinal(today.toordinal() + within_days)
    plan = m.table_of(m.ActionPlan).alias("p")
    meet = m.table_of(m.Meeting).alias("mt")
    q = (
        select(
            col(m.Action.id),
            col(m.Action.vendor_id),
            col(m.Vendor.name),
            col(m.Action.title),
            col(m.Action.owner),
            col(m.Action.owner_contact_id),
            col(m.Action.due_date),
            col(m.Action.status),
            col(m.Action.priority),
            plan.c.title,
            meet.c.title,
            meet.c.scheduled_at,
        )
        .join(m.Vendor, col(m.Vendor.id) == m.Action.vendor_id)
        .outerjoin(plan, plan.c.id == col(m.Action.plan_id))
        .outerjoin(meet, meet.c.id == col(m.Action.meeting_id))
        .where(
            col(m.Action.status).in_(enums.OPEN_ACTION_STATUSES), col(m.Action.due_date) <= horizon
        )
        .order_by(col(m.Vendor.name), col(m.Action.due_date), col(m.Action.id))
    )
    q = access.scoped(q, col(m.Action.vendor_id), session=session)
    rows = list(session.execute(q))
    vendor_ids = sorted({r[1] for r in rows})
    by_id: dict[int, str] = {}
    by_name: dict[tuple[int, str], list[str]] = {}
    if vendor_ids:
        for cid, vid, name, email in session.execute(
            select(
                col(m.Contact.id),
                col(m.Contact.vendor_id),
                col(m.Contact.name),
                col(m.Contact.email),
            ).where(col(m.Contact.vendor_id).in_(vendor_ids))
        ):
            by_id[cid] = (email or "").strip()
            by_name.setdefault((vid, name.strip().casefold()), []).append((email or "").strip())
    out = []
    for aid, vid, vendor, title, owner, cid, due, _status, prio, ptitle, mtitle, mwhen in rows:
        email = by_id.get(cid, "") if cid is not None else ""
        if not email and owner.strip():
            same = [e for e in by_name.get((vid, owner.strip().casefold()), []) if e]
            email = same[0] if len(set(same)) == 1 else ""
        origin = f"{mtitle}, {clock.aware(mwhen).astimezone().date().isoformat()}" if mtitle else ""
        out.append(
            DueAction(
                id=aid,
                vendor_id=vid,
                vendor=vendor,
                title=title,
                owner=owner,
                owner_email=email,
                due_date=due,
                days_overdue=max((today - due).days, 0),
                priority=prio,
                plan=ptitle or "",
                meeting=origin,
            )
        )
    return tuple(out)

"""Meetings: scheduling, the default agenda, agenda edits, the live run and the notes.

Every change to a meeting or one of its rows bumps ``meeting.version``: that is what other
sessions watch (:mod:`reviewtui.db.watch`) to refresh within a second. Notes carry their own
``notes_version`` so that two people typing into one item never overwrite each other silently:
a save based on an older version raises :class:`NotesConflict` with both texts. Outcomes
(decisions, actions, parking) live in :mod:`reviewtui.db.outcomes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import models as m
from reviewtui.db.engine import acting_login, person_name
from reviewtui.db.errors import Conflict, NotFound, ReadOnly, UserError
from reviewtui.domain import agenda, clock, enums
from reviewtui.views.meetings import (
    AttendeeRow,
    ItemRow,
    MeetingRow,
    MeetingView,
    OutcomeRow,
    Person,
)

if TYPE_CHECKING:
    from reviewtui.config import Settings


class NotesConflict(Conflict):
    """Someone saved the notes of this item since the text being saved was loaded."""

    def __init__(self, item_id: int, mine: str, theirs: str, version: int, by: str) -> None:
        who = by or "someone"
        super().__init__(f"{who} saved newer notes for this item (version {version})")
        self.item_id = item_id
        self.mine = mine
        self.theirs = theirs
        self.version = version
        self.by = by


# ---------------------------------------------------------------------------------------------
# What screens and the CLI get back


@dataclass(frozen=True)
class AttendanceEntry:
    """Attendance as taken at the start of a meeting."""

    name: str
    side: str
    status: str = "present"
    contact_id: int | None = None
    organisation: str = ""
    role: str = ""


# ---------------------------------------------------------------------------------------------
# Helpers


def _meeting_for_write(session: Session, meeting_id: int) -> m.Meeting:
    """The meeting, row-locked on PostgreSQL, refused when signed off; its version is bumped."""
    mt = session.get(m.Meeting, meeting_id, with_for_update=True)
    if mt is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    if mt.status == "signed_off":
        raise ReadOnly("this meeting is signed off: its agenda, notes and outcomes are frozen")
    mt.version = (mt.version or 0) + 1
    return mt


def touch(meeting_id: int, *, session: Session) -> m.Meeting:
    """Mark a meeting changed (for rows of other modules that belong to it, e.g. feedback)."""
    return _meeting_for_write(session, meeting_id)


def item_for_write(session: Session, item_id: int) -> tuple[m.AgendaItem, m.Meeting]:
    """An agenda item and its meeting, both locked for writing (see :func:`touch`)."""
    # The meeting row is locked first, always: one lock order, no deadlocks on PostgreSQL.
    meeting_id = session.scalar(
        select(col(m.AgendaItem.meeting_id)).where(col(m.AgendaItem.id) == item_id)
    )
    if meeting_id is None:
        raise NotFound(f"no agenda item with id {item_id}")
    mt = _meeting_for_write(session, meeting_id)
    item = session.get_one(m.AgendaItem, item_id, with_for_update=True)
    return item, mt


def agenda_items(session: Session, meeting_id: int) -> list[m.AgendaItem]:
    """A meeting's agenda items as rows to change, in agenda order."""
    return list(
        session.scalars(
            select(m.AgendaItem)
            .where(col(m.AgendaItem.meeting_id) == meeting_id)
            .order_by(col(m.AgendaItem.position), col(m.AgendaItem.id))
        )
    )


def renumber_items(items: Sequence[m.AgendaItem]) -> None:
    """Give the items positions 1, 2, 3... in the order given."""
    for n, it in enumerate(items, start=1):
        if it.position != n:
            it.position = n


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise UserError("an agenda item needs a title")
    if len(title) > 300:
        raise UserError(f"the title is {len(title)} characters long; keep it within 300")
    return title


def _check_timebox(minutes: int) -> int:
    if not 0 <= minutes <= 240:
        raise UserError(f"timebox {minutes} min: give 0 to 240 minutes")
    return minutes


def _stop_timer(item: m.AgendaItem, now: datetime) -> None:
    if item.started_at is not None:
        item.elapsed_seconds += max(0, int((now - item.started_at).total_seconds()))
        item.started_at = None


# ---------------------------------------------------------------------------------------------
# Listing and scheduling


def list_meetings(
    *, session: Session, vendor_id: int | None = None, only_vendor: str | None = None
) -> list[MeetingRow]:
    """Meetings by date (oldest first), optionally of one vendor, with their item counts."""
    counts = (
        select(col(m.AgendaItem.meeting_id).label("mid"), func.count().label("n"))
        .group_by(col(m.AgendaItem.meeting_id))
        .subquery()
    )
    q = (
        select(m.Meeting, col(m.Vendor.name), func.coalesce(counts.c.n, 0))
        .join(m.Vendor, col(m.Vendor.id) == m.Meeting.vendor_id)
        .outerjoin(counts, counts.c.mid == col(m.Meeting.id))
        .order_by(col(m.Meeting.scheduled_at), col(m.Meeting.id))
    )
    if vendor_id is not None:
        q = q.where(col(m.Meeting.vendor_id) == vendor_id)
    if only_vendor is not None:
        from reviewtui.db.vendors import ids_named

        q = q.where(col(m.Meeting.vendor_id).in_(ids_named(only_vendor, session=session)))
    return [
        MeetingRow(
            id=mt.id,
            vendor_id=mt.vendor_id,
            vendor=name,
            type=mt.type,
            title=mt.title,
            scheduled_at=mt.scheduled_at,
            status=mt.status,
            location=mt.location,
            facilitator=mt.facilitator,
            items=int(n),
        )
        for mt, name, n in session.execute(q)
    ]


def default_title(meeting_type: str) -> str:
    return {
        "monthly": "Monthly service review",
        "qbr": "Quarterly business review",
        "adhoc": "Ad hoc meeting",
    }.get(meeting_type, "Review")


def open_actions(
    vendor_id: int, *, session: Session, today: date | None = None
) -> list[agenda.DueAction]:
    """The vendor's open and in-progress corrective actions, overdue flagged: the carry-over."""
    from reviewtui.db.actions import carry_over_actions

    return [
        agenda.DueAction(a.id, a.title, a.owner or "", a.due_date, a.overdue)
        for a in carry_over_actions(vendor_id, session=session, today=today)
    ]


def due_kpis(
    vendor_id: int, *, session: Session, settings: Settings | None = None
) -> list[agenda.DueKpi]:
    """The vendor's KPIs that are red, amber or flagged for escalation at the latest period."""
    from reviewtui.db.scorecards import vendor_scorecard

    card = vendor_scorecard(vendor_id, session=session, settings=settings)
    return [
        agenda.DueKpi(k.kpi_id, k.kpi, k.status, k.escalate, k.actual, k.target, k.unit)
        for k in card.kpis
        if agenda.kpi_is_due(k.status, k.escalate)
    ]


def default_agenda(
    vendor_id: int,
    meeting_type: str,
    *,
    session: Session,
    before: datetime | None = None,
    settings: Settings | None = None,
) -> list[agenda.PlannedItem]:
    """The default agenda of a new meeting of ``vendor_id``: template plus what is due."""
    if meeting_type == "adhoc":
        return agenda.default_agenda("adhoc", previous_meeting=None)
    return agenda.default_agenda(
        meeting_type,
        previous_meeting=minutes_to_acknowledge(vendor_id, session=session, before=before),
        kpis=due_kpis(vendor_id, session=session, settings=settings),
        actions=open_actions(vendor_id, session=session),
    )


def minutes_to_acknowledge(
    vendor_id: int, *, session: Session, before: datetime | None = None
) -> date | None:
    """The day of the meeting whose minutes the next review acknowledges: the latest signed-off
    minutes before ``before``; while none are signed, the latest meeting held."""

    def latest(statuses: tuple[str, ...]) -> datetime | None:
        q = select(col(m.Meeting.scheduled_at)).where(
            col(m.Meeting.vendor_id) == vendor_id, col(m.Meeting.status).in_(statuses)
        )
        if before is not None:
            q = q.where(col(m.Meeting.scheduled_at) < before)
        return session.scalar(q.order_by(col(m.Meeting.scheduled_at).desc()).limit(1))

    prev = latest(("signed_off",)) or latest(("ended",))
    return prev.astimezone().date() if prev else None


def refresh_agenda(meeting_id: int, *, session: Session, today: date | None = None) -> bool:
    """Bring a planned meeting's carried-over items up to date; True when anything changed.

    Actions closed since the agenda was made leave it (unless someone wrote notes or outcomes
    on them, or they were parked there); open actions not on it yet come (overdue first, in
    the actions slot); an action item's title follows its due date and overdue mark; the
    "acknowledge minutes" item names the minutes to acknowledge now; a title a person renamed
    stays as they wrote it. A meeting that has started keeps its agenda as it is.
    """
    mt = session.get(m.Meeting, meeting_id, with_for_update=True)
    if mt is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    if mt.status != "planned" or mt.type == "adhoc":
        return False
    items = agenda_items(session, meeting_id)
    with_outcomes = set(
        session.scalars(
            select(col(m.Outcome.agenda_item_id)).where(
                col(m.Outcome.agenda_item_id).in_([i.id for i in items] or [0])
            )
        )
    )
    due = {a.action_id: a for a in open_actions(mt.vendor_id, session=session, today=today)}
    changed = False
    keep: list[m.AgendaItem] = []
    for it in items:
        untouched = not it.notes.strip() and it.id not in with_outcomes
        if it.kind == agenda.ACTION and it.action_id is not None:
            a = due.get(it.action_id)
            if a is None and untouched and it.carried_from_id is None:
                session.delete(it)  # done or cancelled since: nothing left to discuss
                if mt.current_item_id == it.id:
                    mt.current_item_id = None
                changed = True
                continue
            renamed = it.title_edited or not agenda.is_generated_title(it.kind, it.title)
            if a is not None and untouched and not renamed and it.title != agenda.action_title(a):
                it.title = agenda.action_title(a)
                changed = True
        elif (
            it.kind == agenda.MINUTES_ACK
            and untouched
            and not it.title_edited  # a person's rename stays
            and agenda.is_generated_title(it.kind, it.title)  # (renamed before migration 0005)
        ):
            day = minutes_to_acknowledge(mt.vendor_id, session=session, before=mt.scheduled_at)
            title = agenda.minutes_title(day) if day else None
            if title is not None and it.title != title:
                it.title = title
                changed = True
        keep.append(it)
    on_agenda = {it.action_id for it in keep if it.action_id is not None}
    new = [a for aid, a in due.items() if aid not in on_agenda]
    if new:
        action_minutes = agenda.PULLED_MINUTES.get(mt.type, (3, 2))[1]
        slots = [n for n, it in enumerate(keep) if it.kind in (agenda.ACTION, agenda.ACTIONS)]
        if slots:
            at = slots[-1] + 1
        else:
            at = next(
                (n for n, it in enumerate(keep) if it.kind in (agenda.FEEDBACK, agenda.AOB)),
                len(keep),
            )
        for a in sorted(new, key=lambda a: (not a.overdue, a.due_date, a.action_id)):
            row = m.AgendaItem(
                meeting_id=meeting_id,
                position=0,
                title=agenda.action_title(a),
                kind=agenda.ACTION,
                timebox_minutes=action_minutes,
                action_id=a.action_id,
            )
            session.add(row)
            keep.insert(at, row)
            at += 1
        changed = True
    if changed:
        renumber_items(keep)
        mt.version = (mt.version or 0) + 1
        session.flush()
    return changed


def create_meeting(
    vendor_id: int,
    scheduled_at: datetime,
    *,
    session: Session,
    meeting_type: str = "monthly",
    title: str = "",
    location: str = "",
    with_agenda: bool = True,
    settings: Settings | None = None,
) -> int:
    """Schedule a meeting (with its default agenda); returns the new meeting's id."""
    if meeting_type not in enums.MEETING_TYPES:
        raise UserError(
            f"meeting type {meeting_type!r}: use one of {', '.join(enums.MEETING_TYPES)}"
        )
    if scheduled_at.tzinfo is None:
        raise UserError("the meeting time needs a time zone")  # a programming slip, said plainly
    if session.get(m.Vendor, vendor_id) is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    title = " ".join(title.split()) or default_title(meeting_type)
    location = " ".join(location.split())
    if len(location) > 200:
        raise UserError(f"the place is {len(location)} characters long; keep it within 200")
    mt = m.Meeting(
        vendor_id=vendor_id,
        type=meeting_type,
        title=title[:300],
        scheduled_at=scheduled_at,
        location=location,
        status="planned",
    )
    session.add(mt)
    session.flush()
    if with_agenda:
        add_default_agenda(mt.id, session=session, settings=settings)
    return mt.id


def add_default_agenda(
    meeting_id: int, *, session: Session, settings: Settings | None = None
) -> int:
    """Append the default agenda to a meeting (a new one has none); returns the item count."""
    mt = session.get(m.Meeting, meeting_id)
    if mt is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    planned = default_agenda(
        mt.vendor_id, mt.type, session=session, before=mt.scheduled_at, settings=settings
    )
    start = len(agenda_items(session, meeting_id))
    for pos, p in enumerate(planned, start=start + 1):
        session.add(
            m.AgendaItem(
                meeting_id=meeting_id,
                position=pos,
                title=p.title,
                kind=p.kind,
                timebox_minutes=p.timebox_minutes,
                kpi_id=p.kpi_id,
                action_id=p.action_id,
            )
        )
    session.flush()
    return len(planned)


# ---------------------------------------------------------------------------------------------
# Reading one meeting


def get_meeting(meeting_id: int, *, session: Session) -> MeetingView:
    """The meeting with its agenda, notes, outcomes, attendance and the vendor's people."""
    row = session.execute(
        select(m.Meeting, col(m.Vendor.name))
        .join(m.Vendor, col(m.Vendor.id) == m.Meeting.vendor_id)
        .where(col(m.Meeting.id) == meeting_id)
    ).first()
    if row is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    mt, vendor = row
    outcomes: dict[int, list[OutcomeRow]] = {}
    for o in session.scalars(
        select(m.Outcome)
        .join(m.AgendaItem, col(m.AgendaItem.id) == m.Outcome.agenda_item_id)
        .where(col(m.AgendaItem.meeting_id) == meeting_id)
        .order_by(col(m.Outcome.id))
    ):
        outcomes.setdefault(o.agenda_item_id, []).append(
            OutcomeRow(o.id, o.kind, o.text, o.action_id, o.created_by, o.created_at)
        )
    items = tuple(
        ItemRow(
            id=i.id,
            position=i.position,
            title=i.title,
            kind=i.kind,
            timebox_minutes=i.timebox_minutes,
            notes=i.notes,
            notes_version=i.notes_version,
            notes_updated_by=i.notes_updated_by,
            notes_updated_at=i.notes_updated_at,
            started_at=i.started_at,
            elapsed_seconds=i.elapsed_seconds,
            kpi_id=i.kpi_id,
            action_id=i.action_id,
            carried_from_id=i.carried_from_id,
            outcomes=tuple(outcomes.get(i.id, ())),
        )
        for i in agenda_items(session, meeting_id)
    )
    attendance = tuple(
        AttendeeRow(a.id, a.contact_id, a.name, a.organisation, a.role, a.side, a.status)
        for a in session.scalars(
            select(m.Attendance)
            .where(col(m.Attendance.meeting_id) == meeting_id)
            .order_by(col(m.Attendance.side), col(m.Attendance.id))
        )
    )
    return MeetingView(
        id=mt.id,
        vendor_id=mt.vendor_id,
        vendor=vendor,
        type=mt.type,
        title=mt.title,
        scheduled_at=mt.scheduled_at,
        location=mt.location,
        status=mt.status,
        started_at=mt.started_at,
        ended_at=mt.ended_at,
        facilitator=mt.facilitator,
        current_item_id=mt.current_item_id,
        next_meeting_at=mt.next_meeting_at,
        version=mt.version,
        items=items,
        attendance=attendance,
        people=people(mt.vendor_id, session=session),
    )


def people(vendor_id: int, *, session: Session) -> tuple[Person, ...]:
    """The vendor's contacts on both sides, client side first."""
    return tuple(
        Person(c.id, c.name, c.side, c.organisation, c.role)
        for c in session.scalars(
            select(m.Contact)
            .where(col(m.Contact.vendor_id) == vendor_id)
            .order_by(col(m.Contact.side), col(m.Contact.escalation_level), col(m.Contact.name))
        )
    )


def meeting_version(meeting_id: int, *, session: Session) -> int | None:
    return session.scalar(select(col(m.Meeting.version)).where(col(m.Meeting.id) == meeting_id))


# ---------------------------------------------------------------------------------------------
# Agenda edits


def add_item(
    meeting_id: int,
    title: str,
    *,
    session: Session,
    after_item_id: int | None = None,
    timebox_minutes: int = 5,
    kind: str = agenda.CUSTOM,
) -> int:
    """Add an item after ``after_item_id`` (at the end when None); returns its id."""
    _meeting_for_write(session, meeting_id)
    title = _check_title(title)
    _check_timebox(timebox_minutes)
    items = agenda_items(session, meeting_id)
    at = len(items)
    if after_item_id is not None:
        at = next((n + 1 for n, i in enumerate(items) if i.id == after_item_id), len(items))
    new = m.AgendaItem(
        meeting_id=meeting_id, position=0, title=title, kind=kind, timebox_minutes=timebox_minutes
    )
    session.add(new)
    items.insert(at, new)
    renumber_items(items)
    session.flush()
    return new.id


def rename_item(item_id: int, title: str, *, session: Session) -> None:
    """A person's title for the item: the agenda's refresh keeps it as typed from now on."""
    item, _ = item_for_write(session, item_id)
    title = _check_title(title)
    if title != item.title:
        item.title = title
        item.title_edited = True


def set_timebox(item_id: int, minutes: int, *, session: Session) -> None:
    item, _ = item_for_write(session, item_id)
    item.timebox_minutes = _check_timebox(minutes)


def move_item(item_id: int, delta: int, *, session: Session) -> int:
    """Move an item up (negative) or down; returns its new position."""
    item, mt = item_for_write(session, item_id)
    items = agenda_items(session, mt.id)
    n = items.index(item)
    target = max(0, min(len(items) - 1, n + delta))
    items.insert(target, items.pop(n))
    renumber_items(items)
    return target + 1


def remove_item(item_id: int, *, session: Session) -> None:
    """Remove an item with its notes and outcomes (actions it raised stay)."""
    item, mt = item_for_write(session, item_id)
    items = agenda_items(session, mt.id)
    n = items.index(item)
    if mt.current_item_id == item.id:
        rest = items[n + 1 :] or items[:n]
        mt.current_item_id = rest[0].id if rest else None
        if mt.status == "in_progress" and rest:
            rest[0].started_at = clock.now()
    session.delete(item)
    items.pop(n)
    renumber_items(items)


# ---------------------------------------------------------------------------------------------
# Running the meeting


def set_attendance(
    meeting_id: int, entries: Sequence[AttendanceEntry], *, session: Session
) -> None:
    """Replace the meeting's attendance list."""
    _meeting_for_write(session, meeting_id)
    _write_attendance(session, meeting_id, entries)


def _write_attendance(
    session: Session, meeting_id: int, entries: Sequence[AttendanceEntry]
) -> None:
    for a in session.scalars(
        select(m.Attendance).where(col(m.Attendance.meeting_id) == meeting_id)
    ):
        session.delete(a)
    for e in entries:
        if e.status not in enums.ATTENDANCE:
            raise UserError(f"attendance {e.status!r}: use one of {', '.join(enums.ATTENDANCE)}")
        if e.side not in enums.SIDES:
            raise UserError(f"side {e.side!r}: use client or vendor")
        name = " ".join(e.name.split())
        if not name:
            raise UserError("an attendee needs a name")
        session.add(
            m.Attendance(
                meeting_id=meeting_id,
                contact_id=e.contact_id,
                name=name,
                organisation=e.organisation,
                role=e.role,
                side=e.side,
                status=e.status,
            )
        )


def start_meeting(
    meeting_id: int,
    *,
    session: Session,
    attendance: Sequence[AttendanceEntry] | None = None,
) -> int | None:
    """Start a planned meeting: attendance, the clock, the first item. Returns the item id."""
    mt = _meeting_for_write(session, meeting_id)
    if mt.status == "in_progress":
        raise UserError("the meeting is already in progress")
    if mt.status == "cancelled":
        raise UserError("the meeting was cancelled; schedule a new one (n on the meeting list)")
    if mt.status != "planned":
        raise UserError(f"the meeting has {enums.label(mt.status)}; it cannot be started again")
    refresh_agenda(meeting_id, session=session)
    now = clock.now()
    mt.status = "in_progress"
    mt.started_at = now
    if not mt.facilitator:
        mt.facilitator = person_name(session)
    if attendance is not None:
        _write_attendance(session, meeting_id, attendance)
    items = agenda_items(session, meeting_id)
    current = next((i for i in items if i.id == mt.current_item_id), None) or (
        items[0] if items else None
    )
    if current is not None:
        current.started_at = now
        mt.current_item_id = current.id
    return mt.current_item_id


def go_to_item(meeting_id: int, item_id: int, *, session: Session) -> None:
    """Make ``item_id`` the current item; in a running meeting the item timers follow."""
    mt = _meeting_for_write(session, meeting_id)
    target = session.get(m.AgendaItem, item_id)
    if target is None or target.meeting_id != meeting_id:
        raise NotFound(f"no agenda item {item_id} in this meeting")
    if mt.current_item_id == item_id:
        return
    if mt.status == "in_progress":
        now = clock.now()
        for it in agenda_items(session, meeting_id):
            if it.id != item_id:
                _stop_timer(it, now)
        target.started_at = now
    mt.current_item_id = item_id


def end_meeting(meeting_id: int, *, session: Session) -> None:
    """End a running meeting (it stays editable until the minutes are signed off)."""
    mt = _meeting_for_write(session, meeting_id)
    if mt.status != "in_progress":
        raise UserError(f"only a meeting in progress can be ended (this one is {mt.status})")
    now = clock.now()
    for it in agenda_items(session, meeting_id):
        _stop_timer(it, now)
    mt.status = "ended"
    mt.ended_at = now


def set_next_meeting(meeting_id: int, when: datetime, *, session: Session) -> None:
    """Record the agreed date of the next meeting."""
    mt = _meeting_for_write(session, meeting_id)
    mt.next_meeting_at = when


# ---------------------------------------------------------------------------------------------
# Notes and outcomes


def save_notes(item_id: int, text_: str, base_version: int, *, session: Session) -> int:
    """Save an item's notes typed on top of ``base_version``; returns the new version.

    Raises NotesConflict (with both texts) when someone saved a newer version first.
    """
    item, _ = item_for_write(session, item_id)
    if item.notes_version != base_version:
        if item.notes == text_:
            return item.notes_version  # the same words arrived twice (e.g. a flush on exit)
        raise NotesConflict(item_id, text_, item.notes, item.notes_version, item.notes_updated_by)
    if item.notes == text_:
        return item.notes_version
    item.notes = text_
    item.notes_version = base_version + 1
    item.notes_updated_by = acting_login(session)
    item.notes_updated_at = clock.now()
    return item.notes_version

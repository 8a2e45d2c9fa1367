"""Outcomes of agenda items: information, decisions, actions and parking to the next meeting.

An action outcome raises a corrective action (with its opening note) in the same unit of work;
parking copies the item onto the vendor's next planned meeting, scheduling one when none is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import models as m
from reviewtui.db.engine import acting_login, person_name
from reviewtui.db.errors import NotFound, UserError

# The meetings module's agenda helpers: one lock order, one way to renumber.
from reviewtui.db.meetings import agenda_items, create_meeting, item_for_write, renumber_items
from reviewtui.domain import agenda, cadence, clock, enums

if TYPE_CHECKING:
    from reviewtui.config import Settings


@dataclass(frozen=True)
class ParkResult:
    """Where a parked item went."""

    meeting_id: int
    scheduled_at: datetime
    created_meeting: bool
    item_id: int


def add_outcome(item_id: int, kind: str, text_: str, *, session: Session) -> int:
    """Record an information or decision outcome on an item; returns its id."""
    if kind not in ("information", "decision"):
        raise UserError(f"outcome kind {kind!r}: use information or decision here")
    text_ = text_.strip()
    if not text_:
        raise UserError(f"a {kind} needs some text")
    item, _ = item_for_write(session, item_id)
    o = m.Outcome(agenda_item_id=item.id, kind=kind, text=text_, created_by=person_name(session))
    session.add(o)
    session.flush()
    return o.id


def find_owner(vendor_id: int, owner: int | str, *, session: Session) -> m.Contact:
    """A contact of the vendor by id, or by name (exact, else the one whose name starts so)."""
    contacts = list(session.scalars(select(m.Contact).where(col(m.Contact.vendor_id) == vendor_id)))
    if isinstance(owner, int):
        found = next((c for c in contacts if c.id == owner), None)
        if found is None:
            raise NotFound(f"contact {owner} is not one of this vendor's contacts")
        return found
    key = " ".join(owner.split()).lower()
    exact = [c for c in contacts if c.name.lower() == key]
    starts = [c for c in contacts if key and c.name.lower().startswith(key)]
    for cand in (exact, starts):
        if len(cand) == 1:
            return cand[0]
    names = ", ".join(sorted(c.name for c in contacts)) or "none yet"
    what = "matches several" if len(starts) > 1 else "is not one"
    raise UserError(f"owner {owner!r} {what} of the vendor's contacts ({names})")


def meeting_owner(mt: m.Meeting, owner: int | str, *, session: Session) -> tuple[str, int | None]:
    """Who may own an action raised in ``mt``: a contact (by id or name) or a guest of the
    meeting (by name), but no one marked absent (or with apologies). Returns (name, contact id)."""
    rows = list(session.scalars(select(m.Attendance).where(col(m.Attendance.meeting_id) == mt.id)))

    def here(att: m.Attendance | None, name: str) -> None:
        if att is not None and att.status != "present":
            raise UserError(
                f"{name} is marked {enums.label(att.status)} at this meeting: give the action to "
                "someone who is here (or correct the attendance first)"
            )

    if isinstance(owner, str):
        key = " ".join(owner.split()).casefold()
        guest = next((a for a in rows if a.contact_id is None and a.name.casefold() == key), None)
        if guest is not None:
            here(guest, guest.name)
            return guest.name, None
    who = find_owner(mt.vendor_id, owner, session=session)
    here(next((a for a in rows if a.contact_id == who.id), None), who.name)
    return who.name, who.id


def add_action(
    item_id: int,
    title: str,
    owner: int | str,
    due: date,
    *,
    session: Session,
    priority: str = "medium",
) -> int:
    """An action outcome: a corrective action (with its opening note) raised in the meeting.

    ``owner`` is a contact's id or name, or the name of a guest of the meeting; not someone
    marked absent.
    """
    title = " ".join(title.split())
    if not title:
        raise UserError("an action needs a title")
    if priority not in enums.PRIORITIES:
        raise UserError(f"priority {priority!r}: use one of {', '.join(enums.PRIORITIES)}")
    item, mt = item_for_write(session, item_id)
    owner_name, owner_contact = meeting_owner(mt, owner, session=session)
    user = person_name(session)
    act = m.Action(
        vendor_id=mt.vendor_id,
        meeting_id=mt.id,
        title=title[:300],
        owner_contact_id=owner_contact,
        owner=owner_name,
        due_date=due,
        priority=priority,
        status="open",
    )
    session.add(act)
    session.flush()
    session.add(
        m.ActionNote(
            action_id=act.id,
            meeting_id=mt.id,
            author=user,
            text=f"Raised in the review: {item.title}",
            status_to="open",
        )
    )
    session.add(
        m.Outcome(
            agenda_item_id=item.id,
            kind="action",
            text=f"{title} ({owner_name}, due {due.isoformat()})",
            action_id=act.id,
            created_by=user,
        )
    )
    session.flush()
    return act.id


def next_planned(meeting_id: int, *, session: Session) -> m.Meeting | None:
    """The vendor's next planned meeting after this one."""
    mt = session.get(m.Meeting, meeting_id)
    if mt is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    return session.scalar(
        select(m.Meeting)
        .where(
            col(m.Meeting.vendor_id) == mt.vendor_id,
            col(m.Meeting.status) == "planned",
            col(m.Meeting.id) != mt.id,
            col(m.Meeting.scheduled_at) > mt.scheduled_at,
        )
        .order_by(col(m.Meeting.scheduled_at), col(m.Meeting.id))
        .limit(1)
    )


def park_item(
    item_id: int,
    *,
    session: Session,
    reason: str = "",
    settings: Settings | None = None,
) -> ParkResult:
    """Park an item: copy it onto the vendor's next planned meeting (scheduling one if none)."""
    item, mt = item_for_write(session, item_id)
    target = next_planned(mt.id, session=session)
    created = False
    if target is None:
        vendor = session.get_one(m.Vendor, mt.vendor_id)
        months = cadence.cadence_months(
            vendor.criticality,
            vendor.review_cadence_months,
            settings.cadence_months if settings else None,
        )
        when = mt.next_meeting_at or (mt.scheduled_at + relativedelta(months=months))
        target_id = create_meeting(
            mt.vendor_id,
            when,
            session=session,
            meeting_type=mt.type,
            title=mt.title,
            location=mt.location,
            settings=settings,
        )
        target = session.get_one(m.Meeting, target_id)
        created = True
    else:
        target.version += 1
    items = agenda_items(session, target.id)
    if any(i.carried_from_id == item.id for i in items):
        raise UserError(f"this item is already parked to the meeting of {_day(target)}")
    same = next(
        (
            i
            for i in items
            if (item.kpi_id and i.kpi_id == item.kpi_id)
            or (item.action_id and i.action_id == item.action_id)
        ),
        None,
    )
    # The item arrives with where it came from and why, in its notes: what the next meeting
    # sees on the agenda and its minutes print.
    line = f"Parked from the meeting of {_day(mt)}"
    if reason.strip():
        line += f": {' '.join(reason.split())}"
    if same is not None:
        same.carried_from_id = item.id
        same.notes = f"{same.notes.rstrip()}\n\n{line}" if same.notes.strip() else line
        _noted(same, session)
        copy_id = same.id
    else:
        copy = m.AgendaItem(
            meeting_id=target.id,
            position=0,
            title=item.title,
            title_edited=item.title_edited,
            kind=item.kind,
            timebox_minutes=item.timebox_minutes,
            kpi_id=item.kpi_id,
            action_id=item.action_id,
            carried_from_id=item.id,
            notes=line,
        )
        _noted(copy, session)
        session.add(copy)
        # Before "any other business" when there is one, else at the end.
        at = next((n for n, i in enumerate(items) if i.kind == agenda.AOB), len(items))
        items.insert(at, copy)
        renumber_items(items)
        session.flush()
        copy_id = copy.id
    text_ = f"Parked to the meeting of {_day(target)}"
    if reason.strip():
        text_ += f": {reason.strip()}"
    session.add(
        m.Outcome(
            agenda_item_id=item.id, kind="parked", text=text_, created_by=person_name(session)
        )
    )
    session.flush()
    return ParkResult(target.id, target.scheduled_at, created, copy_id)


def _noted(item: m.AgendaItem, session: Session) -> None:
    """A new notes version: a session showing the item's older notes sees a change to merge."""
    item.notes_version = (item.notes_version or 0) + 1
    item.notes_updated_by = acting_login(session)
    item.notes_updated_at = clock.now()


def _day(mt: m.Meeting) -> str:
    return mt.scheduled_at.astimezone().strftime("%Y-%m-%d %H:%M")

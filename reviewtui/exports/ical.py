"""An iCalendar feed of action due dates that an owner can subscribe to.

One all-day ``VEVENT`` per action on its due date (calendar apps show subscribed events; many
ignore ``VTODO`` in a subscription), with a stable ``UID`` (``action-<id>@reviewtui``) so that a
refreshed feed updates events instead of duplicating them, and ``SEQUENCE`` set from the action's
version so that clients take the newer copy. No Textual, no database: rows in, bytes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reviewtui.domain import enums
from reviewtui.domain.text import printable

if TYPE_CHECKING:
    from reviewtui.views.actions import ActionRow

PRODID = "-//reviewtui//actions feed//EN"
#: RFC 5545 PRIORITY: 1 highest, 9 lowest.
PRIORITY = {"critical": 1, "high": 3, "medium": 5, "low": 9}


def uid(action_id: int) -> str:
    return f"action-{action_id}@reviewtui"


def actions_calendar(
    rows: Iterable[ActionRow], *, now: datetime, name: str = "reviewtui actions"
) -> bytes:
    """The feed for ``rows`` as iCalendar bytes (CRLF line endings, as RFC 5545 wants)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for r in rows:
        ev = Event()
        ev.add("uid", uid(r.id))
        ev.add("dtstamp", now)
        ev.add("dtstart", r.due_date)
        if r.due_date < date.max:  # a 9999-12-31 stored before dates were checked
            ev.add("dtend", r.due_date + timedelta(days=1))
        late = f" [OVERDUE {r.days_overdue}d]" if r.overdue else ""
        ev.add("summary", printable(f"Due: {r.title} ({r.vendor}){late}", multiline=False))
        lines = [
            f"Action {r.id} for {r.vendor}",
            f"Owner: {r.owner or 'nobody yet'}",
            f"Status: {enums.label(r.status)} · priority {r.priority}",
        ]
        if r.plan_id is not None:
            lines.append(f"Corrective action plan {r.plan_id}")
        lines.append(f"Update it: reviewtui actions update {r.id} --status done --note ...")
        ev.add("description", printable("\n".join(lines)))
        ev.add("categories", [printable(r.vendor, multiline=False), r.priority])
        ev.add("priority", PRIORITY.get(r.priority, 5))
        ev.add("status", "CANCELLED" if r.status == "cancelled" else "CONFIRMED")
        ev.add("transp", "TRANSPARENT")
        ev.add("sequence", max(r.version - 1, 0))
        cal.add_component(ev)
    return cal.to_ical()


# --- meeting invitations (iTIP, RFC 5546) ------------------------------------------------------

INVITE_PRODID = "-//reviewtui//meeting invitation//EN"
#: How long an invitation says a meeting lasts, by type (the agenda's timeboxes when longer).
DEFAULT_MINUTES = {"monthly": 30, "qbr": 90, "adhoc": 30}


def meeting_invitation(
    *,
    method: str,
    uid: str,
    sequence: int,
    summary: str,
    start: datetime,
    minutes: int,
    location: str,
    description: str,
    organizer: tuple[str, str],
    attendees: Iterable[tuple[str, str]],
    now: datetime,
) -> bytes:
    """A REQUEST (invitation or update) or CANCEL for one meeting, as iCalendar bytes.

    ``organizer`` and each attendee are ``(name, address)``. The UID stays the meeting's for
    its whole life; each update or cancellation must carry a higher ``sequence``.
    """
    from icalendar import Calendar, Event, vCalAddress, vText

    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method {method!r}: REQUEST or CANCEL")
    cal = Calendar()
    cal.add("prodid", INVITE_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    ev = Event()
    ev.add("uid", uid)
    ev.add("sequence", sequence)
    ev.add("dtstamp", now)
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(minutes=max(minutes, 15)))
    ev.add("summary", summary)
    if location:
        ev.add("location", location)
    ev.add("description", description)
    ev.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    org = vCalAddress(f"mailto:{organizer[1]}")
    if organizer[0]:
        org.params["cn"] = vText(organizer[0])
    ev.add("organizer", org)
    for name, address in attendees:
        att = vCalAddress(f"mailto:{address}")
        if name:
            att.params["cn"] = vText(name)
        att.params["role"] = vText("REQ-PARTICIPANT")
        att.params["partstat"] = vText("NEEDS-ACTION")
        att.params["rsvp"] = vText("TRUE" if method == "REQUEST" else "FALSE")
        ev.add("attendee", att)
    cal.add_component(ev)
    return cal.to_ical()


def new_actions_calendar(
    actions: Iterable[Mapping[str, Any]], *, vendor: str, now: datetime
) -> bytes:
    """The new actions of a minutes document (dicts with id, title, owner, due_date, priority)
    as all-day events on their due dates, with the same UIDs as the actions feed."""
    from datetime import date

    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    for a in actions:
        due = date.fromisoformat(a["due_date"])
        ev = Event()
        ev.add("uid", uid(a["id"]))
        ev.add("dtstamp", now)
        ev.add("dtstart", due)
        ev.add("dtend", due + timedelta(days=1))
        ev.add("summary", f"Due: {a['title']} ({vendor})")
        ev.add("description", f"Action {a['id']} for {vendor}\nOwner: {a.get('owner') or '-'}")
        ev.add("priority", PRIORITY.get(a.get("priority", "medium"), 5))
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()

"""Meeting invitations as iCalendar REQUESTs, and the updates and cancellations they announce.

A meeting keeps one UID from its first invitation on (``meeting.ical_uid``); rescheduling raises
its SEQUENCE and sends a REQUEST with the new time to everyone invited so far, cancelling sends a
CANCEL. Invitees are the vendor's contacts on both sides that have an email, plus ``--to``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

from reviewtui.db.errors import UserError
from reviewtui.domain import clock, enums
from reviewtui.mail import compose as c

if TYPE_CHECKING:
    from reviewtui.config import Settings
    from reviewtui.db.engine import Database
    from reviewtui.views.mail import InviteState

KINDS = {"invite": "REQUEST", "update": "REQUEST", "cancel": "CANCEL"}


@dataclass(frozen=True)
class InviteOutcome:
    """What one invitation, update or cancellation achieved."""

    kind: str
    sequence: int
    message_id: str
    accepted: tuple[c.Recipient, ...]
    refused: tuple[tuple[c.Recipient, str], ...]
    skipped: tuple[c.Recipient, ...]  # invited at this SEQUENCE already


def _when(state: InviteState) -> str:
    return clock.aware(state.scheduled_at).astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


def _minutes(state: InviteState) -> int:
    from reviewtui.exports.ical import DEFAULT_MINUTES

    return max(sum(n for _t, n in state.agenda), DEFAULT_MINUTES.get(state.type, 30))


def subject(state: InviteState, kind: str) -> str:
    what = f"{state.title} with {state.vendor}, {_when(state)}"
    return {"invite": "Invitation", "update": "Updated invitation", "cancel": "Cancelled"}[
        kind
    ] + f": {what}"


def description(state: InviteState, kind: str) -> str:
    """The event's description: what changed, and the agenda."""
    lines = [f"{enums.label(state.type).capitalize()} review with {state.vendor}."]
    if kind == "cancel":
        lines.append(
            "This meeting is cancelled."
            + (f" Reason: {state.cancel_reason}" if state.cancel_reason else "")
        )
    elif kind == "update":
        lines.append(f"The meeting has moved: it is now on {_when(state)}.")
    if state.agenda:
        lines += ["", "Agenda:"]
        lines += [f"{n}. {t} ({m} min)" for n, (t, m) in enumerate(state.agenda, start=1)]
    return "\n".join(lines)


def compose(
    state: InviteState, kind: str, settings: Settings, recipients: Sequence[c.Recipient]
) -> EmailMessage:
    """The message: text, HTML, and the iCalendar part (also attached as invite.ics)."""
    from reviewtui.exports.ical import meeting_invitation

    me = settings.person()
    organizer = (me.name, me.email) if me.email else ("reviewtui", c.sender(settings))
    method = KINDS[kind]
    ics = meeting_invitation(
        method=method,
        uid=state.uid,
        sequence=state.sequence,
        summary=f"{state.title} — {state.vendor}",
        start=clock.aware(state.scheduled_at),
        minutes=_minutes(state),
        location=state.location,
        description=description(state, kind),
        organizer=organizer,
        attendees=[(r.name, r.address) for r in recipients],
        now=clock.now(),
    )
    msg = c.new_message(
        subject=subject(state, kind),
        sender=c.sender(settings),
        sender_name=me.name if me.email else "reviewtui",
        to=recipients,
        reply_to=me.email,
    )
    text = description(state, kind)
    where = f"\nWhere: {state.location}" if state.location else ""
    body = f"{text}\n\nWhen: {_when(state)} ({_minutes(state)} min){where}\n"
    agenda = "".join(f"<li>{c.esc(t)} ({m} min)</li>" for t, m in state.agenda)
    html_body = c.html_page(
        subject(state, kind),
        f'<h2 style="font-size:18px">{c.esc(subject(state, kind))}</h2>'
        + "".join(f"<p>{c.esc(line)}</p>" for line in text.split("\n\n")[0].splitlines())
        + f"<p><b>When:</b> {c.esc(_when(state))} ({_minutes(state)} min)"
        + (f"<br><b>Where:</b> {c.esc(state.location)}" if state.location else "")
        + "</p>"
        + (f"<p><b>Agenda</b></p><ol>{agenda}</ol>" if agenda else ""),
    )
    c.set_bodies(msg, body, html_body)
    msg.add_alternative(
        ics.decode("utf-8"), subtype="calendar", charset="utf-8", params={"method": method}
    )
    msg.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return msg


def _deliver(
    db: Database,
    settings: Settings,
    state: InviteState,
    kind: str,
    recipients: Sequence[c.Recipient],
    skipped: Sequence[c.Recipient] = (),
) -> InviteOutcome:
    from reviewtui.db import mail as mail_q
    from reviewtui.mail import transport

    msg = compose(state, kind, settings, recipients)
    with transport.Connection(settings.smtp) as conn:
        result = conn.send(msg, [r.address for r in recipients])
    accepted = {a.lower() for a in result.accepted}
    ok = tuple(r for r in recipients if r.key in accepted)
    message_id = str(msg["Message-ID"])
    if ok:
        with db.session() as s:
            mail_q.record(
                (
                    mail_q.Delivery(
                        kind=kind,
                        recipient=r.address,
                        recipient_name=r.name,
                        vendor_id=state.vendor_id,
                        meeting_id=state.meeting_id,
                        message_id=message_id,
                        sequence=state.sequence,
                    )
                    for r in ok
                ),
                session=s,
            )
    return InviteOutcome(
        kind=kind,
        sequence=state.sequence,
        message_id=message_id,
        accepted=ok,
        refused=tuple(
            (r, result.refused[r.address]) for r in recipients if r.address in result.refused
        ),
        skipped=tuple(skipped),
    )


def invite(
    db: Database,
    settings: Settings,
    meeting_id: int,
    *,
    to: Sequence[str] = (),
    again: bool = False,
) -> InviteOutcome:
    """Send the meeting's invitation (REQUEST) to its invitees not yet invited at this SEQUENCE."""
    from reviewtui.db import mail as mail_q
    from reviewtui.mail import transport

    extra = [c.check_address(a, "--to") for a in to]
    transport.check(settings.smtp)
    with db.session() as s:
        state = mail_q.claim_invitation(meeting_id, session=s)
        contacts = mail_q.vendor_contacts(state.vendor_id, session=s)
        sent = mail_q.sendings(meeting_id, session=s, kinds=("invite", "update"))
    chosen: dict[str, c.Recipient] = {}
    for p in contacts:
        try:
            r = c.Recipient(p.name, c.check_address(p.email), "to", f"contact ({p.side})")
        except c.AddressError:
            continue
        chosen.setdefault(r.key, r)
    for a in extra:
        chosen.setdefault(a.lower(), c.Recipient("", a, "to", "--to"))
    if not chosen:
        raise UserError(
            f"nobody to invite to meeting {meeting_id}: none of {state.vendor}'s contacts has an "
            "email, and no --to was given"
        )
    done = {r.recipient for r in sent if r.sequence == state.sequence}
    todo = [r for r in chosen.values() if again or r.key not in done]
    skipped = [r for r in chosen.values() if not again and r.key in done]
    if not todo:
        return InviteOutcome("invite", state.sequence, "", (), (), tuple(skipped))
    return _deliver(db, settings, state, "invite", todo, skipped)


def announce(
    db: Database, settings: Settings, state: InviteState, kind: str
) -> InviteOutcome | None:
    """Tell everyone invited so far of a reschedule (``update``) or cancellation (``cancel``);
    None when nobody was invited (then there is nobody to tell)."""
    from reviewtui.db import mail as mail_q
    from reviewtui.mail import transport

    with db.read() as s:
        people = mail_q.invited(state.meeting_id, session=s)
    if not people or not state.uid:
        return None
    transport.check(settings.smtp)
    recipients = [c.Recipient(name, addr, "to", "invited") for addr, name in people]
    return _deliver(db, settings, state, kind, recipients)

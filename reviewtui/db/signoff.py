"""Sign-off of minutes, amendment, and the database side of verification.

Signatories are recorded one at a time (in the meeting, or days later from a written
acknowledgement). When the current revision has at least one signatory on each side it is
signed off: the minutes are assembled, frozen as canonical JSON with its SHA-256 in
``MinutesRevision``, and the meeting's status becomes ``signed_off``; from then on
:mod:`reviewtui.db.freeze` refuses every change to what the minutes show. :func:`amend` opens
revision n+1, which needs its own sign-off; revision n stays stored and exportable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.config import Settings
from reviewtui.db import freeze  # noqa: F401  (the guard must be active wherever we sign)
from reviewtui.db import models as m
from reviewtui.db.errors import Conflict, NotFound, ReadOnly, UserError
from reviewtui.db.minutes import assemble, gather
from reviewtui.domain import clock, enums
from reviewtui.domain import minutes as dm
from reviewtui.views.signoff import MeetingCheck


@dataclass(frozen=True)
class SignOffResult:
    """Where a meeting's sign-off stands after recording a signatory."""

    meeting_id: int
    revision: int
    signed_off: bool
    sha256: str | None
    missing_sides: tuple[str, ...]
    signatories: tuple[str, ...]  # "Name (side)"


def _lock_meeting(session: Session, meeting_id: int) -> m.Meeting:
    """The meeting row, locked against concurrent sign-offs and edits until commit."""
    meeting = session.scalar(
        select(m.Meeting).where(col(m.Meeting.id) == meeting_id).with_for_update(key_share=True)
    )
    if meeting is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    return meeting


def record_signoff(
    meeting_id: int,
    *,
    session: Session,
    name: str,
    side: str,
    organisation: str = "",
    role: str = "",
    method: str = "in_meeting",
    signed_at: datetime | date | None = None,
    settings: Settings | None = None,
) -> SignOffResult:
    """Record one signatory of the meeting's current revision; sign it off when both sides have.

    ``signed_at`` is when they signed (default now): a written acknowledgement that arrived by
    email days later is recorded with the date of the email.
    """
    name = name.strip()
    if not name:
        raise UserError("a signatory needs a name (--name)")
    if side not in enums.SIDES:
        raise UserError(f"side must be client or vendor, not {side!r}")
    if method not in enums.SIGNOFF_METHODS:
        raise UserError(f"method must be one of {', '.join(enums.SIGNOFF_METHODS)}, not {method!r}")
    meeting = _lock_meeting(session, meeting_id)
    if session.info.get("role") == "vendor":
        # A vendor session records its own side only, for its own vendor's meetings; the
        # access guard lets exactly this sign-off (and the freeze it may complete) through.
        if meeting.vendor_id != session.info.get("vendor_id"):
            raise NotFound(f"no meeting with id {meeting_id}")
        if side != "vendor":
            raise ReadOnly("a vendor session may only record the vendor side's sign-off")
        session.info["vendor_signoff_meeting"] = meeting_id
    if meeting.status == "signed_off":
        raise ReadOnly(
            f"the minutes of meeting {meeting_id} are already signed off (revision "
            f"{meeting.revision}); to change them, amend: `reviewtui amend {meeting_id}`"
        )
    if meeting.status == "cancelled":
        raise UserError(f"meeting {meeting_id} was cancelled: it has no minutes to sign")
    if meeting.status == "planned":
        raise UserError(
            f"meeting {meeting_id} has not taken place yet (status planned): "
            "minutes are signed after the meeting"
        )
    now = clock.now()
    began = meeting.started_at or meeting.scheduled_at
    if isinstance(signed_at, date) and not isinstance(signed_at, datetime):
        # A day without a time (the date of an email): any day from the meeting's own on. On
        # the meeting's day it counts from the end of the meeting, so the order of events holds.
        day = clock.aware(began).astimezone().date()
        if signed_at > now.astimezone().date():
            raise UserError(f"the signing date {signed_at.isoformat()} is in the future")
        if signed_at < day:
            raise UserError(
                f"the signing date {signed_at.isoformat()} is before the day of the meeting "
                f"({day.isoformat()})"
            )
        start_of_day = datetime.combine(signed_at, datetime.min.time()).astimezone()
        ended = clock.aware(meeting.ended_at or began)
        signed_at = max(start_of_day, ended) if signed_at == day else start_of_day
    when = clock.aware(signed_at) if signed_at else now
    if when > now:
        raise UserError(f"the signing time {when:%Y-%m-%d %H:%M} is in the future")
    if when < began:
        raise UserError(
            f"the signing time {when:%Y-%m-%d %H:%M} is before the meeting began "
            f"({began:%Y-%m-%d %H:%M})"
        )
    rev = meeting.revision
    existing = list(
        session.scalars(
            select(m.SignOff).where(
                col(m.SignOff.meeting_id) == meeting_id, col(m.SignOff.revision) == rev
            )
        )
    )
    if any(s.name.casefold() == name.casefold() and s.side == side for s in existing):
        raise Conflict(f"{name} ({side}) has already signed revision {rev} of meeting {meeting_id}")
    signoff = m.SignOff(
        meeting_id=meeting_id,
        revision=rev,
        name=name,
        organisation=organisation.strip(),
        role=role.strip(),
        side=side,
        method=method,
        signed_at=when,
        recorded_by=session.info.get("user", ""),
    )
    session.add(signoff)
    session.flush()
    signed = [*existing, signoff]
    sides = {s.side for s in signed}
    missing = tuple(s for s in enums.SIDES if s not in sides)
    sha = None
    if not missing:
        sha = _freeze(session, meeting, max(s.signed_at for s in signed), settings)
    return SignOffResult(
        meeting_id=meeting_id,
        revision=rev,
        signed_off=not missing,
        sha256=sha,
        missing_sides=missing,
        signatories=tuple(f"{s.name} ({s.side})" for s in signed),
    )


def _freeze(
    session: Session, meeting: m.Meeting, signed_off_at: datetime, settings: Settings | None
) -> str:
    if meeting.ended_at is None:
        meeting.ended_at = max(signed_off_at, meeting.started_at or meeting.scheduled_at)
        session.flush()
    doc = assemble(meeting.id or 0, session=session, settings=settings, signed_off_at=signed_off_at)
    content = dm.canonical_json(doc)
    sha = dm.sha256_hex(content)
    row = session.scalar(
        select(m.MinutesRevision).where(
            col(m.MinutesRevision.meeting_id) == meeting.id,
            col(m.MinutesRevision.revision) == meeting.revision,
        )
    )
    if row is None:
        row = m.MinutesRevision(meeting_id=meeting.id or 0, revision=meeting.revision)
        session.add(row)
    row.status = "signed_off"
    row.content_json = content.decode("utf-8")
    row.sha256 = sha
    row.signed_off_at = signed_off_at
    meeting.status = "signed_off"
    session.flush()
    return sha


def amend(meeting_id: int, *, session: Session, reason: str) -> int:
    """Open revision n+1 of signed-off minutes for editing; returns the new revision number.

    ``reason`` (required) is printed in revision n+1, with the SHA-256 of revision n and what
    changed against it.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("an amendment needs a reason (--reason TEXT): it is printed in the minutes")
    if len(reason) > 2000:
        raise UserError(f"the reason is {len(reason)} characters long; keep it under 2000")
    meeting = _lock_meeting(session, meeting_id)
    if meeting.status != "signed_off":
        raise UserError(
            f"the minutes of meeting {meeting_id} are not signed off (status "
            f"{enums.label(meeting.status)}): they can be edited as they are"
        )
    new = meeting.revision + 1
    amending = session.info.setdefault(freeze.AMENDING, set())
    amending.add(meeting_id)
    try:
        meeting.revision = new
        meeting.status = "ended"
        previous = session.scalar(
            select(m.MinutesRevision).where(
                col(m.MinutesRevision.meeting_id) == meeting_id,
                col(m.MinutesRevision.revision) == new - 1,
            )
        )
        session.add(
            m.MinutesRevision(
                meeting_id=meeting_id,
                revision=new,
                status="draft",
                reason=reason,
                supersedes_sha256=previous.sha256 if previous is not None else "",
            )
        )
        session.flush()
    finally:
        amending.discard(meeting_id)
    return new


# --- verification: the database side ---------------------------------------------------------


def _signatory_key(s: dict[str, Any]) -> tuple[Any, ...]:
    return (s["name"], s["organisation"], s["role"], s["side"], s["method"], s["signed_at"])


def check_meeting(
    meeting_id: int, *, session: Session, revision: int | None = None
) -> MeetingCheck:
    """Check a signed-off revision in the database (default: the latest signed-off one).

    The stored JSON must hash to the stored SHA-256, name this meeting and revision, list the
    same signatories as the sign-off records, and, while the revision is the current one,
    agree with the meeting's rows (attendance, agenda, notes, outcomes, feedback).
    """
    meeting = session.get(m.Meeting, meeting_id)
    if meeting is None:
        return MeetingCheck(meeting_id, revision, None, None, (f"no meeting {meeting_id}",))
    q = select(m.MinutesRevision).where(
        col(m.MinutesRevision.meeting_id) == meeting_id,
        col(m.MinutesRevision.status) == "signed_off",
    )
    if revision is not None:
        q = q.where(col(m.MinutesRevision.revision) == revision)
    row = session.scalar(q.order_by(col(m.MinutesRevision.revision).desc()).limit(1))
    if row is None:
        what = f"revision {revision}" if revision else "any revision"
        return MeetingCheck(
            meeting_id,
            revision,
            None,
            None,
            (f"meeting {meeting_id} has no signed-off minutes ({what})",),
        )
    problems: list[str] = []
    notes: list[str] = []
    content = row.content_json.encode("utf-8")
    actual = dm.sha256_hex(content)
    if actual != row.sha256:
        problems.append(
            f"stored minutes of revision {row.revision} hash to {actual}, "
            f"but the stored SHA-256 is {row.sha256}"
        )
    try:
        doc = dm.load(content)
    except ValueError as exc:
        problems.append(f"stored minutes are not readable: {exc}")
        return MeetingCheck(meeting_id, row.revision, row.sha256, content, tuple(problems))
    if dm.canonical_json(doc) != content:
        problems.append("stored minutes are not in canonical form")
    if doc["meeting"]["id"] != meeting_id or doc["meeting"]["revision"] != row.revision:
        problems.append(
            f"stored minutes name meeting {doc['meeting']['id']} revision "
            f"{doc['meeting']['revision']}, not meeting {meeting_id} revision {row.revision}"
        )
    records = [
        {
            "name": s.name,
            "organisation": s.organisation,
            "role": s.role,
            "side": s.side,
            "method": s.method,
            "signed_at": dm.iso(s.signed_at),
        }
        for s in session.scalars(
            select(m.SignOff).where(
                col(m.SignOff.meeting_id) == meeting_id, col(m.SignOff.revision) == row.revision
            )
        )
    ]
    frozen = doc.get("signoff", {}).get("signatories", [])
    if sorted(map(_signatory_key, records)) != sorted(map(_signatory_key, frozen)):
        problems.append(
            "the sign-off records differ from the signatories in the signed minutes: "
            f"records {_names(records)}, minutes {_names(frozen)}"
        )
    if dm.iso(row.signed_off_at) != doc.get("signoff", {}).get("signed_off_at"):
        problems.append("the stored sign-off time differs from the one in the signed minutes")
    if row.revision == meeting.revision:
        if meeting.status != "signed_off":
            problems.append(
                f"meeting {meeting_id} is no longer marked signed off (status {meeting.status})"
            )
        else:
            problems.extend(_live_differences(session, meeting_id, doc))
    else:
        notes.append(
            f"revision {row.revision} was amended (current revision {meeting.revision}); "
            "its stored minutes are checked, the meeting's rows belong to the amendment"
        )
    return MeetingCheck(
        meeting_id, row.revision, row.sha256, content, tuple(problems), tuple(notes)
    )


def _names(rows: list[dict[str, Any]]) -> str:
    return ", ".join(sorted(f"{r['name']} ({r['side']})" for r in rows)) or "none"


_LIVE_SECTIONS = ("meeting", "vendor", "attendance", "agenda", "feedback")


def _live_differences(session: Session, meeting_id: int, doc: dict[str, Any]) -> list[str]:
    """Sections the meeting's own rows decide, rebuilt now and compared with the frozen ones."""
    facts = gather(meeting_id, session=session)
    live = dm.build(facts)
    out = []
    for section in _LIVE_SECTIONS:
        a, b = live.get(section), doc.get(section)
        if section == "vendor":  # a vendor may be renamed after the meeting
            a = {"id": (a or {}).get("id")}
            b = {"id": (b or {}).get("id")}
        if section == "agenda":
            # Linked actions live on after the meeting; their frozen state is in the minutes.
            a, b = _strip_actions(a), _strip_actions(b)
        if json.dumps(a, sort_keys=True) != json.dumps(b, sort_keys=True):
            out.append(f"the meeting's {section} in the database differs from the signed minutes")
    return out


def _strip_actions(agenda: Any) -> list[dict[str, Any]]:
    return [
        {
            **item,
            "outcomes": [{k: v for k, v in o.items() if k != "action"} for o in item["outcomes"]],
        }
        for item in agenda or []
    ]

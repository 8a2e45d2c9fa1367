"""Minutes from the database: gather a meeting's facts, build the document, fetch revisions.

A draft (the current revision before both sides signed) is assembled live from the meeting's
rows; a signed-off revision is read back from its stored canonical JSON, byte for byte.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.config import Settings
from reviewtui.db import models as m
from reviewtui.db.errors import NotFound
from reviewtui.domain import minutes as dm
from reviewtui.domain import periods
from reviewtui.views.minutes import MeetingRef, MinutesView, RevisionInfo


def _meeting(session: Session, meeting_id: int) -> m.Meeting:
    meeting = session.get(m.Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting with id {meeting_id} (see the vendor's page for its meetings)")
    return meeting


def meeting_period(meeting: m.Meeting) -> str:
    """The period a meeting reviews, its scorecard "as at": the meeting's own period when set,
    else the month before the meeting."""
    if meeting.period:
        return meeting.period
    day = (meeting.started_at or meeting.scheduled_at).date()
    return periods.period_of(day.replace(day=1) - timedelta(days=1), "monthly")


def gather(
    meeting_id: int,
    *,
    session: Session,
    settings: Settings | None = None,
    signed_off_at: datetime | None = None,
) -> dm.MinutesFacts:
    """Everything the minutes of ``meeting_id`` (its current revision) are made of."""
    from reviewtui.db.scorecards import vendor_scorecard

    mt = _meeting(session, meeting_id)
    vendor = session.get(m.Vendor, mt.vendor_id)
    assert vendor is not None
    end = mt.ended_at or mt.started_at or mt.scheduled_at

    attendance = tuple(
        dm.Attendee(a.side, a.name, a.organisation, a.role, a.status)
        for a in session.scalars(
            select(m.Attendance)
            .where(col(m.Attendance.meeting_id) == mt.id)
            .order_by(col(m.Attendance.id))
        )
    )
    items = list(
        session.scalars(
            select(m.AgendaItem)
            .where(col(m.AgendaItem.meeting_id) == mt.id)
            .order_by(col(m.AgendaItem.position), col(m.AgendaItem.id))
        )
    )
    outcomes: dict[int, list[m.Outcome]] = defaultdict(list)
    if items:
        for o in session.scalars(
            select(m.Outcome)
            .where(col(m.Outcome.agenda_item_id).in_([i.id for i in items]))
            .order_by(col(m.Outcome.created_at), col(m.Outcome.id))
        ):
            outcomes[o.agenda_item_id].append(o)
    agenda = tuple(
        dm.AgendaFacts(
            position=i.position,
            title=i.title,
            kind=i.kind,
            notes=i.notes,
            timebox_minutes=i.timebox_minutes,
            outcomes=tuple(
                dm.OutcomeFacts(o.kind, o.text, o.action_id) for o in outcomes.get(i.id, [])
            ),
        )
        for i in items
    )

    previous = session.execute(
        select(col(m.Meeting.ended_at), col(m.Meeting.scheduled_at))
        .where(
            col(m.Meeting.vendor_id) == mt.vendor_id,
            col(m.Meeting.id) != mt.id,
            col(m.Meeting.status).notin_(("planned", "cancelled")),
            col(m.Meeting.scheduled_at) < mt.scheduled_at,
        )
        .order_by(col(m.Meeting.scheduled_at).desc())
        .limit(1)
    ).first()
    previous_end = (previous[0] or previous[1]) if previous else None

    linked = {o.action_id for os_ in outcomes.values() for o in os_ if o.action_id is not None}
    action_rows = list(
        session.scalars(
            select(m.Action)
            .where(
                or_(
                    col(m.Action.meeting_id) == mt.id,
                    col(m.Action.id).in_(linked) if linked else false(),
                    (col(m.Action.vendor_id) == mt.vendor_id) & (col(m.Action.created_at) <= end),
                )
            )
            .order_by(col(m.Action.id))
        )
    )
    notes: dict[int, list[dm.NoteFacts]] = defaultdict(list)
    plans: dict[int, str] = {}
    if action_rows:
        ids = [a.id for a in action_rows]
        for n in session.scalars(
            select(m.ActionNote)
            .where(col(m.ActionNote.action_id).in_(ids))
            .order_by(col(m.ActionNote.at), col(m.ActionNote.id))
        ):
            notes[n.action_id].append(
                dm.NoteFacts(n.at, n.text, n.meeting_id, n.status_from, n.status_to)
            )
        plan_ids = {a.plan_id for a in action_rows if a.plan_id is not None}
        if plan_ids:
            plans = dict(
                session.execute(
                    select(col(m.ActionPlan.id), col(m.ActionPlan.title)).where(
                        col(m.ActionPlan.id).in_(plan_ids)
                    )
                ).all()
            )
    actions = tuple(
        dm.ActionFacts(
            id=a.id,
            title=a.title,
            owner=a.owner,
            due_date=a.due_date,
            priority=a.priority,
            status=a.status,
            created_at=a.created_at,
            closed_at=a.closed_at,
            meeting_id=a.meeting_id,
            plan=plans.get(a.plan_id, "") if a.plan_id else "",
            notes=tuple(notes.get(a.id, ())),
        )
        for a in action_rows
    )

    feedback = tuple(
        dm.FeedbackFacts(f.direction, f.category, f.text, f.rating, f.author, f.given_by)
        for f in session.scalars(
            select(m.Feedback)
            .where(col(m.Feedback.meeting_id) == mt.id)
            .order_by(col(m.Feedback.created_at), col(m.Feedback.id))
        )
    )
    esc_q = (
        select(m.Escalation, col(m.Kpi.name))
        .outerjoin(m.Kpi, col(m.Kpi.id) == m.Escalation.kpi_id)
        .where(
            or_(
                col(m.Escalation.meeting_id) == mt.id,
                (col(m.Escalation.vendor_id) == mt.vendor_id)
                & col(m.Escalation.meeting_id).is_(None)
                & (col(m.Escalation.raised_at) <= end)
                & (col(m.Escalation.raised_at) > previous_end if previous_end else True),
            )
        )
        .order_by(col(m.Escalation.raised_at), col(m.Escalation.id))
    )
    escalations = tuple(
        dm.EscalationFacts(e.level, e.reason, e.status, e.raised_at, e.raised_by, kpi or "")
        for e, kpi in session.execute(esc_q)
    )

    next_at, next_where = mt.next_meeting_at, ""
    if next_at is None:
        nxt = session.execute(
            select(col(m.Meeting.scheduled_at), col(m.Meeting.location))
            .where(
                col(m.Meeting.vendor_id) == mt.vendor_id,
                col(m.Meeting.id) != mt.id,
                col(m.Meeting.scheduled_at) > mt.scheduled_at,
            )
            .order_by(col(m.Meeting.scheduled_at))
            .limit(1)
        ).first()
        if nxt:
            next_at, next_where = nxt
    else:
        next_where = mt.location

    period = meeting_period(mt)
    card = vendor_scorecard(mt.vendor_id, session=session, period=period, settings=settings)
    scorecard = dm.ScorecardFacts(period, card.score, card.status, card.kpis)

    signatories = tuple(
        dm.Signatory(s.name, s.organisation, s.role, s.side, s.method, s.signed_at, s.recorded_by)
        for s in session.scalars(
            select(m.SignOff)
            .where(col(m.SignOff.meeting_id) == mt.id, col(m.SignOff.revision) == mt.revision)
            .order_by(col(m.SignOff.signed_at), col(m.SignOff.id))
        )
    )
    return dm.MinutesFacts(
        meeting=dm.MeetingFacts(
            id=mt.id,
            revision=mt.revision,
            type=mt.type,
            title=mt.title,
            scheduled_at=mt.scheduled_at,
            started_at=mt.started_at,
            ended_at=mt.ended_at,
            location=mt.location,
            facilitator=mt.facilitator,
            period=mt.period,
            vendor_id=vendor.id or 0,
            vendor=vendor.name,
            vendor_service=vendor.service,
        ),
        attendance=attendance,
        agenda=agenda,
        scorecard=scorecard,
        actions=actions,
        feedback=feedback,
        escalations=escalations,
        next_meeting_at=next_at,
        next_meeting_location=next_where or "",
        previous_meeting_end=previous_end,
        signatories=signatories,
        signed_off_at=signed_off_at,
    )


def assemble(
    meeting_id: int,
    *,
    session: Session,
    settings: Settings | None = None,
    signed_off_at: datetime | None = None,
) -> dict[str, Any]:
    """The minutes document of the meeting's current revision, from its rows as they are now.

    An amendment (revision > 1) carries ``amendment``: the reason it was opened, the revision
    and SHA-256 it supersedes, and what changed against that revision.
    """
    doc = dm.build(
        gather(meeting_id, session=session, settings=settings, signed_off_at=signed_off_at)
    )
    amendment = _amendment(session, meeting_id, doc)
    return dm.canonical({**doc, "amendment": amendment}) if amendment else doc


def _amendment(session: Session, meeting_id: int, doc: dict[str, Any]) -> dict[str, Any] | None:
    from reviewtui.domain.amendment import changes

    rev = doc["meeting"]["revision"]
    if rev <= 1:
        return None
    rows = {
        r.revision: r
        for r in session.scalars(
            select(m.MinutesRevision).where(
                col(m.MinutesRevision.meeting_id) == meeting_id,
                col(m.MinutesRevision.revision).in_([rev - 1, rev]),
            )
        )
    }
    previous, this = rows.get(rev - 1), rows.get(rev)
    if previous is None or previous.status != "signed_off":
        return None
    return {
        "reason": this.reason if this is not None else "",
        "supersedes": {"revision": rev - 1, "sha256": previous.sha256},
        "changes": changes(dm.load(previous.content_json), doc),
    }


def get(
    meeting_id: int,
    *,
    session: Session,
    revision: int | None = None,
    settings: Settings | None = None,
) -> MinutesView:
    """A revision of the minutes (default: the current one): stored JSON if signed off, else live."""
    mt = _meeting(session, meeting_id)
    rev = mt.revision if revision is None else revision
    if rev < 1 or rev > mt.revision:
        raise NotFound(
            f"meeting {meeting_id} has no revision {rev} (its revisions are 1 to {mt.revision})"
        )
    row = session.scalar(
        select(m.MinutesRevision).where(
            col(m.MinutesRevision.meeting_id) == meeting_id, col(m.MinutesRevision.revision) == rev
        )
    )
    if row is not None and row.status == "signed_off":
        content = row.content_json.encode("utf-8")
        return MinutesView(
            meeting_id=meeting_id,
            revision=rev,
            status="signed_off",
            document=dm.load(content),
            content=content,
            sha256=dm.sha256_hex(content),
            stored_sha256=row.sha256,
            latest_revision=mt.revision,
        )
    if rev != mt.revision:
        raise NotFound(f"revision {rev} of meeting {meeting_id} was never signed off or stored")
    doc = assemble(meeting_id, session=session, settings=settings)
    content = dm.canonical_json(doc)
    return MinutesView(
        meeting_id=meeting_id,
        revision=rev,
        status="draft",
        document=doc,
        content=content,
        sha256=dm.sha256_hex(content),
        stored_sha256=None,
        latest_revision=mt.revision,
    )


def revisions(meeting_id: int, *, session: Session) -> list[RevisionInfo]:
    """The stored revisions of a meeting's minutes, oldest first."""
    _meeting(session, meeting_id)
    return [
        RevisionInfo(r.revision, r.status, r.sha256, r.signed_off_at)
        for r in session.scalars(
            select(m.MinutesRevision)
            .where(col(m.MinutesRevision.meeting_id) == meeting_id)
            .order_by(col(m.MinutesRevision.revision))
        )
    ]


def vendor_meetings(vendor_id: int, *, session: Session) -> list[MeetingRef]:
    """A vendor's meetings, oldest first."""
    rows = session.execute(
        select(
            col(m.Meeting.id),
            col(m.Vendor.name),
            col(m.Meeting.title),
            col(m.Meeting.type),
            col(m.Meeting.scheduled_at),
            col(m.Meeting.status),
            col(m.Meeting.revision),
        )
        .join(m.Vendor, col(m.Vendor.id) == m.Meeting.vendor_id)
        .where(col(m.Meeting.vendor_id) == vendor_id)
        .order_by(col(m.Meeting.scheduled_at), col(m.Meeting.id))
    )
    return [MeetingRef(*r) for r in rows]


def meeting_ref(meeting_id: int, *, session: Session) -> MeetingRef:
    mt = _meeting(session, meeting_id)
    vendor = (
        session.scalar(select(col(m.Vendor.name)).where(col(m.Vendor.id) == mt.vendor_id)) or ""
    )
    return MeetingRef(
        mt.id or 0, vendor, mt.title, mt.type, mt.scheduled_at, mt.status, mt.revision
    )


def default_meeting(vendor_id: int, *, session: Session) -> int | None:
    """The meeting whose minutes a vendor's page opens: the latest that has taken place."""
    refs = vendor_meetings(vendor_id, session=session)
    held = [r for r in refs if r.status not in ("planned", "cancelled")]
    chosen = held[-1] if held else (refs[0] if refs else None)
    return chosen.id if chosen else None

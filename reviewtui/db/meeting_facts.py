"""What the facilitator looks up during a meeting: the vendor's scorecard as at the meeting's
period (what the minutes print) and the actions on the agenda with their status and due date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.config import Settings
from reviewtui.db import models as m
from reviewtui.db.errors import NotFound
from reviewtui.db.minutes import meeting_period
from reviewtui.db.scorecards import vendor_scorecard
from reviewtui.domain import clock, enums
from reviewtui.views.meeting_facts import AgendaAction, MeetingFacts


def meeting_facts(
    meeting_id: int,
    *,
    session: Session,
    settings: Settings | None = None,
    today: date | None = None,
) -> MeetingFacts:
    """The facts of ``meeting_id``: the same scorecard its minutes print, and its actions."""
    mt = session.get(m.Meeting, meeting_id)
    if mt is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    today = today or clock.today()
    period = meeting_period(mt)
    card = vendor_scorecard(mt.vendor_id, session=session, period=period, settings=settings)
    items = select(col(m.AgendaItem.id)).where(col(m.AgendaItem.meeting_id) == meeting_id)
    on_items = select(col(m.AgendaItem.action_id)).where(
        col(m.AgendaItem.meeting_id) == meeting_id, col(m.AgendaItem.action_id).is_not(None)
    )
    in_outcomes = select(col(m.Outcome.action_id)).where(
        col(m.Outcome.agenda_item_id).in_(items), col(m.Outcome.action_id).is_not(None)
    )
    rows = session.execute(
        select(
            col(m.Action.id),
            col(m.Action.title),
            col(m.Action.owner),
            col(m.Action.status),
            col(m.Action.due_date),
            col(m.Action.meeting_id),
        )
        .where(col(m.Action.id).in_(on_items) | col(m.Action.id).in_(in_outcomes))
        .order_by(col(m.Action.due_date), col(m.Action.id))
    )
    actions = tuple(
        AgendaAction(
            id=aid,
            title=title,
            owner=owner or "",
            status=status,
            due_date=due,
            overdue=status in enums.OPEN_ACTION_STATUSES and due < today,
            raised_here=raised_in == meeting_id,
        )
        for aid, title, owner, status, due, raised_in in rows
    )
    return MeetingFacts(meeting_id, period, card, actions)

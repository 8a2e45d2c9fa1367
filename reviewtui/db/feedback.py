"""Feedback both ways: entries, a summary per meeting and a history per vendor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import models as m
from reviewtui.db.engine import person_name
from reviewtui.db.errors import NotFound, ReadOnly, UserError
from reviewtui.domain import enums
from reviewtui.views.feedback import FeedbackRow, FeedbackSummary, SummaryLine


def _check(direction: str, category: str, text: str, rating: int | None) -> str:
    if direction not in enums.FEEDBACK_DIRECTIONS:
        raise UserError(
            f"direction {direction!r}: use one of {', '.join(enums.FEEDBACK_DIRECTIONS)}"
        )
    if category not in enums.FEEDBACK_CATEGORIES:
        raise UserError(f"category {category!r}: use one of {', '.join(enums.FEEDBACK_CATEGORIES)}")
    if rating is not None and not 1 <= rating <= 5:
        raise UserError(f"rating {rating}: give 1 to 5, or none")
    text = text.strip()
    if not text:
        raise UserError("feedback needs some text")
    return text


def _given_by(given_by: str) -> str:
    name = " ".join(given_by.split())
    if len(name) > 200:
        raise UserError(f"given by: {len(name)} characters; keep the name within 200")
    return name


def add(
    vendor_id: int,
    direction: str,
    category: str,
    text: str,
    *,
    session: Session,
    meeting_id: int | None = None,
    rating: int | None = None,
    given_by: str = "",
) -> int:
    """Record feedback; returns its id. A meeting's feedback counts as a change of the meeting.

    ``given_by`` names who gave it; the acting person is recorded as its author.
    """
    text = _check(direction, category, text, rating)
    given_by = _given_by(given_by)
    if session.get(m.Vendor, vendor_id) is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    if meeting_id is not None:
        from reviewtui.db.meetings import touch

        mt = touch(meeting_id, session=session)
        if mt.vendor_id != vendor_id:
            raise UserError("that meeting is with another vendor")
    fb = m.Feedback(
        vendor_id=vendor_id,
        meeting_id=meeting_id,
        direction=direction,
        category=category,
        rating=rating,
        text=text,
        author=person_name(session),
        given_by=given_by,
    )
    session.add(fb)
    session.flush()
    return fb.id


def _for_write(session: Session, feedback_id: int) -> m.Feedback:
    """The entry, refused once its meeting's minutes are signed off (they are frozen)."""
    fb = session.get(m.Feedback, feedback_id)
    if fb is None:
        raise NotFound(f"no feedback with id {feedback_id}")
    if fb.meeting_id is not None:
        from reviewtui.db.meetings import touch

        try:
            touch(fb.meeting_id, session=session)
        except ReadOnly as exc:
            raise ReadOnly(
                "this feedback is part of signed-off minutes: it can no longer be changed "
                "(amend the minutes to change it)"
            ) from exc
    return fb


def update(
    feedback_id: int,
    *,
    session: Session,
    direction: str,
    category: str,
    text: str,
    rating: int | None = None,
    given_by: str = "",
) -> None:
    """Change a feedback entry (until its meeting's minutes are signed off)."""
    text = _check(direction, category, text, rating)
    given_by = _given_by(given_by)
    fb = _for_write(session, feedback_id)
    fb.direction, fb.category, fb.text, fb.rating = direction, category, text, rating
    fb.given_by = given_by


def remove(feedback_id: int, *, session: Session) -> None:
    """Remove a feedback entry (until its meeting's minutes are signed off)."""
    session.delete(_for_write(session, feedback_id))


def _rows(session: Session, q: Select[m.Feedback, datetime]) -> list[FeedbackRow]:
    return [
        FeedbackRow(
            f.id,
            f.vendor_id,
            f.meeting_id,
            at,
            f.direction,
            f.category,
            f.rating,
            f.text,
            f.author,
            f.created_at,
            f.given_by,
        )
        for f, at in session.execute(q)
    ]


def _base() -> Select[m.Feedback, datetime]:
    return select(m.Feedback, col(m.Meeting.scheduled_at)).outerjoin(
        m.Meeting, col(m.Meeting.id) == m.Feedback.meeting_id
    )


def for_meeting(meeting_id: int, *, session: Session) -> list[FeedbackRow]:
    """A meeting's feedback in the order it was given."""
    return _rows(
        session,
        _base().where(col(m.Feedback.meeting_id) == meeting_id).order_by(col(m.Feedback.id)),
    )


def history(vendor_id: int, *, session: Session, limit: int = 500) -> list[FeedbackRow]:
    """A vendor's feedback, newest first."""
    q = (
        _base()
        .where(col(m.Feedback.vendor_id) == vendor_id)
        .order_by(col(m.Feedback.created_at).desc(), col(m.Feedback.id).desc())
        .limit(limit)
    )
    return _rows(session, q)


def summary(meeting_id: int, *, session: Session) -> FeedbackSummary:
    """Count and average rating per direction and category, grouped in SQL."""
    q = (
        select(
            col(m.Feedback.direction),
            col(m.Feedback.category),
            func.count(),
            func.avg(col(m.Feedback.rating)),
        )
        .where(col(m.Feedback.meeting_id) == meeting_id)
        .group_by(col(m.Feedback.direction), col(m.Feedback.category))
    )
    order_d = {d: n for n, d in enumerate(enums.FEEDBACK_DIRECTIONS)}
    order_c = {c: n for n, c in enumerate(enums.FEEDBACK_CATEGORIES)}
    lines = sorted(
        (
            SummaryLine(d, c, int(n), round(float(avg), 1) if avg is not None else None)
            for d, c, n, avg in session.execute(q)
        ),
        key=lambda x: (order_d.get(x.direction, 9), order_c.get(x.category, 9)),
    )
    return FeedbackSummary(tuple(lines))

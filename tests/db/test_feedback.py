"""Feedback both ways on SQLite and PostgreSQL: add, per-meeting summary, vendor history."""

from __future__ import annotations

from datetime import datetime

import pytest

from reviewtui.db import feedback as fq
from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db.errors import ReadOnly, UserError


@pytest.fixture
def setup(db):
    with db.session() as s:
        v = m.Vendor(name="Acme")
        other = m.Vendor(name="Other")
        s.add_all([v, other])
        s.flush()
        mid = mq.create_meeting(
            v.id, datetime.fromisoformat("2026-12-01T10:00:00+00:00"), session=s
        )
        return v.id, other.id, mid


def test_add_summary_and_history(db, setup, monkeypatch) -> None:
    vid, _, mid = setup
    before = 0
    with db.read() as s:
        before = mq.meeting_version(mid, session=s)
    entries = [
        ("client_to_vendor", "achievement", 4, "Quick recovery after the outage."),
        ("client_to_vendor", "achievement", 5, "Great weekend cover."),
        ("client_to_vendor", "concern", None, "Reports arrive late."),
        ("vendor_to_client", "improvement", 3, "Change requests need two weeks' notice."),
    ]
    for n, (direction, category, rating, text) in enumerate(entries):
        monkeypatch.setenv("REVIEWTUI_NOW", f"2026-12-01T10:0{n}:00+00:00")
        with db.session() as s:
            s.info["user"] = "alice"
            fq.add(vid, direction, category, text, session=s, meeting_id=mid, rating=rating)
    with db.session() as s:  # outside a meeting
        fq.add(vid, "vendor_to_client", "recognition", "Thanks for the workshop.", session=s)
    with db.read() as s:
        summary = fq.summary(mid, session=s)
        in_meeting = fq.for_meeting(mid, session=s)
        history = fq.history(vid, session=s)
        after = mq.meeting_version(mid, session=s)
    assert [(x.direction, x.category, x.count, x.average_rating) for x in summary.lines] == [
        ("client_to_vendor", "achievement", 2, 4.5),
        ("client_to_vendor", "concern", 1, None),
        ("vendor_to_client", "improvement", 1, 3.0),
    ]
    assert summary.count() == 4 and summary.count("vendor_to_client") == 1
    assert [r.text for r in in_meeting][0] == "Quick recovery after the outage."
    assert in_meeting[0].author == "alice" and in_meeting[0].meeting_at is not None
    assert len(history) == 5 and history[-1].text == "Quick recovery after the outage."
    assert after == before + 4  # other sessions watching the meeting see each entry


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sideways", "concern", "x"), "direction 'sideways'"),
        (("client_to_vendor", "gossip", "x"), "category 'gossip'"),
        (("client_to_vendor", "concern", "   "), "needs some text"),
    ],
)
def test_bad_feedback_is_refused(db, setup, args, message) -> None:
    vid, _, mid = setup
    with db.session() as s, pytest.raises(UserError, match=message):
        fq.add(vid, *args, session=s, meeting_id=mid)


def test_rating_range_and_vendor_of_meeting(db, setup) -> None:
    vid, other, mid = setup
    with db.session() as s, pytest.raises(UserError, match="1 to 5"):
        fq.add(vid, "client_to_vendor", "concern", "x", session=s, rating=6)
    with db.session() as s, pytest.raises(UserError, match="another vendor"):
        fq.add(other, "client_to_vendor", "concern", "x", session=s, meeting_id=mid)
    with db.session() as s:
        s.get(m.Meeting, mid).status = "signed_off"
    with db.session() as s, pytest.raises(ReadOnly):
        fq.add(vid, "client_to_vendor", "concern", "x", session=s, meeting_id=mid)

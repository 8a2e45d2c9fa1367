"""People, not logins, on SQLite and PostgreSQL: the facilitator and authors by name, guests who
own actions, absent attendees who do not, feedback that says who gave it and can be changed until
sign-off, a written sign-off dated the day of the meeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from reviewtui.db import Database
from reviewtui.db import actions as aq
from reviewtui.db import feedback as fq
from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import outcomes as oq
from reviewtui.db.errors import ReadOnly, UserError
from reviewtui.db.signoff import record_signoff

START = "2026-12-01T10:00:00+00:00"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def named(db) -> Database:
    """The same database, opened as a login whose server entry names the person."""
    d = Database(db.url, user="jdoe", name="Jane Ōkubo")
    yield d
    d.dispose()


@pytest.fixture
def meeting(db, monkeypatch):
    """Acme with two contacts and a meeting at 10:00 on 1 Dec 2026."""
    monkeypatch.setenv("REVIEWTUI_NOW", START)
    with db.session() as s:
        v = m.Vendor(name="Acme")
        s.add(v)
        s.flush()
        ann = m.Contact(vendor_id=v.id, side="vendor", name="Ann Lee", organisation="Acme")
        mark = m.Contact(vendor_id=v.id, side="vendor", name="Mark Thompson", organisation="Acme")
        s.add_all([ann, mark])
        s.flush()
        mid = mq.create_meeting(v.id, _at(START), session=s)
        return v.id, mid, ann.id, mark.id


def _start(database, mid, entries) -> int:
    with database.session() as s:
        return mq.start_meeting(mid, session=s, attendance=entries)


def test_the_facilitator_and_authors_are_the_person_not_the_login(db, named, meeting) -> None:
    vid, mid, ann, _ = meeting
    item = _start(named, mid, None)
    with named.session() as s:
        fid = fq.add(vid, "client_to_vendor", "concern", "Late reports.", session=s, meeting_id=mid)
        aid = oq.add_action(item, "Send the report", ann, date(2026, 12, 10), session=s)
        oq.add_outcome(item, "decision", "Weekly reports from now on.", session=s)
    with db.read() as s:
        mt = s.get(m.Meeting, mid)
        assert mt.facilitator == "Jane Ōkubo"
        assert s.get(m.Feedback, fid).author == "Jane Ōkubo"
        note = s.scalar(select(m.ActionNote).where(m.ActionNote.action_id == aid))
        assert note.author == "Jane Ōkubo"
        assert {o.created_by for o in s.scalars(select(m.Outcome))} == {"Jane Ōkubo"}
        # The audit trail keeps the login: access and accountability are the login's.
        assert {c.user for c in s.scalars(select(m.ChangeLog))} >= {"jdoe"}
        assert "Jane Ōkubo" not in {c.user for c in s.scalars(select(m.ChangeLog))}


def test_an_unnamed_login_stands_for_itself(db, meeting) -> None:
    _, mid, _, _ = meeting
    _start(db, mid, None)
    with db.read() as s:
        assert s.get(m.Meeting, mid).facilitator == "tester"


def test_a_guest_owns_an_action_an_absent_attendee_does_not(db, meeting) -> None:
    vid, mid, ann, mark = meeting
    item = _start(
        db,
        mid,
        [
            mq.AttendanceEntry("Ann Lee", "vendor", "present", ann, "Acme"),
            mq.AttendanceEntry("Mark Thompson", "vendor", "absent", mark, "Acme"),
            mq.AttendanceEntry(
                "Yuki Tanaka", "client", "present", None, "TÜV Rheinland", "Auditor"
            ),
            mq.AttendanceEntry("Omar Haddad", "client", "apologies", None, "Contoso"),
        ],
    )
    with db.session() as s:
        aid = oq.add_action(item, "Audit the gauges", "yuki tanaka", date(2026, 12, 10), session=s)
    with db.read() as s:
        a = s.get(m.Action, aid)
        assert (a.owner, a.owner_contact_id) == ("Yuki Tanaka", None)
        att = s.scalar(select(m.Attendance).where(m.Attendance.name == "Yuki Tanaka"))
        assert (att.organisation, att.role) == ("TÜV Rheinland", "Auditor")
    refused = "is marked (absent|apologies) at this meeting"
    for owner in (mark, "Mark Thompson", "Omar Haddad"):
        with pytest.raises(UserError, match=refused), db.session() as s:
            oq.add_action(item, "Fix it", owner, date(2026, 12, 10), session=s)
    with db.read() as s:
        assert s.scalar(select(m.Action.id).where(m.Action.title == "Fix it")) is None
    # Present contacts still own actions; attendance corrected, Mark may too.
    with db.session() as s:
        oq.add_action(item, "Send the report", ann, date(2026, 12, 10), session=s)
        mq.set_attendance(mid, [mq.AttendanceEntry("Mark Thompson", "vendor", "present", mark)],
                          session=s)  # fmt: skip
        oq.add_action(item, "Fix it", mark, date(2026, 12, 10), session=s)


def test_feedback_says_who_gave_it_and_changes_until_sign_off(db, meeting, monkeypatch) -> None:
    vid, mid, _, _ = meeting
    _start(db, mid, None)
    with db.session() as s:
        fid = fq.add(vid, "client_to_vendor", "concern", "Reports late.", session=s,
                     meeting_id=mid, given_by="  Maria   Jensen ")  # fmt: skip
        gone = fq.add(vid, "vendor_to_client", "improvement", "Typo.", session=s, meeting_id=mid)
    with db.read() as s:
        version = mq.meeting_version(mid, session=s)
    with db.session() as s:
        fq.update(fid, session=s, direction="client_to_vendor", category="improvement",
                  text="Reports arrive two days late.", rating=2, given_by="Maria Jensen")  # fmt: skip
        fq.remove(gone, session=s)
    with db.read() as s:
        rows = fq.for_meeting(mid, session=s)
        assert mq.meeting_version(mid, session=s) > version  # other sessions see the change
    assert [(r.category, r.text, r.rating, r.given_by) for r in rows] == [
        ("improvement", "Reports arrive two days late.", 2, "Maria Jensen")
    ]
    assert rows[0].as_dict()["given_by"] == "Maria Jensen"
    with pytest.raises(UserError, match="feedback needs some text"), db.session() as s:
        fq.update(fid, session=s, direction="client_to_vendor", category="concern", text=" ")
    # Signed off: frozen.
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-12-01T11:00:00+00:00")
    with db.session() as s:
        mq.end_meeting(mid, session=s)
        record_signoff(mid, session=s, name="Maria Jensen", side="client")
        record_signoff(mid, session=s, name="Ann Lee", side="vendor")
    for change in (
        lambda s: fq.update(
            fid,
            session=s,
            direction="client_to_vendor",
            category="concern",
            text="Changed after sign-off",
        ),  # fmt: skip
        lambda s: fq.remove(fid, session=s),
    ):
        with pytest.raises(ReadOnly, match="part of signed-off minutes"), db.session() as s:
            change(s)
    with db.read() as s:
        assert s.get(m.Feedback, fid).text == "Reports arrive two days late."


def test_a_written_signoff_dated_the_day_of_the_meeting_is_accepted(db, meeting, monkeypatch):
    _, mid, _, _ = meeting
    _start(db, mid, None)
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-12-01T10:40:00+00:00")
    with db.session() as s:
        mq.end_meeting(mid, session=s)
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-12-03T09:00:00+00:00")
    day = _at(START).astimezone().date()
    with pytest.raises(UserError, match="before the day of the meeting"), db.session() as s:
        record_signoff(mid, session=s, name="Raj", side="vendor", method="written",
                       signed_at=day - timedelta(days=1))  # fmt: skip
    with pytest.raises(UserError, match="in the future"), db.session() as s:
        record_signoff(mid, session=s, name="Raj", side="vendor", method="written",
                       signed_at=date(2026, 12, 4))  # fmt: skip
    with db.session() as s:
        record_signoff(mid, session=s, name="Raj", side="vendor", method="written", signed_at=day)
        record_signoff(mid, session=s, name="Maria", side="client", method="written",
                       signed_at=day + timedelta(days=1))  # fmt: skip
    with db.read() as s:
        signed = {x.name: x.signed_at for x in s.scalars(select(m.SignOff))}
        ended = s.get(m.Meeting, mid).ended_at
    # On the meeting's day: counted from the end of the meeting, never before it began.
    assert signed["Raj"] == ended
    assert signed["Maria"].astimezone().date() == day + timedelta(days=1)
    # A time that day before the meeting began is still refused.
    with db.session() as s:
        mid2 = mq.create_meeting(s.get(m.Meeting, mid).vendor_id, _at(START), session=s)
        mq.start_meeting(mid2, session=s)
        mq.end_meeting(mid2, session=s)
    with pytest.raises(UserError, match="before the meeting began"), db.session() as s:
        record_signoff(mid2, session=s, name="Raj", side="vendor",
                       signed_at=_at("2026-12-01T08:00:00+00:00"))  # fmt: skip


def test_a_place_is_kept_in_one_line(db, meeting) -> None:
    vid, _, _, _ = meeting
    with db.session() as s:
        mid = mq.create_meeting(vid, _at(START), session=s, location="  Room 4.12,\n Building B ")
    with db.read() as s:
        assert mq.get_meeting(mid, session=s).location == "Room 4.12, Building B"
    with pytest.raises(UserError, match="keep it within 200"), db.session() as s:
        mq.create_meeting(vid, _at(START), session=s, location="x" * 201)


def test_action_owner_typed_in_part_names_the_contact() -> None:
    from reviewtui.domain.people import resolve_owner

    known = ["Ann Lee", "Mark Thompson", "Marko Ivić", "山田 太郎"]
    assert resolve_owner("mark thompson", known) == ("Mark Thompson", True)
    assert resolve_owner("Thomp", known) == ("Mark Thompson", True)
    assert resolve_owner("Mark", known) == ("Mark", False)  # Mark Thompson or Marko Ivić?
    assert resolve_owner("太郎", known) == ("山田 太郎", True)
    assert resolve_owner("  Bob   Smith ", known) == ("Bob Smith", False)
    assert resolve_owner("", known) == ("", True)


def test_undo_of_done_restores_the_status_and_keeps_both_in_the_history(db, meeting) -> None:
    vid, _, ann, _ = meeting
    with db.session() as s:
        row = aq.create_action(vid, "Send the report", "+7d", session=s, owner="Ann Lee")
        aq.update_status(row.id, "in_progress", session=s)
    with db.session() as s:
        done = aq.update_status(row.id, "done", session=s)
    with db.session() as s:
        back = aq.update_status(row.id, "in_progress", session=s, note="Undone: not done after all",
                                expected_version=done.version)  # fmt: skip
    assert back.status == "in_progress"
    with db.read() as s:
        a = s.get(m.Action, row.id)
        assert a.closed_at is None and a.owner_contact_id == ann
        moves = [(n.status_from, n.status_to) for n in s.scalars(
            select(m.ActionNote).where(m.ActionNote.action_id == row.id).order_by(m.ActionNote.id)
        )]  # fmt: skip
    assert moves[-2:] == [("in_progress", "done"), ("done", "in_progress")]

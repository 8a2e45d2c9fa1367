"""Action queries on SQLite and PostgreSQL: filters and pages in SQL, changes leave notes."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reviewtui.db import actions as action_q
from reviewtui.db import models as m
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import Conflict, NotFound, ReadOnly, UserError

TODAY = date(2026, 11, 28)


@pytest.fixture
def acme(db):
    """A vendor with two contacts, a meeting and 30 actions due one a day from 20 days ago."""
    with db.session() as s:
        v = vendor_q.create("Acme Logistics", session=s)
        other = vendor_q.create("Other Corp", session=s)
        s.add(m.Contact(vendor_id=v.id, side="vendor", name="Pat Lee"))
        s.add(m.Contact(vendor_id=v.id, side="client", name="Sam Roe"))
        mt = m.Meeting(vendor_id=v.id, scheduled_at=m.clock.now(), status="in_progress")
        s.add(mt)
        s.flush()
        for i in range(30):
            s.add(
                m.Action(
                    vendor_id=v.id,
                    title=f"Task {i:02d}" + (" invoice" if i % 10 == 0 else ""),
                    owner="Pat Lee" if i % 2 else "Sam Roe",
                    due_date=TODAY - timedelta(days=20) + timedelta(days=i),
                    status="done" if i % 7 == 6 else "open",
                )
            )
        s.add(m.Action(vendor_id=other.id, title="Elsewhere", due_date=TODAY, owner="Kim"))
        ids = (v.id, other.id, mt.id)
    return ids


def test_default_list_is_open_actions_earliest_due_first(db, acme) -> None:
    with db.read() as s:
        page = action_q.list_actions(session=s)
    rows = page.rows
    assert page.total == len(rows) == 27  # 30 - 4 done + 1 elsewhere
    assert [r.due_date for r in rows] == sorted(r.due_date for r in rows)
    assert all(r.status in ("open", "in_progress") for r in rows)
    first = rows[0]
    assert first.title == "Task 00 invoice" and first.days_overdue == 20 and first.overdue


def test_filters(db, acme) -> None:
    vid, other, _ = acme
    with db.read() as s:

        def titles(**kw) -> list[str]:
            flt = action_q.ActionFilter(**kw)
            return [r.title for r in action_q.list_actions(flt, session=s, limit=None).rows]

        overdue = titles(overdue=True)
        assert len(overdue) == 18  # the 20 due before today, minus the done ones (6, 13)
        assert "Elsewhere" not in overdue  # due today: not late
        assert titles(vendor_id=other) == ["Elsewhere"]
        assert all("Task" in t for t in titles(owner="pat"))
        assert len(titles(owner="PAT")) == 13
        assert titles(search="invoice") == ["Task 00 invoice", "Task 10 invoice"]  # 20 is done
        assert titles(search="acme invoice 1") == ["Task 10 invoice"]  # every word must match
        assert titles(search="other") == ["Elsewhere"]  # vendor name
        assert titles(search="50%") == []  # LIKE wildcards are literal
        assert len(titles(statuses=("done",))) == 4
        assert len(titles(statuses=("open", "in_progress", "done", "cancelled"))) == 31
        assert titles(statuses=()) == []
        # due within 3 days: every open action due by 1 Dec, the overdue ones included
        within = titles(due_within_days=3, vendor_id=vid)
        assert within[-1] == "Task 23" and len(within) == 21
        # overdue with a closed status asked for: only open ones can be overdue
        assert titles(overdue=True, statuses=("done",)) == []


def test_pages_and_totals(db, acme) -> None:
    with db.read() as s:
        p1 = action_q.list_actions(session=s, limit=10)
        p3 = action_q.list_actions(session=s, limit=10, offset=20)
    assert (p1.total, p1.page, p1.pages) == (27, 1, 3)
    assert len(p1.rows) == 10 and len(p3.rows) == 7 and p3.page == 3
    assert p1.rows[-1].due_date <= p3.rows[0].due_date
    assert {r.id for r in p1.rows}.isdisjoint(r.id for r in p3.rows)


def test_carry_over_actions_are_the_vendors_open_ones(db, acme) -> None:
    vid, _, _ = acme
    with db.read() as s:
        rows = action_q.carry_over_actions(vid, session=s)
    assert len(rows) == 26
    assert all(r.vendor_id == vid and r.status == "open" for r in rows)
    assert rows[0].overdue and not rows[-1].overdue
    with pytest.raises(dataclasses.FrozenInstanceError):  # screens cannot change rows
        rows[0].title = "x"  # type: ignore[misc]


def test_status_change_in_a_meeting_leaves_a_note_for_the_minutes(db, acme) -> None:
    vid, _, meeting = acme
    with db.read() as s:
        first = action_q.list_actions(session=s).rows[0]
    with db.session() as s:
        row = action_q.update_status(
            first.id, "done", session=s, note="Invoice sent", meeting_id=meeting
        )
    assert row.status == "done" and not row.overdue and row.version == first.version + 1
    with db.read() as s:
        detail = action_q.get_detail(first.id, session=s)
        moved = action_q.status_changes_in_meeting(meeting, session=s)
    note = detail.notes[-1]
    assert (note.status_from, note.status_to, note.text) == ("open", "done", "Invoice sent")
    assert note.author == "tester" and note.meeting_id == meeting
    assert detail.closed_at is not None
    assert [(c.action_id, c.status_from, c.status_to) for c in moved] == [
        (first.id, "open", "done")
    ]
    # Reopening clears the closing time; the same status again without a note is refused.
    with db.session() as s:
        action_q.update_status(first.id, "in progress", session=s)
        with pytest.raises(UserError, match="in progress already"):
            action_q.update_status(first.id, "in_progress", session=s)
    with db.read() as s:
        assert action_q.get_detail(first.id, session=s).closed_at is None


def test_bad_changes_are_refused(db, acme) -> None:
    vid, other, meeting = acme
    with db.read() as s:
        first = action_q.list_actions(action_q.ActionFilter(vendor_id=vid), session=s).rows[0]
        elsewhere = action_q.list_actions(action_q.ActionFilter(vendor_id=other), session=s).rows[0]
    with pytest.raises(UserError, match="use one of open"), db.session() as s:
        action_q.update_status(first.id, "finished", session=s)
    with pytest.raises(NotFound), db.session() as s:
        action_q.update_status(999_999, "done", session=s)
    with pytest.raises(UserError, match="another vendor"), db.session() as s:
        action_q.update_status(elsewhere.id, "done", session=s, meeting_id=meeting)
    with pytest.raises(Conflict, match="changed by someone else"), db.session() as s:
        action_q.update_status(first.id, "done", session=s, expected_version=first.version + 5)
    with db.read() as s:
        assert action_q.get_row(first.id, session=s).status == "open"  # nothing half-done


def test_edit_due_owner_priority_each_noted(db, acme) -> None:
    vid, _, _ = acme
    with db.read() as s:
        a = action_q.list_actions(action_q.ActionFilter(vendor_id=vid), session=s).rows[0]
    with db.session() as s:
        row = action_q.update_action(a.id, session=s, due="+2w", owner="sam roe", priority="high")
    assert row.due_date == TODAY + timedelta(days=14)
    assert row.owner == "Sam Roe" and row.owner_contact_id is not None  # matched the contact
    assert row.priority == "high"
    with db.read() as s:
        text = action_q.get_detail(a.id, session=s).notes[-1].text
    assert "Due date moved from 2026-11-08 to 2026-12-12" in text
    assert "priority changed from medium to high" in text
    with db.session() as s:
        row = action_q.update_action(a.id, session=s, owner="Someone New")
    assert row.owner == "Someone New" and row.owner_contact_id is None  # free text is fine
    with pytest.raises(UserError, match="ambiguous"), db.session() as s:
        action_q.update_action(a.id, session=s, due="03/04/2027")


def test_create_action_validates_and_notes_who_raised_it(db, acme) -> None:
    vid, other, meeting = acme
    with db.session() as s:
        row = action_q.create_action(
            vid, "Call the carrier", "+3d", session=s, owner="Pat Lee", meeting_id=meeting
        )
    assert row.due_date == date(2026, 12, 1) and row.meeting_id == meeting
    with db.read() as s:
        note = action_q.get_detail(row.id, session=s).notes[0]
    assert (note.status_to, note.author, note.meeting_id) == ("open", "tester", meeting)
    with pytest.raises(UserError, match="before the action was raised"), db.session() as s:
        action_q.create_action(vid, "Late already", "2026-01-01", session=s)
    with pytest.raises(UserError, match="needs a title"), db.session() as s:
        action_q.create_action(vid, "  ", "+1d", session=s)
    with pytest.raises(UserError, match="priority 'urgent'"), db.session() as s:
        action_q.create_action(vid, "x", "+1d", session=s, priority="urgent")


def test_plan_goes_to_verification_when_its_last_action_is_done(db, acme) -> None:
    vid, _, _ = acme
    with db.session() as s:
        plan = m.ActionPlan(vendor_id=vid, title="Late invoices", raised_on=TODAY)
        s.add(plan)
        s.flush()
        a1 = action_q.create_action(vid, "Fix template", "+1w", session=s, plan_id=plan.id)
        a2 = action_q.create_action(vid, "Train clerks", "+2w", session=s, plan_id=plan.id)
        pid = plan.id
    with db.session() as s:
        action_q.update_status(a1.id, "done", session=s)
        assert s.get(m.ActionPlan, pid).status == "open"
        action_q.update_status(a2.id, "done", session=s, verification_days=45)
        p = s.get(m.ActionPlan, pid)
        assert (p.status, p.verification_due) == ("verifying", TODAY + timedelta(days=45))
    with db.session() as s:  # reopening an action takes the plan back out of verification
        action_q.update_status(a2.id, "open", session=s, note="Clerks left; train the new ones")
        assert s.get(m.ActionPlan, pid).status == "open"
    with db.session() as s:
        s.get(m.ActionPlan, pid).status = "closed"
    with pytest.raises(ReadOnly, match="closed"), db.session() as s:
        action_q.create_action(vid, "One more", "+1w", session=s, plan_id=pid)


def test_every_change_is_in_the_audit_trail(db, acme) -> None:
    with db.read() as s:
        a = action_q.list_actions(session=s).rows[0]
    with db.session() as s:
        action_q.update_status(a.id, "in_progress", session=s)
    with db.read() as s:
        log = s.scalars(
            select(m.ChangeLog)
            .where(m.ChangeLog.entity.in_(("action", "actionnote")))
            .order_by(m.ChangeLog.id.desc())
            .limit(2)
        ).all()
    assert {(c.entity, c.user) for c in log} == {("action", "tester"), ("actionnote", "tester")}


def test_demo_overdue_actions_match_the_vendor_list(demo_db) -> None:
    """The screen's list and the dashboard's counts agree."""
    with demo_db.read() as s:
        vendors = vendor_q.list_vendors(session=s)
        overdue = action_q.list_actions(
            action_q.ActionFilter(overdue=True), session=s, limit=None
        ).rows
    assert len(overdue) == sum(v.overdue_actions for v in vendors) > 0

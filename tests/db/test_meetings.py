"""Meetings on SQLite and PostgreSQL: default agenda, edits, the live run, notes, outcomes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from reviewtui.db import meetings as q
from reviewtui.db import models as m
from reviewtui.db import outcomes as oq
from reviewtui.db.errors import NotFound, ReadOnly, UserError
from reviewtui.db.watch import ChangeWatch
from reviewtui.domain import agenda, clock

TODAY = date(2026, 11, 28)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def acme(db):
    """A vendor with a red, an amber, a green and an escalating KPI, actions and a past review."""
    with db.session() as s:
        v = m.Vendor(name="Acme Logistics", criticality="critical")
        s.add(v)
        s.flush()
        s.add_all(
            [
                m.Contact(vendor_id=v.id, side="client", name="Cleo Client"),
                m.Contact(vendor_id=v.id, side="vendor", name="Vera Vendor"),
                m.Contact(vendor_id=v.id, side="vendor", name="Victor Vance"),
            ]
        )
        kpis = {}
        # name: (direction, target, threshold, values oldest..newest)
        specs = {
            "OTIF": ("higher", 97, 95, [98, 96, 90]),  # red now
            "Response": ("lower", 15, 20, [14, 14, 17]),  # amber now
            "CSAT": ("higher", 85, 80, [80, 86, 90]),  # green
            "Yield": ("higher", 98, 96, [97, 97, 97]),  # amber three months: escalate
        }
        for name, (direction, target, threshold, values) in specs.items():
            k = m.Kpi(
                vendor_id=v.id,
                name=name,
                unit="min" if name == "Response" else "%",
                direction=direction,
                target=target,
                threshold=threshold,
            )
            s.add(k)
            s.flush()
            kpis[name] = k.id
            for period, value in zip(("2026-08", "2026-09", "2026-10"), values, strict=True):
                s.add(m.Measurement(kpi_id=k.id, period=period, value=value))
        prev = m.Meeting(
            vendor_id=v.id,
            scheduled_at=_at("2026-10-30T10:00:00+00:00"),
            status="ended",
            title="October review",
        )
        s.add(prev)
        s.flush()
        actions = {}
        for title, due, status in [
            ("Overdue fix", TODAY - timedelta(days=10), "open"),
            ("Running fix", TODAY + timedelta(days=5), "in_progress"),
            ("Finished fix", TODAY - timedelta(days=20), "done"),
            ("Dropped fix", TODAY - timedelta(days=20), "cancelled"),
        ]:
            a = m.Action(
                vendor_id=v.id,
                meeting_id=prev.id,
                title=title,
                owner="Vera Vendor",
                due_date=due,
                status=status,
            )
            s.add(a)
            s.flush()
            actions[title] = a.id
        vid, prev_id = v.id, prev.id
    return {"vendor_id": vid, "kpis": kpis, "actions": actions, "previous": prev_id}


def _new(db, acme, when="2026-11-30T10:00:00+00:00", **kw) -> int:
    with db.session() as s:
        return q.create_meeting(acme["vendor_id"], _at(when), session=s, **kw)


def _view(db, mid):
    with db.read() as s:
        return q.get_meeting(mid, session=s)


def test_default_agenda_pulls_in_carried_actions_and_red_amber_escalating_kpis(db, acme) -> None:
    mid = _new(db, acme)
    view = _view(db, mid)
    kinds = [i.kind for i in view.items]
    assert kinds == [
        "minutes_ack",
        "kpi_review",
        "kpi",
        "kpi",
        "kpi",
        "action",
        "action",
        "feedback",
        "aob",
        "next_meeting",
    ]
    # Red first, then amber; the green KPI stays off the agenda.
    kpi_items = [i for i in view.items if i.kind == "kpi"]
    assert [i.kpi_id for i in kpi_items] == [
        acme["kpis"]["OTIF"],
        acme["kpis"]["Response"],
        acme["kpis"]["Yield"],
    ]
    assert kpi_items[0].title == "KPI OTIF: red, 90% vs 97%"
    assert "(escalate)" in kpi_items[2].title
    # Open and in-progress actions are carried over, overdue first; done/cancelled are not.
    action_items = [i for i in view.items if i.kind == "action"]
    assert [i.action_id for i in action_items] == [
        acme["actions"]["Overdue fix"],
        acme["actions"]["Running fix"],
    ]
    assert "OVERDUE" in action_items[0].title and "OVERDUE" not in action_items[1].title
    assert view.items[0].title == "Acknowledge minutes of 2026-10-30"
    assert [i.position for i in view.items] == list(range(1, 11))
    assert view.status == "planned" and view.title == "Monthly service review"


def test_demo_vendor_gets_its_red_kpis_and_overdue_actions(demo_db) -> None:
    with demo_db.session() as s:
        vid = s.scalar(
            select(m.Vendor.id).where(m.Vendor.name == "Keystone Precision Manufacturing")
        )
        mid = q.create_meeting(vid, _at("2026-12-03T10:00:00+00:00"), session=s)
        otif = s.scalar(select(m.Kpi.id).where(m.Kpi.vendor_id == vid, m.Kpi.name == "OTIF"))
        overdue = s.scalars(
            select(m.Action.id).where(
                m.Action.vendor_id == vid,
                m.Action.status.in_(("open", "in_progress")),
                m.Action.due_date < TODAY,
            )
        ).all()
    view = _view(demo_db, mid)
    assert otif in {i.kpi_id for i in view.items}
    assert set(overdue) <= {i.action_id for i in view.items}
    assert overdue


def test_qbr_and_adhoc_templates(db, acme) -> None:
    qbr = _view(db, _new(db, acme, meeting_type="qbr"))
    assert qbr.title == "Quarterly business review"
    assert {"intro", "commercial", "roadmap"} <= {i.kind for i in qbr.items}
    adhoc = _view(db, _new(db, acme, meeting_type="adhoc", title="  Outage  call "))
    assert adhoc.title == "Outage call"
    assert all(i.kind not in ("kpi", "action") for i in adhoc.items)
    with db.session() as s, pytest.raises(UserError, match="meeting type"):
        q.create_meeting(acme["vendor_id"], clock.now(), session=s, meeting_type="weekly")


def test_list_meetings_by_date_and_vendor(db, acme) -> None:
    later = _new(db, acme, when="2026-12-30T10:00:00+00:00")
    sooner = _new(db, acme, when="2026-12-01T10:00:00+00:00")
    with db.session() as s:
        other = m.Vendor(name="Other")
        s.add(other)
        s.flush()
        q.create_meeting(other.id, _at("2026-12-02T10:00:00+00:00"), session=s)
    with db.read() as s:
        rows = q.list_meetings(session=s, vendor_id=acme["vendor_id"])
        everything = q.list_meetings(session=s)
    assert [r.id for r in rows] == [acme["previous"], sooner, later]
    assert len(everything) == 4
    d = rows[1].as_dict()
    assert d["scheduled_at"] == "2026-12-01T10:00+00:00" and d["status"] == "planned"
    assert d["items"] == 10 and d["vendor"] == "Acme Logistics"


def test_agenda_edits(db, acme) -> None:
    mid = _new(db, acme, meeting_type="adhoc")
    first, second = (i.id for i in _view(db, mid).items[:2])
    with db.session() as s:
        new = q.add_item(mid, "  Data  privacy ", session=s, after_item_id=first, timebox_minutes=7)
    view = _view(db, mid)
    assert [i.id for i in view.items][:3] == [first, new, second]
    assert view.item(new).title == "Data privacy" and view.item(new).timebox_minutes == 7
    with db.session() as s:
        q.rename_item(new, "GDPR", session=s)
        q.set_timebox(new, 12, session=s)
        assert q.move_item(new, -1, session=s) == 1
    view = _view(db, mid)
    assert view.items[0].id == new and view.items[0].title == "GDPR"
    assert view.items[0].timebox_minutes == 12
    with db.session() as s:
        assert q.move_item(new, 99, session=s) == len(view.items)
        q.remove_item(first, session=s)
    view = _view(db, mid)
    assert first not in {i.id for i in view.items}
    assert [i.position for i in view.items] == list(range(1, len(view.items) + 1))
    assert view.items[-1].id == new
    with db.session() as s:
        with pytest.raises(UserError, match="title"):
            q.rename_item(new, "   ", session=s)
        with pytest.raises(UserError, match="0 to 240"):
            q.set_timebox(new, 500, session=s)
        with pytest.raises(NotFound):
            q.rename_item(999_999, "x", session=s)


def test_start_move_and_end_run_the_timers(db, acme, monkeypatch) -> None:
    mid = _new(db, acme, meeting_type="adhoc")
    items = _view(db, mid).items
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-11-30T10:00:00+00:00")
    with db.session() as s:
        s.info["user"] = "alice"
        current = q.start_meeting(
            mid,
            session=s,
            attendance=[
                q.AttendanceEntry("Cleo Client", "client", "present"),
                q.AttendanceEntry("Vera Vendor", "vendor", "apologies"),
            ],
        )
    assert current == items[0].id
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-11-30T10:03:00+00:00")
    with db.session() as s:
        q.go_to_item(mid, items[1].id, session=s)
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-11-30T10:10:30+00:00")
    with db.session() as s:
        q.end_meeting(mid, session=s)
    view = _view(db, mid)
    assert view.status == "ended" and view.facilitator == "alice"
    assert view.started_at == _at("2026-11-30T10:00:00+00:00")
    assert view.ended_at == _at("2026-11-30T10:10:30+00:00")
    assert view.item(items[0].id).elapsed_seconds == 180
    assert view.item(items[1].id).elapsed_seconds == 450
    assert all(i.started_at is None for i in view.items)
    assert view.current_item_id == items[1].id
    assert {(a.name, a.status) for a in view.attendance} == {
        ("Cleo Client", "present"),
        ("Vera Vendor", "apologies"),
    }
    with db.session() as s, pytest.raises(UserError, match="cannot be started again"):
        q.start_meeting(mid, session=s)
    with db.session() as s, pytest.raises(UserError, match="in progress"):
        q.end_meeting(mid, session=s)


def test_notes_save_with_optimistic_concurrency(db, acme) -> None:
    mid = _new(db, acme)
    item = _view(db, mid).items[0].id
    with db.session() as s:
        s.info["user"] = "alice"
        assert q.save_notes(item, "Alice's notes", 0, session=s) == 1
    # Bob typed on version 0 too: his save is refused with both texts.
    with db.session() as s, pytest.raises(q.NotesConflict) as info:
        s.info["user"] = "bob"
        q.save_notes(item, "Bob's notes", 0, session=s)
    c = info.value
    assert (c.mine, c.theirs, c.version, c.by) == ("Bob's notes", "Alice's notes", 1, "alice")
    assert "alice saved newer notes" in str(c)
    # The same words arriving twice are no conflict; a merge on the newer version is fine.
    with db.session() as s:
        assert q.save_notes(item, "Alice's notes", 0, session=s) == 1
        assert q.save_notes(item, "Alice's notes\nBob's notes", 1, session=s) == 2
    row = _view(db, mid).item(item)
    assert row.notes == "Alice's notes\nBob's notes" and row.notes_version == 2


def test_every_change_bumps_the_meeting_version(db, acme) -> None:
    mid = _new(db, acme)
    v0 = _view(db, mid).version
    item = _view(db, mid).items[0].id
    with db.session() as s:
        q.save_notes(item, "x", 0, session=s)
    v1 = _view(db, mid).version
    with db.session() as s:
        oq.add_outcome(item, "information", "Noted.", session=s)
    assert v0 < v1 < _view(db, mid).version


def test_decision_and_action_outcomes(db, acme) -> None:
    mid = _new(db, acme)
    item = _view(db, mid).items[2]
    with db.session() as s:
        s.info["user"] = "alice"
        oq.add_outcome(item.id, "decision", "Recovery plan accepted.", session=s)
        action_id = oq.add_action(
            item.id, "Add a second shift", "vic", date(2026, 12, 12), session=s
        )
    with db.read() as s:
        action = s.get(m.Action, action_id)
        notes = s.scalars(select(m.ActionNote).where(m.ActionNote.action_id == action_id)).all()
    assert (action.vendor_id, action.meeting_id, action.owner, action.status) == (
        acme["vendor_id"],
        mid,
        "Victor Vance",
        "open",
    )
    assert action.due_date == date(2026, 12, 12) and action.owner_contact_id is not None
    assert [(n.status_to, n.meeting_id, n.author) for n in notes] == [("open", mid, "alice")]
    outcomes = _view(db, mid).item(item.id).outcomes
    assert [(o.kind, o.action_id) for o in outcomes] == [("decision", None), ("action", action_id)]
    assert outcomes[1].text == "Add a second shift (Victor Vance, due 2026-12-12)"
    with db.session() as s:
        with pytest.raises(UserError, match="matches several"):
            oq.add_action(item.id, "x", "V", date(2026, 12, 12), session=s)
        with pytest.raises(UserError, match="is not one"):
            oq.add_action(item.id, "x", "Nobody", date(2026, 12, 12), session=s)
        with pytest.raises(UserError, match="needs some text"):
            oq.add_outcome(item.id, "decision", "  ", session=s)
    # A refused action leaves nothing behind (one unit of work).
    with db.read() as s:
        assert s.scalar(select(m.Action.id).where(m.Action.title == "x")) is None


def test_park_creates_the_next_meeting_when_none_is_planned(db, acme) -> None:
    mid = _new(db, acme)
    item = next(i for i in _view(db, mid).items if i.kind == "kpi")
    with db.session() as s:
        s.info["user"] = "alice"
        result = oq.park_item(item.id, session=s, reason="needs the plant manager")
    assert result.created_meeting
    # Critical vendor: monthly cadence.
    assert result.scheduled_at == _at("2026-12-30T10:00:00+00:00")
    target = _view(db, result.meeting_id)
    # The new meeting's default agenda already has the KPI: it is linked, not duplicated.
    same = [i for i in target.items if i.kpi_id == item.kpi_id]
    assert len(same) == 1 and same[0].carried_from_id == item.id
    outcome = _view(db, mid).item(item.id).outcomes[-1]
    assert outcome.kind == "parked"
    assert outcome.text == "Parked to the meeting of 2026-12-30 10:00: needs the plant manager"
    # The next meeting's item says where it came from and why.
    assert same[0].notes == "Parked from the meeting of 2026-11-30 10:00: needs the plant manager"
    assert same[0].notes_version == 1
    with db.session() as s, pytest.raises(UserError, match="already parked"):
        oq.park_item(item.id, session=s)


def test_park_copies_onto_the_next_planned_meeting_before_aob(db, acme) -> None:
    mid = _new(db, acme)
    nxt = _new(db, acme, when="2026-12-28T10:00:00+00:00", meeting_type="adhoc")
    with db.session() as s:
        custom = q.add_item(mid, "Office move", session=s, timebox_minutes=4)
        result = oq.park_item(custom, session=s)
    assert result.meeting_id == nxt and not result.created_meeting
    target = _view(db, nxt)
    copy = target.item(result.item_id)
    assert (copy.title, copy.timebox_minutes, copy.carried_from_id) == ("Office move", 4, custom)
    assert copy.notes == "Parked from the meeting of 2026-11-30 10:00"  # no reason given
    kinds = [i.kind for i in target.items]
    assert kinds.index("custom") == kinds.index("aob") - 1


def test_a_planned_agenda_refreshes_its_carried_over_items(db, acme) -> None:
    from reviewtui.db import actions as aq

    mid = _new(db, acme)
    a = acme["actions"]
    with db.session() as s:
        # Since the agenda was made: one carried action is done, a new one is raised and
        # falls overdue; a later meeting (15 Nov) is held and its minutes signed off, and one
        # after it (20 Nov) has ended without signed minutes yet.
        aq.update_status(a["Running fix"], "done", session=s, today=TODAY)
        new = aq.create_action(acme["vendor_id"], "Late newcomer", "2026-11-20", session=s,
                               today=date(2026, 11, 10)).id  # fmt: skip
        s.add(m.Meeting(vendor_id=acme["vendor_id"], scheduled_at=_at("2026-11-15T10:00:00+00:00"),
                        status="signed_off", title="Extra"))  # fmt: skip
        s.add(m.Meeting(vendor_id=acme["vendor_id"], scheduled_at=_at("2026-11-20T10:00:00+00:00"),
                        status="ended", title="Another"))  # fmt: skip
    parked = next(i for i in _view(db, mid).items if i.action_id == a["Overdue fix"])
    with db.session() as s:
        assert q.refresh_agenda(mid, session=s, today=TODAY)
    view = _view(db, mid)
    actions = [(i.action_id, i.title) for i in view.items if i.kind == "action"]
    assert [x for x, _ in actions] == [a["Overdue fix"], new]
    assert actions[1][1] == "Action: Late newcomer (no owner, due 2026-11-20, OVERDUE)"
    assert view.items[0].title == "Acknowledge minutes of 2026-11-15"  # the latest signed
    assert [i.position for i in view.items] == list(range(1, len(view.items) + 1))
    assert parked.id in {i.id for i in view.items}
    with db.session() as s:  # nothing more to do: no change, no version bump
        version = s.get(m.Meeting, mid).version
        assert not q.refresh_agenda(mid, session=s, today=TODAY)
        assert s.get(m.Meeting, mid).version == version
    # Once started, the agenda is what the meeting saw.
    with db.session() as s:
        q.start_meeting(mid, session=s)
        aq.update_status(a["Overdue fix"], "done", session=s, today=TODAY)
        assert not q.refresh_agenda(mid, session=s, today=TODAY)
    assert any(i.action_id == a["Overdue fix"] for i in _view(db, mid).items)


def test_refresh_keeps_an_action_item_with_notes(db, acme) -> None:
    from reviewtui.db import actions as aq

    mid = _new(db, acme)
    item = next(i for i in _view(db, mid).items if i.action_id == acme["actions"]["Running fix"])
    with db.session() as s:
        q.save_notes(item.id, "Prepared: ask for the evidence.", item.notes_version, session=s)
        aq.update_status(acme["actions"]["Running fix"], "done", session=s, today=TODAY)
        q.refresh_agenda(mid, session=s, today=TODAY)
    assert _view(db, mid).item(item.id) is not None


def test_signed_off_meeting_refuses_changes(db, acme) -> None:
    mid = _new(db, acme)
    item = _view(db, mid).items[0].id
    with db.session() as s:
        s.get(m.Meeting, mid).status = "signed_off"
    with db.session() as s:
        for call in (
            lambda: q.save_notes(item, "late words", 0, session=s),
            lambda: q.add_item(mid, "More", session=s),
            lambda: oq.add_outcome(item, "decision", "x", session=s),
            lambda: q.go_to_item(mid, item, session=s),
        ):
            with pytest.raises(ReadOnly, match="signed off"):
                call()


def test_change_watch_sees_other_sessions_commits(db, acme) -> None:
    from reviewtui.db import open_database

    mid = _new(db, acme)
    item = _view(db, mid).items[0].id
    watch = ChangeWatch(db, mid)
    other = open_database(db.url, user="bob")
    try:
        assert watch.changed()  # the first look
        assert not watch.changed()
        with other.session() as s:
            q.save_notes(item, "from bob", 0, session=s)
        assert watch.changed()
        assert not watch.changed()
        # A commit elsewhere in the database is not a change of this meeting.
        with other.session() as s:
            s.add(m.Vendor(name="Unrelated"))
        assert not watch.changed()
    finally:
        watch.close()
        other.dispose()


def test_refresh_keeps_the_titles_a_person_renamed(db, acme) -> None:
    from reviewtui.db import actions as aq

    mid = _new(db, acme)
    with db.session() as s:  # a later meeting's minutes are signed off: the ack item would move
        s.add(m.Meeting(vendor_id=acme["vendor_id"], scheduled_at=_at("2026-11-15T10:00:00+00:00"),
                        status="signed_off", title="Extra"))  # fmt: skip
    items = _view(db, mid).items
    ack = next(i for i in items if i.kind == "minutes_ack")
    act = next(i for i in items if i.action_id == acme["actions"]["Overdue fix"])
    untouched = next(i for i in items if i.kind == "action" and i.id != act.id)
    with db.session() as s:
        q.rename_item(ack.id, "Minutes: the plant's corrections first", session=s)
        q.rename_item(act.id, "Overdue fix: ask the plant manager", session=s)
        aq.update_status(acme["actions"]["Overdue fix"], "in_progress", session=s, today=TODAY)
        q.refresh_agenda(mid, session=s, today=TODAY)
    view = _view(db, mid)
    assert view.item(ack.id).title == "Minutes: the plant's corrections first"
    assert view.item(act.id).title == "Overdue fix: ask the plant manager"
    # A title the agenda made still follows what it names.
    assert view.item(untouched.id).title.startswith("Action: ")
    with db.session() as s:
        q.refresh_agenda(mid, session=s, today=date(2027, 6, 1))  # everything overdue by then
    assert _view(db, mid).item(untouched.id).title.endswith(", OVERDUE)")
    assert _view(db, mid).item(act.id).title == "Overdue fix: ask the plant manager"


def test_refresh_keeps_a_rename_in_the_agendas_own_shape(db, acme) -> None:
    """A facilitator types the date agreed into an action item's title, keeping its shape;
    the refresh before the meeting starts used to put the stored date back."""
    mid = _new(db, acme)
    act = next(i for i in _view(db, mid).items if i.action_id == acme["actions"]["Overdue fix"])
    ack = next(i for i in _view(db, mid).items if i.kind == "minutes_ack")
    typed = re.sub(r"due \d{4}-\d\d-\d\d(, OVERDUE)?", "due 2027-01-15", act.title)
    assert typed != act.title and agenda.is_generated_title("action", typed)
    ack_typed = "Acknowledge minutes of 2026-01-01"
    with db.session() as s:
        q.rename_item(act.id, typed, session=s)
        q.rename_item(ack.id, ack_typed, session=s)
    with db.session() as s:
        s.add(m.Meeting(vendor_id=acme["vendor_id"], scheduled_at=_at("2026-11-15T10:00:00+00:00"),
                        status="signed_off", title="Extra"))  # fmt: skip
    with db.session() as s:
        q.refresh_agenda(mid, session=s, today=date(2027, 6, 1))
        q.start_meeting(mid, session=s)
    view = _view(db, mid)
    assert view.item(act.id).title == typed
    assert view.item(ack.id).title == ack_typed

"""Sign-off freezes the minutes; every edit path is refused after it; amendments; DB checks.

Runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from reviewtui.db import minutes as minutes_q
from reviewtui.db import models as m
from reviewtui.db.errors import Conflict, NotFound, ReadOnly, UserError
from reviewtui.db.freeze import frozen_meetings
from reviewtui.db.signoff import amend, check_meeting, record_signoff
from reviewtui.domain import clock
from reviewtui.domain import minutes as dm
from reviewtui.domain.enums import label


def _meeting(db, status: str, vendor: str = "Northwind Service Desk") -> int:
    with db.read() as s:
        return s.scalars(
            select(m.Meeting.id)
            .join(m.Vendor, m.Vendor.id == m.Meeting.vendor_id)
            .where(m.Vendor.name == vendor, m.Meeting.status == status)
            .order_by(m.Meeting.scheduled_at.desc())
        ).first()


def _sign_both(db, meeting_id: int) -> str:
    with db.session() as s:
        first = record_signoff(
            meeting_id, session=s, name="Maria Jensen", side="client", organisation="Contoso"
        )
        assert not first.signed_off and first.missing_sides == ("vendor",)
        done = record_signoff(
            meeting_id, session=s, name="Raj Patel", side="vendor", method="written"
        )
    assert done.signed_off and done.sha256
    return done.sha256


def test_demo_minutes_were_signed_through_the_real_path_and_verify(demo_db) -> None:
    signed = _meeting(demo_db, "signed_off")
    with demo_db.read() as s:
        check = check_meeting(signed, session=s)
        view = minutes_q.get(signed, session=s)
    assert check.ok, check.problems
    assert view.signed_off and view.sha256 == view.stored_sha256 == check.sha256
    names = [x["name"] for x in view.document["signoff"]["signatories"]]
    assert names == ["Maria Jensen", "Raj Patel"]
    assert view.document["agenda"] and view.document["scorecard"]["kpis"]


def test_one_signatory_per_side_signs_off_and_freezes_the_content(demo_db) -> None:
    mid = _meeting(demo_db, "ended")
    with demo_db.read() as s:
        draft = minutes_q.get(mid, session=s)
    assert draft.status == "draft" and draft.stored_sha256 is None
    sha = _sign_both(demo_db, mid)
    with demo_db.read() as s:
        row = s.scalar(select(m.MinutesRevision).where(m.MinutesRevision.meeting_id == mid))
        meeting = s.get(m.Meeting, mid)
        view = minutes_q.get(mid, session=s)
    assert meeting.status == "signed_off"
    assert row.status == "signed_off" and row.sha256 == sha
    assert dm.sha256_hex(row.content_json.encode()) == sha
    assert row.content_json.encode() == dm.canonical_json(json.loads(row.content_json))
    # What was signed is the draft plus the signatures.
    frozen = json.loads(row.content_json)
    assert frozen["agenda"] == draft.document["agenda"]
    assert frozen["attendance"] == draft.document["attendance"]
    assert [s["side"] for s in frozen["signoff"]["signatories"]] == ["client", "vendor"]
    assert view.content == row.content_json.encode()


def test_signoff_refuses_bad_input(demo_db) -> None:
    mid = _meeting(demo_db, "ended")
    planned = _meeting(demo_db, "planned")
    with demo_db.session() as s:
        record_signoff(mid, session=s, name="Maria Jensen", side="client")
    cases = [
        ({"meeting_id": 99999, "name": "X", "side": "client"}, NotFound, "no meeting"),
        ({"meeting_id": planned, "name": "X", "side": "client"}, UserError, "not taken place"),
        ({"meeting_id": mid, "name": " ", "side": "client"}, UserError, "needs a name"),
        ({"meeting_id": mid, "name": "X", "side": "both"}, UserError, "client or vendor"),
        ({"meeting_id": mid, "name": "X", "side": "vendor", "method": "fax"}, UserError, "method"),
        ({"meeting_id": mid, "name": "maria jensen", "side": "client"}, Conflict, "already"),
        (
            {"meeting_id": mid, "name": "X", "side": "vendor",
             "signed_at": clock.now() + timedelta(days=1)},
            UserError,
            "future",
        ),
        (
            {"meeting_id": mid, "name": "X", "side": "vendor",
             "signed_at": clock.now() - timedelta(days=3650)},
            UserError,
            "before the meeting",
        ),
    ]  # fmt: skip
    for kwargs, error, words in cases:
        meeting_id = kwargs.pop("meeting_id")
        with pytest.raises(error, match=words), demo_db.session() as s:
            record_signoff(meeting_id, session=s, **kwargs)
    with demo_db.read() as s:
        assert s.get(m.Meeting, mid).status == "ended"


def _edits(mid: int):
    """Every way the db layer can change what the minutes of ``mid`` show."""

    def item(s):
        return s.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == mid)).first()

    def notes(s):
        item(s).notes = "rewritten after the fact"

    def new_item(s):
        s.add(m.AgendaItem(meeting_id=mid, position=99, title="Sneaked in"))

    def new_outcome(s):
        s.add(m.Outcome(agenda_item_id=item(s).id, kind="decision", text="We never agreed"))

    def change_outcome(s):
        o = s.scalars(
            select(m.Outcome).join(m.AgendaItem).where(m.AgendaItem.meeting_id == mid)
        ).first()
        o.text = "changed"

    def drop_attendee(s):
        s.delete(s.scalars(select(m.Attendance).where(m.Attendance.meeting_id == mid)).first())

    def add_attendee(s):
        s.add(m.Attendance(meeting_id=mid, name="Ghost", side="vendor"))

    def feedback(s):
        vid = s.get(m.Meeting, mid).vendor_id
        s.add(m.Feedback(vendor_id=vid, meeting_id=mid, direction="client_to_vendor",
                         category="concern", text="late"))  # fmt: skip

    def action_note(s):
        a = s.scalars(select(m.Action).where(m.Action.meeting_id == mid)).first()
        s.add(m.ActionNote(action_id=a.id, meeting_id=mid, text="said in the meeting"))

    def meeting_title(s):
        s.get(m.Meeting, mid).title = "Another title"

    def new_action_in_meeting(s):
        vid = s.get(m.Meeting, mid).vendor_id
        s.add(m.Action(vendor_id=vid, meeting_id=mid, title="New", due_date=clock.today()))

    def delete_action(s):
        s.delete(s.scalars(select(m.Action).where(m.Action.meeting_id == mid)).first())

    def bulk_update_notes(s):
        s.execute(update(m.AgendaItem).where(m.AgendaItem.meeting_id == mid).values(notes="x"))

    def bulk_delete_outcomes(s):
        ids = select(m.AgendaItem.id).where(m.AgendaItem.meeting_id == mid)
        s.execute(delete(m.Outcome).where(m.Outcome.agenda_item_id.in_(ids)))

    def bulk_meeting(s):
        s.execute(update(m.Meeting).where(m.Meeting.id == mid).values(location="elsewhere"))

    def more_signoff(s):
        rev = s.get(m.Meeting, mid).revision
        s.add(m.SignOff(meeting_id=mid, revision=rev, name="Late", side="vendor"))

    def rewrite_revision(s):
        r = s.scalars(select(m.MinutesRevision).where(m.MinutesRevision.meeting_id == mid)).first()
        r.content_json = "{}"

    def delete_signoff(s):
        s.delete(s.scalars(select(m.SignOff).where(m.SignOff.meeting_id == mid)).first())

    return [
        notes, new_item, new_outcome, change_outcome, drop_attendee, add_attendee, feedback,
        action_note, meeting_title, new_action_in_meeting, delete_action, bulk_update_notes,
        bulk_delete_outcomes, bulk_meeting, more_signoff, rewrite_revision, delete_signoff,
    ]  # fmt: skip


def test_every_edit_of_signed_minutes_is_refused_with_the_way_to_amend(demo_db) -> None:
    mid = _meeting(demo_db, "signed_off")
    with demo_db.read() as s:
        before = check_meeting(mid, session=s)
    for edit in _edits(mid):
        with pytest.raises(ReadOnly) as info, demo_db.session() as s:
            edit(s)
            s.flush()
        message = str(info.value)
        assert f"reviewtui amend {mid}" in message, edit.__name__
        assert "signed off" in message
    with demo_db.read() as s:
        after = check_meeting(mid, session=s)
    assert after.ok and after.sha256 == before.sha256


def test_what_lives_on_after_the_meeting_may_still_change(demo_db) -> None:
    mid = _meeting(demo_db, "signed_off")
    with demo_db.session() as s:
        a = s.scalars(select(m.Action).where(m.Action.meeting_id == mid)).first()
        a.status = "done"  # actions raised in the meeting keep living
        a.closed_at = clock.now()
        s.add(m.ActionNote(action_id=a.id, text="done later", status_from="open", status_to="done"))
        kpi = s.scalars(
            select(m.Kpi).where(m.Kpi.vendor_id == s.get(m.Meeting, mid).vendor_id)
        ).first()
        s.add(m.Measurement(kpi_id=kpi.id, period="2026-11", value=90.0))  # an import
    with demo_db.session() as s:  # the same through an ORM update() statement
        s.execute(update(m.Action).where(m.Action.meeting_id == mid).values(priority="low"))
    with pytest.raises(ReadOnly), demo_db.session() as s:  # but not taking it out of the meeting
        s.execute(update(m.Action).where(m.Action.meeting_id == mid).values(meeting_id=None))
    with demo_db.read() as s:
        check = check_meeting(mid, session=s)
        assert frozen_meetings(s, [mid, mid + 1]) == {mid}
    assert check.ok, check.problems


def test_amendment_opens_revision_two_and_keeps_revision_one(demo_db) -> None:
    mid = _meeting(demo_db, "signed_off")
    with demo_db.read() as s:
        one = minutes_q.get(mid, session=s)
    for blank in ("", "   \n "):
        with pytest.raises(UserError, match="needs a reason"), demo_db.session() as s:
            amend(mid, session=s, reason=blank)
    with demo_db.session() as s:
        assert amend(mid, session=s, reason="Raj's attendance was recorded wrongly") == 2
    with pytest.raises(UserError, match="not signed off"), demo_db.session() as s:
        amend(mid, session=s, reason="again")
    with demo_db.session() as s:  # editable again
        item = s.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == mid)).first()
        item.notes = "Corrected: the previous minutes were accepted with one change."
    with demo_db.read() as s:
        draft = minutes_q.get(mid, session=s)
        kept = minutes_q.get(mid, session=s, revision=1)
        revs = minutes_q.revisions(mid, session=s)
        old_check = check_meeting(mid, session=s)
    assert draft.status == "draft" and draft.revision == 2
    assert "Corrected" in draft.document["agenda"][0]["notes"]
    # Revision 2 says why it exists, what it supersedes and what changed.
    amendment = draft.document["amendment"]
    assert amendment["reason"] == "Raj's attendance was recorded wrongly"
    assert amendment["supersedes"] == {"revision": 1, "sha256": one.sha256}
    title = draft.document["agenda"][0]["title"]
    # The actions move on after a sign-off (the demo closes some): revision 2 shows them as they are
    # now, and names each status that differs from revision 1's.
    was = {a["id"]: a for a in one.document["actions"]}
    moved = [
        f"Action “{a['title']}”: status “{label(was[a['id']]['status'])}” → “{label(a['status'])}”"
        for a in draft.document["actions"]
        if a["id"] in was and was[a["id"]]["status"] != a["status"]
    ]
    assert moved  # the demo has such actions, so this checks something
    assert amendment["changes"][0] == f"Agenda item 1 “{title}”: notes changed"
    assert len(amendment["changes"]) == 1 + len(moved)
    for line, expected in zip(amendment["changes"][1:], moved, strict=True):
        assert line.startswith(expected)
    from reviewtui.exports import markdown

    text = markdown.render(draft.document, sha256=draft.sha256)
    assert "## Amendment" in text and one.sha256 in text and "notes changed" in text
    assert kept.content == one.content and kept.signed_off
    assert [(r.revision, r.status) for r in revs] == [(1, "signed_off"), (2, "draft")]
    assert old_check.ok and "amended" in old_check.notes[0]
    # Revision 2 needs its own signatures on both sides.
    with demo_db.session() as s:
        r = record_signoff(mid, session=s, name="Maria Jensen", side="client")
    assert not r.signed_off and r.revision == 2
    with demo_db.session() as s:
        r = record_signoff(mid, session=s, name="Raj Patel", side="vendor", method="written")
    assert r.signed_off
    with demo_db.read() as s:
        two = minutes_q.get(mid, session=s)
        assert check_meeting(mid, session=s).ok
        assert minutes_q.get(mid, session=s, revision=1).content == one.content
        with pytest.raises(NotFound, match="revisions are 1 to 2"):
            minutes_q.get(mid, session=s, revision=3)
    assert two.sha256 != one.sha256 and two.document["meeting"]["revision"] == 2
    with pytest.raises(ReadOnly), demo_db.session() as s:
        s.add(m.SignOff(meeting_id=mid, revision=1, name="Late", side="vendor"))


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE minutesrevision SET sha256 = :x WHERE meeting_id = :mid", "stored SHA-256"),
        (
            "UPDATE minutesrevision SET content_json = REPLACE(content_json, 'Maria', 'Mario') "
            "WHERE meeting_id = :mid",
            "hash to",
        ),
        ("UPDATE signoff SET name = 'Someone Else' WHERE meeting_id = :mid", "sign-off records"),
        (
            "UPDATE agendaitem SET notes = 'quietly changed' WHERE meeting_id = :mid",
            "agenda in the database differs",
        ),
        ("UPDATE meeting SET status = 'ended' WHERE id = :mid", "no longer marked signed off"),
    ],
)
def test_tampering_behind_the_orm_is_found(demo_db, sql: str, words: str) -> None:
    mid = _meeting(demo_db, "signed_off")
    with demo_db.engine.begin() as conn:  # raw SQL: what the guard cannot see
        conn.execute(text(sql), {"mid": mid, "x": "0" * 64})
    with demo_db.read() as s:
        check = check_meeting(mid, session=s)
    assert not check.ok
    assert any(words in p for p in check.problems), check.problems


def test_concurrent_signatures_from_two_processes_freeze_exactly_once(demo_db, db_url) -> None:
    """Client and vendor sign at the same moment from two terminals: one sign-off, not none."""
    mid = _meeting(demo_db, "ended")
    exe = shutil.which("reviewtui")
    env = {**os.environ}
    procs = [
        subprocess.Popen(
            [exe, "--db", db_url, "signoff", str(mid), "--name", name, "--side", side],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name, side in (("Maria Jensen", "client"), ("Raj Patel", "vendor"))
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert sum("signed off: minutes frozen" in o[0] for o in outs) == 1
    with demo_db.read() as s:
        assert s.get(m.Meeting, mid).status == "signed_off"
        check = check_meeting(mid, session=s)
    assert check.ok, check.problems
    frozen = json.loads(check.content)
    assert {x["name"] for x in frozen["signoff"]["signatories"]} == {"Maria Jensen", "Raj Patel"}


def test_draft_minutes_show_what_was_raised_in_the_meeting(demo_db) -> None:
    mid = _meeting(demo_db, "ended", vendor="Keystone Precision Manufacturing")
    with demo_db.session() as s:
        mt = s.get(m.Meeting, mid)
        kpi = s.scalars(select(m.Kpi).where(m.Kpi.vendor_id == mt.vendor_id)).first()
        s.add(m.Escalation(vendor_id=mt.vendor_id, level=1, reason="Raised in the room",
                           kpi_id=kpi.id, meeting_id=mid, raised_at=mt.ended_at))  # fmt: skip
        item = s.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == mid)).first()
        act = m.Action(vendor_id=mt.vendor_id, meeting_id=mid, title="Parked for now",
                       owner="Yuki Tanaka", due_date=mt.scheduled_at.date() + timedelta(days=9))  # fmt: skip
        s.add(act)
        s.flush()
        s.add(m.Outcome(agenda_item_id=item.id, kind="action", text="Do it", action_id=act.id))
        s.add(m.Outcome(agenda_item_id=item.id, kind="parked", text="Later"))
    with demo_db.read() as s:
        doc = minutes_q.get(mid, session=s).document
    assert [(e["reason"], e["kpi"]) for e in doc["escalations"]] == [
        ("Raised in the room", kpi.name)
    ]
    outcomes = doc["agenda"][0]["outcomes"]
    assert [(o["kind"], o["text"]) for o in outcomes[-2:]] == [
        ("action", "Do it"),
        ("parked", "Later"),
    ]
    assert outcomes[-2]["action"]["owner"] == "Yuki Tanaka"
    assert any(a["title"] == "Parked for now" and a["category"] == "new" for a in doc["actions"])

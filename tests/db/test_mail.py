"""The mail record and the meeting changes invitations announce, on SQLite and PostgreSQL:
SEQUENCE rises under one UID, only planned meetings change, a vendor session sees its own
vendor's sendings only and cannot change meetings, reminders find owners across vendors."""

from __future__ import annotations

import itertools
import os
from datetime import UTC, date, datetime, timedelta

import pytest

from reviewtui.db import mail as mail_q
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db.errors import ReadOnly, UserError
from reviewtui.domain import clock

_roles = itertools.count(1)


def _planned(db) -> tuple[int, int]:
    with db.read() as s:
        mt = s.query(m.Meeting).filter(m.Meeting.status == "planned").order_by(m.Meeting.id).first()
        return mt.id, mt.vendor_id


def test_uid_sequence_reschedule_cancel(demo_db) -> None:
    mid, vid = _planned(demo_db)
    with demo_db.session() as s:
        before = mail_q.reschedule(mid, clock.now() + timedelta(days=9), session=s)
    assert before.uid == "" and before.sequence == 0  # never invited: no SEQUENCE to raise
    with demo_db.session() as s:
        first = mail_q.claim_invitation(mid, session=s)
    with demo_db.session() as s:
        again = mail_q.claim_invitation(mid, session=s)
    assert first.uid and again.uid == first.uid and first.uid.startswith(f"meeting-{mid}-")
    with demo_db.session() as s:
        mail_q.record([mail_q.Delivery(kind="invite", recipient="A@X.example", vendor_id=vid,
                                       meeting_id=mid, sequence=0)], session=s)  # fmt: skip
    when = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
    with demo_db.session() as s:
        moved = mail_q.reschedule(mid, when, session=s)
    assert moved.sequence == 1 and moved.scheduled_at == when and moved.uid == first.uid
    with demo_db.session() as s:
        gone = mail_q.cancel(mid, "  budget\nfreeze ", session=s)
    assert (gone.status, gone.sequence, gone.cancel_reason) == ("cancelled", 2, "budget freeze")
    with demo_db.read() as s:
        assert mail_q.invited(mid, session=s) == (("a@x.example", ""),)
    with pytest.raises(UserError, match="only a planned meeting can be rescheduled"), \
            demo_db.session() as s:  # fmt: skip
        mail_q.reschedule(mid, when, session=s)


def test_vendor_sessions_see_their_own_sendings_and_change_nothing(demo_db, db_url) -> None:
    with demo_db.read() as s:
        vendors = {v.name: v.id for v in s.query(m.Vendor)}
        meetings = {vid: s.query(m.Meeting.id).filter(m.Meeting.vendor_id == vid).first()[0]
                    for vid in vendors.values()}  # fmt: skip
    with demo_db.session() as s:
        mail_q.record(
            [mail_q.Delivery(kind="minutes", recipient=f"p{vid}@x.example", vendor_id=vid,
                             meeting_id=meetings[vid], revision=1) for vid in vendors.values()],
            session=s,
        )  # fmt: skip
    nw = vendors["Northwind Service Desk"]
    kp = vendors["Keystone Precision Manufacturing"]
    vdb = open_database(db_url, user="raj", role="vendor", vendor="Northwind Service Desk")
    try:
        with vdb.read() as s:
            assert [r.recipient for r in mail_q.sendings(meetings[nw], session=s)] == [
                f"p{nw}@x.example"
            ]
            assert mail_q.sendings(meetings[kp], session=s) == ()
            assert {
                a.vendor
                for a in mail_q.due_actions(session=s, today=date(2026, 11, 28), within_days=7)
            } == {  # fmt: skip
                "Northwind Service Desk"
            }
        mid, _ = _planned(demo_db)
        with pytest.raises(ReadOnly), vdb.session() as s:
            mail_q.cancel(mid, session=s)
    finally:
        vdb.dispose()


def test_due_actions_across_vendors_with_owner_emails(demo_db) -> None:
    today = date(2026, 11, 28)
    with demo_db.read() as s:
        rows = mail_q.due_actions(session=s, today=today, within_days=7)
        wider = mail_q.due_actions(session=s, today=today, within_days=400)
    assert len({r.vendor for r in rows}) == 4
    assert all(r.due_date <= today + timedelta(days=7) for r in rows)
    assert all(r.owner_email.endswith("@vendor.example") for r in rows if r.owner)
    assert {r.id for r in rows} <= {r.id for r in wider}
    assert [r.days_overdue for r in rows if r.id == 5] == [21]
    with demo_db.session() as s:
        mail_q.record([mail_q.Delivery(kind="reminder", recipient="Raj.Patel@vendor.example",
                                       day=today)], session=s)  # fmt: skip
    with demo_db.read() as s:
        assert mail_q.reminded_today(["raj.patel@vendor.example", "x@y.example"], today,
                                     session=s) == {"raj.patel@vendor.example"}  # fmt: skip
        assert mail_q.reminded_today(["raj.patel@vendor.example"], today + timedelta(days=1),
                                     session=s) == set()  # fmt: skip


@pytest.mark.postgres
def test_read_only_role_reads_the_new_table_after_an_upgrade(pg_server) -> None:
    """The grants of docs/deploy-ssh.md, run on a database at 0003, cover ``mailsent`` when the
    upgrade adds it: the read-only role may read the record, not write it."""
    import re
    from pathlib import Path

    import psycopg
    from alembic import command

    from reviewtui.db.migrations import alembic_config

    n = f"{os.getpid()}_{next(_roles)}"
    rw, ro, name = f"rt_rw_{n}", f"rt_ro_{n}", f"rt_mail_{n}"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f"DROP ROLE IF EXISTS {rw}",
                f"DROP ROLE IF EXISTS {ro}", f"CREATE ROLE {rw} LOGIN",
                f"CREATE ROLE {ro} LOGIN", f'CREATE DATABASE "{name}" OWNER {rw}'):  # fmt: skip
        pg_server.admin(sql)
    host = pg_server.base_url.split("@", 1)[1]
    rw_url = f"postgresql+psycopg://{rw}@{host}/{name}"
    command.upgrade(alembic_config(rw_url), "0003_i8_action_counts")
    doc = (Path(__file__).resolve().parents[2] / "docs" / "deploy-ssh.md").read_text()
    block = doc.split("-- after the first `reviewtui db upgrade` as reviewtui_rw:")[1]
    grants = [
        line.split("--")[0].strip().replace("reviewtui_rw", rw).replace("reviewtui_ro", ro)
        .replace("DATABASE reviews", f'DATABASE "{name}"')
        for line in block.split("```")[0].splitlines()
        if re.match(r"^(GRANT|ALTER)", line) and "mailsent" not in line
    ]  # fmt: skip
    assert len(grants) >= 5
    with psycopg.connect(rw_url.replace("+psycopg", ""), autocommit=True) as conn:
        for sql in grants:
            conn.execute(sql)
    db = open_database(rw_url, user="maria")  # upgrades to head: mailsent appears
    with db.session() as s:
        s.add(m.Vendor(name="Acme"))
    db.dispose()
    ro_url = f"postgresql://{ro}@{host}/{name}"
    with psycopg.connect(ro_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM mailsent").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO mailsent (at, sent_by, kind, recipient, recipient_name, field, "
                "message_id, sha256, attachment_sha256, draft) VALUES (now(), '', 'test', "
                "'a@b.example', '', 'to', '', '', '', false)"
            )

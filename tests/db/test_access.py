"""Roles in the data layer: viewer and vendor writes refused, vendor reads scoped, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select, text, update

from reviewtui.db import access, open_database
from reviewtui.db import models as m
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import NotFound, ReadOnly

NORTHWIND = "Northwind Service Desk"


@pytest.fixture
def opened(demo_db):
    """Open the demo database in a role; closes everything afterwards."""
    made = []

    def _open(role: str, vendor: str | None = None, user: str = "someone"):
        db = open_database(demo_db.url, user=user, role=role, vendor=vendor)
        made.append(db)
        return db

    yield _open
    for db in made:
        db.dispose()


def _ids(db) -> dict[str, int]:
    with db.read() as s:
        return {n: i for i, n in s.execute(select(m.Vendor.id, m.Vendor.name))}


def _changelog_count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(m.ChangeLog))


def test_viewer_reads_everything_and_writes_nothing(demo_db, opened) -> None:
    viewer = opened("viewer")
    with viewer.read() as s:
        assert len(vendor_q.list_vendors(session=s)) == 4
    before = _changelog_count(demo_db)
    with (
        pytest.raises(ReadOnly, match="read-only \\(role viewer\\).*add a vendor"),
        viewer.session() as s,
    ):
        vendor_q.create("Acme Logistics", session=s)
    with (
        pytest.raises(ReadOnly, match="role viewer.*change a vendor record"),
        viewer.session() as s,
    ):
        s.get(m.Vendor, 1).notes = "changed"
    with pytest.raises(ReadOnly, match="role viewer.*delete a kpi record"), viewer.session() as s:
        s.delete(s.scalars(select(m.Kpi)).first())
    with pytest.raises(ReadOnly), viewer.session() as s:
        s.execute(update(m.Vendor).values(notes="bulk"))
    with demo_db.read() as s:
        assert vendor_q.count(session=s) == 4
        assert s.scalar(select(func.count()).where(m.Vendor.notes != "")) == 0
    assert _changelog_count(demo_db) == before


def test_viewer_connections_refuse_raw_sql_writes_too(opened) -> None:
    """Defence in depth: SQL that bypasses the ORM is refused by the database itself."""
    viewer = opened("viewer")
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="(?i)read.?only"), viewer.session() as s:
        s.connection().execute(text("UPDATE vendor SET notes = 'raw'"))


def test_vendor_session_sees_only_its_vendor(demo_db, opened) -> None:
    ids = _ids(demo_db)
    vendor = opened("vendor", "northwind service desk")  # the name is matched case-insensitively
    assert vendor.vendor_id == ids[NORTHWIND] and vendor.vendor == NORTHWIND
    with vendor.read() as s:
        assert [r.name for r in vendor_q.list_vendors(session=s)] == [NORTHWIND]
        assert vendor_q.names(session=s) == [(ids[NORTHWIND], NORTHWIND)]
        assert vendor_q.count(session=s) == 1
        assert vendor_q.get_detail(ids[NORTHWIND], session=s).name == NORTHWIND
        assert vendor_q.get_by_name("NORTHWIND service desk", session=s).id == ids[NORTHWIND]
        other = ids["Keystone Precision Manufacturing"]
        with pytest.raises(NotFound) as hidden:
            vendor_q.get_detail(other, session=s)
        with pytest.raises(NotFound) as missing:
            vendor_q.get_detail(9999, session=s)
        # The same words as a missing record: nothing is told about the hidden one.
        assert str(hidden.value) == f"no vendor with id {other}"
        assert str(missing.value) == "no vendor with id 9999"
        with pytest.raises(NotFound) as by_name:
            vendor_q.get_by_name("Keystone Precision Manufacturing", session=s)
        assert "Keystone" in str(by_name.value).split("(known")[0]
        assert "Bluebird" not in str(by_name.value) and NORTHWIND in str(by_name.value)
        # The helper itself, for queries not written yet.
        kpis = s.scalars(access.scoped(select(m.Kpi), m.Kpi.vendor_id, session=s)).all()
        assert kpis and {k.vendor_id for k in kpis} == {ids[NORTHWIND]}
    with demo_db.read() as s:
        assert access.scope_vendor_ids(s) is None
        assert vendor_q.count(session=s) == 4


def test_vendor_session_for_an_unknown_vendor_does_not_open(demo_db) -> None:
    with pytest.raises(NotFound, match="vendor 'Nobody Ltd', which is not in the database"):
        open_database(demo_db.url, user="x", role="vendor", vendor="Nobody Ltd")


def _meeting_of(db, vendor_id: int) -> int:
    with db.read() as s:
        return s.scalar(select(m.Meeting.id).where(m.Meeting.vendor_id == vendor_id).limit(1))


def test_vendor_may_record_only_its_own_sides_sign_off(demo_db, opened) -> None:
    ids = _ids(demo_db)
    vendor = opened("vendor", NORTHWIND, user="raj.patel")
    own = _meeting_of(demo_db, ids[NORTHWIND])
    other = _meeting_of(demo_db, ids["Harbor Facilities"])
    with demo_db.read() as s:
        existing = set(s.scalars(select(m.SignOff.id)))
    with vendor.session() as s:
        s.add(m.SignOff(meeting_id=own, name="Raj Patel", side="vendor", method="typed"))
    with (
        pytest.raises(ReadOnly, match="restricted to vendor 'Northwind Service Desk'.*sign-off"),
        vendor.session() as s,
    ):
        s.add(m.SignOff(meeting_id=own, name="Raj Patel", side="client"))
    with pytest.raises(ReadOnly), vendor.session() as s:
        s.add(m.SignOff(meeting_id=other, name="Raj Patel", side="vendor"))
    with pytest.raises(ReadOnly, match="cannot change a vendor record"), vendor.session() as s:
        s.get(m.Vendor, ids[NORTHWIND]).notes = "we are great"
    with pytest.raises(ReadOnly, match="cannot add a vendor"), vendor.session() as s:
        vendor_q.create("Bluebird Contact Centre", session=s)  # exists: must not say so
    with demo_db.read() as s:
        signed = s.scalars(select(m.SignOff).where(m.SignOff.id.not_in(existing))).all()
        assert [(x.meeting_id, x.side, x.name) for x in signed] == [(own, "vendor", "Raj Patel")]
        log = s.scalars(select(m.ChangeLog).where(m.ChangeLog.entity == "signoff")).all()
        assert [(e.user, e.op, e.vendor_id) for e in log] == [
            ("raj.patel", "insert", ids[NORTHWIND])
        ]


def test_facilitator_is_not_restricted(demo_db) -> None:
    with demo_db.session() as s:
        vendor_q.create("Acme Logistics", session=s)
        s.get(m.Vendor, 1).notes = "fine"
    with demo_db.read() as s:
        assert vendor_q.count(session=s) == 5

"""The minutes document: canonical JSON, hashing, and where each corrective action stands."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtui.domain import minutes as dm
from reviewtui.domain.scorecard import KpiDef, PeriodValues, evaluate

T0 = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)


# --- canonical JSON ----------------------------------------------------------------------------


def test_canonical_json_sorts_keys_keeps_utf8_and_has_no_spaces() -> None:
    out = dm.canonical_json({"b": 1, "a": {"z": "Ærø café", "y": [1, 2]}})
    assert out == '{"a":{"y":[1,2],"z":"Ærø café"},"b":1}'.encode()


def test_canonical_numbers_are_stable() -> None:
    doc = {
        "sum": 0.1 + 0.2,
        "neg_zero": -0.0,
        "nan": float("nan"),
        "inf": float("inf"),
        "big": 1240000.0,
        "int": 7,
        "flag": True,
    }
    out = json.loads(dm.canonical_json(doc))
    assert out == {
        "big": 1240000.0,
        "flag": True,
        "inf": None,
        "int": 7,
        "nan": None,
        "neg_zero": 0.0,
        "sum": 0.3,
    }
    assert b"-0.0" not in dm.canonical_json(doc)
    assert b"NaN" not in dm.canonical_json(doc)


def test_datetimes_are_utc_seconds_and_dates_iso() -> None:
    cet = datetime(2026, 10, 1, 12, 30, 15, 999, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    )
    out = json.loads(dm.canonical_json({"t": cet, "d": date(2026, 3, 4)}))
    assert out == {"d": "2026-03-04", "t": "2026-10-01T12:30:15Z"}


def test_digest_is_sha256_of_the_canonical_bytes() -> None:
    doc = {"schema": dm.SCHEMA, "x": [1.5, "é"]}
    expected = hashlib.sha256('{"schema":"reviewtui-minutes/1","x":[1.5,"é"]}'.encode()).hexdigest()
    assert dm.digest(doc) == expected


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_survives_a_round_trip(value) -> None:
    once = dm.canonical_json({"v": value})
    assert dm.canonical_json(json.loads(once)) == once


def test_load_refuses_what_is_not_minutes() -> None:
    with pytest.raises(ValueError, match="not reviewtui minutes"):
        dm.load(b'{"schema": "something-else"}')
    assert dm.load(dm.canonical_json({"schema": dm.SCHEMA}))["schema"] == dm.SCHEMA


# --- corrective actions relative to the meeting ------------------------------------------------

PREV_END = T0 - timedelta(days=30)
END = T0 + timedelta(hours=1)
DAY = T0.date()


def action(**kw) -> dm.ActionFacts:
    base = {
        "id": 1,
        "title": "Fix it",
        "owner": "Raj",
        "due_date": DAY + timedelta(days=10),
        "priority": "high",
        "status": "open",
        "created_at": PREV_END - timedelta(days=10),
    }
    base.update(kw)
    return dm.ActionFacts(**base)


def note(at, *, status_from=None, status_to=None, meeting_id=None, text="n") -> dm.NoteFacts:
    return dm.NoteFacts(at, text, meeting_id, status_from, status_to)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (action(meeting_id=7, created_at=END), "new"),
        (action(created_at=PREV_END + timedelta(days=3)), "new"),
        (action(created_at=END + timedelta(days=1)), None),
        (
            action(
                status="done",
                notes=(note(PREV_END + timedelta(days=5), status_from="open", status_to="done"),),
            ),
            "closed",
        ),
        (
            action(
                status="done",
                notes=(note(PREV_END - timedelta(days=5), status_from="open", status_to="done"),),
            ),
            None,
        ),
        (action(due_date=DAY - timedelta(days=1)), "overdue"),
        (action(notes=(note(PREV_END + timedelta(days=2)),)), "progressed"),
        (action(notes=(note(END, meeting_id=7),)), "progressed"),
        (action(notes=(note(PREV_END - timedelta(days=9), status_to="open"),)), "carried"),
        (action(), "carried"),
        # Closed after the meeting: at the meeting it was still open.
        (
            action(
                status="done",
                closed_at=END + timedelta(days=3),
                due_date=DAY - timedelta(days=2),
            ),
            "overdue",
        ),
    ],
)
def test_action_categories(facts: dm.ActionFacts, expected: str | None) -> None:
    got = dm.classify_action(facts, meeting_id=7, end=END, meeting_day=DAY, previous_end=PREV_END)
    assert got == expected


def test_status_at_follows_the_status_changes() -> None:
    a = action(
        status="done",
        notes=(
            note(T0 - timedelta(days=5), status_from="open", status_to="in_progress"),
            note(T0 + timedelta(days=5), status_from="in_progress", status_to="done"),
        ),
    )
    assert dm.status_at(a, T0 - timedelta(days=9)) == "open"
    assert dm.status_at(a, T0) == "in_progress"
    assert dm.status_at(a, T0 + timedelta(days=6)) == "done"


# --- the document ------------------------------------------------------------------------------


def _facts(**kw) -> dm.MinutesFacts:
    kpi = KpiDef(1, "OTIF", "%", "higher", 97, 95, 25, "monthly", "delivery")
    history = [PeriodValues(f"2026-{i:02d}", independent=v) for i, v in [(7, 96), (8, 94), (9, 93)]]
    green = KpiDef(2, "Yield", "%", "higher", 98, 96, 20, "monthly", "quality")
    base = {
        "meeting": dm.MeetingFacts(
            id=7,
            revision=1,
            type="qbr",
            title="Quarterly business review",
            scheduled_at=T0,
            started_at=T0,
            ended_at=END,
            location="Room 4",
            facilitator="Maria",
            period="2026-09",
            vendor_id=3,
            vendor="Keystone",
        ),
        "attendance": (
            dm.Attendee("vendor", "Yuki"),
            dm.Attendee("client", "Jonas"),
            dm.Attendee("client", "Amara"),
        ),
        "agenda": (
            dm.AgendaFacts(
                2,
                "KPI review",
                "kpi_review",
                "Misses",
                outcomes=(dm.OutcomeFacts("action", "Second shift", 1),),
            ),
            dm.AgendaFacts(1, "Welcome", "custom", ""),
        ),  # fmt: skip
        "scorecard": dm.ScorecardFacts(
            "2026-09",
            80.0,
            "red",
            (
                evaluate(kpi, history, "2026-09"),
                evaluate(green, [PeriodValues("2026-09", 99)], "2026-09"),
            ),
        ),
        "actions": (action(meeting_id=7, created_at=END),),
        "previous_meeting_end": PREV_END,
    }
    base.update(kw)
    return dm.MinutesFacts(**base)


def test_document_orders_agenda_and_attendance_and_links_actions() -> None:
    doc = dm.build(_facts())
    assert [i["title"] for i in doc["agenda"]] == ["Welcome", "KPI review"]
    assert [(a["side"], a["name"]) for a in doc["attendance"]] == [
        ("client", "Amara"),
        ("client", "Jonas"),
        ("vendor", "Yuki"),
    ]
    outcome = doc["agenda"][1]["outcomes"][0]
    assert outcome["action"] == {
        "id": 1,
        "title": "Fix it",
        "owner": "Raj",
        "due_date": (DAY + timedelta(days=10)).isoformat(),
        "priority": "high",
    }
    assert doc["actions"][0]["category"] == "new"
    assert doc["signoff"] == {"signatories": [], "signed_off_at": None}
    assert not dm.is_signed_off(doc)


def test_only_kpis_that_missed_get_a_chart_and_history_is_kept() -> None:
    doc = dm.build(_facts())
    missed = dm.missed_kpis(doc)
    assert [k["kpi"] for k in missed] == ["OTIF"]
    assert [h["actual"] for h in missed[0]["history"]] == [96.0, 94.0, 93.0]


def test_same_facts_same_hash_and_any_change_changes_it() -> None:
    a = dm.digest(dm.build(_facts()))
    assert a == dm.digest(dm.build(_facts()))
    changed = _facts(agenda=(dm.AgendaFacts(1, "Welcome", "custom", "a word more"),))
    assert dm.digest(dm.build(changed)) != a


def test_signed_document_records_signatories_in_order() -> None:
    s1 = dm.Signatory("Raj", "NW", "AM", "vendor", "written", T0 + timedelta(days=2))
    s2 = dm.Signatory("Maria", "Contoso", "Head", "client", "in_meeting", T0 + timedelta(hours=1))
    doc = dm.build(_facts(signatories=(s1, s2), signed_off_at=s1.signed_at))
    assert [s["name"] for s in doc["signoff"]["signatories"]] == ["Maria", "Raj"]
    assert dm.is_signed_off(doc)
    assert dm.sides_signed(doc["signoff"]["signatories"]) == {"client", "vendor"}


def test_file_stem_names_vendor_date_and_revision() -> None:
    doc = dm.build(_facts())
    doc["vendor"]["name"] = "Ærø / <Vendor> & Co."
    assert dm.file_stem(doc) == "minutes-r-vendor-co-2026-10-01-r1"

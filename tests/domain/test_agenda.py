"""Agenda templates and the default agenda: what is due goes in, in a sensible order."""

from __future__ import annotations

from datetime import date

import pytest

from reviewtui.domain import agenda


def test_templates_fit_the_usual_meeting_lengths() -> None:
    for meeting_type, (low, high) in agenda.TYPICAL_MINUTES.items():
        total = sum(t.timebox_minutes for t in agenda.template(meeting_type))
        assert low <= total <= high, meeting_type
    with pytest.raises(ValueError, match="use one of monthly, qbr, adhoc"):
        agenda.template("weekly")


def test_default_agenda_places_kpis_after_the_overview_and_actions_in_their_slot() -> None:
    kpis = [
        agenda.DueKpi(2, "Yield", "amber", False, 97.0, 98.0, "%"),
        agenda.DueKpi(1, "OTIF", "red", True, 92.5, 97.0, "%"),
        agenda.DueKpi(3, "Cost", "green", True, 1.0, 2.0, "%"),
    ]
    actions = [
        agenda.DueAction(10, "Later", "Vera", date(2026, 12, 10), False),
        agenda.DueAction(11, "Late", "Vic", date(2026, 11, 1), True),
    ]
    items = agenda.default_agenda(
        "monthly", previous_meeting=date(2026, 10, 30), kpis=kpis, actions=actions
    )
    assert [(i.kind, i.kpi_id or i.action_id) for i in items] == [
        ("minutes_ack", None),
        ("kpi_review", None),
        ("kpi", 1),
        ("kpi", 2),
        ("kpi", 3),
        ("action", 11),
        ("action", 10),
        ("feedback", None),
        ("aob", None),
        ("next_meeting", None),
    ]
    assert items[2].title == "KPI OTIF: red, 92.5% vs 97% (escalate)"
    assert items[5].title == "Action: Late (Vic, due 2026-11-01, OVERDUE)"
    assert items[0].title == "Acknowledge minutes of 2026-10-30"


def test_first_meeting_has_no_minutes_to_acknowledge_and_keeps_the_actions_slot() -> None:
    items = agenda.default_agenda("qbr", previous_meeting=None)
    kinds = [i.kind for i in items]
    assert "minutes_ack" not in kinds and "actions" in kinds
    assert sum(i.timebox_minutes for i in items) == 70  # 75 less the minutes item


@pytest.mark.parametrize(
    ("status", "escalate", "due"),
    [
        ("red", False, True),
        ("amber", False, True),
        ("green", True, True),
        ("green", False, False),
        ("no data", False, False),
    ],
)
def test_kpi_is_due(status: str, escalate: bool, due: bool) -> None:
    assert agenda.kpi_is_due(status, escalate) is due

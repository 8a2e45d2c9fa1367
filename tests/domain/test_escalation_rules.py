"""When the rules suggest escalating, at which level, and when a contract goes up for review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reviewtui.domain import escalation as rules

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def rules_of(suggestions) -> list[tuple[str, int]]:
    return [(s.rule, s.level) for s in suggestions]


def test_nothing_to_suggest() -> None:
    assert rules.suggest(now=NOW) == []


def test_a_kpi_flagged_escalate_is_suggested_at_level_one() -> None:
    out = rules.suggest(flagged_kpis=[rules.FlaggedKpi(7, "OTIF", 3)], now=NOW)
    assert rules_of(out) == [("kpi_escalate", 1)]
    assert out[0].kpi_id == 7 and "OTIF missed 3 periods in a row" in out[0].reason


@pytest.mark.parametrize(
    ("days", "limit", "suggested"),
    [(14, 14, False), (15, 14, True), (30, 14, True), (8, 7, True), (7, 7, False)],
)
def test_an_action_overdue_by_more_than_the_limit(days: int, limit: int, suggested: bool) -> None:
    out = rules.suggest(
        late_actions=[rules.LateAction(3, "Send 8D report", days)], overdue_days=limit, now=NOW
    )
    assert bool(out) is suggested
    if suggested:
        assert out[0].action_id == 3 and f"{days} days overdue" in out[0].reason


@pytest.mark.parametrize(("failed", "suggested"), [(0, False), (1, False), (2, True), (3, True)])
def test_a_plan_not_confirmed_twice(failed: int, suggested: bool) -> None:
    out = rules.suggest(failed_plans=[rules.FailedPlan(5, "OTIF", failed)], now=NOW)
    assert bool(out) is suggested


@pytest.mark.parametrize(
    ("earlier", "level"),
    [
        ([], 1),
        ([("open", 1)], None),  # being handled
        ([("acknowledged", 2)], None),
        ([("resolved", 1)], 2),  # came back: one level higher
        ([("closed", 2), ("resolved", 1)], 3),
        ([("closed", 3)], 3),  # the ladder has three levels
    ],
)
def test_an_item_already_escalated(earlier, level) -> None:
    raised = [
        rules.Raised(i, lv, st, NOW - timedelta(days=30), kpi_id=7)
        for i, (st, lv) in enumerate(earlier, start=1)
    ]
    out = rules.suggest(flagged_kpis=[rules.FlaggedKpi(7, "OTIF", 4)], raised=raised, now=NOW)
    if level is None:
        assert out == []
    else:
        assert rules_of(out) == [("kpi_escalate", level)]


def test_another_items_escalation_does_not_hide_a_suggestion() -> None:
    raised = [rules.Raised(1, 1, "open", NOW, kpi_id=8)]
    out = rules.suggest(flagged_kpis=[rules.FlaggedKpi(7, "OTIF", 4)], raised=raised, now=NOW)
    assert rules_of(out) == [("kpi_escalate", 1)]


@pytest.mark.parametrize(
    ("status", "level", "hours_ago", "limit", "expected"),
    [
        ("open", 1, 25, 24, [("no_response", 2)]),
        ("open", 1, 23, 24, []),
        ("acknowledged", 1, 100, 24, []),  # answered
        ("open", 3, 500, 72, []),  # nowhere higher to go
        ("open", 2, 49, 48, [("no_response", 3)]),
    ],
)
def test_an_unanswered_escalation_climbs_after_the_response_time(
    status, level, hours_ago, limit, expected
) -> None:
    raised = [rules.Raised(9, level, status, NOW - timedelta(hours=hours_ago), action_id=4)]
    out = rules.suggest(raised=raised, response_hours={level: limit}, now=NOW)
    assert rules_of(out) == expected
    if expected:
        assert out[0].escalation_id == 9 and out[0].action_id == 4
        assert f"expected within {limit} h" in out[0].reason


@pytest.mark.parametrize(("flags", "review"), [(0, False), (1, False), (2, True), (5, True)])
def test_contract_review_from_two_kpis_flagged_escalate(flags: int, review: bool) -> None:
    assert rules.needs_contract_review(flags) is review

"""Five whys, root causes, when a plan is verified and what each outcome does to it."""

from __future__ import annotations

from datetime import date

import pytest

from reviewtui.domain import plans as rules

CHECK = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("whys", "chain"),
    [
        (["a", "b", "c"], ("a", "b", "c")),
        (["a", " b ", "", "", ""], ("a", "b")),
        (["", "", ""], ()),
        ([], ()),
    ],
)
def test_whys_keep_their_order_and_drop_trailing_blanks(whys, chain) -> None:
    assert rules.clean_whys(whys) == chain


def test_a_gap_in_the_chain_of_whys_is_refused() -> None:
    with pytest.raises(rules.PlanRuleError, match="why 2 is empty but a later why is filled"):
        rules.clean_whys(["a", "", "c"])


@pytest.mark.parametrize("cause", ["Operator error", "human error.", "  staff mistakes "])
def test_operator_error_is_not_a_root_cause(cause: str) -> None:
    with pytest.raises(rules.PlanRuleError, match="not a root cause"):
        rules.check_root_cause(cause, "process")


def test_a_real_root_cause_passes_and_the_category_is_checked() -> None:
    text = "Work instruction allowed skipping the torque check under time pressure"
    assert rules.check_root_cause(f" {text} ", "Process") == (text, "process")
    assert rules.check_root_cause("", "") == ("", "")
    with pytest.raises(rules.PlanRuleError, match="use one of process, training"):
        rules.check_root_cause(text, "bad luck")


@pytest.mark.parametrize(
    ("plan", "actions", "after"),
    [
        ("open", ["done", "done"], "verifying"),
        ("open", ["done", "cancelled"], "verifying"),
        ("open", ["done", "open"], "open"),
        ("open", ["cancelled"], "open"),  # nothing was done: nothing to verify
        ("open", [], "open"),
        ("reopened", ["done", "done", "done"], "verifying"),
        ("reopened", ["done", "in_progress"], "reopened"),
        ("verifying", ["done", "open"], "open"),  # an action reopened or added
        ("verifying", ["done"], "verifying"),
        ("closed", ["open"], "closed"),
    ],
)
def test_plan_status_follows_its_actions(plan, actions, after) -> None:
    assert rules.status_after_actions(plan, actions) == after


@pytest.mark.parametrize(
    ("plan", "actions", "blocker"),
    [
        ("verifying", ["done", "done"], None),
        ("reopened", ["done"], None),
        ("open", ["done", "open"], "1 action is still open"),
        ("open", ["open", "in_progress"], "2 actions are still open"),
        ("open", [], "no actions yet"),
        ("open", ["cancelled"], "every action was cancelled"),
        ("closed", ["done"], "closed already"),
    ],
)
def test_when_a_plan_can_be_verified(plan, actions, blocker) -> None:
    got = rules.verification_blocker(plan, actions)
    if blocker is None:
        assert got is None
    else:
        assert got is not None and blocker in got


@pytest.mark.parametrize(
    ("outcome", "status", "next_check", "back"),
    [
        ("confirmed", "closed", None, False),
        ("not_confirmed", "reopened", None, True),
        ("inconclusive", "verifying", date(2026, 12, 28), False),
    ],
)
def test_verification_outcomes(outcome, status, next_check, back) -> None:
    effect = rules.verification_effect(outcome, CHECK, 30)
    assert effect == rules.VerificationEffect(status, next_check, back)


def test_inconclusive_uses_the_configured_interval_and_unknown_outcomes_are_refused() -> None:
    assert rules.verification_effect("inconclusive", CHECK, 60).verification_due == date(
        2027, 1, 27
    )
    with pytest.raises(rules.PlanRuleError, match="confirmed, not_confirmed, inconclusive"):
        rules.verification_effect("worked", CHECK)


def test_the_check_falls_due_thirty_days_after_the_last_action_by_default() -> None:
    assert rules.check_due(date(2026, 11, 28)) == date(2026, 12, 28)

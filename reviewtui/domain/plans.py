"""Rules of corrective action plans: five whys, root cause, when a plan is verified, and what a
verification outcome does to it. Pure functions, no I/O.

The life of a plan: ``open`` (actions being done) -> ``verifying`` (every action done or
cancelled, an effectiveness check due, by default 30 days later) -> ``closed`` when the check
confirms the problem is gone. A check that does not confirm it sends the plan back to its root
cause (``reopened``: the analysis was wrong or the fix did not hold); an inconclusive check
schedules another one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reviewtui.domain import enums

#: Where a root cause lies. "Operator error" is deliberately absent: it is never a root cause.
ROOT_CAUSE_CATEGORIES = (
    "process",
    "training",
    "equipment",
    "maintenance",
    "materials",
    "measurement",
    "capacity",
    "system",
    "supplier",
    "communication",
    "environment",
    "other",
)

#: Default days between the last action done and the effectiveness check.
DEFAULT_VERIFICATION_DAYS = 30

_NOT_A_ROOT_CAUSE = re.compile(
    r"^\s*(operator|human|user|staff|employee|agent|people)\s+(error|mistake)s?\s*\.?\s*$",
    re.IGNORECASE,
)


class PlanRuleError(ValueError):
    """A plan that breaks a rule; the message says which and what to do."""


def clean_whys(whys: Iterable[str]) -> tuple[str, ...]:
    """The five whys as an ordered chain: blanks at the end dropped, gaps refused."""
    items = [w.strip() for w in whys]
    while items and not items[-1]:
        items.pop()
    for i, w in enumerate(items, start=1):
        if not w:
            raise PlanRuleError(
                f"why {i} is empty but a later why is filled: the whys are a chain, "
                "each answering the one before; fill them in order"
            )
    return tuple(items)


def check_root_cause(root_cause: str, category: str) -> tuple[str, str]:
    """The root cause and its category, checked: a category from the list, not 'operator error'."""
    text = root_cause.strip()
    cat = category.strip().lower()
    if cat and cat not in ROOT_CAUSE_CATEGORIES:
        raise PlanRuleError(
            f"root cause category {category!r}: use one of {', '.join(ROOT_CAUSE_CATEGORIES)}"
        )
    if _NOT_A_ROOT_CAUSE.match(text):
        raise PlanRuleError(
            f"{text!r} is not a root cause: ask why the error was possible "
            "(training, process, tooling) and record that"
        )
    return text, cat


def _closed(statuses: Sequence[str]) -> bool:
    return all(s not in enums.OPEN_ACTION_STATUSES for s in statuses)


def status_after_actions(plan_status: str, action_statuses: Sequence[str]) -> str:
    """The plan's status once its actions are as given.

    An open or reopened plan whose actions are all closed, at least one done, goes to
    ``verifying``; a verifying plan with an open action again (one reopened or added) goes back
    to ``open``. Closed plans stay closed.
    """
    if plan_status == "closed":
        return plan_status
    done = "done" in action_statuses
    if plan_status in ("open", "reopened") and action_statuses and _closed(action_statuses):
        return "verifying" if done else plan_status
    if plan_status == "verifying" and not _closed(action_statuses):
        return "open"
    return plan_status


def verification_blocker(plan_status: str, action_statuses: Sequence[str]) -> str | None:
    """Why the plan cannot be verified now, or None when it can."""
    if plan_status == "closed":
        return "the plan is closed already"
    if not action_statuses:
        return "the plan has no actions yet: add its actions first"
    still = sum(1 for s in action_statuses if s in enums.OPEN_ACTION_STATUSES)
    if still:
        word = "action is" if still == 1 else "actions are"
        return f"{still} {word} still open: a plan is verified when its actions are done"
    if "done" not in action_statuses:
        return "every action was cancelled: nothing was done whose effect could be checked"
    return None


@dataclass(frozen=True)
class VerificationEffect:
    """What an effectiveness check does to its plan."""

    plan_status: str
    verification_due: date | None
    back_to_root_cause: bool


def verification_effect(
    outcome: str, check_date: date, verification_days: int = DEFAULT_VERIFICATION_DAYS
) -> VerificationEffect:
    """confirmed closes the plan; not_confirmed reopens it at its root cause; inconclusive
    keeps it in verification with another check ``verification_days`` after this one."""
    if outcome == "confirmed":
        return VerificationEffect("closed", None, False)
    if outcome == "not_confirmed":
        return VerificationEffect("reopened", None, True)
    if outcome == "inconclusive":
        return VerificationEffect(
            "verifying", check_date + timedelta(days=verification_days), False
        )
    raise PlanRuleError(f"outcome {outcome!r}: use one of {', '.join(enums.VERIFICATION_OUTCOMES)}")


def check_due(last_done: date, verification_days: int = DEFAULT_VERIFICATION_DAYS) -> date:
    """When the effectiveness check falls due: ``verification_days`` after the last action."""
    return last_done + timedelta(days=verification_days)

"""Escalation rules: when to suggest climbing a vendor's ladder. Pure functions, no I/O.

A suggestion is made for

- a KPI the scorecard flags ``escalate`` (missed too many periods in a row);
- an open action overdue by more than ``overdue_days`` (14 by default, ``overdue_escalation_days``
  in the settings);
- a plan whose effectiveness check came back "not confirmed" twice or more;
- an escalation still unacknowledged after its level's expected response time: the next level.

An item already under an open (or acknowledged) escalation is not suggested again; one whose
earlier escalation was resolved or closed and that fails again is suggested one level higher.
A vendor with two or more KPIs flagged ``escalate`` at once is marked for contract review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_LEVEL = 3
CONTRACT_REVIEW_KPIS = 2
NOT_CONFIRMED_LIMIT = 2
ACTIVE = ("open", "acknowledged")


@dataclass(frozen=True)
class FlaggedKpi:
    kpi_id: int
    name: str
    consecutive_misses: int


@dataclass(frozen=True)
class LateAction:
    action_id: int
    title: str
    days_overdue: int


@dataclass(frozen=True)
class FailedPlan:
    plan_id: int
    title: str
    not_confirmed: int


@dataclass(frozen=True)
class Raised:
    """An escalation already raised for the vendor."""

    id: int
    level: int
    status: str
    raised_at: datetime
    kpi_id: int | None = None
    action_id: int | None = None
    plan_id: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """An escalation the rules suggest; the facilitator decides."""

    rule: str  # kpi_escalate | action_overdue | plan_not_confirmed | no_response
    level: int
    reason: str
    kpi_id: int | None = None
    action_id: int | None = None
    plan_id: int | None = None
    escalation_id: int | None = None  # for no_response: the escalation left unanswered

    def item(self) -> str:
        if self.kpi_id is not None:
            return f"KPI {self.kpi_id}"
        if self.action_id is not None:
            return f"action {self.action_id}"
        if self.plan_id is not None:
            return f"plan {self.plan_id}"
        return ""


def _level_for(raised: list[Raised]) -> int | None:
    """None when the item is being handled, else the level to raise at."""
    if any(r.status in ACTIVE for r in raised):
        return None
    if not raised:
        return 1
    return min(max(r.level for r in raised) + 1, MAX_LEVEL)


def suggest(
    *,
    flagged_kpis: Iterable[FlaggedKpi] = (),
    late_actions: Iterable[LateAction] = (),
    failed_plans: Iterable[FailedPlan] = (),
    raised: Iterable[Raised] = (),
    response_hours: Mapping[int, int] | None = None,
    overdue_days: int = 14,
    now: datetime,
) -> list[Suggestion]:
    """Every escalation the rules suggest for one vendor, most pressing rule first."""
    raised = list(raised)
    out: list[Suggestion] = []

    def on(attr: str, value: int) -> list[Raised]:
        return [r for r in raised if getattr(r, attr) == value]

    for k in flagged_kpis:
        level = _level_for(on("kpi_id", k.kpi_id))
        if level is not None:
            out.append(
                Suggestion(
                    "kpi_escalate",
                    level,
                    f"KPI {k.name} missed {k.consecutive_misses} periods in a row",
                    kpi_id=k.kpi_id,
                )
            )
    for a in late_actions:
        if a.days_overdue <= overdue_days:
            continue
        level = _level_for(on("action_id", a.action_id))
        if level is not None:
            out.append(
                Suggestion(
                    "action_overdue",
                    level,
                    f"Action '{a.title}' is {a.days_overdue} days overdue",
                    action_id=a.action_id,
                )
            )
    for p in failed_plans:
        if p.not_confirmed < NOT_CONFIRMED_LIMIT:
            continue
        level = _level_for(on("plan_id", p.plan_id))
        if level is not None:
            out.append(
                Suggestion(
                    "plan_not_confirmed",
                    level,
                    f"Plan '{p.title}' failed its effectiveness check {p.not_confirmed} times",
                    plan_id=p.plan_id,
                )
            )
    hours = response_hours or {}
    for r in raised:
        if r.status != "open" or r.level >= MAX_LEVEL:
            continue
        limit = hours.get(r.level)
        if limit is None:
            continue
        waited = now - r.raised_at
        if waited > timedelta(hours=limit):
            out.append(
                Suggestion(
                    "no_response",
                    r.level + 1,
                    f"Level {r.level} escalation unanswered after {int(waited.total_seconds() // 3600)} h "
                    f"(expected within {limit} h)",
                    kpi_id=r.kpi_id,
                    action_id=r.action_id,
                    plan_id=r.plan_id,
                    escalation_id=r.id,
                )
            )
    return out


def needs_contract_review(escalate_flags: int) -> bool:
    """Two or more KPIs flagged ``escalate`` at once put the contract up for review."""
    return escalate_flags >= CONTRACT_REVIEW_KPIS

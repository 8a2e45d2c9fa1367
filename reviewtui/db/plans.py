"""Corrective action plans: raise one (with its actions, all or nothing), edit it, verify it, and
see the KPI it was raised for since the day it was raised.

A plan is raised from a KPI gap, an audit finding, a feedback entry, an agenda item or on its own;
the rules of its life (open -> verifying -> closed, reopened at its root cause when a check does
not confirm the fix) are in :mod:`reviewtui.domain.plans`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import actions as action_q
from reviewtui.db import models as m
from reviewtui.db.engine import person_name
from reviewtui.db.errors import Conflict, NotFound, ReadOnly, UserError
from reviewtui.domain import clock, enums, periods, scorecard
from reviewtui.domain import plans as rules
from reviewtui.domain.figures import figure
from reviewtui.views.plans import KpiPoint, KpiSince, PlanDetail, PlanRow, VerificationRow


@dataclass(frozen=True)
class ActionDraft:
    """An action typed into the plan form, not saved yet."""

    title: str
    due: str | date
    owner: str = ""
    owner_contact_id: int | None = None
    priority: str = "medium"


@dataclass(frozen=True)
class PlanDraft:
    """What the plan form starts from (a KPI gap, a finding, a feedback entry, or nothing)."""

    vendor_id: int
    vendor: str
    title: str = ""
    problem: str = ""
    source: str = "manual"
    kpi_id: int | None = None
    finding_id: int | None = None
    feedback_id: int | None = None
    agenda_item_id: int | None = None
    link_label: str = ""  # "KPI OTIF", "finding: Two gauges past calibration"


@dataclass(frozen=True)
class VerificationResult:
    plan_id: int
    outcome: str
    plan_status: str
    verification_due: date | None
    not_confirmed: int
    suggest_escalation: bool


def _source(
    source: str,
    kpi_id: int | None,
    finding_id: int | None,
    feedback_id: int | None,
    agenda_item_id: int | None,
) -> str:
    if source not in enums.PLAN_SOURCES:
        raise UserError(f"source {source!r}: use one of {', '.join(enums.PLAN_SOURCES)}")
    if source != "manual":
        return source
    for value, name in (
        (kpi_id, "kpi"),
        (finding_id, "audit"),
        (feedback_id, "feedback"),
        (agenda_item_id, "agenda"),
    ):
        if value is not None:
            return name
    return source


def _check_links(
    session: Session,
    vendor_id: int,
    kpi_id: int | None,
    finding_id: int | None,
    feedback_id: int | None,
    agenda_item_id: int | None,
) -> None:
    if kpi_id is not None:
        k = session.get(m.Kpi, kpi_id)
        if k is None or k.vendor_id != vendor_id:
            raise UserError(f"KPI {kpi_id} is not a KPI of this vendor")
    if finding_id is not None:
        vid = session.scalar(
            select(col(m.Audit.vendor_id))
            .join(m.Finding, col(m.Finding.audit_id) == m.Audit.id)
            .where(col(m.Finding.id) == finding_id)
        )
        if vid != vendor_id:
            raise UserError(f"finding {finding_id} is not a finding of this vendor's audits")
    if feedback_id is not None:
        f = session.get(m.Feedback, feedback_id)
        if f is None or f.vendor_id != vendor_id:
            raise UserError(f"feedback {feedback_id} is not feedback on this vendor")
    if agenda_item_id is not None:
        vid = session.scalar(
            select(col(m.Meeting.vendor_id))
            .join(m.AgendaItem, col(m.AgendaItem.meeting_id) == m.Meeting.id)
            .where(col(m.AgendaItem.id) == agenda_item_id)
        )
        if vid != vendor_id:
            raise UserError(f"agenda item {agenda_item_id} is not on this vendor's agenda")


R = TypeVar("R")


def _rule(fn: Callable[..., R], *args: Any) -> R:
    try:
        return fn(*args)
    except rules.PlanRuleError as exc:
        raise UserError(str(exc)) from exc


def create_plan(
    vendor_id: int,
    *,
    session: Session,
    title: str,
    problem: str = "",
    source: str = "manual",
    kpi_id: int | None = None,
    finding_id: int | None = None,
    feedback_id: int | None = None,
    agenda_item_id: int | None = None,
    whys: Sequence[str] = (),
    root_cause: str = "",
    root_cause_category: str = "",
    containment: str = "",
    actions: Sequence[ActionDraft] = (),
    meeting_id: int | None = None,
    raised_on: date | None = None,
    today: date | None = None,
) -> int:
    """Raise a plan with its actions in one unit of work; any bad field refuses the lot."""
    today = today or clock.today()
    access.require_facilitator(session, doing="raise plans")
    raised_on = raised_on or today
    title = title.strip()
    if not title:
        raise UserError("a plan needs a title (the problem in a few words)")
    if session.get(m.Vendor, vendor_id) is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    _check_links(session, vendor_id, kpi_id, finding_id, feedback_id, agenda_item_id)
    chain = _rule(rules.clean_whys, whys)
    cause, category = _rule(rules.check_root_cause, root_cause, root_cause_category)
    plan = m.ActionPlan(
        vendor_id=vendor_id,
        title=title,
        problem=problem.strip(),
        source=_source(source, kpi_id, finding_id, feedback_id, agenda_item_id),
        kpi_id=kpi_id,
        finding_id=finding_id,
        feedback_id=feedback_id,
        agenda_item_id=agenda_item_id,
        whys=json.dumps(list(chain)),
        root_cause=cause,
        root_cause_category=category,
        containment=containment.strip(),
        status="open",
        raised_on=raised_on,
        created_by=person_name(session),
    )
    session.add(plan)
    session.flush()
    for i, d in enumerate(actions, start=1):
        if not d.title.strip():
            continue
        try:
            action_q.create_action(
                vendor_id,
                d.title,
                d.due,
                session=session,
                plan_id=plan.id,
                meeting_id=meeting_id,
                owner=d.owner,
                owner_contact_id=d.owner_contact_id,
                priority=d.priority,
                today=today,
            )
        except UserError as exc:
            raise type(exc)(f"action {i} ({d.title.strip()}): {exc}") from exc
    return plan.id


def update_plan(
    plan_id: int,
    *,
    session: Session,
    expected_version: int | None = None,
    title: str | None = None,
    problem: str | None = None,
    whys: Sequence[str] | None = None,
    root_cause: str | None = None,
    root_cause_category: str | None = None,
    containment: str | None = None,
    kpi_id: int | None = None,
    finding_id: int | None = None,
) -> None:
    """Edit a plan's analysis; a closed plan is read-only."""
    access.require_facilitator(session, doing="change plans")
    plan = session.get(m.ActionPlan, plan_id, with_for_update=True)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    if plan.status == "closed":
        raise ReadOnly(f"plan {plan_id} is closed; raise a new plan if the problem is back")
    if expected_version is not None and plan.version != expected_version:
        raise Conflict(f"plan {plan_id} was changed by someone else meanwhile; reload it")
    if kpi_id is not None or finding_id is not None:
        _check_links(session, plan.vendor_id, kpi_id, finding_id, None, None)
        plan.kpi_id = kpi_id if kpi_id is not None else plan.kpi_id
        plan.finding_id = finding_id if finding_id is not None else plan.finding_id
    if title is not None:
        if not title.strip():
            raise UserError("a plan needs a title (the problem in a few words)")
        plan.title = title.strip()
    if problem is not None:
        plan.problem = problem.strip()
    if whys is not None:
        plan.whys = json.dumps(list(_rule(rules.clean_whys, whys)))
    if root_cause is not None or root_cause_category is not None:
        cause, cat = _rule(
            rules.check_root_cause,
            plan.root_cause if root_cause is None else root_cause,
            plan.root_cause_category if root_cause_category is None else root_cause_category,
        )
        plan.root_cause, plan.root_cause_category = cause, cat
    if containment is not None:
        plan.containment = containment.strip()
    if session.is_modified(plan):
        plan.version += 1
    session.flush()


def _statuses(session: Session, plan_id: int) -> list[str]:
    return list(
        session.scalars(select(col(m.Action.status)).where(col(m.Action.plan_id) == plan_id))
    )


def record_verification(
    plan_id: int,
    outcome: str,
    *,
    session: Session,
    note: str = "",
    check_date: date | None = None,
    verification_days: int = rules.DEFAULT_VERIFICATION_DAYS,
    today: date | None = None,
) -> VerificationResult:
    """Record an effectiveness check: confirmed closes the plan, not confirmed reopens it at its
    root cause, inconclusive schedules another check ``verification_days`` later."""
    today = today or clock.today()
    access.require_facilitator(session, doing="verify plans")
    check_date = check_date or today
    if outcome not in enums.VERIFICATION_OUTCOMES:
        raise UserError(f"outcome {outcome!r}: use one of {', '.join(enums.VERIFICATION_OUTCOMES)}")
    if check_date > today:
        raise UserError(
            f"check date {check_date.isoformat()} is in the future: record a check once it is done"
        )
    plan = session.get(m.ActionPlan, plan_id, with_for_update=True)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    if check_date < plan.raised_on:
        raise UserError(
            f"check date {check_date.isoformat()} is before the plan was raised "
            f"({plan.raised_on.isoformat()})"
        )
    blocker = rules.verification_blocker(plan.status, _statuses(session, plan_id))
    if blocker:
        raise UserError(f"plan {plan_id} cannot be verified yet: {blocker}")
    effect = rules.verification_effect(outcome, check_date, verification_days)
    session.add(
        m.Verification(
            plan_id=plan_id,
            check_date=check_date,
            outcome=outcome,
            note=note.strip(),
            verified_by=person_name(session),
        )
    )
    plan.status = effect.plan_status
    plan.verification_due = effect.verification_due
    plan.version += 1
    session.flush()
    failed = (
        session.scalar(
            select(func.count())
            .select_from(m.Verification)
            .where(
                col(m.Verification.plan_id) == plan_id,
                col(m.Verification.outcome) == "not_confirmed",
            )
        )
        or 0
    )
    from reviewtui.domain.escalation import NOT_CONFIRMED_LIMIT

    return VerificationResult(
        plan_id=plan_id,
        outcome=outcome,
        plan_status=plan.status,
        verification_due=plan.verification_due,
        not_confirmed=failed,
        suggest_escalation=outcome == "not_confirmed" and failed >= NOT_CONFIRMED_LIMIT,
    )


def reschedule_check(
    plan_id: int, when: str | date, *, session: Session, today: date | None = None
) -> date:
    """Move a plan's effectiveness check (``+30d``, ``2027-01-15``); not into the past."""
    from reviewtui.domain import actions as dates

    today = today or clock.today()
    access.require_facilitator(session, doing="reschedule checks")
    plan = session.get(m.ActionPlan, plan_id)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    if isinstance(when, date):
        due = when
    else:
        try:
            due = dates.parse_due(when, today=today, not_before=today)
        except dates.DueDateError as exc:
            raise UserError(str(exc).replace("the plan was raised", "today")) from exc
    if due < today:
        raise UserError(f"check date {due.isoformat()} is in the past")
    plan.verification_due = due
    plan.version += 1
    session.flush()
    return due


def _link_label(session: Session, plan: m.ActionPlan) -> str:
    if plan.kpi_id is not None:
        k = session.get(m.Kpi, plan.kpi_id)
        return f"KPI {k.name}" if k else ""
    if plan.finding_id is not None:
        f = session.get(m.Finding, plan.finding_id)
        return f"{f.severity} finding: {f.title}" if f else ""
    if plan.feedback_id is not None:
        fb = session.get(m.Feedback, plan.feedback_id)
        return f"feedback: {fb.text[:60]}" if fb else ""
    if plan.agenda_item_id is not None:
        ai = session.get(m.AgendaItem, plan.agenda_item_id)
        return f"agenda item: {ai.title}" if ai else ""
    return ""


def get_plan(plan_id: int, *, session: Session, today: date | None = None) -> PlanDetail:
    """A plan with its whys, actions (earliest due first) and checks."""
    today = today or clock.today()
    plan = session.get(m.ActionPlan, plan_id)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    access.require_visible(plan.vendor_id, session=session, what="plan", ident=plan_id)
    vendor = session.get(m.Vendor, plan.vendor_id)
    acts = action_q.list_actions(
        action_q.ActionFilter(plan_id=plan_id, statuses=enums.ACTION_STATUSES),
        session=session,
        today=today,
        limit=None,
    ).rows
    checks = tuple(
        VerificationRow(v.id, v.check_date, v.outcome, v.note, v.verified_by)
        for v in session.scalars(
            select(m.Verification)
            .where(col(m.Verification.plan_id) == plan_id)
            .order_by(col(m.Verification.check_date), col(m.Verification.id))
        )
    )
    return PlanDetail(
        id=plan.id,
        vendor_id=plan.vendor_id,
        vendor=vendor.name if vendor else "",
        title=plan.title,
        problem=plan.problem,
        source=plan.source,
        kpi_id=plan.kpi_id,
        finding_id=plan.finding_id,
        feedback_id=plan.feedback_id,
        agenda_item_id=plan.agenda_item_id,
        link_label=_link_label(session, plan),
        whys=tuple(json.loads(plan.whys or "[]")),
        root_cause=plan.root_cause,
        root_cause_category=plan.root_cause_category,
        containment=plan.containment,
        status=plan.status,
        raised_on=plan.raised_on,
        verification_due=plan.verification_due,
        created_by=plan.created_by,
        version=plan.version,
        actions=acts,
        verifications=checks,
        verify_blocker=rules.verification_blocker(plan.status, [a.status for a in acts]),
    )


def list_plans(
    *,
    session: Session,
    vendor_id: int | None = None,
    statuses: Sequence[str] | None = None,
) -> list[PlanRow]:
    """Plans (all, or of one vendor, or in some statuses), the newest first."""
    counts = (
        select(
            col(m.Action.plan_id).label("pid"),
            func.count().label("n"),
            func.sum(
                case((col(m.Action.status).in_(enums.OPEN_ACTION_STATUSES), 1), else_=0)
            ).label("open_n"),
        )
        .where(col(m.Action.plan_id).is_not(None))
        .group_by(col(m.Action.plan_id))
        .subquery()
    )
    q = (
        select(
            m.ActionPlan,
            col(m.Vendor.name),
            func.coalesce(counts.c.open_n, 0),
            func.coalesce(counts.c.n, 0),
        )
        .join(m.Vendor, col(m.Vendor.id) == m.ActionPlan.vendor_id)
        .outerjoin(counts, counts.c.pid == col(m.ActionPlan.id))
        .order_by(col(m.ActionPlan.raised_on).desc(), col(m.ActionPlan.id).desc())
    )
    if vendor_id is not None:
        q = q.where(col(m.ActionPlan.vendor_id) == vendor_id)
    if statuses:
        q = q.where(col(m.ActionPlan.status).in_(tuple(statuses)))
    q = access.scoped(q, col(m.ActionPlan.vendor_id), session=session)
    return [
        PlanRow(
            p.id,
            p.vendor_id,
            name,
            p.title,
            p.source,
            p.status,
            p.raised_on,
            p.verification_due,
            int(open_n or 0),
            int(n or 0),
        )
        for p, name, open_n, n in session.execute(q)
    ]


def kpi_since(plan_id: int, *, session: Session) -> KpiSince | None:
    """For a plan raised for a KPI: its value in the last period before the plan, and in every
    period that ended on or after the day it was raised (independent measurements preferred)."""
    plan = session.get(m.ActionPlan, plan_id)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    access.require_visible(plan.vendor_id, session=session, what="plan", ident=plan_id)
    if plan.kpi_id is None:
        return None
    k = session.get(m.Kpi, plan.kpi_id)
    if k is None:
        return None
    by_period: dict[str, tuple[float, str]] = {}
    for period, value, source in session.execute(
        select(
            col(m.Measurement.period), col(m.Measurement.value), col(m.Measurement.source)
        ).where(col(m.Measurement.kpi_id) == k.id)
    ):
        if period not in by_period or source == "independent":
            by_period[period] = (value, source)
    before: KpiPoint | None = None
    since: list[KpiPoint] = []
    for period in sorted(by_period, key=periods.start_of):
        value, source = by_period[period]
        rag = scorecard.status(k.direction, value, k.target, k.threshold)
        point = KpiPoint(period, value, source, rag)
        if periods.end_of(period) >= plan.raised_on:
            since.append(point)
        else:
            before = point
    return KpiSince(k.id, k.name, k.unit, k.direction, k.target, k.threshold, before, tuple(since))


def draft_from_kpi(kpi_id: int, *, session: Session) -> PlanDraft:
    """A plan form pre-filled for a KPI gap (from the scorecard screen)."""
    k = session.get(m.Kpi, kpi_id)
    if k is None:
        raise NotFound(f"no KPI with id {kpi_id}")
    access.require_visible(k.vendor_id, session=session, what="KPI", ident=kpi_id)
    from reviewtui.db.scorecards import kpi_history

    v = session.get(m.Vendor, k.vendor_id)
    latest = next(iter(kpi_history(kpi_id, session=session).results), None)
    title, problem = kpi_plan_text(k, latest)
    return PlanDraft(
        vendor_id=k.vendor_id,
        vendor=v.name if v else "",
        title=title,
        problem=problem,
        source="kpi",
        kpi_id=k.id,
        link_label=f"KPI {k.name}",
    )


def kpi_plan_text(k: m.Kpi, latest: scorecard.KpiResult | None) -> tuple[str, str]:
    """The title and problem a plan on KPI ``k`` starts with, from its latest result: "below
    target" for a higher-is-better KPI that misses, "above target" for a lower-is-better one;
    a KPI that meets its target is not said to miss it."""

    def fmt(x: float) -> str:
        return figure(x, k.unit)

    arrow = "≥" if k.direction == "higher" else "≤"
    target = f"{arrow} {fmt(k.target)}"
    if latest is None or latest.actual is None:
        return f"{k.name}: no data", f"{k.name} has no value yet (target {target})."
    seen = f"{fmt(latest.actual)} in {latest.period}"
    if latest.status in (scorecard.RED, scorecard.AMBER):
        side = "below" if k.direction == "higher" else "above"
        return (
            f"{k.name} {side} target",
            f"{k.name} misses its target ({target}): {seen} ({latest.status}).",
        )
    if latest.discrepancy:
        return (
            f"{k.name}: vendor and independent figures differ",
            f"{k.name} meets its target ({target}): {seen}, but the vendor reported "
            f"{fmt(latest.vendor_value or 0)} against {fmt(latest.independent_value or 0)} "
            "measured independently.",
        )
    return (
        f"{k.name}: improvement",
        f"{k.name} meets its target ({target}): {seen}.",
    )


def draft_from_feedback(feedback_id: int, *, session: Session) -> PlanDraft:
    """A plan form pre-filled from a feedback entry (a concern raised in a meeting)."""
    fb = session.get(m.Feedback, feedback_id)
    if fb is None:
        raise NotFound(f"no feedback with id {feedback_id}")
    access.require_visible(fb.vendor_id, session=session, what="feedback", ident=feedback_id)
    v = session.get(m.Vendor, fb.vendor_id)
    first = fb.text.strip().splitlines()[0] if fb.text.strip() else "Feedback"
    return PlanDraft(
        vendor_id=fb.vendor_id,
        vendor=v.name if v else "",
        title=first[:120],
        problem=f"{enums.label(fb.direction).capitalize()} {fb.category}: {fb.text.strip()}",
        source="feedback",
        feedback_id=fb.id,
        link_label=f"feedback: {first[:60]}",
    )


def draft_from_agenda_item(agenda_item_id: int, *, session: Session) -> PlanDraft:
    """A plan form pre-filled from an agenda item of a meeting."""
    row = session.execute(
        select(m.AgendaItem, col(m.Meeting.vendor_id))
        .join(m.Meeting, col(m.Meeting.id) == m.AgendaItem.meeting_id)
        .where(col(m.AgendaItem.id) == agenda_item_id)
    ).first()
    if row is None:
        raise NotFound(f"no agenda item with id {agenda_item_id}")
    item, vendor_id = row
    access.require_visible(vendor_id, session=session, what="agenda item", ident=agenda_item_id)
    v = session.get(m.Vendor, vendor_id)
    return PlanDraft(
        vendor_id=vendor_id,
        vendor=v.name if v else "",
        title=item.title,
        problem=item.notes.strip(),
        source="agenda",
        kpi_id=item.kpi_id,
        agenda_item_id=item.id,
        link_label=f"agenda item: {item.title}",
    )


def draft_for_vendor(vendor_id: int, *, session: Session) -> PlanDraft:
    """An empty plan form for a vendor."""
    access.require_visible(vendor_id, session=session)
    v = session.get(m.Vendor, vendor_id)
    if v is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    return PlanDraft(vendor_id=v.id, vendor=v.name)


def kpi_choices(vendor_id: int, *, session: Session) -> list[tuple[int, str]]:
    """(id, name) of a vendor's KPIs, for the plan form's link picker."""
    access.require_visible(vendor_id, session=session)
    return [
        (i, n)
        for i, n in session.execute(
            select(col(m.Kpi.id), col(m.Kpi.name))
            .where(col(m.Kpi.vendor_id) == vendor_id)
            .order_by(col(m.Kpi.name))
        )
    ]

"""Escalations: each vendor's ladder, raising an escalation in one step, its status and log, the
rules' suggestions, and the contract-review mark.

The rules are in :mod:`reviewtui.domain.escalation`; this module gathers their inputs (KPIs the
scorecard flags ``escalate``, actions overdue, plans that failed their checks, escalations already
raised) in a few grouped queries.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from reviewtui.config import Settings
from reviewtui.db import access
from reviewtui.db import models as m
from reviewtui.db.engine import person_name
from reviewtui.db.errors import NotFound, UserError
from reviewtui.domain import clock, enums
from reviewtui.domain import escalation as rules
from reviewtui.views.escalations import (
    EscalationDetail,
    EscalationRow,
    LadderStep,
    LogRow,
    VendorSuggestion,
    ladder_contacts,
)

# --- the ladder ---------------------------------------------------------------------------


def ladder(vendor_id: int, *, session: Session) -> list[LadderStep]:
    """A vendor's escalation ladder, level 1 first."""
    access.require_visible(vendor_id, session=session)
    client = aliased(m.Contact)
    vendor = aliased(m.Contact)
    q = (
        select(m.EscalationStep, col(client.name), col(vendor.name))
        .outerjoin(client, col(client.id) == m.EscalationStep.client_contact_id)
        .outerjoin(vendor, col(vendor.id) == m.EscalationStep.vendor_contact_id)
        .where(col(m.EscalationStep.vendor_id) == vendor_id)
        .order_by(col(m.EscalationStep.level))
    )
    return [
        LadderStep(
            s.level, s.client_contact_id, cn or "", s.vendor_contact_id, vn or "", s.response_hours
        )
        for s, cn, vn in session.execute(q)
    ]


def set_step(
    vendor_id: int,
    level: int,
    *,
    session: Session,
    client_contact_id: int | None = None,
    vendor_contact_id: int | None = None,
    response_hours: int = 48,
) -> None:
    """Set one rung of the ladder: the contact on each side and the expected response time."""
    access.require_facilitator(session, doing="change escalation ladders")
    if level not in range(1, rules.MAX_LEVEL + 1):
        raise UserError(f"level {level}: the ladder has levels 1 to {rules.MAX_LEVEL}")
    if response_hours <= 0:
        raise UserError("the expected response time must be at least one hour")
    for cid, side in ((client_contact_id, "client"), (vendor_contact_id, "vendor")):
        if cid is None:
            continue
        c = session.get(m.Contact, cid)
        if c is None or c.vendor_id != vendor_id or c.side != side:
            raise UserError(f"contact {cid} is not a {side}-side contact of this vendor")
    step = session.scalar(
        select(m.EscalationStep).where(
            col(m.EscalationStep.vendor_id) == vendor_id, col(m.EscalationStep.level) == level
        )
    )
    if step is None:
        step = m.EscalationStep(vendor_id=vendor_id, level=level)
        session.add(step)
    step.client_contact_id = client_contact_id
    step.vendor_contact_id = vendor_contact_id
    step.response_hours = response_hours
    session.flush()


# --- escalations --------------------------------------------------------------------------


def _item_label(
    session: Session, kpi_id: int | None, action_id: int | None, plan_id: int | None
) -> str:
    if kpi_id is not None:
        name = session.scalar(select(col(m.Kpi.name)).where(col(m.Kpi.id) == kpi_id))
        return f"KPI {name}" if name else f"KPI {kpi_id}"
    if action_id is not None:
        return f"action {action_id}"
    if plan_id is not None:
        return f"plan {plan_id}"
    return ""


class _VendorOwned(Protocol):
    """A row that belongs to one vendor (a KPI, an action, a plan, a meeting)."""

    vendor_id: int


def _vendor_id_of(session: Session, model: type[_VendorOwned], ident: int) -> int | None:
    """The vendor of the row, or None when there is no such row."""
    row = session.get(model, ident)
    return None if row is None else row.vendor_id


def raise_escalation(
    vendor_id: int,
    level: int,
    reason: str,
    *,
    session: Session,
    kpi_id: int | None = None,
    action_id: int | None = None,
    plan_id: int | None = None,
    meeting_id: int | None = None,
    supersedes: int | None = None,
) -> int:
    """Raise an escalation in one step; its log starts with who is now involved.

    ``supersedes``: an unanswered escalation this one climbs above (it is closed, with a note).
    """
    access.require_facilitator(session, doing="raise escalations")
    if level not in range(1, rules.MAX_LEVEL + 1):
        raise UserError(f"level {level}: escalations go from level 1 to {rules.MAX_LEVEL}")
    if not reason.strip():
        raise UserError("an escalation needs a reason (what is wrong, since when)")
    if session.get(m.Vendor, vendor_id) is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    for model, value, what in (
        (m.Kpi, kpi_id, "KPI"),
        (m.Action, action_id, "action"),
        (m.ActionPlan, plan_id, "plan"),
        (m.Meeting, meeting_id, "meeting"),
    ):
        if value is None:
            continue
        if _vendor_id_of(session, model, value) != vendor_id:
            raise UserError(f"{what} {value} does not belong to this vendor")
    e = m.Escalation(
        vendor_id=vendor_id,
        level=level,
        reason=reason.strip(),
        status="open",
        kpi_id=kpi_id,
        action_id=action_id,
        plan_id=plan_id,
        meeting_id=meeting_id,
        raised_by=person_name(session),
    )
    session.add(e)
    session.flush()
    step = next((s for s in ladder(vendor_id, session=session) if s.level == level), None)
    who = ladder_contacts(step)
    text = f"Raised to level {level}"
    if step is not None and who:
        text += f": {who}, response expected within {step.response_hours} h"
    else:
        text += " (no contacts on this level of the ladder yet)"
    session.add(
        m.EscalationLog(escalation_id=e.id, author=person_name(session), status="open", text=text)
    )
    if supersedes is not None:
        old = session.get(m.Escalation, supersedes)
        if old is None or old.vendor_id != vendor_id:
            raise UserError(f"escalation {supersedes} does not belong to this vendor")
        if old.status in rules.ACTIVE:
            old.status = "closed"
            session.add(
                m.EscalationLog(
                    escalation_id=old.id,
                    author=person_name(session),
                    status="closed",
                    text=f"Superseded by escalation {e.id} at level {level}.",
                )
            )
    session.flush()
    return e.id


def set_status(escalation_id: int, status: str, *, session: Session, note: str = "") -> None:
    """Move an escalation along (open, acknowledged, resolved, closed) with a log entry."""
    access.require_facilitator(session, doing="change escalations")
    st = status.strip().lower()
    if st not in enums.ESCALATION_STATUSES:
        raise UserError(f"status {status!r}: use one of {', '.join(enums.ESCALATION_STATUSES)}")
    e = session.get(m.Escalation, escalation_id, with_for_update=True)
    if e is None:
        raise NotFound(f"no escalation with id {escalation_id}")
    if e.status == st and not note.strip():
        raise UserError(f"escalation {escalation_id} is {st} already")
    text = note.strip() or f"{enums.label(e.status).capitalize()} → {enums.label(st)}."
    e.status = st
    session.add(
        m.EscalationLog(escalation_id=e.id, author=person_name(session), status=st, text=text)
    )
    session.flush()


def add_log(escalation_id: int, text: str, *, session: Session) -> None:
    access.require_facilitator(session, doing="add to escalation logs")
    if not text.strip():
        raise UserError("a log entry needs some text")
    if session.get(m.Escalation, escalation_id) is None:
        raise NotFound(f"no escalation with id {escalation_id}")
    session.add(
        m.EscalationLog(escalation_id=escalation_id, author=person_name(session), text=text.strip())
    )
    session.flush()


def _rows(session: Session, q: Select[m.Escalation, str, str]) -> list[EscalationRow]:
    out = []
    for e, vname, kname in session.execute(q):
        item = (
            f"KPI {kname}"
            if e.kpi_id is not None
            else _item_label(session, None, e.action_id, e.plan_id)
        )
        out.append(
            EscalationRow(
                e.id,
                e.vendor_id,
                vname,
                e.level,
                e.reason,
                e.status,
                e.raised_at,
                e.raised_by,
                e.kpi_id,
                e.action_id,
                e.plan_id,
                item,
            )
        )
    return out


def _base() -> Select[m.Escalation, str, str]:
    return (
        select(m.Escalation, col(m.Vendor.name), col(m.Kpi.name))
        .join(m.Vendor, col(m.Vendor.id) == m.Escalation.vendor_id)
        .outerjoin(m.Kpi, col(m.Kpi.id) == m.Escalation.kpi_id)
    )


def list_escalations(
    *, session: Session, vendor_id: int | None = None, active_only: bool = False
) -> list[EscalationRow]:
    """Escalations, the newest first (``active_only``: open or acknowledged)."""
    q = _base().order_by(col(m.Escalation.raised_at).desc(), col(m.Escalation.id).desc())
    if vendor_id is not None:
        q = q.where(col(m.Escalation.vendor_id) == vendor_id)
    if active_only:
        q = q.where(col(m.Escalation.status).in_(rules.ACTIVE))
    return _rows(session, access.scoped(q, col(m.Escalation.vendor_id), session=session))


def get_escalation(escalation_id: int, *, session: Session) -> EscalationDetail:
    q = access.scoped(
        _base().where(col(m.Escalation.id) == escalation_id),
        col(m.Escalation.vendor_id),
        session=session,
    )
    rows = _rows(session, q)
    if not rows:
        raise NotFound(f"no escalation with id {escalation_id}")
    row = rows[0]
    step = next((s for s in ladder(row.vendor_id, session=session) if s.level == row.level), None)
    log = tuple(
        LogRow(x.at, x.author, x.status, x.text)
        for x in session.scalars(
            select(m.EscalationLog)
            .where(col(m.EscalationLog.escalation_id) == escalation_id)
            .order_by(col(m.EscalationLog.at), col(m.EscalationLog.id))
        )
    )
    return EscalationDetail(row, step, log)


# --- rules --------------------------------------------------------------------------------


def suggestions(
    *,
    session: Session,
    vendor_id: int | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
    today: date | None = None,
) -> list[VendorSuggestion]:
    """What the rules suggest escalating, vendor by vendor (by name)."""
    from reviewtui.db import scorecards

    settings = settings or Settings()
    now = now or clock.now()
    today = today or clock.today()
    scope = access.scope_vendor_ids(session)
    ids = [vendor_id] if vendor_id is not None else (sorted(scope) if scope is not None else None)
    if vendor_id is not None:
        access.require_visible(vendor_id, session=session)
    cards = scorecards.portfolio(session=session, settings=settings, vendor_ids=ids)

    late_before = today - timedelta(days=settings.overdue_escalation_days)
    late_q = select(
        col(m.Action.vendor_id), col(m.Action.id), col(m.Action.title), col(m.Action.due_date)
    ).where(
        col(m.Action.status).in_(enums.OPEN_ACTION_STATUSES), col(m.Action.due_date) < late_before
    )
    failed_q = (
        select(
            col(m.ActionPlan.vendor_id), col(m.ActionPlan.id), col(m.ActionPlan.title), func.count()
        )
        .join(m.Verification, col(m.Verification.plan_id) == m.ActionPlan.id)
        .where(col(m.Verification.outcome) == "not_confirmed", col(m.ActionPlan.status) != "closed")
        .group_by(col(m.ActionPlan.vendor_id), col(m.ActionPlan.id), col(m.ActionPlan.title))
        .having(func.count() >= rules.NOT_CONFIRMED_LIMIT)
    )
    raised_q = select(m.Escalation)
    steps_q = select(m.EscalationStep)
    if vendor_id is not None:
        late_q = late_q.where(col(m.Action.vendor_id) == vendor_id)
        failed_q = failed_q.where(col(m.ActionPlan.vendor_id) == vendor_id)
        raised_q = raised_q.where(col(m.Escalation.vendor_id) == vendor_id)
        steps_q = steps_q.where(col(m.EscalationStep.vendor_id) == vendor_id)

    late: dict[int, list[rules.LateAction]] = {}
    for vid, aid, title, due in session.execute(late_q):
        late.setdefault(vid, []).append(rules.LateAction(aid, title, (today - due).days))
    failed: dict[int, list[rules.FailedPlan]] = {}
    for vid, pid, title, n in session.execute(failed_q):
        failed.setdefault(vid, []).append(rules.FailedPlan(pid, title, int(n)))
    raised: dict[int, list[rules.Raised]] = {}
    for e in session.scalars(raised_q):
        raised.setdefault(e.vendor_id, []).append(
            rules.Raised(e.id, e.level, e.status, e.raised_at, e.kpi_id, e.action_id, e.plan_id)
        )
    hours: dict[int, dict[int, int]] = {}
    for s in session.scalars(steps_q):
        hours.setdefault(s.vendor_id, {})[s.level] = s.response_hours

    out: list[VendorSuggestion] = []
    for card in cards:
        vid = card.vendor_id
        found = rules.suggest(
            flagged_kpis=[
                rules.FlaggedKpi(k.kpi_id, k.kpi, k.consecutive_misses)
                for k in card.kpis
                if k.escalate
            ],
            late_actions=sorted(late.get(vid, []), key=lambda a: -a.days_overdue),
            failed_plans=failed.get(vid, []),
            raised=raised.get(vid, []),
            response_hours=hours.get(vid, {}),
            overdue_days=settings.overdue_escalation_days,
            now=now,
        )
        if not found:
            continue
        steps = {s.level: s for s in ladder(vid, session=session)}
        kpi_names = {k.kpi_id: k.kpi for k in card.kpis}
        for sg in found:
            item = sg.item()
            if sg.kpi_id is not None and sg.kpi_id in kpi_names:
                item = f"KPI {kpi_names[sg.kpi_id]}"
            out.append(VendorSuggestion(vid, card.vendor, sg, steps.get(sg.level), item))
    return out


def contract_review_vendor_ids(*, session: Session, settings: Settings | None = None) -> list[int]:
    """Vendors with two or more KPIs flagged ``escalate`` at once: up for contract review."""
    from reviewtui.db import scorecards

    scope = access.scope_vendor_ids(session)
    cards = scorecards.portfolio(
        session=session,
        settings=settings or Settings(),
        vendor_ids=sorted(scope) if scope is not None else None,
    )
    return [
        c.vendor_id
        for c in cards
        if rules.needs_contract_review(sum(1 for k in c.kpis if k.escalate))
    ]


def sync_contract_review(
    *, session: Session, settings: Settings | None = None
) -> list[tuple[int, str, bool]]:
    """Set ``Vendor.contract_review`` from the rule (on for the vendors it names, off for the
    rest); returns the vendors whose mark changed: (id, name, marked)."""
    access.require_facilitator(session, doing="mark vendors for contract review")
    marked = set(contract_review_vendor_ids(session=session, settings=settings))
    changed = []
    for v in session.scalars(select(m.Vendor).order_by(col(m.Vendor.name))):
        want = v.id in marked
        if v.contract_review != want:
            v.contract_review = want
            v.version += 1
            changed.append((v.id, v.name, want))
    session.flush()
    return changed

"""Audits and site visits with their findings; a finding raises a corrective action plan in one
step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import models as m
from reviewtui.db import plans as plan_q
from reviewtui.db.errors import NotFound, UserError
from reviewtui.domain import clock, enums
from reviewtui.views.audits import AuditDetail, AuditRow, FindingRow


@dataclass(frozen=True)
class FindingDraft:
    severity: str
    title: str
    description: str = ""


_SEVERITY_ORDER = {s: i for i, s in enumerate(enums.FINDING_SEVERITIES)}


def _check(value: str, allowed: Sequence[str], what: str, blank_ok: bool = False) -> str:
    v = value.strip().lower().replace(" ", "_")
    if blank_ok and not v:
        return v
    if v not in allowed:
        raise UserError(f"{what} {value!r}: use one of {', '.join(allowed)}")
    return v


def create_audit(
    vendor_id: int,
    *,
    session: Session,
    on: date,
    type: str,
    auditor: str = "",
    scope: str = "",
    result: str = "",
    notes: str = "",
    findings: Sequence[FindingDraft] = (),
) -> int:
    """Record an audit or site visit with its findings (all or nothing)."""
    access.require_facilitator(session, doing="record audits")
    if session.get(m.Vendor, vendor_id) is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    if on > clock.today():
        raise UserError(f"audit date {on.isoformat()} is in the future: record audits once done")
    a = m.Audit(
        vendor_id=vendor_id,
        date=on,
        type=_check(type, enums.AUDIT_TYPES, "audit type"),
        auditor=auditor.strip(),
        scope=scope.strip(),
        result=_check(result, enums.AUDIT_RESULTS, "result", blank_ok=True),
        notes=notes.strip(),
    )
    session.add(a)
    session.flush()
    for i, f in enumerate(findings, start=1):
        try:
            add_finding(a.id, f.severity, f.title, f.description, session=session)
        except UserError as exc:
            raise UserError(f"finding {i}: {exc}") from exc
    return a.id


def add_finding(
    audit_id: int, severity: str, title: str, description: str = "", *, session: Session
) -> int:
    access.require_facilitator(session, doing="record findings")
    if session.get(m.Audit, audit_id) is None:
        raise NotFound(f"no audit with id {audit_id}")
    if not title.strip():
        raise UserError("a finding needs a title")
    f = m.Finding(
        audit_id=audit_id,
        severity=_check(severity, enums.FINDING_SEVERITIES, "severity"),
        title=title.strip(),
        description=description.strip(),
    )
    session.add(f)
    session.flush()
    return f.id


def list_audits(*, session: Session, vendor_id: int | None = None) -> list[AuditRow]:
    """Audits, the latest first, with counts of findings by severity."""
    planned = select(col(m.ActionPlan.finding_id)).where(col(m.ActionPlan.finding_id).is_not(None))
    serious = col(m.Finding.severity).in_(("critical", "major"))
    counts = (
        select(
            col(m.Finding.audit_id).label("aid"),
            func.count().label("n"),
            func.sum(case((col(m.Finding.severity) == "critical", 1), else_=0)).label("crit"),
            func.sum(case((col(m.Finding.severity) == "major", 1), else_=0)).label("major"),
            func.sum(case((serious & col(m.Finding.id).not_in(planned), 1), else_=0)).label("bare"),
        )
        .group_by(col(m.Finding.audit_id))
        .subquery()
    )
    q = (
        select(
            m.Audit,
            col(m.Vendor.name),
            func.coalesce(counts.c.n, 0),
            func.coalesce(counts.c.crit, 0),
            func.coalesce(counts.c.major, 0),
            func.coalesce(counts.c.bare, 0),
        )
        .join(m.Vendor, col(m.Vendor.id) == m.Audit.vendor_id)
        .outerjoin(counts, counts.c.aid == col(m.Audit.id))
        .order_by(col(m.Audit.date).desc(), col(m.Audit.id).desc())
    )
    if vendor_id is not None:
        q = q.where(col(m.Audit.vendor_id) == vendor_id)
    q = access.scoped(q, col(m.Audit.vendor_id), session=session)
    return [
        AuditRow(
            a.id,
            a.vendor_id,
            name,
            a.date,
            a.type,
            a.auditor,
            a.result,
            int(n),
            int(crit),
            int(major),
            int(bare),
        )
        for a, name, n, crit, major, bare in session.execute(q)
    ]


def findings_of(audit_id: int, *, session: Session) -> tuple[FindingRow, ...]:
    """An audit's findings, the most severe first, each with the plan raised from it."""
    q = (
        select(m.Finding, col(m.ActionPlan.id), col(m.ActionPlan.status))
        .join(m.Audit, col(m.Audit.id) == m.Finding.audit_id)
        .outerjoin(m.ActionPlan, col(m.ActionPlan.finding_id) == m.Finding.id)
        .where(col(m.Finding.audit_id) == audit_id)
    )
    q = access.scoped(q, col(m.Audit.vendor_id), session=session)
    seen: dict[int, FindingRow] = {}
    for f, pid, pstatus in session.execute(q.order_by(col(m.ActionPlan.id).desc())):
        # Several plans for one finding: show the latest.
        if f.id not in seen:
            seen[f.id] = FindingRow(
                f.id, f.audit_id, f.severity, f.title, f.description, pid, pstatus
            )
    return tuple(sorted(seen.values(), key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.id)))


def get_audit(audit_id: int, *, session: Session) -> AuditDetail:
    a = session.get(m.Audit, audit_id)
    if a is None:
        raise NotFound(f"no audit with id {audit_id}")
    access.require_visible(a.vendor_id, session=session, what="audit", ident=audit_id)
    v = session.get(m.Vendor, a.vendor_id)
    return AuditDetail(
        a.id,
        a.vendor_id,
        v.name if v else "",
        a.date,
        a.type,
        a.auditor,
        a.scope,
        a.result,
        a.notes,
        findings_of(a.id, session=session),
    )


def raise_plan_from_finding(
    finding_id: int, *, session: Session, today: date | None = None
) -> tuple[int, bool]:
    """A corrective action plan for a finding, in one step: (plan id, whether it is new).

    A finding whose plan is still open gets that plan back rather than a second one.
    """
    access.require_facilitator(session, doing="raise plans")
    row = session.execute(
        select(m.Finding, m.Audit)
        .join(m.Audit, col(m.Audit.id) == m.Finding.audit_id)
        .where(col(m.Finding.id) == finding_id)
    ).first()
    if row is None:
        raise NotFound(f"no finding with id {finding_id}")
    f, a = row
    existing = session.scalar(
        select(col(m.ActionPlan.id))
        .where(col(m.ActionPlan.finding_id) == finding_id, col(m.ActionPlan.status) != "closed")
        .order_by(col(m.ActionPlan.id).desc())
    )
    if existing is not None:
        return existing, False
    by = f" by {a.auditor}" if a.auditor else ""
    problem = f"{f.severity.capitalize()} finding of the {enums.label(a.type)} on {a.date}{by}: {f.title}."
    if f.description:
        problem += f"\n{f.description}"
    plan_id = plan_q.create_plan(
        a.vendor_id,
        session=session,
        title=f.title,
        problem=problem,
        source="audit",
        finding_id=f.id,
        today=today,
    )
    return plan_id, True

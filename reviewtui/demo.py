"""Demo data that looks like the field (the field's numbers in ARCHITECTURE.md), seeded and dated relative to today.

Four vendors of different kinds, 15 months of measurements (some KPIs both vendor-reported and
independently measured), a mix of green, amber and red, past meetings with notes and outcomes,
open and overdue corrective actions, feedback both ways, one escalation and one site audit.
The same seed gives the same data; only the dates move with today.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypedDict

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import models as m
from reviewtui.domain import agenda, clock, periods

SEED = 2026
MONTHS = 15


@dataclass(frozen=True)
class KpiSpec:
    name: str
    unit: str
    direction: str
    target: float
    threshold: float | None
    weight: float
    category: str
    # value profile: start, end (linear drift), noise amplitude, decimals
    start: float
    end: float
    noise: float
    decimals: int = 1
    independent: bool = False  # also measured independently
    vendor_bias: float = 0.0  # vendor-reported minus independent, on average
    frequency: str = "monthly"


class VendorSpec(TypedDict):
    """One demo vendor: its record, contract, KPIs and contacts."""

    name: str
    service: str
    category: str
    criticality: str
    contract_years: tuple[int, int]  # contract start and end, in years from this one
    annual_contract_cost: float
    baseline_inhouse_cost: float
    kpis: list[KpiSpec]
    contacts: list[tuple[str, str, str, str, int]]  # side, name, organisation, role, level


VENDORS: list[VendorSpec] = [
    {
        "name": "Northwind Service Desk",
        "service": "24x7 IT service desk, 2nd-line support",
        "category": "it_service_desk",
        "criticality": "critical",
        "contract_years": (-2, 1),
        "annual_contract_cost": 1_240_000.0,
        "baseline_inhouse_cost": 1_650_000.0,
        "kpis": [
            KpiSpec(
                "SLA resolution",
                "%",
                "higher",
                95,
                90,
                30,
                "service",
                96.5,
                95.8,
                0.8,
                independent=True,
                vendor_bias=0.6,
            ),
            KpiSpec("Mean first response", "min", "lower", 15, 20, 20, "service", 12.5, 15.2, 1.0),
            KpiSpec("P1 incidents", "count", "lower", 2, 3, 20, "quality", 1, 1.5, 1.0, 0),
            KpiSpec("CSAT", "%", "higher", 85, 80, 30, "quality", 86, 88, 1.2),
        ],
        "contacts": [
            ("client", "Maria Jensen", "Contoso Group", "Head of IT Service Management", 2),
            ("client", "Tom Becker", "Contoso Group", "Service Delivery Manager", 1),
            ("client", "Elena Novak", "Contoso Group", "CIO", 3),
            ("vendor", "Raj Patel", "Northwind Services", "Account Manager", 1),
            ("vendor", "Sofia Lind", "Northwind Services", "Service Director", 2),
            ("vendor", "Daniel Wu", "Northwind Services", "Managing Director", 3),
        ],
    },
    {
        "name": "Bluebird Contact Centre",
        "service": "Inbound customer service, 3 languages",
        "category": "contact_centre",
        "criticality": "standard",
        "contract_years": (-1, 2),
        "annual_contract_cost": 2_100_000.0,
        "baseline_inhouse_cost": 2_480_000.0,
        "kpis": [
            KpiSpec(
                "Service level 80/20",
                "%",
                "higher",
                80,
                75,
                30,
                "service",
                83.5,
                80.5,
                1.5,
                independent=True,
                vendor_bias=1.5,
            ),
            KpiSpec(
                "Abandonment rate",
                "%",
                "lower",
                5,
                7,
                20,
                "service",
                4.2,
                6.1,
                0.5,
                independent=True,
                vendor_bias=-0.9,
            ),
            KpiSpec("Average handle time", "s", "lower", 360, 400, 15, "cost", 340, 356, 6, 0),
            KpiSpec("QA score", "%", "higher", 90, 85, 20, "quality", 92, 91.5, 1.0),
            KpiSpec("CSAT", "%", "higher", 85, 80, 15, "quality", 84, 86, 1.5),
        ],
        "contacts": [
            ("client", "Hannah Okafor", "Contoso Group", "Customer Operations Lead", 1),
            ("client", "Peter Graham", "Contoso Group", "VP Customer Experience", 2),
            ("vendor", "Lucia Romero", "Bluebird CX", "Client Partner", 1),
            ("vendor", "Ahmed Saleh", "Bluebird CX", "Operations Director", 2),
        ],
    },
    {
        "name": "Keystone Precision Manufacturing",
        "service": "CNC-machined housings and sub-assemblies",
        "category": "manufacturing",
        "criticality": "critical",
        "contract_years": (-3, 2),
        "annual_contract_cost": 4_800_000.0,
        "baseline_inhouse_cost": 5_300_000.0,
        "kpis": [
            KpiSpec(
                "OTIF",
                "%",
                "higher",
                97,
                95,
                25,
                "delivery",
                97.8,
                92.5,
                0.6,
                independent=True,
                vendor_bias=1.8,
            ),
            KpiSpec("Defect rate", "PPM", "lower", 500, 800, 25, "quality", 420, 690, 40, 0),
            KpiSpec("First-pass yield", "%", "higher", 98, 96, 20, "quality", 98.9, 98.3, 0.3),
            KpiSpec("PO acknowledgement", "h", "lower", 24, 48, 10, "delivery", 17, 22, 2, 0),
            KpiSpec(
                "Cost variance",
                "%",
                "lower",
                2,
                3,
                20,
                "cost",
                1.2,
                1.6,
                0.4,
                frequency="quarterly",
            ),
        ],
        "contacts": [
            ("client", "Jonas Weber", "Contoso Group", "Supplier Quality Engineer", 1),
            ("client", "Amara Diallo", "Contoso Group", "Procurement Manager", 2),
            ("client", "Elena Novak", "Contoso Group", "CIO", 3),
            ("vendor", "Mark Thompson", "Keystone Precision", "Key Account Manager", 1),
            ("vendor", "Yuki Tanaka", "Keystone Precision", "Plant Manager", 2),
            ("vendor", "Carlos Mendes", "Keystone Precision", "CEO", 3),
        ],
    },
    {
        "name": "Harbor Facilities",
        "service": "Office cleaning and facilities maintenance",
        "category": "other",
        "criticality": "low",
        "contract_years": (-1, 1),
        "annual_contract_cost": 310_000.0,
        "baseline_inhouse_cost": 355_000.0,
        "kpis": [
            KpiSpec(
                "Work orders closed on time",
                "%",
                "higher",
                92,
                88,
                50,
                "service",
                93,
                94,
                1.0,
                frequency="quarterly",
            ),
            KpiSpec(
                "Audit score",
                "%",
                "higher",
                85,
                80,
                50,
                "quality",
                88,
                87,
                1.5,
                frequency="quarterly",
            ),
        ],
        "contacts": [
            ("client", "Grace Kim", "Contoso Group", "Workplace Manager", 1),
            ("vendor", "Owen Price", "Harbor Facilities", "Contract Manager", 1),
        ],
    },
]


def _value(spec: KpiSpec, i: int, n: int, rng: random.Random) -> float:
    frac = i / max(n - 1, 1)
    v = spec.start + (spec.end - spec.start) * frac + rng.uniform(-spec.noise, spec.noise)
    if spec.unit == "%":
        v = min(v, 100.0)
    v = max(v, 0.0)
    return round(v, spec.decimals)


def _at(d: date, hh: int, mm: int = 0) -> datetime:
    return clock.aware(datetime.combine(d, time(hh, mm)))


def seed(session: Session, today: date | None = None) -> dict[str, int]:
    """Fill an empty database with the demo data; returns counts of what was made."""
    today = today or clock.today()
    rng = random.Random(SEED)
    session.info["no_changelog"] = True
    user = session.info.get("user") or "demo"
    last_month = periods.period_of(today.replace(day=1) - timedelta(days=1), "monthly")
    counts = {"vendors": 0, "kpis": 0, "measurements": 0, "meetings": 0, "actions": 0}

    for spec in VENDORS:
        start_y, end_y = spec["contract_years"]
        v = m.Vendor(
            name=spec["name"],
            service=spec["service"],
            category=spec["category"],
            criticality=spec["criticality"],
            contract_start=date(today.year + start_y, 1, 1),
            contract_end=date(today.year + end_y, 12, 31),
            annual_contract_cost=spec["annual_contract_cost"],
            baseline_inhouse_cost=spec["baseline_inhouse_cost"],
        )
        session.add(v)
        session.flush()
        counts["vendors"] += 1
        contacts: dict[str, m.Contact] = {}
        for side, name, org, role, level in spec["contacts"]:
            c = m.Contact(
                vendor_id=v.id,
                side=side,
                name=name,
                organisation=org,
                role=role,
                email=name.lower().replace(" ", ".")
                + ("@contoso.example" if side == "client" else "@vendor.example"),
                escalation_level=level,
            )
            session.add(c)
            contacts[name] = c
        session.flush()
        for level in (1, 2, 3):
            client = next(
                (
                    c
                    for c in contacts.values()
                    if c.side == "client" and c.escalation_level == level
                ),
                None,
            )
            vend = next(
                (
                    c
                    for c in contacts.values()
                    if c.side == "vendor" and c.escalation_level == level
                ),
                None,
            )
            if client or vend:
                session.add(
                    m.EscalationStep(
                        vendor_id=v.id,
                        level=level,
                        response_hours={1: 24, 2: 48, 3: 72}[level],
                        client_contact_id=client.id if client else None,
                        vendor_contact_id=vend.id if vend else None,
                    )
                )
        kpis: dict[str, m.Kpi] = {}
        for ks in spec["kpis"]:
            k = m.Kpi(
                vendor_id=v.id,
                name=ks.name,
                unit=ks.unit,
                direction=ks.direction,
                target=ks.target,
                threshold=ks.threshold,
                weight=ks.weight,
                frequency=ks.frequency,
                category=ks.category,
            )
            session.add(k)
            session.flush()
            kpis[ks.name] = k
            counts["kpis"] += 1
            if ks.frequency == "monthly":
                keys = periods.last_n(last_month, MONTHS)
            else:
                last_q = periods.period_of(periods.start_of(last_month), "quarterly")
                if periods.end_of(last_q) >= today:
                    last_q = periods.shift(last_q, -1)
                keys = periods.last_n(last_q, MONTHS // 3)
            for i, key in enumerate(keys):
                independent = _value(ks, i, len(keys), rng)
                rows = []
                if ks.independent:
                    vendor_val = round(
                        independent + ks.vendor_bias + rng.uniform(-0.2, 0.2), ks.decimals
                    )
                    if ks.unit == "%":
                        vendor_val = min(vendor_val, 100.0)
                    rows = [("vendor", vendor_val), ("independent", independent)]
                else:
                    rows = [("vendor", independent)]
                for source, value in rows:
                    session.add(
                        m.Measurement(
                            kpi_id=k.id,
                            period=key,
                            value=value,
                            source=source,
                            recorded_at=_at(periods.end_of(key) + timedelta(days=3), 9),
                            recorded_by=user,
                        )
                    )
                    counts["measurements"] += 1
        session.flush()
        _seed_meetings(session, v, contacts, kpis, today, rng, counts, user)
    _seed_keystone_extras(session, today, user)
    session.flush()
    # Planned reviews get the default agenda `reviewtui meetings new` gives (actions, KPIs due).
    from reviewtui.db.meetings import add_default_agenda

    for mt in session.scalars(select(m.Meeting).where(col(m.Meeting.status) == "planned")).all():
        add_default_agenda(mt.id, session=session)
    _sign_demo_minutes(session)
    session.info["no_changelog"] = False
    return counts


def _seed_meetings(
    session: Session,
    v: m.Vendor,
    contacts: dict[str, m.Contact],
    kpis: dict[str, m.Kpi],
    today: date,
    rng: random.Random,
    counts: dict[str, int],
    user: str,
) -> None:
    months = {"critical": 1, "standard": 3, "low": 6}[v.criticality]
    meeting_type = "monthly" if months == 1 else "qbr"
    client = [c for c in contacts.values() if c.side == "client"]
    vendor = [c for c in contacts.values() if c.side == "vendor"]
    past: list[m.Meeting] = []
    # Past reviews on the cadence, the most recent one cadence-ago-ish, plus one planned.
    for n in (3, 2, 1):
        day = today - relativedelta(months=months * n) + timedelta(days=rng.randint(-4, 4))
        ended = _at(day, 10, 58)
        mt = m.Meeting(
            vendor_id=v.id,
            type=meeting_type,
            title=f"{'Monthly service review' if meeting_type == 'monthly' else 'Quarterly business review'}",
            scheduled_at=_at(day, 10),
            started_at=_at(day, 10, 2),
            ended_at=ended,
            status="ended",
            facilitator=client[0].name if client else user,
            location="Teams / Room 4.12",
            period=periods.period_of(day.replace(day=1) - timedelta(days=1), "monthly"),
        )
        session.add(mt)
        session.flush()
        past.append(mt)
        counts["meetings"] += 1
        for c in client[:2] + vendor[:2]:
            status = "present" if rng.random() > 0.15 else "apologies"
            session.add(
                m.Attendance(
                    meeting_id=mt.id,
                    contact_id=c.id,
                    name=c.name,
                    organisation=c.organisation,
                    role=c.role,
                    side=c.side,
                    status=status,
                )
            )
        # Six draws per meeting whatever the template: keeps the demo's later dates stable.
        jitter = [rng.randint(-90, 120) for _ in range(6)]
        for pos, t in enumerate(agenda.template(meeting_type), start=1):
            kind, box = t.kind, t.timebox_minutes
            item = m.AgendaItem(
                meeting_id=mt.id,
                position=pos,
                title=t.title,
                kind=kind,
                timebox_minutes=box,
                elapsed_seconds=max(30, box * 60 + jitter[(pos - 1) % 6]),
                notes=_notes(kind, v.name, rng),
                notes_version=1,
                notes_updated_by=user,
                notes_updated_at=ended,
            )
            session.add(item)
            session.flush()
            if kind == "kpi_review":
                session.add(
                    m.Outcome(
                        agenda_item_id=item.id,
                        kind="information",
                        text="Scorecard walked through; vendor agreed the figures.",
                        created_by=user,
                        created_at=ended,
                    )
                )
            if kind == "aob" and n == 1:
                session.add(
                    m.Outcome(
                        agenda_item_id=item.id,
                        kind="decision",
                        text="Move the next review to the first Tuesday of the month.",
                        created_by=user,
                        created_at=ended,
                    )
                )
        # Actions raised in each past meeting: older ones done, recent ones open or overdue.
        owner = vendor[0] if vendor else None
        for j in range(2):
            due = mt.scheduled_at.date() + timedelta(days=14 + 7 * j)
            closed = ended + timedelta(days=10)
            status = "done" if n == 3 or (n == 2 and j == 0) else ("in_progress" if j else "open")
            act = m.Action(
                vendor_id=v.id,
                meeting_id=mt.id,
                title=_action_title(v.category, j, n),
                owner_contact_id=owner.id if owner else None,
                owner=owner.name if owner else "",
                due_date=due,
                priority=("high" if j == 0 else "medium"),
                status=status,
                created_at=ended,
                closed_at=closed if status == "done" else None,
            )
            session.add(act)
            session.flush()
            counts["actions"] += 1
            session.add(
                m.ActionNote(
                    action_id=act.id,
                    meeting_id=mt.id,
                    at=ended,
                    author=user,
                    text="Raised in the review.",
                    status_to="open",
                )
            )
            if status == "in_progress":
                # Every status change is a transition: the minutes rebuild statuses from them.
                session.add(
                    m.ActionNote(
                        action_id=act.id,
                        at=ended + timedelta(days=5),
                        author=user,
                        text="Work started.",
                        status_from="open",
                        status_to="in_progress",
                    )
                )
            if status == "done":
                session.add(
                    m.ActionNote(
                        action_id=act.id,
                        at=closed,
                        author=user,
                        text="Completed and evidence shared.",
                        status_from="open",
                        status_to="done",
                    )
                )
        fb = [
            ("client_to_vendor", "achievement", 4, "Quick recovery after the network outage."),
            (
                "vendor_to_client",
                "improvement",
                3,
                "Change requests arrive with short notice; "
                "two weeks' lead time would help staffing.",
            ),
            ("client_to_vendor", "concern", 2, "Reports arrive late in the month."),
            ("vendor_to_client", "recognition", 5, "Thanks for the joint root-cause workshop."),
        ]
        for direction, cat, rating, text in rng.sample(fb, 2):
            session.add(
                m.Feedback(
                    vendor_id=v.id,
                    meeting_id=mt.id,
                    direction=direction,
                    category=cat,
                    rating=rating,
                    text=text,
                    author=user,
                    created_at=ended,
                )
            )
    # The next review, planned.
    nxt = past[-1].scheduled_at + relativedelta(months=months)
    if nxt.date() <= today:
        nxt = _at(today + timedelta(days=3 + rng.randint(0, 5)), 10)
    planned = m.Meeting(
        vendor_id=v.id,
        type=meeting_type,
        title="Monthly service review"
        if meeting_type == "monthly"
        else "Quarterly business review",
        scheduled_at=nxt,
        status="planned",
        location="Teams / Room 4.12",
        facilitator=client[0].name if client else user,
    )
    session.add(planned)
    counts["meetings"] += 1
    # The second-to-last review of the first vendor is signed off by both sides (see
    # _sign_demo_minutes, run once everything the minutes show exists).
    if v.name == "Northwind Service Desk":
        session.info.setdefault("demo_signoffs", []).append(
            (past[1].id, past[1].ended_at, client[0], vendor[0])
        )


def _sign_demo_minutes(session: Session) -> None:
    """Sign the demo's signed-off meeting through the real sign-off path, so that it verifies."""
    from reviewtui.db.signoff import record_signoff

    for meeting_id, ended_at, client, vendor in session.info.pop("demo_signoffs", []):
        for contact, method, delay in ((client, "in_meeting", 0), (vendor, "written", 2)):
            record_signoff(
                meeting_id,
                session=session,
                name=contact.name,
                organisation=contact.organisation,
                role=contact.role,
                side=contact.side,
                method=method,
                signed_at=ended_at + timedelta(days=delay, minutes=1),
            )


def _seed_keystone_extras(session: Session, today: date, user: str) -> None:
    from sqlalchemy import select

    v = session.scalar(
        select(m.Vendor).where(col(m.Vendor.name) == "Keystone Precision Manufacturing")
    )
    assert v is not None  # seeded from VENDORS just before
    otif = session.scalar(
        select(m.Kpi).where(col(m.Kpi.vendor_id) == v.id, col(m.Kpi.name) == "OTIF")
    )
    owner = session.scalar(
        select(m.Contact).where(
            col(m.Contact.vendor_id) == v.id, col(m.Contact.name) == "Yuki Tanaka"
        )
    )
    assert otif is not None and owner is not None
    raised = today - timedelta(days=50)
    plan = m.ActionPlan(
        vendor_id=v.id,
        title="OTIF below target since summer",
        source="kpi",
        kpi_id=otif.id,
        problem="On-time-in-full fell from 97.8% to about 93% over four months; late shipments "
        "of housing H-220 stopped the client's assembly line twice.",
        whys=json.dumps(
            [
                "Shipments of H-220 left the plant late.",
                "Final inspection was a bottleneck on the late shift.",
                "One of two CMM machines was down for 3 weeks.",
                "No spare probe heads were held on site.",
                "Critical spares list not reviewed since the line was moved.",
            ]
        ),
        root_cause="Critical spares list out of date after the line relocation.",
        root_cause_category="maintenance",
        containment="100% of H-220 shipped by express freight until OTIF recovers.",
        status="open",
        raised_on=raised,
        verification_due=raised + timedelta(days=60),
        created_by=user,
    )
    session.add(plan)
    session.flush()
    for title, due, status in [
        (
            "Review and restock critical spares for both CMM machines",
            raised + timedelta(days=14),
            "done",
        ),
        ("Add a second inspection shift for H-220", raised + timedelta(days=30), "in_progress"),
        ("Weekly OTIF report by part number to the client", today + timedelta(days=10), "open"),
    ]:
        a = m.Action(
            vendor_id=v.id,
            plan_id=plan.id,
            title=title,
            owner_contact_id=owner.id,
            owner=owner.name,
            due_date=due,
            priority="high",
            status=status,
            created_at=clock.aware(datetime.combine(raised, time(11))),
        )
        if status == "done":
            a.closed_at = a.created_at + timedelta(days=12)
        session.add(a)
        session.flush()
        # The opening note and every status change since, as the app records them.
        session.add(
            m.ActionNote(
                action_id=a.id,
                at=a.created_at,
                author=user,
                text=f"Raised with the plan: {plan.title}.",
                status_to="open",
            )
        )
        if status != "open":
            session.add(
                m.ActionNote(
                    action_id=a.id,
                    at=a.closed_at or a.created_at + timedelta(days=20),
                    author=user,
                    text="Spares restocked; list reviewed with maintenance."
                    if status == "done"
                    else "Second shift recruiting; first week staffed.",
                    status_from="open",
                    status_to=status,
                )
            )
    session.flush()
    esc = m.Escalation(
        vendor_id=v.id,
        level=2,
        kpi_id=otif.id,
        plan_id=plan.id,
        reason="OTIF red for three consecutive months; line stoppages at client.",
        status="acknowledged",
        raised_by=user,
        raised_at=clock.aware(datetime.combine(today - timedelta(days=20), time(9))),
    )
    session.add(esc)
    session.flush()
    session.add(
        m.EscalationLog(
            escalation_id=esc.id,
            at=esc.raised_at,
            author=user,
            status="open",
            text="Raised to level 2: Amara Diallo / Yuki Tanaka.",
        )
    )
    session.add(
        m.EscalationLog(
            escalation_id=esc.id,
            at=esc.raised_at + timedelta(days=1),
            author=user,
            status="acknowledged",
            text="Plant manager acknowledged; recovery plan promised.",
        )
    )
    audit = m.Audit(
        vendor_id=v.id,
        date=today - timedelta(days=75),
        type="site_visit",
        auditor="Jonas Weber",
        scope="Final inspection, calibration records, spares management, ESD controls.",
        result="conditional",
        notes="Good housekeeping; calibration records complete.",
    )
    session.add(audit)
    session.flush()
    for sev, title in [
        ("major", "Critical spares list not maintained since line relocation"),
        ("minor", "Two gauges past calibration date in goods-in"),
        ("observation", "Operators' ESD wrist strap checks not logged on night shift"),
    ]:
        session.add(m.Finding(audit_id=audit.id, severity=sev, title=title))
    session.flush()


def _notes(kind: str, vendor: str, rng: random.Random) -> str:
    texts = {
        "minutes_ack": "Previous minutes accepted without changes.",
        "kpi_review": f"{vendor} walked through the scorecard. Misses discussed; the vendor "
        "explained the causes and committed to the actions below.",
        "actions": "Open actions reviewed one by one; owners confirmed dates.",
        "feedback": "Both sides shared feedback; see the feedback section.",
        "aob": "No other business.",
        "next_meeting": "Next review confirmed.",
    }
    return texts.get(kind, "")


def _action_title(category: str, j: int, n: int) -> str:
    titles = {
        "it_service_desk": [
            "Publish knowledge articles for top 10 ticket types",
            "Add weekend shift cover for P1 response",
        ],
        "contact_centre": [
            "Recalibrate forecasting for Monday peaks",
            "Coach agents on first-contact resolution",
        ],
        "manufacturing": [
            "Send corrective action report for lot 2231",
            "Update control plan for H-220 deburring",
        ],
        "other": ["Share monthly work-order backlog report", "Replace floor cleaning schedule"],
    }[category]
    suffix = {3: " (round 1)", 2: " (round 2)", 1: ""}[n]
    return titles[j] + suffix

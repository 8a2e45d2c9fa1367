"""The portfolio dashboard: every vendor's score and status with its actions and reviews.

Action counts and review dates come from grouped SQL (:func:`reviewtui.db.vendors.list_vendors`);
scores come from :func:`reviewtui.db.scorecards.portfolio`, which loads only the few latest
periods of each KPI that the rules need.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from reviewtui.config import Settings
from reviewtui.db import scorecards, vendors
from reviewtui.domain import clock
from reviewtui.domain import scorecard as rules
from reviewtui.domain.portfolio import PortfolioRow, WorstKpi, attention_key

__all__ = ["PortfolioRow", "WorstKpi", "attention_key", "portfolio_overview"]


def portfolio_overview(
    *,
    session: Session,
    settings: Settings | None = None,
    period: str | None = None,
    only_vendor: str | None = None,
    today: date | None = None,
    worst: int = 3,
) -> list[PortfolioRow]:
    """Every vendor (or the one a restricted session may see), attention first."""
    settings = settings or Settings()
    today = today or clock.today()
    base = vendors.list_vendors(
        session=session,
        only_vendor=only_vendor,
        cadence_defaults=settings.cadence_months,
        today=today,
    )
    cards = {
        c.vendor_id: c
        for c in scorecards.portfolio(
            session=session,
            period=period,
            settings=settings,
            vendor_ids=[v.id for v in base] if only_vendor is not None else None,
            # Enough periods to see an escalation; how long a run beyond that is the rows
            # never show (at 500 vendors the exact counts cost a second of full history).
            history=max(2, settings.escalate_after_misses),
            exact_misses=False,
        )
    }
    rows = []
    for v in base:
        card = cards.get(v.id)
        kpis = card.kpis if card else ()
        counts = {s: 0 for s in rules.STATUS_RANK}
        for k in kpis:
            counts[k.status] += 1
        off = sorted(
            (k for k in kpis if k.status in (rules.RED, rules.AMBER)),
            key=lambda k: (rules.STATUS_RANK[k.status], k.attainment or 0.0, k.kpi),
        )
        rows.append(
            PortfolioRow(
                vendor_id=v.id,
                name=v.name,
                category=v.category,
                criticality=v.criticality,
                score=card.score if card else None,
                status=card.status if card else rules.NO_DATA,
                red=counts[rules.RED],
                amber=counts[rules.AMBER],
                green=counts[rules.GREEN],
                no_data=counts[rules.NO_DATA],
                escalate=sum(1 for k in kpis if k.escalate),
                discrepancies=sum(1 for k in kpis if k.discrepancy),
                worst=tuple(WorstKpi(k.kpi_id, k.kpi, k.status, k.attainment) for k in off[:worst]),
                open_actions=v.open_actions,
                overdue_actions=v.overdue_actions,
                last_review=v.last_review,
                next_review_due=v.next_review_due,
                review_overdue=v.next_review_due < today,
                contract_review=v.contract_review,
            )
        )
    rows.sort(key=attention_key)
    return rows

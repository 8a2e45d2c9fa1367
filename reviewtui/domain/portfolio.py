"""The dashboard's rows and their order: plain data, importable without the data layer.

:func:`reviewtui.db.portfolio.portfolio_overview` builds them; the TUI's start-up prefetch
(:mod:`reviewtui.prefetch`) hands them across a pipe to a process that has not imported
SQLAlchemy yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reviewtui.domain import scorecard as rules


@dataclass(frozen=True)
class WorstKpi:
    """A KPI off target, for the dashboard's 'worst KPIs' column."""

    kpi_id: int
    name: str
    status: str
    attainment: float | None


@dataclass(frozen=True)
class PortfolioRow:
    """One vendor on the dashboard."""

    vendor_id: int
    name: str
    category: str
    criticality: str
    score: float | None
    status: str
    red: int
    amber: int
    green: int
    no_data: int
    escalate: int
    discrepancies: int
    worst: tuple[WorstKpi, ...]
    open_actions: int
    overdue_actions: int
    last_review: date | None
    next_review_due: date
    review_overdue: bool
    contract_review: bool


def attention_key(row: PortfolioRow) -> tuple:
    """The dashboard's order (docs/scorecard.md): vendors that need attention first.

    1. vendor status: red, amber, no data, green;
    2. more KPIs to escalate (3 misses in a row) first;
    3. more overdue actions first;
    4. the review due soonest (overdue ones first);
    5. the lower score first; then by name.
    """
    return (
        rules.STATUS_RANK[row.status],
        -row.escalate,
        -row.overdue_actions,
        row.next_review_due,
        row.score if row.score is not None else -1.0,
        row.name.lower(),
    )

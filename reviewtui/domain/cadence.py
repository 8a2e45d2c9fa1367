"""Review cadence: how often a vendor is reviewed, and when the next review is due."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

#: Default months between reviews by criticality (the field, in ARCHITECTURE.md: critical monthly,
#: standard quarterly, low risk twice a year). Overridable per vendor and in the configuration.
DEFAULT_CADENCE_MONTHS = {"critical": 1, "standard": 3, "low": 6}


def cadence_months(
    criticality: str, override: int | None = None, defaults: dict[str, int] | None = None
) -> int:
    """Months between reviews for a vendor."""
    if override:
        return override
    table = defaults or DEFAULT_CADENCE_MONTHS
    return table.get(criticality, table.get("standard", 3))


def next_review_due(last_review: date | None, months: int, today: date) -> date:
    """Last review + cadence; a vendor never reviewed is due today."""
    if last_review is None:
        return today
    return last_review + relativedelta(months=months)

"""Vendors and their contacts, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ContactRow:
    id: int
    side: str
    name: str
    organisation: str
    role: str
    email: str
    escalation_level: int | None


@dataclass(frozen=True)
class VendorDetail:
    """A vendor's profile with its contacts, for the vendor page."""

    id: int
    name: str
    service: str
    category: str
    criticality: str
    review_cadence_months: int | None
    contract_start: date | None
    contract_end: date | None
    annual_contract_cost: float | None
    baseline_inhouse_cost: float | None
    currency: str
    contract_review: bool
    contacts: tuple[ContactRow, ...]

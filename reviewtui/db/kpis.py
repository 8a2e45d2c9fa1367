"""KPI definitions and their measurements: read one, add, edit, delete, record a value."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reviewtui.db import models as m
from reviewtui.db.errors import NotFound, UserError
from reviewtui.domain import clock
from reviewtui.domain import kpi_fields as fields
from reviewtui.domain.kpi_fields import FieldError


@dataclass(frozen=True)
class KpiView:
    """A KPI definition as a form shows it."""

    id: int
    vendor_id: int
    vendor: str
    name: str
    unit: str
    direction: str
    target: float
    threshold: float | None
    weight: float
    frequency: str
    category: str
    description: str
    measurements: int


def get(kpi_id: int, *, session: Session) -> KpiView:
    row = session.execute(
        select(m.Kpi, m.Vendor.name)
        .join(m.Vendor, m.Vendor.id == m.Kpi.vendor_id)
        .where(m.Kpi.id == kpi_id)
    ).first()
    if row is None:
        raise NotFound(f"no KPI with id {kpi_id}")
    k, vendor = row
    n = session.scalar(
        select(func.count()).select_from(m.Measurement).where(m.Measurement.kpi_id == kpi_id)
    )
    return KpiView(
        k.id,
        k.vendor_id,
        vendor,
        k.name,
        k.unit,
        k.direction,
        k.target,
        k.threshold,
        k.weight,
        k.frequency,
        k.category,
        k.description,
        int(n or 0),
    )


def _check_frequency_change(kpi: m.Kpi, frequency: str, session: Session) -> None:
    if kpi.id is None or kpi.frequency == frequency:
        return
    n = session.scalar(
        select(func.count()).select_from(m.Measurement).where(m.Measurement.kpi_id == kpi.id)
    )
    if n:
        raise FieldError(
            "frequency",
            f"{kpi.name!r} has {n} {kpi.frequency} values; a KPI's frequency cannot change "
            "once it has values (add a new KPI instead)",
        )


def save(
    vendor_id: int,
    *,
    session: Session,
    kpi_id: int | None = None,
    name: str,
    unit: str = "",
    direction: str,
    target: str | float,
    threshold: str | float | None = None,
    weight: str | float | None = None,
    frequency: str | None = None,
    category: str | None = None,
    description: str = "",
) -> m.Kpi:
    """Add a KPI (``kpi_id`` None) or edit one; values as typed, checked like an import."""
    try:
        name = fields.text(name, "name", required=True)
        unit = fields.text(unit, "unit", max_length=40)
        direction_ = fields.direction(direction)
        target_ = fields.number(target, "target")
        threshold_ = fields.threshold(threshold, direction_, target_)
        weight_ = fields.weight(weight)
        frequency_ = fields.frequency(frequency)
        category_ = fields.category(category)
    except FieldError as exc:
        raise UserError(str(exc)) from None
    clash = session.scalar(
        select(m.Kpi.id).where(
            m.Kpi.vendor_id == vendor_id,
            func.lower(m.Kpi.name) == name.lower(),
            m.Kpi.id != (kpi_id or -1),
        )
    )
    if clash is not None:
        raise UserError(f"name: the vendor already has a KPI called {name!r}")
    if kpi_id is None:
        if session.get(m.Vendor, vendor_id) is None:
            raise NotFound(f"no vendor with id {vendor_id}")
        kpi = m.Kpi(vendor_id=vendor_id, name=name, target=target_)
        session.add(kpi)
    else:
        found = session.get(m.Kpi, kpi_id)
        if found is None or found.vendor_id != vendor_id:
            raise NotFound(f"no KPI with id {kpi_id} (it may have been deleted)")
        kpi = found
        try:
            _check_frequency_change(kpi, frequency_, session)
        except FieldError as exc:
            raise UserError(str(exc)) from None
    new = {
        "name": name,
        "unit": unit,
        "direction": direction_,
        "target": target_,
        "threshold": threshold_,
        "weight": weight_,
        "frequency": frequency_,
        "category": category_,
        "description": description,
    }
    changed = any(getattr(kpi, k) != v for k, v in new.items())
    for k, v in new.items():
        setattr(kpi, k, v)
    if kpi_id is not None and changed:
        kpi.version += 1
    session.flush()
    return kpi


def delete(kpi_id: int, *, session: Session) -> str:
    """Delete a KPI and its measurements; returns its name."""
    kpi = session.get(m.Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"no KPI with id {kpi_id} (it may have been deleted already)")
    name = kpi.name
    # Through the ORM, one by one, so the audit trail keeps every deleted value.
    for meas in session.scalars(select(m.Measurement).where(m.Measurement.kpi_id == kpi_id)):
        session.delete(meas)
    session.delete(kpi)
    session.flush()
    return name


def record(
    kpi_id: int,
    period: str,
    value: str | float,
    *,
    session: Session,
    source: str | None = None,
    note: str | None = None,
) -> str:
    """Enter a KPI's value for a period from a source; 'created', 'updated' or 'unchanged'."""
    kpi = session.get(m.Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"no KPI with id {kpi_id} (it may have been deleted)")
    try:
        key = fields.period(period, kpi.frequency)
        value_ = fields.number(value, "value")
        source_ = fields.source(source)
    except FieldError as exc:
        raise UserError(str(exc)) from None
    return upsert(kpi_id, key, value_, source_, note, session=session)


def upsert(
    kpi_id: int, period: str, value: float, source: str, note: str | None, *, session: Session
) -> str:
    """Write one checked value; ``note`` None keeps an existing note."""
    row = session.scalar(
        select(m.Measurement).where(
            m.Measurement.kpi_id == kpi_id,
            m.Measurement.period == period,
            m.Measurement.source == source,
        )
    )
    user = session.info.get("user", "")
    if row is None:
        session.add(
            m.Measurement(
                kpi_id=kpi_id,
                period=period,
                value=value,
                source=source,
                note=note or "",
                recorded_at=clock.now(),
                recorded_by=user,
            )
        )
        return "created"
    if row.value == value and (note is None or row.note == note):
        return "unchanged"
    row.value = value
    if note is not None:
        row.note = note
    row.recorded_at = clock.now()
    row.recorded_by = user
    return "updated"


def delete_value(kpi_id: int, period: str, source: str, *, session: Session) -> bool:
    """Remove one value; False when there was none."""
    row = session.scalar(
        select(m.Measurement).where(
            m.Measurement.kpi_id == kpi_id,
            m.Measurement.period == period,
            m.Measurement.source == source,
        )
    )
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True

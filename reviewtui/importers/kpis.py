"""``reviewtui import kpis FILE``: KPI definitions per vendor, from CSV or XLSX.

Columns: ``vendor,kpi,unit,direction,target,threshold,weight,frequency,category`` (``vendor``,
``kpi``, ``direction`` and ``target`` are required). A missing vendor is created; an existing KPI
(same vendor and name, any case) is updated. A column left out of the file keeps the stored
value; an empty cell means the default (no threshold, weight 1, monthly, service).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import models as m
from reviewtui.domain import kpi_fields as fields
from reviewtui.domain.kpi_fields import FieldError
from reviewtui.domain.text import fold
from reviewtui.importers.reader import (
    ImportFailed,
    Problem,
    ReadOptions,
    check_columns,
    read,
    row_shape,
)

REQUIRED = ("vendor", "kpi", "direction", "target")
OPTIONAL = ("unit", "threshold", "weight", "frequency", "category")


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, with --dry-run, would do)."""

    created: int
    updated: int
    unchanged: int
    vendors_created: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list, compare=False)  # warnings for the user

    def __str__(self) -> str:
        would = "would be " if self.dry_run else ""
        text = (
            f"{self.created} {would}created, {self.updated} {would}updated, "
            f"{self.unchanged} unchanged"
        )
        if self.vendors_created:
            text += f"; {self.vendors_created} new vendor{'s' if self.vendors_created > 1 else ''}"
        return text + (" (dry run: nothing written)" if self.dry_run else "")


def import_kpis(
    path: Path,
    *,
    session: Session,
    dry_run: bool = False,
    name: str | None = None,
    options: ReadOptions | None = None,
    stdin: Any = None,
) -> ImportSummary:
    """Check every row, then (unless ``dry_run``) write them all; ImportFailed lists the bad."""
    table = read(path, name, required=REQUIRED, options=options, stdin=stdin)
    problems = check_columns(table, REQUIRED, OPTIONAL)
    if problems:
        raise ImportFailed(table.file, problems, notes=table.notes)
    present = set(table.columns)
    decimal = table.options.decimal
    vendors = {
        fold(n): (i, n) for i, n in session.execute(select(col(m.Vendor.id), col(m.Vendor.name)))
    }
    seen: dict[tuple[str, str], int] = {}
    clean: list[tuple[int, dict[str, Any]]] = []
    for line, row in table.rows:
        bad = row_shape(table, line, row)
        out: dict[str, Any] = {}
        pct = str(row.get("unit") or "").strip() == "%"
        for column, parse in (
            ("vendor", lambda v: fields.text(v, "vendor", required=True)),
            ("kpi", lambda v: fields.text(v, "kpi", required=True)),
            ("unit", lambda v: fields.text(v, "unit", max_length=40)),
            ("direction", fields.direction),
            ("target", lambda v, p=pct: fields.number(v, "target", decimal=decimal, percent=p)),
            ("weight", lambda v: fields.weight(v, decimal=decimal)),
            ("frequency", fields.frequency),
            ("category", fields.category),
        ):
            if column not in present:
                continue
            try:
                out[column] = parse(row.get(column))
            except FieldError as exc:
                bad.append(Problem(table.file, line, exc.column, exc.message))
        if "threshold" in present and "direction" in out and "target" in out:
            try:
                out["threshold"] = fields.threshold(
                    row.get("threshold"),
                    out["direction"],
                    out["target"],
                    decimal=decimal,
                    percent=pct,
                )
            except FieldError as exc:
                bad.append(Problem(table.file, line, exc.column, exc.message))
        if "vendor" in out and "kpi" in out:
            key = (fold(out["vendor"]), fold(out["kpi"]))
            if key in seen:
                bad.append(
                    Problem(
                        table.file,
                        line,
                        "kpi",
                        f"{out['kpi']!r} of {out['vendor']!r} is repeated (first on line "
                        f"{seen[key]})",
                    )
                )
            else:
                seen[key] = line
        problems.extend(bad)
        if not bad:
            clean.append((line, out))
    # Existing KPIs of the vendors named, to tell new from changed and to check frequency.
    existing: dict[tuple[int, str], m.Kpi] = {}
    ids = [vendors[v][0] for v, _ in seen if v in vendors]
    if ids:
        for kpi in session.scalars(select(m.Kpi).where(col(m.Kpi.vendor_id).in_(ids))):
            existing[(kpi.vendor_id, fold(kpi.name))] = kpi
        counts = dict(
            session.execute(
                select(col(m.Measurement.kpi_id), func.count())
                .join(m.Kpi, col(m.Kpi.id) == m.Measurement.kpi_id)
                .where(col(m.Kpi.vendor_id).in_(ids))
                .group_by(col(m.Measurement.kpi_id))
            ).all()
        )
    else:
        counts = {}
    for line, out in clean:
        v = vendors.get(fold(out["vendor"]))
        k = existing.get((v[0], fold(out["kpi"]))) if v else None
        freq = out.get("frequency")
        if k is not None and freq is not None and freq != k.frequency and counts.get(k.id):
            problems.append(
                Problem(
                    table.file,
                    line,
                    "frequency",
                    f"{k.name!r} has {counts[k.id]} {k.frequency} values; a KPI's frequency "
                    "cannot change once it has values (add a new KPI instead)",
                )
            )
    if problems:
        raise ImportFailed(table.file, sorted(problems, key=lambda p: p.line), notes=table.notes)

    created = updated = unchanged = new_vendors = 0
    made: dict[str, int] = {}
    defaults = {
        "unit": "",
        "threshold": None,
        "weight": 1.0,
        "frequency": "monthly",
        "category": "service",
    }
    for _line, out in clean:
        vkey = fold(out["vendor"])
        v = vendors.get(vkey)
        if v is None and vkey not in made:
            new_vendors += 1
            if not dry_run:
                vendor = m.Vendor(name=out["vendor"])
                session.add(vendor)
                session.flush()
                made[vkey] = vendor.id
            else:
                made[vkey] = -new_vendors
        vid = v[0] if v else made[vkey]
        k = existing.get((vid, fold(out["kpi"])))
        values: dict[str, Any] = {
            "name": out["kpi"],
            **{
                c: out[c]
                for c in (
                    "unit",
                    "direction",
                    "target",
                    "threshold",
                    "weight",
                    "frequency",
                    "category",
                )
                if c in out
            },
        }
        if k is None:
            created += 1
            if not dry_run:
                new = {**defaults, **values}
                session.add(m.Kpi(vendor_id=vid, **new))
            continue
        if all(getattr(k, c) == val for c, val in values.items()):
            unchanged += 1
            continue
        updated += 1
        if not dry_run:
            for c, val in values.items():
                setattr(k, c, val)
            k.version += 1
    if not dry_run:
        session.flush()
    return ImportSummary(created, updated, unchanged, new_vendors, dry_run, notes=table.notes)

"""``reviewtui import measurements FILE``: KPI values per period, from CSV or XLSX.

Columns: ``vendor,kpi,period,value,source,note`` (``source`` defaults to ``vendor``; ``note`` is
optional). The period is normalised to the KPI's frequency (``2026-03-15`` is ``2026-03`` for a
monthly KPI and ``2026-Q1`` for a quarterly one); a quarter given for a monthly KPI is refused.
Re-importing the same vendor, KPI, period and source updates the value.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import kpis as kpi_q
from reviewtui.db import models as m
from reviewtui.domain import kpi_fields as fields
from reviewtui.domain.kpi_fields import FieldError
from reviewtui.domain.text import fold
from reviewtui.importers.kpis import ImportSummary
from reviewtui.importers.reader import (
    ImportFailed,
    Problem,
    ReadOptions,
    check_columns,
    read,
    row_shape,
)

T = TypeVar("T")

REQUIRED = ("vendor", "kpi", "period", "value")
OPTIONAL = ("source", "note")


def import_measurements(
    path: Path,
    *,
    session: Session,
    dry_run: bool = False,
    name: str | None = None,
    options: ReadOptions | None = None,
    stdin: Any = None,
    progress: Any = None,
) -> ImportSummary:
    """Check every row, then (unless ``dry_run``) write them all; ImportFailed lists the bad.

    The rows are written in short batches (see :func:`reviewtui.db.kpis.write_values`), each
    its own transaction: a meeting's note saves go in between. ``progress(done, total)``.
    """
    if not dry_run:
        # Check the file in a read transaction (deferred BEGIN on SQLite): the write lock is
        # taken only by the short batches of write_values, never while rows are checked.
        session.commit()
        session.connection(execution_options={"readonly": True})
    table = read(path, name, required=REQUIRED, options=options, stdin=stdin)
    problems = check_columns(table, REQUIRED, OPTIONAL)
    if problems:
        raise ImportFailed(table.file, problems, notes=table.notes)
    vendors = {
        fold(n): (i, n) for i, n in session.execute(select(col(m.Vendor.id), col(m.Vendor.name)))
    }
    kpis: dict[tuple[int, str], tuple[int, str, str, str]] = {
        (vid, fold(name)): (kid, name, freq, unit)
        for kid, vid, name, freq, unit in session.execute(
            select(
                col(m.Kpi.id),
                col(m.Kpi.vendor_id),
                col(m.Kpi.name),
                col(m.Kpi.frequency),
                col(m.Kpi.unit),
            )
        )
    }
    names_of: dict[int, list[str]] = {}
    for (vid, _), (_, name, _, _) in kpis.items():
        names_of.setdefault(vid, []).append(name)
    decimal = table.options.decimal
    seen: dict[tuple[int, str, str], int] = {}
    clean: list[tuple[int, str, float, str, str | None]] = []
    has_note = "note" in table.columns
    periods_seen: dict[tuple[Any, str], str] = {}
    for line, row in table.rows:
        bad = row_shape(table, line, row)

        def check(
            parse: Callable[[Any], T], raw: Any, bad: list[Problem] = bad, line: int = line
        ) -> T | None:
            try:
                return parse(raw)
            except FieldError as exc:
                bad.append(Problem(table.file, line, exc.column, exc.message))
                return None

        vname = check(lambda v: fields.text(v, "vendor", required=True), row.get("vendor"))
        kname = check(lambda v: fields.text(v, "kpi", required=True), row.get("kpi"))
        kpi = None
        if vname:
            v = vendors.get(fold(vname))
            if v is None:
                bad.append(Problem(table.file, line, "vendor", f"no vendor named {vname!r}"))
            elif kname:
                kpi = kpis.get((v[0], fold(kname)))
                if kpi is None:
                    known = ", ".join(sorted(names_of.get(v[0], []))) or "none yet"
                    bad.append(
                        Problem(
                            table.file,
                            line,
                            "kpi",
                            f"{v[1]!r} has no KPI named {kname!r} (its KPIs: {known})",
                        )
                    )
        percent = kpi is not None and kpi[3].strip() == "%"
        value = check(
            partial(fields.number, column="value", decimal=decimal, percent=percent),
            row.get("value"),
        )
        source = check(fields.source, row.get("source"))
        note = None
        if has_note:
            note = check(lambda v: fields.text(v, "note", max_length=2000), row.get("note"))
        period = None
        if kpi is not None:
            raw_period = row.get("period")
            key_p = (raw_period if isinstance(raw_period, str | int | float) else None, kpi[2])
            if key_p[0] is not None and key_p in periods_seen:
                period = periods_seen[key_p]  # a file repeats a few periods thousands of times
            else:
                period = check(partial(fields.period, frequency_=kpi[2]), raw_period)
                if period is not None and key_p[0] is not None:
                    periods_seen[key_p] = period
        elif fields.blank(row.get("period")):
            bad.append(Problem(table.file, line, "period", "is empty"))
        if kpi is not None and period is not None and source is not None:
            key = (kpi[0], period, source)
            if key in seen:
                bad.append(
                    Problem(
                        table.file,
                        line,
                        "period",
                        f"{period} ({source}) of {kpi[1]!r} is repeated (first on line "
                        f"{seen[key]})",
                    )
                )
            else:
                seen[key] = line
        problems.extend(bad)
        if not bad and kpi is not None and period is not None and value is not None:
            clean.append((kpi[0], period, value, source or "vendor", note))
    if problems:
        raise ImportFailed(table.file, problems, notes=table.notes)

    created = updated = unchanged = 0
    if dry_run:
        stored: dict[tuple[int, str, str], tuple[float, str]] = {}
        keys = [(k, p, s) for k, p, _, s, _ in clean]
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            for kid, p, s, val, stored_note in session.execute(
                select(
                    col(m.Measurement.kpi_id),
                    col(m.Measurement.period),
                    col(m.Measurement.source),
                    col(m.Measurement.value),
                    col(m.Measurement.note),
                ).where(
                    tuple_(
                        col(m.Measurement.kpi_id),
                        col(m.Measurement.period),
                        col(m.Measurement.source),
                    ).in_(chunk)
                )
            ):
                stored[(kid, p, s)] = (val, stored_note)
        for kid, p, val, s, n in clean:
            old = stored.get((kid, p, s))
            if old is None:
                created += 1
            elif old[0] == val and (n is None or old[1] == n):
                unchanged += 1
            else:
                updated += 1
        return ImportSummary(created, updated, unchanged, dry_run=True, notes=table.notes)
    vendor_of = {kid: vid for (vid, _), (kid, _, _, _) in kpis.items()}
    written = kpi_q.write_values(clean, session=session, vendor_of=vendor_of, progress=progress)
    return ImportSummary(written.created, written.updated, written.unchanged, notes=table.notes)

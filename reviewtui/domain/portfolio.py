"""The dashboard's rows and their order: plain data, importable without the data layer.

:func:`reviewtui.db.portfolio.portfolio_overview` builds them from the rows of a few queries;
so does the TUI's start-up prefetch (:mod:`reviewtui.db.firstrows`), which runs the very same
SQL text through the stdlib ``sqlite3`` module before SQLAlchemy is imported. Everything that
turns those query rows into scorecards and dashboard rows is here, shared by both, so the two
cannot drift apart: the query rows in, :class:`PortfolioRow` out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from reviewtui.domain import cadence, escalation, periods
from reviewtui.domain import scorecard as rules


@dataclass(frozen=True)
class VendorRow:
    """One line of the vendor list."""

    id: int
    name: str
    service: str
    category: str
    criticality: str
    open_actions: int
    overdue_actions: int
    last_review: date | None
    next_review_due: date
    contract_review: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "service": self.service,
            "category": self.category,
            "criticality": self.criticality,
            "open_actions": self.open_actions,
            "overdue_actions": self.overdue_actions,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "next_review_due": self.next_review_due.isoformat(),
            "contract_review": self.contract_review,
        }


@dataclass(frozen=True)
class VendorScorecard:
    """A vendor's scorecard: overall score and status, and each KPI's result."""

    vendor_id: int
    vendor: str
    score: float | None
    status: str
    kpis: tuple[rules.KpiResult, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "score": self.score,
            "status": self.status,
            "kpis": [k.as_json() for k in self.kpis],
        }


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


def attention_key(row: PortfolioRow) -> tuple[int, int, int, date, float, str]:
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


# --- From query rows to dashboard rows (shared by SQLAlchemy and the stdlib sqlite3 path) ---


def as_date(value: datetime | str | None) -> date | None:
    """The local date of a stored timestamp: a datetime (SQLAlchemy) or its SQLite text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.date()


def vendor_rows(
    rows: Iterable[Sequence[Any]], *, cadence_defaults: dict[str, int] | None, today: date
) -> list[VendorRow]:
    """Rows of the vendor-list query: id, name, service, category, criticality, review cadence,
    contract review, open actions, overdue actions, last review, next planned review."""
    out = []
    for row in rows:
        vid, name, service, category, crit, months_set, review, open_n, overdue_n = row[:9]
        last_at, planned_at = row[9:]
        planned = as_date(planned_at)
        last = as_date(last_at)
        months = cadence.cadence_months(crit, months_set, cadence_defaults)
        out.append(
            VendorRow(
                id=vid,
                name=name,
                service=service,
                category=category,
                criticality=crit,
                open_actions=int(open_n),
                overdue_actions=int(overdue_n or 0),
                last_review=last,
                next_review_due=planned or cadence.next_review_due(last, months, today),
                contract_review=bool(review),
            )
        )
    return out


def kpi_defs(rows: Iterable[Sequence[Any]]) -> dict[int, list[rules.KpiDef]]:
    """Rows of the KPI-definition query, by vendor id: id, vendor id, name, unit, direction,
    target, threshold, weight, frequency, category."""
    out: dict[int, list[rules.KpiDef]] = defaultdict(list)
    for kid, vid, name, unit, direction, target, threshold, weight, freq, cat in rows:
        out[vid].append(
            rules.KpiDef(kid, name, unit, direction, target, threshold, weight, freq, cat)
        )
    return out


def pivoted(rows: Iterable[Sequence[Any]]) -> dict[int, list[rules.PeriodValues]]:
    """Rows of the pivot query (KPI id, period, vendor value, independent value), by KPI."""
    out: dict[int, list[rules.PeriodValues]] = defaultdict(list)
    for kid, period, vv, iv in rows:
        out[kid].append(rules.PeriodValues(period, vv, iv))
    return out


class LimitSettings(Protocol):
    """The settings :meth:`Limits.of` reads (a :class:`reviewtui.config.Settings` has them)."""

    @property
    def discrepancy_pct(self) -> float: ...
    @property
    def escalate_after_misses(self) -> int: ...
    @property
    def vendor_green(self) -> float: ...
    @property
    def vendor_amber(self) -> float: ...


@dataclass(frozen=True)
class Limits:
    """The settings the rules read (see reviewtui.config.Settings)."""

    discrepancy_pct: float = 5.0
    escalate_after_misses: int = 3
    vendor_green: float = 95.0
    vendor_amber: float = 85.0

    @classmethod
    def of(cls, settings: LimitSettings) -> Limits:
        """The limits of a :class:`reviewtui.config.Settings`."""
        return cls(
            discrepancy_pct=settings.discrepancy_pct,
            escalate_after_misses=settings.escalate_after_misses,
            vendor_green=settings.vendor_green,
            vendor_amber=settings.vendor_amber,
        )


#: How many KPIs' whole histories are loaded in one query (an IN list of their ids).
RELOAD_CHUNK = 500


def evaluate_loaded(
    defs: Mapping[int, list[rules.KpiDef]],
    values: Mapping[int, list[rules.PeriodValues]],
    bounds: Mapping[str, str] | None,
    last: int | None,
    limits: Limits,
    exact_misses: bool = True,
) -> tuple[dict[int, rules.KpiResult], list[rules.KpiDef]]:
    """Every KPI's result on the periods loaded (the latest ``last`` of each; None: all).

    Also returns the KPIs whose run of misses may reach back past the periods loaded: their
    results are only right once evaluated again on their whole history. With
    ``exact_misses=False`` a run already long enough to escalate is not listed (``escalate``
    is exact; ``consecutive_misses`` is then only known to be at least the escalation count).
    """
    out: dict[int, rules.KpiResult] = {}
    longer: list[rules.KpiDef] = []
    for kdefs in defs.values():
        for d in kdefs:
            rows = values.get(d.kpi_id, [])
            r = out[d.kpi_id] = evaluate_one(d, rows, bounds, limits)
            if (
                last is not None
                and len(rows) >= last
                and r.consecutive_misses
                and r.period is not None
                and periods.shift(r.period, 1 - r.consecutive_misses) <= rows[0].period
                and (exact_misses or r.consecutive_misses < limits.escalate_after_misses)
            ):
                longer.append(d)
    return out, longer


def evaluate_all(
    defs: Mapping[int, list[rules.KpiDef]],
    values: Mapping[int, list[rules.PeriodValues]],
    bounds: Mapping[str, str] | None,
    last: int | None,
    limits: Limits,
    exact_misses: bool,
    whole_history: Callable[[list[int]], Mapping[int, list[rules.PeriodValues]]],
) -> dict[int, rules.KpiResult]:
    """:func:`evaluate_loaded`, then the KPIs it lists evaluated again on their whole history,
    read ``RELOAD_CHUNK`` KPIs at a time by ``whole_history(kpi_ids)``."""
    out, longer = evaluate_loaded(defs, values, bounds, last, limits, exact_misses)
    for i in range(0, len(longer), RELOAD_CHUNK):
        chunk = longer[i : i + RELOAD_CHUNK]
        full = whole_history([d.kpi_id for d in chunk])
        for d in chunk:
            out[d.kpi_id] = evaluate_one(d, full.get(d.kpi_id, []), bounds, limits)
    return out


def evaluate_one(
    d: rules.KpiDef,
    values: Sequence[rules.PeriodValues],
    bounds: Mapping[str, str] | None,
    limits: Limits,
) -> rules.KpiResult:
    return rules.evaluate(
        d,
        values,
        bounds[d.frequency] if bounds else None,
        discrepancy_limit=limits.discrepancy_pct,
        escalate_after=limits.escalate_after_misses,
    )


def scorecard(
    vendor_id: int,
    name: str,
    defs: Sequence[rules.KpiDef],
    results: Mapping[int, rules.KpiResult],
    limits: Limits,
) -> VendorScorecard:
    kpis = tuple(results[d.kpi_id] for d in defs)
    score = rules.vendor_score(kpis)
    return VendorScorecard(
        vendor_id=vendor_id,
        vendor=name,
        score=score,
        status=rules.vendor_status(score, limits.vendor_green, limits.vendor_amber),
        kpis=kpis,
    )


def overview(
    base: Sequence[VendorRow],
    cards: Mapping[int, VendorScorecard],
    *,
    today: date,
    worst: int = 3,
) -> list[PortfolioRow]:
    """The dashboard's rows, attention first: each vendor's list line with its scorecard."""
    rows = []
    for v in base:
        card = cards.get(v.id)
        kpis = card.kpis if card else ()
        counts = dict.fromkeys(rules.STATUS_RANK, 0)
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
                # From the scorecard just evaluated: right without the escalations having run.
                contract_review=escalation.needs_contract_review(
                    sum(1 for k in kpis if k.escalate)
                ),
            )
        )
    rows.sort(key=attention_key)
    return rows

"""Scorecards from the database: loading only recent periods gives the full-history results."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import insert, select

from reviewtui.config import Settings
from reviewtui.db import models as m
from reviewtui.db.errors import UserError
from reviewtui.db.portfolio import portfolio_overview
from reviewtui.db.scorecards import portfolio, vendor_scorecard
from reviewtui.domain import periods


def _fill(db, seed: int) -> None:
    """Three vendors with monthly, quarterly and weekly KPIs, gaps, long runs of misses."""
    rng = random.Random(seed)
    with db.session() as s:
        s.info["no_changelog"] = True
        for v in range(1, 4):
            s.add(m.Vendor(id=v, name=f"V{v}", criticality=("critical", "standard", "low")[v - 1]))
        s.flush()
        kid = 0
        rows = []
        for v in range(1, 4):
            for freq, last, n in (
                ("monthly", "2026-10", 30),
                ("monthly", "2026-09", 20),
                ("quarterly", "2026-Q3", 10),
                ("weekly", "2026-W40", 40),
            ):
                kid += 1
                higher = rng.random() < 0.5
                s.add(
                    m.Kpi(
                        id=kid,
                        vendor_id=v,
                        name=f"K{kid}",
                        direction="higher" if higher else "lower",
                        target=50.0,
                        threshold=45.0 if higher else 55.0,
                        weight=rng.choice([0.0, 1.0, 2.5]),
                        frequency=freq,
                    )
                )
                bias = rng.uniform(-8, 3) * (1 if higher else -1)
                for p in periods.last_n(last, n):
                    if rng.random() < 0.1:
                        continue
                    x = round(50 + bias + rng.uniform(-6, 6), 1)
                    rows.append({"kpi_id": kid, "period": p, "value": x, "source": "vendor"})
                    if rng.random() < 0.4:
                        y = round(x + rng.uniform(-5, 5), 1)
                        rows.append(
                            {"kpi_id": kid, "period": p, "value": y, "source": "independent"}
                        )
        s.flush()
        s.execute(insert(m.Measurement), rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_recent_history_gives_the_same_results_as_all_history(db, seed: int) -> None:
    _fill(db, seed)
    with db.read() as s:
        for period in (None, "2026-10", "2026-06-15", "2026-Q2", "2025-W10", "2024-01"):
            full = [c.as_json() for c in portfolio(session=s, period=period, history=None)]
            if period is None:  # the data has runs longer than the periods loaded
                assert any(k["consecutive_misses"] > 3 for c in full for k in c["kpis"])
            for history in (2, 3, 12):
                part = portfolio(session=s, period=period, history=history)
                assert [c.as_json() for c in part] == full, (period, history)
            one = vendor_scorecard(2, session=s, period=period, history=2)
            assert one.as_json() == full[1]


@pytest.mark.parametrize("seed", [1, 2])
def test_inexact_misses_change_only_runs_already_escalated(db, seed: int) -> None:
    """The dashboard's fast path: every field exact but the length of an escalated run."""
    _fill(db, seed)
    settings = Settings()
    n = settings.escalate_after_misses
    with db.read() as s:
        full = [c.as_json() for c in portfolio(session=s, history=None)]
        fast = [c.as_json() for c in portfolio(session=s, history=n, exact_misses=False)]
    differs = 0
    for cf, cq in zip(full, fast, strict=True):
        for kf, kq in zip(cf.pop("kpis"), cq.pop("kpis"), strict=True):
            if kf["consecutive_misses"] != kq["consecutive_misses"]:
                differs += 1
                assert kq["consecutive_misses"] >= n and kf["consecutive_misses"] > n
                assert kq["escalate"] and kf["escalate"]
            kf.pop("consecutive_misses")
            kq.pop("consecutive_misses")
            assert kf == kq
        assert cf == cq
    assert differs  # the data has runs longer than the periods loaded


def test_history_holds_the_last_periods_for_sparklines(db) -> None:
    _fill(db, 3)
    with db.read() as s:
        card = vendor_scorecard(1, session=s)
    k = card.kpis[0]
    assert k.period == "2026-10"
    assert len(k.recent(12)) == 12 and k.recent(12)[-1] == k.actual
    assert [h.period for h in k.history] == sorted(h.period for h in k.history)
    assert len(k.history) >= 10  # 12 periods, minus the odd gap


def test_bad_period_is_a_user_error(db) -> None:
    _fill(db, 1)
    with db.read() as s, pytest.raises(UserError, match="period 'someday' is not a period"):
        vendor_scorecard(1, session=s, period="someday")


def test_overview_puts_vendors_needing_attention_first(demo_db) -> None:
    with demo_db.read() as s:
        rows = portfolio_overview(session=s, settings=Settings())
    assert [r.name for r in rows][0] == "Keystone Precision Manufacturing"
    keys = [(r.status, r.escalate, r.overdue_actions) for r in rows]
    rank = {"red": 0, "amber": 1, "no data": 2, "green": 3}
    assert [rank[k[0]] for k in keys] == sorted(rank[k[0]] for k in keys)
    keystone = rows[0]
    assert keystone.worst[0].name == "OTIF" and keystone.worst[0].status == "red"
    assert keystone.escalate >= 1 and keystone.overdue_actions >= 1
    # next review = the review already planned (every demo vendor has one) ...
    from dateutil.relativedelta import relativedelta

    with demo_db.read() as s:
        planned = s.scalar(
            select(m.Meeting.scheduled_at).where(
                m.Meeting.vendor_id == keystone.vendor_id, m.Meeting.status == "planned"
            )
        )
    assert keystone.next_review_due == planned.astimezone().date()
    # ... and without one, last review + cadence (critical: monthly)
    with demo_db.session() as s:
        for mt in s.scalars(select(m.Meeting).where(m.Meeting.status == "planned")):
            s.delete(mt)
    with demo_db.read() as s:
        rows = portfolio_overview(session=s, settings=Settings())
    keystone = next(r for r in rows if r.name == keystone.name)
    assert keystone.next_review_due == keystone.last_review + relativedelta(months=1)
    harbor = next(r for r in rows if r.name == "Harbor Facilities")
    assert harbor.next_review_due == harbor.last_review + relativedelta(months=6)
    custom = Settings(cadence_months={"critical": 2, "standard": 3, "low": 12})
    with demo_db.read() as s:
        again = {r.name: r for r in portfolio_overview(session=s, settings=custom)}
    assert again["Harbor Facilities"].next_review_due == harbor.last_review + relativedelta(
        months=12
    )

"""The plan form, the effectiveness check, escalations and audits, driven with Pilot; snapshots."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, Static

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.escalations import EscalationsScreen, RaiseEscalationScreen
from reviewtui.screens.plan_form import PlanFormScreen, VerificationScreen
from reviewtui.screens.plans import PlansScreen
from tests.ui.conftest import make_app, settle

TODAY = date(2026, 11, 28)


def ids(path: Path) -> dict[str, int]:
    db = open_database(str(path), user="tester")
    with db.read() as s:
        out = {
            "bluebird": s.scalar(
                select(m.Vendor.id).where(m.Vendor.name == "Bluebird Contact Centre")
            ),
            "keystone": s.scalar(
                select(m.Vendor.id).where(m.Vendor.name == "Keystone Precision Manufacturing")
            ),
            "plan": s.scalar(select(m.ActionPlan.id)),
            "abandon": s.scalar(select(m.Kpi.id).where(m.Kpi.name == "Abandonment rate")),
        }
    db.dispose()
    return out


def plans_of(path: Path, vendor_id: int) -> list[tuple[m.ActionPlan, list[m.Action]]]:
    """A vendor's plans, each with its actions in the order they were added."""
    db = open_database(str(path), user="tester")
    with db.read() as s:
        rows = s.scalars(
            select(m.ActionPlan)
            .where(m.ActionPlan.vendor_id == vendor_id)
            .order_by(m.ActionPlan.id)
        ).all()
        out = [
            (
                p,
                list(
                    s.scalars(
                        select(m.Action).where(m.Action.plan_id == p.id).order_by(m.Action.id)
                    )
                ),
            )
            for p in rows
        ]
    db.dispose()
    return out


async def test_raise_a_plan_for_a_kpi_gap_with_whys_and_actions(demo_path: Path) -> None:
    k = ids(demo_path)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.new_plan(kpi_id=k["abandon"])
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanFormScreen)
        assert form.query_one("#plan-title", Input).value == "Abandonment rate above target"
        # Title and problem come from the KPI (the KPI is linked): the typing starts at why 1.
        assert form.focused.id == "why-1"
        await pilot.press(*"Callers hang up on Monday mornings")
        await pilot.press("tab", *"Too few agents before 10:00")
        await pilot.press("tab", *"Rota built from weekly averages")
        await pilot.press("tab", "tab", "tab", *"Rota ignores intraday peaks")
        await pilot.press("tab")  # category: open the list, past the blank prompt to "process"
        await pilot.press("enter", "down", "enter")
        await pilot.press("tab", *"Call-back offer after 60 s")
        await pilot.press("tab", *"Rebuild the rota from hourly forecasts")
        await pilot.press("tab", *"Lucia Romero", "tab", *"+2w")
        await pilot.press("tab", *"Report abandonment by weekday", "tab", "tab", *"2026-12-31")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PlanFormScreen), str(
            form.query_one("#plan-error", Static).render()
        )
    ((plan, actions),) = plans_of(demo_path, k["bluebird"])
    assert (plan.source, plan.kpi_id, plan.status) == ("kpi", k["abandon"], "open")
    assert json.loads(plan.whys) == [
        "Callers hang up on Monday mornings",
        "Too few agents before 10:00",
        "Rota built from weekly averages",
    ]
    assert (plan.root_cause, plan.root_cause_category) == ("Rota ignores intraday peaks", "process")
    assert plan.containment == "Call-back offer after 60 s"
    assert [(a.title, a.owner, a.due_date) for a in actions] == [
        ("Rebuild the rota from hourly forecasts", "Lucia Romero", TODAY + timedelta(days=14)),
        ("Report abandonment by weekday", "", date(2026, 12, 31)),
    ]
    assert actions[0].owner_contact_id is not None


async def test_the_form_refuses_a_gap_in_the_whys_and_a_bad_due_date_in_place(
    demo_path: Path,
) -> None:
    k = ids(demo_path)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.new_plan(vendor_id=k["bluebird"])
        await settle(pilot)
        form = app.screen
        await pilot.press(*"Late reports")
        form.query_one("#why-1", Input).value = "Reports wait for finance"
        form.query_one("#why-3", Input).value = "Month end"
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(form.query_one("#plan-error", Static).render())
        assert "why 2 is empty but a later why is filled" in error
        assert form.focused is form.query_one("#why-2")
        form.query_one("#why-2", Input).value = "Finance closes on day 5"
        form.query_one("#plan-root", Input).value = "operator error"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not a root cause" in str(form.query_one("#plan-error", Static).render())
        form.query_one("#plan-root", Input).value = "Report depends on the finance close"
        form.query_one("#a-title-1", Input).value = "Send a flash report on day 2"
        form.query_one("#a-due-1", Input).value = "2026-01-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Action 1: due date 2026-01-01 is before the plan was raised" in str(
            form.query_one("#plan-error", Static).render()
        )
        assert form.focused is form.query_one("#a-due-1")
        await pilot.press("ctrl+n")  # one more action row
        await settle(pilot)
        assert form.query_one("#a-title-4", Input).has_focus
        form.query_one("#a-due-1", Input).value = "+10d"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PlanFormScreen)
    ((plan, actions),) = plans_of(demo_path, k["bluebird"])
    assert len(json.loads(plan.whys)) == 3 and actions[0].due_date == TODAY + timedelta(days=10)


async def test_a_plan_reopened_by_its_check_opens_at_its_whys(demo_path: Path) -> None:
    k = ids(demo_path)
    db = open_database(str(demo_path), user="tester")
    with db.session() as s:
        s.get(m.ActionPlan, k["plan"]).status = "reopened"
    db.dispose()
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_plan(k["plan"])
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanFormScreen)
        assert "did not confirm the fix" in str(form.query_one("#plan-reopened", Static).render())
        assert form.focused is form.query_one("#why-1")
        assert form.query_one("#why-5", Input).value.startswith("Critical spares list")
        existing = [str(w.render()) for w in form.query(".existing-action")]
        assert len(existing) == 3 and "20d late" in existing[1]
        form.query_one("#why-5", Input).value = "Spares list owned by nobody after the move"
        form.query_one("#a-title-1", Input).value = "Name an owner for the spares list"
        form.query_one("#a-due-1", Input).value = "+1w"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PlanFormScreen)
    ((plan, actions),) = plans_of(demo_path, k["keystone"])
    assert json.loads(plan.whys)[4] == "Spares list owned by nobody after the move"
    assert actions[-1].title == "Name an owner for the spares list"


async def test_plans_screen_verify_after_the_actions_are_done(demo_path: Path) -> None:
    k = ids(demo_path)
    db = open_database(str(demo_path), user="tester")
    with db.session() as s:
        for a in s.scalars(select(m.Action).where(m.Action.plan_id == k["plan"])):
            if a.status != "done":
                from reviewtui.db import actions as action_q

                action_q.update_status(a.id, "done", session=s)
    db.dispose()
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_plans()
        await settle(pilot)
        assert isinstance(app.screen, PlansScreen)
        t = app.screen.query_one("#plans", DataTable)
        assert t.row_count == 1 and "verifying" in str(t.get_row_at(0)[1])
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VerificationScreen)
        lines = " ".join(str(w.render()) for w in form.query(".kpi-line"))
        assert "OTIF" in lines and "2026-10" in lines and "red" in lines  # the KPI since raised
        await pilot.press("enter", "down", "down", "enter")  # past the prompt and "confirmed"
        assert form.query_one("#verify-outcome").value == "not_confirmed"
        form.query_one("#verify-note", Input).value = "OTIF still 93%"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PlansScreen)
        assert "reopened" in str(app.screen.query_one("#plans", DataTable).get_row_at(0)[1])
    db = open_database(str(demo_path), user="tester")
    with db.read() as s:
        v = s.scalar(select(m.Verification))
    db.dispose()
    assert (v.outcome, v.note, v.check_date, v.verified_by) == (
        "not_confirmed",
        "OTIF still 93%",
        TODAY,
        "tester",
    )


async def test_raise_a_suggested_escalation_in_one_step(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_escalations()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EscalationsScreen)
        sugg = screen.query_one("#suggested", DataTable)
        assert sugg.row_count > 0
        first = screen._suggestions[sugg.coordinate_to_cell_key((0, 0)).row_key.value].suggestion
        assert "contract review: Keystone" in str(screen.query_one("#esc-line", Static).render())
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RaiseEscalationScreen)
        assert app.screen.query_one("#esc-reason", Input).value == first.reason
        assert first.kpi_id is not None  # the demo's first suggestion: a KPI, named in the form
        assert "About: KPI Abandonment rate" in str(
            app.screen.query_one("#esc-item", Static).render()
        )
        await pilot.press("enter")  # level, reason and item are filled in: one step
        await settle(pilot)
        assert isinstance(app.screen, EscalationsScreen)
        raised = app.screen.query_one("#raised", DataTable)
        assert raised.row_count == 2
    db = open_database(str(demo_path), user="tester")
    with db.read() as s:
        e = s.scalars(select(m.Escalation).order_by(m.Escalation.id.desc())).first()
        log = s.scalars(select(m.EscalationLog).where(m.EscalationLog.escalation_id == e.id)).all()
        keystone = s.scalar(select(m.Vendor).where(m.Vendor.name.like("Keystone%")))
    db.dispose()
    assert (e.level, e.reason, e.kpi_id, e.action_id, e.raised_by) == (
        first.level,
        first.reason,
        first.kpi_id,
        first.action_id,
        "tester",
    )
    assert log[0].text.startswith(f"Raised to level {first.level}:")
    assert keystone.contract_review  # the screen keeps the mark in step with the scorecards


async def test_audit_finding_raises_a_plan_in_one_key(demo_path: Path) -> None:
    from reviewtui.screens.audits import AuditsScreen

    k = ids(demo_path)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_audits()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditsScreen)
        findings = screen.query_one("#findings", DataTable)
        assert findings.row_count == 3 and "no plan" in str(findings.get_row_at(0)[2])
        findings.focus()
        await pilot.press("down")  # the minor finding: gauges past calibration
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PlanFormScreen)
        assert (
            app.screen.query_one("#plan-title", Input).value
            == "Two gauges past calibration date in goods-in"
        )
        await pilot.press("escape")  # the plan exists already; the form only adds detail
        await settle(pilot)
        assert isinstance(app.screen, AuditsScreen)
        assert "plan" in str(app.screen.query_one("#findings", DataTable).get_row_at(1)[2])
    plans = plans_of(demo_path, k["keystone"])
    assert [p.source for p, _ in plans] == ["kpi", "audit"]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_plan_form_snapshot(snap_compare, demo_path: Path, size) -> None:
    k = ids(demo_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_plan(k["plan"])
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=run_before)


async def test_a_plan_from_a_feedback_entry(demo_path: Path) -> None:
    db = open_database(str(demo_path), user="tester")
    with db.read() as s:
        fb = s.scalars(select(m.Feedback).order_by(m.Feedback.id)).first()
        fid, vid, text = fb.id, fb.vendor_id, fb.text
    db.dispose()
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.new_plan(feedback_id=fid)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanFormScreen)
        assert form.query_one("#plan-title", Input).value == text[:120]
        assert str(form.query_one("#plan-link", Static).render()).startswith("feedback: ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PlanFormScreen)
    ((plan, actions),) = plans_of(demo_path, vid)
    assert (plan.source, plan.feedback_id, actions) == ("feedback", fid, [])

"""Plans, verification, escalations and audits on SQLite and PostgreSQL (demo data as a base)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from reviewtui.config import Settings
from reviewtui.db import actions as action_q
from reviewtui.db import audits as audit_q
from reviewtui.db import escalations as esc_q
from reviewtui.db import models as m
from reviewtui.db import plans as plan_q
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import ReadOnly, UserError

TODAY = date(2026, 11, 28)


def vendor_id(db, name: str) -> int:
    with db.read() as s:
        return vendor_q.get_by_name(name, session=s).id


def kpi_id(db, vendor: str, name: str) -> int:
    with db.read() as s:
        return s.scalar(
            select(m.Kpi.id).join(m.Vendor).where(m.Vendor.name == vendor, m.Kpi.name == name)
        )


def new_plan(db, vid: int, **kw) -> int:
    kw.setdefault("title", "Abandonment above 5%")
    kw.setdefault(
        "actions",
        [plan_q.ActionDraft("Add Monday staff", "+2w", owner="Lucia Romero", priority="high")],
    )
    with db.session() as s:
        return plan_q.create_plan(vid, session=s, **kw)


def test_a_plan_is_raised_with_its_whys_and_actions_in_one_go(demo_db) -> None:
    vid = vendor_id(demo_db, "Bluebird Contact Centre")
    kid = kpi_id(demo_db, "Bluebird Contact Centre", "Abandonment rate")
    pid = new_plan(
        demo_db,
        vid,
        kpi_id=kid,
        problem="Abandonment 6.1% against a 5% target for three months",
        whys=[
            "Callers wait too long on Mondays",
            "Too few agents on Mondays",
            "Rota ignores peaks",
            "",
            "",
        ],
        root_cause="Rota built from weekly averages",
        root_cause_category="process",
        containment="Call-back offer after 60 s",
        actions=[
            plan_q.ActionDraft("Rebuild rota from hourly forecast", "+2w", owner="lucia romero"),
            plan_q.ActionDraft("Report abandonment by weekday", "2026-12-31", priority="low"),
            plan_q.ActionDraft("", "+1d"),  # a blank row of the form is ignored
        ],
    )
    with demo_db.read() as s:
        d = plan_q.get_plan(pid, session=s)
        stored = s.get(m.ActionPlan, pid)
    assert d.source == "kpi" and d.link_label == "KPI Abandonment rate"
    assert d.whys == (
        "Callers wait too long on Mondays",
        "Too few agents on Mondays",
        "Rota ignores peaks",
    )
    assert json.loads(stored.whys) == list(d.whys)  # an ordered JSON list
    assert (d.root_cause_category, d.status, d.raised_on, d.created_by) == (
        "process",
        "open",
        TODAY,
        "tester",
    )
    assert [(a.title, a.owner, a.due_date) for a in d.actions] == [
        ("Rebuild rota from hourly forecast", "Lucia Romero", date(2026, 12, 12)),
        ("Report abandonment by weekday", "", date(2026, 12, 31)),
    ]
    assert (
        d.verify_blocker == "2 actions are still open: a plan is verified when its actions are done"
    )


def test_a_bad_action_refuses_the_whole_plan(demo_db) -> None:
    vid = vendor_id(demo_db, "Bluebird Contact Centre")
    with demo_db.read() as s:
        before = s.scalar(select(func.count()).select_from(m.ActionPlan))
    with pytest.raises(UserError, match=r"action 2 \(Second\): 'next tuesday' is not a date"):
        new_plan(
            demo_db,
            vid,
            actions=[
                plan_q.ActionDraft("First", "+1w"),
                plan_q.ActionDraft("Second", "next tuesday"),
            ],
        )
    with pytest.raises(UserError, match="not a root cause"):
        new_plan(demo_db, vid, root_cause="Operator error")
    with pytest.raises(UserError, match="KPI .* is not a KPI of this vendor"):
        new_plan(demo_db, vid, kpi_id=kpi_id(demo_db, "Keystone Precision Manufacturing", "OTIF"))
    with demo_db.read() as s:
        assert s.scalar(select(func.count()).select_from(m.ActionPlan)) == before


def test_action_due_before_the_plan_was_raised_is_refused(demo_db) -> None:
    vid = vendor_id(demo_db, "Bluebird Contact Centre")
    pid = new_plan(demo_db, vid, raised_on=date(2026, 11, 1), actions=[])
    with (
        pytest.raises(UserError, match=r"before the plan was raised \(2026-11-01\)"),
        demo_db.session() as s,
    ):
        action_q.create_action(vid, "Backdated", "2026-10-31", session=s, plan_id=pid)
    with demo_db.session() as s:  # the plan's own day and after are fine, even if past
        row = action_q.create_action(vid, "Backdated", "2026-11-01", session=s, plan_id=pid)
    assert row.overdue


def test_the_life_of_a_plan_through_its_checks(demo_db) -> None:
    vid = vendor_id(demo_db, "Bluebird Contact Centre")
    pid = new_plan(demo_db, vid)
    with pytest.raises(UserError, match="cannot be verified yet: 1 action"), demo_db.session() as s:
        plan_q.record_verification(pid, "confirmed", session=s)
    with demo_db.read() as s:
        (act,) = plan_q.get_plan(pid, session=s).actions
    with demo_db.session() as s:
        action_q.update_status(act.id, "done", session=s)
    with demo_db.read() as s:
        d = plan_q.get_plan(pid, session=s)
    assert (d.status, d.verification_due, d.verify_blocker) == (
        "verifying",
        TODAY + timedelta(days=30),
        None,
    )

    with demo_db.session() as s:
        res = plan_q.record_verification(
            pid, "inconclusive", session=s, note="Only 2 weeks of data"
        )
    assert (res.plan_status, res.verification_due) == ("verifying", TODAY + timedelta(days=30))

    with demo_db.session() as s:
        res = plan_q.record_verification(pid, "not_confirmed", session=s)
    assert (res.plan_status, res.not_confirmed, res.suggest_escalation) == ("reopened", 1, False)
    with demo_db.session() as s:  # back at its root cause: the analysis is redone
        plan_q.update_plan(
            pid,
            session=s,
            whys=["Still long waits", "Absence on Mondays"],
            root_cause="Absence policy",
        )
    with demo_db.session() as s:
        res = plan_q.record_verification(pid, "not_confirmed", session=s)
    assert (res.not_confirmed, res.suggest_escalation) == (2, True)
    with demo_db.read() as s:
        sugg = esc_q.suggestions(session=s, vendor_id=vid)
    assert any(
        x.suggestion.rule == "plan_not_confirmed" and x.suggestion.plan_id == pid for x in sugg
    )

    with demo_db.session() as s:
        res = plan_q.record_verification(pid, "confirmed", session=s, note="5 weeks under 5%")
    assert (res.plan_status, res.verification_due) == ("closed", None)
    with demo_db.read() as s:
        d = plan_q.get_plan(pid, session=s)
    assert [v.outcome for v in d.verifications] == [
        "inconclusive",
        "not_confirmed",
        "not_confirmed",
        "confirmed",
    ]
    assert all(v.verified_by == "tester" for v in d.verifications)
    with pytest.raises(ReadOnly), demo_db.session() as s:
        plan_q.update_plan(pid, session=s, title="x")
    with pytest.raises(UserError, match="closed already"), demo_db.session() as s:
        plan_q.record_verification(pid, "confirmed", session=s)
    with demo_db.read() as s:  # a closed plan no longer suggests escalating
        sugg = esc_q.suggestions(session=s, vendor_id=vid)
    assert not any(x.suggestion.plan_id == pid for x in sugg)


def test_a_check_in_the_future_is_refused(demo_db) -> None:
    vid = vendor_id(demo_db, "Bluebird Contact Centre")
    pid = new_plan(demo_db, vid)
    with pytest.raises(UserError, match="in the future"), demo_db.session() as s:
        plan_q.record_verification(
            pid, "confirmed", session=s, check_date=TODAY + timedelta(days=1)
        )
    with demo_db.session() as s:
        assert plan_q.reschedule_check(pid, "+60d", session=s) == TODAY + timedelta(days=60)


def test_kpi_values_since_the_plan_was_raised(demo_db) -> None:
    with demo_db.read() as s:
        plan = s.scalar(select(m.ActionPlan).where(m.ActionPlan.title.like("OTIF%")))
        k = plan_q.kpi_since(plan.id, session=s)
        values = dict(
            s.execute(
                select(m.Measurement.period, m.Measurement.value).where(
                    m.Measurement.kpi_id == plan.kpi_id, m.Measurement.source == "independent"
                )
            ).all()
        )
    assert k is not None and k.name == "OTIF" and k.target == 97
    # raised 2026-10-09: October onwards counts as "since"; September is the baseline before
    assert [p.period for p in k.since] == ["2026-10"]
    assert k.before is not None and k.before.period == "2026-09"
    assert k.since[0].value == values["2026-10"] and k.since[0].source == "independent"
    assert k.since[0].status == (
        "green" if values["2026-10"] >= 97 else "amber" if values["2026-10"] >= 95 else "red"
    )


def test_raise_an_escalation_in_one_step_and_follow_its_log(demo_db) -> None:
    vid = vendor_id(demo_db, "Northwind Service Desk")
    with demo_db.read() as s:
        late = action_q.list_actions(
            action_q.ActionFilter(vendor_id=vid, overdue=True), session=s
        ).rows[0]
        steps = esc_q.ladder(vid, session=s)
    assert [(x.level, x.client, x.vendor, x.response_hours) for x in steps] == [
        (1, "Tom Becker", "Raj Patel", 24),
        (2, "Maria Jensen", "Sofia Lind", 48),
        (3, "Elena Novak", "Daniel Wu", 72),
    ]
    with demo_db.session() as s:
        eid = esc_q.raise_escalation(vid, 1, "Overdue for weeks", session=s, action_id=late.id)
    with demo_db.session() as s:
        esc_q.set_status(eid, "acknowledged", session=s, note="Raj will call back today")
        esc_q.add_log(eid, "Call held; new date agreed", session=s)
        esc_q.set_status(eid, "resolved", session=s)
    with demo_db.read() as s:
        d = esc_q.get_escalation(eid, session=s)
    assert (d.row.status, d.row.level, d.row.item, d.row.raised_by) == (
        "resolved",
        1,
        f"action {late.id}",
        "tester",
    )
    assert [(x.status, x.text) for x in d.log] == [
        ("open", "Raised to level 1: Tom Becker / Raj Patel, response expected within 24 h"),
        ("acknowledged", "Raj will call back today"),
        (None, "Call held; new date agreed"),
        ("resolved", "Acknowledged → resolved."),
    ]
    with pytest.raises(UserError, match="level 4"), demo_db.session() as s:
        esc_q.raise_escalation(vid, 4, "x", session=s)
    with pytest.raises(UserError, match="needs a reason"), demo_db.session() as s:
        esc_q.raise_escalation(vid, 1, " ", session=s)
    other = vendor_id(demo_db, "Harbor Facilities")
    with pytest.raises(UserError, match="does not belong to this vendor"), demo_db.session() as s:
        esc_q.raise_escalation(other, 1, "x", session=s, action_id=late.id)


def test_suggestions_follow_the_rules_and_settings(demo_db) -> None:
    vid = vendor_id(demo_db, "Northwind Service Desk")
    with demo_db.read() as s:
        default = esc_q.suggestions(session=s, vendor_id=vid)
        strict = esc_q.suggestions(
            session=s, vendor_id=vid, settings=Settings(overdue_escalation_days=3)
        )
        lax = esc_q.suggestions(
            session=s, vendor_id=vid, settings=Settings(overdue_escalation_days=400)
        )
        overdue = action_q.list_actions(
            action_q.ActionFilter(vendor_id=vid, overdue=True), session=s, limit=None
        ).rows
    by_days = lambda n: {a.id for a in overdue if a.days_overdue > n}  # noqa: E731
    assert {
        x.suggestion.action_id for x in default if x.suggestion.rule == "action_overdue"
    } == by_days(14)
    assert {
        x.suggestion.action_id for x in strict if x.suggestion.rule == "action_overdue"
    } == by_days(3)
    assert not [x for x in lax if x.suggestion.rule == "action_overdue"]
    assert by_days(3) > by_days(14)  # the demo data makes the setting matter
    first = next(x for x in default if x.suggestion.rule == "action_overdue")
    assert first.step is not None and first.as_dict()["contacts"] == "Tom Becker / Raj Patel"
    # once raised, the item is not suggested again
    with demo_db.session() as s:
        esc_q.raise_escalation(vid, 1, "late", session=s, action_id=first.suggestion.action_id)
    with demo_db.read() as s:
        again = esc_q.suggestions(session=s, vendor_id=vid)
    assert first.suggestion.action_id not in {x.suggestion.action_id for x in again}


def test_unanswered_escalation_suggests_the_next_level_and_is_superseded(demo_db) -> None:
    vid = vendor_id(demo_db, "Northwind Service Desk")
    with demo_db.session() as s:
        eid = esc_q.raise_escalation(vid, 1, "No reply", session=s)
        s.get(m.Escalation, eid).raised_at = m.clock.now() - timedelta(hours=30)  # level 1: 24 h
    with demo_db.read() as s:
        sugg = [
            x
            for x in esc_q.suggestions(session=s, vendor_id=vid)
            if x.suggestion.rule == "no_response"
        ]
    assert [(x.suggestion.level, x.suggestion.escalation_id) for x in sugg] == [(2, eid)]
    assert sugg[0].step is not None and sugg[0].step.client == "Maria Jensen"
    with demo_db.session() as s:
        new = esc_q.raise_escalation(vid, 2, "No reply at level 1", session=s, supersedes=eid)
    with demo_db.read() as s:
        old = esc_q.get_escalation(eid, session=s)
        assert not [
            x
            for x in esc_q.suggestions(session=s, vendor_id=vid)
            if x.suggestion.rule == "no_response"
        ]
    assert (
        old.row.status == "closed"
        and old.log[-1].text == f"Superseded by escalation {new} at level 2."
    )


def test_contract_review_marks_vendors_with_two_kpis_flagged_escalate(demo_db) -> None:
    from reviewtui.db import scorecards

    with demo_db.read() as s:
        cards = scorecards.portfolio(session=s)
        expected = [c.vendor_id for c in cards if sum(k.escalate for k in c.kpis) >= 2]
        assert esc_q.contract_review_vendor_ids(session=s) == expected
    assert expected, "the demo data has a vendor failing two KPIs"
    with demo_db.session() as s:
        changed = esc_q.sync_contract_review(session=s)
    assert sorted(vid for vid, _, on in changed if on) == sorted(expected)
    with demo_db.read() as s:
        marked = [v.id for v in vendor_q.list_vendors(session=s) if v.contract_review]
    assert sorted(marked) == sorted(expected)
    with demo_db.session() as s:
        assert esc_q.sync_contract_review(session=s) == []  # nothing changes the second time
    # a stricter setting (escalate only after 20 misses) clears the mark
    with demo_db.session() as s:
        changed = esc_q.sync_contract_review(session=s, settings=Settings(escalate_after_misses=20))
    assert sorted(vid for vid, _, on in changed if not on) == sorted(expected)


def test_audit_with_findings_and_a_plan_from_a_finding_in_one_step(demo_db) -> None:
    vid = vendor_id(demo_db, "Harbor Facilities")
    with demo_db.session() as s:
        aid = audit_q.create_audit(
            vid,
            session=s,
            on=TODAY - timedelta(days=2),
            type="security assessment",
            auditor="Grace Kim",
            scope="Badge access, key control",
            result="fail",
            findings=[
                audit_q.FindingDraft("minor", "Visitor log incomplete"),
                audit_q.FindingDraft("critical", "Master keys unaccounted for", "3 of 12 missing"),
            ],
        )
    with demo_db.read() as s:
        d = audit_q.get_audit(aid, session=s)
        row = next(a for a in audit_q.list_audits(session=s, vendor_id=vid) if a.id == aid)
    assert [(f.severity, f.title) for f in d.findings] == [
        ("critical", "Master keys unaccounted for"),  # the most severe first
        ("minor", "Visitor log incomplete"),
    ]
    assert (row.findings, row.critical, row.without_plan, row.type) == (
        2,
        1,
        1,
        "security_assessment",
    )
    crit = d.findings[0]
    with demo_db.session() as s:
        pid, new = audit_q.raise_plan_from_finding(crit.id, session=s)
    assert new
    with demo_db.session() as s:
        again, new2 = audit_q.raise_plan_from_finding(crit.id, session=s)
    assert (again, new2) == (pid, False)  # one open plan per finding
    with demo_db.read() as s:
        plan = plan_q.get_plan(pid, session=s)
        d = audit_q.get_audit(aid, session=s)
        row = next(a for a in audit_q.list_audits(session=s, vendor_id=vid) if a.id == aid)
    assert (plan.source, plan.finding_id, plan.title) == (
        "audit",
        crit.id,
        "Master keys unaccounted for",
    )
    assert (
        "Critical finding of the security assessment" in plan.problem
        and "3 of 12 missing" in plan.problem
    )
    assert plan.link_label == "critical finding: Master keys unaccounted for"
    assert (d.findings[0].plan_id, d.findings[0].plan_status) == (pid, "open")
    assert row.without_plan == 0


def test_bad_audits_are_refused_whole(demo_db) -> None:
    vid = vendor_id(demo_db, "Harbor Facilities")
    with demo_db.read() as s:
        before = len(audit_q.list_audits(session=s))
    with pytest.raises(UserError, match="finding 2: severity 'huge'"), demo_db.session() as s:
        audit_q.create_audit(
            vid,
            session=s,
            on=TODAY,
            type="site_visit",
            findings=[audit_q.FindingDraft("minor", "ok"), audit_q.FindingDraft("huge", "bad")],
        )
    with pytest.raises(UserError, match="audit type 'visit'"), demo_db.session() as s:
        audit_q.create_audit(vid, session=s, on=TODAY, type="visit")
    with pytest.raises(UserError, match="in the future"), demo_db.session() as s:
        audit_q.create_audit(vid, session=s, on=TODAY + timedelta(days=1), type="site_visit")
    with demo_db.read() as s:
        assert len(audit_q.list_audits(session=s)) == before


def test_drafts_from_an_agenda_item_and_a_feedback_entry(demo_db) -> None:
    with demo_db.read() as s:
        item = s.scalars(
            select(m.AgendaItem).where(m.AgendaItem.kind == "kpi_review").order_by(m.AgendaItem.id)
        ).first()
        fb = s.scalars(select(m.Feedback).order_by(m.Feedback.id)).first()
        from_item = plan_q.draft_from_agenda_item(item.id, session=s)
        from_fb = plan_q.draft_from_feedback(fb.id, session=s)
    assert (from_item.source, from_item.agenda_item_id) == ("agenda", item.id)
    assert from_item.title == item.title and from_item.kpi_id == item.kpi_id
    assert (
        from_fb.source == "feedback" and from_fb.feedback_id == fb.id and fb.text in from_fb.problem
    )
    with demo_db.session() as s:
        pid = plan_q.create_plan(
            from_item.vendor_id,
            session=s,
            title=from_item.title,
            agenda_item_id=from_item.agenda_item_id,
        )
    with demo_db.read() as s:
        d = plan_q.get_plan(pid, session=s)
    assert (d.source, d.link_label) == ("agenda", f"agenda item: {item.title}")
    other = vendor_id(demo_db, "Harbor Facilities")
    assert other != from_item.vendor_id  # the first review seeded is Northwind's
    with pytest.raises(UserError, match="not on this vendor's agenda"), demo_db.session() as s:
        plan_q.create_plan(other, session=s, title="x", agenda_item_id=item.id)


def test_roles_vendor_sessions_see_their_own_and_only_facilitators_write(demo_db) -> None:
    from reviewtui.db import open_database
    from reviewtui.db.errors import NotFound

    keystone = vendor_id(demo_db, "Keystone Precision Manufacturing")
    with demo_db.read() as s:
        every = action_q.list_actions(session=s, limit=None).rows
        theirs = next(a for a in every if a.vendor_id != keystone)
        mine = next(a for a in every if a.vendor_id == keystone)
    vendor = open_database(
        demo_db.url, user="mark", role="vendor", vendor="Keystone Precision Manufacturing"
    )
    viewer = open_database(demo_db.url, user="ann", role="viewer")
    try:
        with vendor.read() as s:
            rows = action_q.list_actions(session=s, limit=None).rows
            assert rows and {r.vendor_id for r in rows} == {keystone}
            page = action_q.list_actions(session=s, limit=2)
            assert page.total == len(rows)  # the count is scoped too
            with pytest.raises(NotFound, match=f"no action with id {theirs.id}$"):
                action_q.get_row(theirs.id, session=s)
            assert action_q.get_row(mine.id, session=s).id == mine.id
            assert {p.vendor_id for p in plan_q.list_plans(session=s)} == {keystone}
            assert {e.vendor_id for e in esc_q.list_escalations(session=s)} == {keystone}
            assert {a.vendor_id for a in audit_q.list_audits(session=s)} == {keystone}
            assert {x.vendor_id for x in esc_q.suggestions(session=s)} == {keystone}
            with pytest.raises(NotFound):
                esc_q.ladder(theirs.vendor_id, session=s)
        for db, who in ((vendor, "restricted to vendor"), (viewer, "read-only")):
            with pytest.raises(ReadOnly, match=who), db.session() as s:
                action_q.update_status(mine.id, "done", session=s)
            with pytest.raises(ReadOnly, match=who), db.session() as s:
                esc_q.raise_escalation(keystone, 1, "x", session=s)
        with viewer.read() as s:  # a viewer reads everything
            assert len(action_q.list_actions(session=s, limit=None).rows) == len(every)
    finally:
        vendor.dispose()
        viewer.dispose()
    with demo_db.read() as s:
        assert action_q.get_row(mine.id, session=s).status == mine.status


def test_a_plan_on_a_kpi_says_which_side_of_the_target_it_is(demo_db) -> None:
    from reviewtui.db import scorecards

    vid = vendor_id(demo_db, "Keystone Precision Manufacturing")
    with demo_db.read() as s:
        card = {k.kpi: k for k in scorecards.vendor_scorecard(vid, session=s).kpis}
        drafts = {
            name: plan_q.draft_from_kpi(card[name].kpi_id, session=s)
            for name in ("OTIF", "Defect rate", "First-pass yield")
        }
    # Higher is better and short: below target.
    assert card["OTIF"].status == "red" and drafts["OTIF"].title == "OTIF below target"
    # Lower is better and over: above target, not "below".
    assert card["Defect rate"].direction == "lower" and card["Defect rate"].status == "amber"
    assert drafts["Defect rate"].title == "Defect rate above target"
    assert drafts["Defect rate"].problem.startswith("Defect rate misses its target (≤ 500 PPM): ")
    # Green: nothing says it misses.
    green = drafts["First-pass yield"]
    assert card["First-pass yield"].status == "green"
    assert "misses" not in green.problem and "below" not in green.title
    assert green.problem.startswith("First-pass yield meets its target (≥ ")


def test_contract_review_is_marked_without_the_escalations_having_run(demo_db) -> None:
    """The dashboard and the vendor list say it as soon as two KPIs escalate."""
    from reviewtui.db import portfolio as portfolio_q

    with demo_db.read() as s:
        stored = {v.id for v in vendor_q.list_vendors(session=s) if v.contract_review}
        expected = set(esc_q.contract_review_vendor_ids(session=s))
        rows = portfolio_q.portfolio_overview(session=s, today=TODAY)
    assert expected and not stored  # the escalations never ran on this database
    assert {r.vendor_id for r in rows if r.contract_review} == expected

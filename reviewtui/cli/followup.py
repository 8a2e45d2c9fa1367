"""``reviewtui plans|escalations|audits``: corrective action plans, escalations along the ladder
and audit findings, from the shell."""

from __future__ import annotations

import json
import sys

import click

from reviewtui.cli.access import require_writable, restricted_ok, scoped_vendor_id
from reviewtui.cli.actions import EXIT_FOUND
from reviewtui.cli.context import CliContext, fail
from reviewtui.cli.output import emit, format_option

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(plans)
    group.add_command(escalations)
    group.add_command(audits)


# --- plans --------------------------------------------------------------------------------

PLAN_COLUMNS = [
    ("id", "ID"),
    ("vendor", "Vendor"),
    ("title", "Plan"),
    ("status", "Status"),
    ("raised_on", "Raised"),
    ("open_actions", "Open actions"),
    ("verification_due", "Check due"),
]


@restricted_ok  # scoped reads (db.access); writes refused by the database for restricted roles
@click.group(invoke_without_command=True)
@click.option("--vendor", metavar="NAME", help="Only this vendor's plans.")
@click.option(
    "--status",
    "status",
    multiple=True,
    type=click.Choice(["open", "verifying", "closed", "reopened"]),
    help="Only plans in this status (repeatable). Default: all but closed.",
)
@format_option()
@click.pass_context
def plans(click_ctx: click.Context, vendor: str | None, status: tuple[str, ...], fmt: str) -> None:
    """List corrective action plans, the newest first.

    JSON: a list of {id, vendor_id, vendor, title, source, status, raised_on,
    verification_due, open_actions, actions}.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: CliContext = click_ctx.obj
    from reviewtui.db import plans as plan_q

    with ctx.db.read() as s:
        rows = plan_q.list_plans(
            session=s,
            vendor_id=scoped_vendor_id(ctx, s, vendor),
            statuses=status or ("open", "verifying", "reopened"),
        )
    emit([r.as_dict() for r in rows], fmt, PLAN_COLUMNS, title="Plans", empty="no plans")


@plans.command("show")
@click.argument("plan_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_ctx
def plan_show(ctx: CliContext, plan_id: int, fmt: str) -> None:
    """One plan: problem, five whys, root cause, actions, checks, and its KPI since raised."""
    from reviewtui.db import plans as plan_q

    with ctx.db.read() as s:
        d = plan_q.get_plan(plan_id, session=s)
        scoped_vendor_id(ctx, s, d.vendor)
        kpi = plan_q.kpi_since(plan_id, session=s)
    if fmt == "json":
        data = {
            "id": d.id,
            "vendor": d.vendor,
            "title": d.title,
            "problem": d.problem,
            "source": d.source,
            "link": d.link_label,
            "whys": list(d.whys),
            "root_cause": d.root_cause,
            "root_cause_category": d.root_cause_category,
            "containment": d.containment,
            "status": d.status,
            "raised_on": d.raised_on.isoformat(),
            "verification_due": d.verification_due.isoformat() if d.verification_due else None,
            "actions": [a.as_dict() for a in d.actions],
            "verifications": [
                {"check_date": v.check_date.isoformat(), "outcome": v.outcome, "note": v.note}
                for v in d.verifications
            ],
            "kpi_since": None
            if kpi is None
            else [{"period": p.period, "value": p.value, "status": p.status} for p in kpi.since],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"Plan {d.id} [{d.status}] {d.title} — {d.vendor}")
    click.echo(f"Raised {d.raised_on} ({d.source}{': ' + d.link_label if d.link_label else ''})")
    if d.problem:
        click.echo(f"Problem: {d.problem}")
    for i, w in enumerate(d.whys, start=1):
        click.echo(f"  Why {i}: {w}")
    if d.root_cause:
        click.echo(f"Root cause ({d.root_cause_category or 'no category'}): {d.root_cause}")
    if d.containment:
        click.echo(f"Containment: {d.containment}")
    for a in d.actions:
        late = f" ({a.days_overdue}d late)" if a.overdue else ""
        click.echo(f"  [{a.status}] {a.title} — {a.owner or 'nobody'}, due {a.due_date}{late}")
    for v in d.verifications:
        click.echo(f"Check {v.check_date}: {v.outcome.replace('_', ' ')} {v.note}".rstrip())
    if d.verification_due:
        click.echo(f"Next check due {d.verification_due}")
    if kpi is not None:
        pts = ", ".join(f"{p.period} {p.value:g} {p.status}" for p in kpi.since) or "no data yet"
        click.echo(f"{kpi.name} since raised (target {kpi.target:g}{kpi.unit}): {pts}")


@plans.command("verify")
@click.argument("plan_id", type=int)
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(["confirmed", "not_confirmed", "inconclusive"]),
    help="confirmed closes the plan; not_confirmed reopens it at its root cause; "
    "inconclusive schedules another check.",
)
@click.option("--note", default="", metavar="TEXT", help="What the check looked at.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Day of the check (today).")
@pass_ctx
def plan_verify(ctx: CliContext, plan_id: int, outcome: str, note: str, on) -> None:
    """Record the effectiveness check of a plan whose actions are done."""
    from reviewtui.db import plans as plan_q

    require_writable(ctx)
    with ctx.db.session() as s:
        res = plan_q.record_verification(
            plan_id,
            outcome,
            session=s,
            note=note,
            check_date=on.date() if on else None,
            verification_days=ctx.settings.verification_days,
        )
    msg = f"plan {plan_id}: {outcome.replace('_', ' ')}, now {res.plan_status}"
    if res.verification_due:
        msg += f", next check due {res.verification_due}"
    click.echo(msg)
    if res.suggest_escalation:
        click.echo(
            f"plan {plan_id} failed its check {res.not_confirmed} times: consider "
            f"`reviewtui escalations raise --plan {plan_id} ...`"
        )


# --- escalations --------------------------------------------------------------------------

ESC_COLUMNS = [
    ("id", "ID"),
    ("vendor", "Vendor"),
    ("level", "Level"),
    ("status", "Status"),
    ("item", "About"),
    ("reason", "Reason"),
    ("raised_at", "Raised"),
]
SUGGEST_COLUMNS = [
    ("vendor", "Vendor"),
    ("level", "Level"),
    ("rule", "Rule"),
    ("reason", "Reason"),
    ("contacts", "Contacts"),
]


@restricted_ok
@click.group(invoke_without_command=True)
@click.option("--vendor", metavar="NAME", help="Only this vendor's escalations.")
@click.option("--all", "show_all", is_flag=True, help="Resolved and closed ones too.")
@format_option()
@click.pass_context
def escalations(click_ctx: click.Context, vendor: str | None, show_all: bool, fmt: str) -> None:
    """List escalations (default: open and acknowledged), the newest first.

    JSON: a list of {id, vendor_id, vendor, level, reason, status, raised_at, raised_by, item}.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: CliContext = click_ctx.obj
    from reviewtui.db import escalations as esc_q

    with ctx.db.read() as s:
        rows = esc_q.list_escalations(
            session=s, vendor_id=scoped_vendor_id(ctx, s, vendor), active_only=not show_all
        )
    data = [r.as_dict() for r in rows]
    if fmt == "table":
        for d in data:
            d["raised_at"] = d["raised_at"][:10]
    emit(data, fmt, ESC_COLUMNS, title="Escalations", empty="no open escalations")


@escalations.command("suggest")
@click.option("--vendor", metavar="NAME")
@click.option("--fail-if-any", is_flag=True, help=f"Exit {EXIT_FOUND} when anything is suggested.")
@format_option()
@pass_ctx
def esc_suggest(ctx: CliContext, vendor: str | None, fail_if_any: bool, fmt: str) -> None:
    """What the rules suggest escalating: KPIs flagged escalate, actions overdue by more than
    overdue_escalation_days (14), plans not confirmed twice, escalations left unanswered.

    JSON: a list of {vendor_id, vendor, rule, level, reason, item, kpi_id, action_id, plan_id,
    escalation_id, contacts}.
    """
    from reviewtui.db import escalations as esc_q

    with ctx.db.read() as s:
        rows = esc_q.suggestions(
            session=s, vendor_id=scoped_vendor_id(ctx, s, vendor), settings=ctx.settings
        )
    emit(
        [r.as_dict() for r in rows],
        fmt,
        SUGGEST_COLUMNS,
        title="Suggested escalations",
        empty="nothing to escalate",
    )
    if fail_if_any and rows:
        sys.exit(EXIT_FOUND)


@escalations.command("raise")
@click.option("--vendor", required=True, metavar="NAME")
@click.option("--level", required=True, type=click.IntRange(1, 3))
@click.option("--reason", required=True, metavar="TEXT")
@click.option("--kpi", "kpi_id", type=int, metavar="ID", help="The KPI it is about.")
@click.option("--action", "action_id", type=int, metavar="ID", help="The action it is about.")
@click.option("--plan", "plan_id", type=int, metavar="ID", help="The plan it is about.")
@pass_ctx
def esc_raise(
    ctx: CliContext,
    vendor: str,
    level: int,
    reason: str,
    kpi_id: int | None,
    action_id: int | None,
    plan_id: int | None,
) -> None:
    """Raise an escalation at a level of the vendor's ladder."""
    from reviewtui.db import escalations as esc_q

    require_writable(ctx)
    with ctx.db.session() as s:
        vid = scoped_vendor_id(ctx, s, vendor)
        assert vid is not None
        eid = esc_q.raise_escalation(
            vid, level, reason, session=s, kpi_id=kpi_id, action_id=action_id, plan_id=plan_id
        )
        detail = esc_q.get_escalation(eid, session=s)
    click.echo(f"escalation {eid} raised: {detail.log[0].text}")


@escalations.command("status")
@click.argument("escalation_id", type=int)
@click.argument("status", type=click.Choice(["open", "acknowledged", "resolved", "closed"]))
@click.option("--note", default="", metavar="TEXT")
@pass_ctx
def esc_status(ctx: CliContext, escalation_id: int, status: str, note: str) -> None:
    """Move an escalation to another status, with a note in its log."""
    from reviewtui.db import escalations as esc_q

    require_writable(ctx)
    with ctx.db.session() as s:
        esc_q.set_status(escalation_id, status, session=s, note=note)
    click.echo(f"escalation {escalation_id}: {status}")


@escalations.command("show")
@click.argument("escalation_id", type=int)
@pass_ctx
def esc_show(ctx: CliContext, escalation_id: int) -> None:
    """One escalation with its log."""
    from reviewtui.db import escalations as esc_q

    with ctx.db.read() as s:
        d = esc_q.get_escalation(escalation_id, session=s)
        scoped_vendor_id(ctx, s, d.row.vendor)
    r = d.row
    click.echo(f"Escalation {r.id} [{r.status}] level {r.level} — {r.vendor}")
    if r.item:
        click.echo(f"About: {r.item}")
    click.echo(f"Reason: {r.reason}")
    for x in d.log:
        st = f" [{x.status}]" if x.status else ""
        click.echo(f"{x.at.astimezone():%Y-%m-%d %H:%M} {x.author}{st}: {x.text}")


@escalations.command("ladder")
@click.option("--vendor", required=True, metavar="NAME")
@format_option()
@pass_ctx
def esc_ladder(ctx: CliContext, vendor: str, fmt: str) -> None:
    """A vendor's escalation ladder: levels 1-3, the contact on each side, response time.

    JSON: a list of {level, client, vendor, response_hours}.
    """
    from reviewtui.db import escalations as esc_q

    with ctx.db.read() as s:
        vid = scoped_vendor_id(ctx, s, vendor)
        assert vid is not None
        steps = esc_q.ladder(vid, session=s)
    emit(
        [x.as_dict() for x in steps],
        fmt,
        [
            ("level", "Level"),
            ("client", "Client"),
            ("vendor", "Vendor"),
            ("response_hours", "Hours"),
        ],
        title=f"Escalation ladder of {vendor}",
        empty="no ladder yet",
    )


@escalations.command("set-step")
@click.option("--vendor", required=True, metavar="NAME")
@click.option("--level", required=True, type=click.IntRange(1, 3))
@click.option("--client", "client", metavar="NAME", help="The client-side contact on this level.")
@click.option("--supplier", "supplier", metavar="NAME", help="The vendor-side contact.")
@click.option(
    "--hours",
    type=click.IntRange(1, 24 * 30),
    default=48,
    show_default=True,
    help="Expected response time.",
)
@pass_ctx
def esc_set_step(
    ctx: CliContext, vendor: str, level: int, client: str | None, supplier: str | None, hours: int
) -> None:
    """Set one rung of a vendor's escalation ladder (contacts are matched by name)."""
    from reviewtui.db import escalations as esc_q
    from reviewtui.db import vendors as vendor_q

    require_writable(ctx)
    if ctx.settings.role != "facilitator":
        # Before any look-up: a refusal must not name the client's contacts.
        fail("only a facilitator sets the escalation ladder")
    with ctx.db.session() as s:
        vid = scoped_vendor_id(ctx, s, vendor)
        assert vid is not None
        contacts = vendor_q.get_detail(vid, session=s).contacts

        def pick(name: str | None, side: str) -> int | None:
            if not name:
                return None
            found = [c for c in contacts if c.side == side and name.lower() in c.name.lower()]
            if len(found) != 1:
                known = ", ".join(c.name for c in contacts if c.side == side) or "none"
                fail(f"{side} contact {name!r} matches {len(found)} contacts (known: {known})")
            return found[0].id

        esc_q.set_step(
            vid,
            level,
            session=s,
            client_contact_id=pick(client, "client"),
            vendor_contact_id=pick(supplier, "vendor"),
            response_hours=hours,
        )
        step = next(x for x in esc_q.ladder(vid, session=s) if x.level == level)
    click.echo(
        f"level {level}: {step.client or '—'} / {step.vendor or '—'}, {step.response_hours} h"
    )


@escalations.command("contract-review")
@format_option()
@pass_ctx
def esc_contract_review(ctx: CliContext, fmt: str) -> None:
    """Mark for contract review the vendors with two or more KPIs flagged escalate at once
    (and unmark the others); list the vendors marked.

    JSON: a list of {id, name, changed}.
    """
    from reviewtui.db import escalations as esc_q
    from reviewtui.db import vendors as vendor_q

    if ctx.settings.role == "facilitator":
        with ctx.db.session() as s:
            changed = {
                vid for vid, _, _ in esc_q.sync_contract_review(session=s, settings=ctx.settings)
            }
    else:
        changed = set()
    with ctx.db.read() as s:
        marked = [v for v in vendor_q.list_vendors(session=s) if v.contract_review]
    emit(
        [{"id": v.id, "name": v.name, "changed": v.id in changed} for v in marked],
        fmt,
        [("name", "Vendor"), ("changed", "Newly marked")],
        title="Marked for contract review",
        empty="no vendor is marked for contract review",
    )


# --- audits -------------------------------------------------------------------------------

AUDIT_COLUMNS = [
    ("id", "ID"),
    ("date", "Date"),
    ("vendor", "Vendor"),
    ("type", "Type"),
    ("auditor", "Auditor"),
    ("result", "Result"),
    ("findings", "Findings"),
    ("without_plan", "Serious, no plan"),
]


@restricted_ok
@click.group(invoke_without_command=True)
@click.option("--vendor", metavar="NAME", help="Only this vendor's audits.")
@format_option()
@click.pass_context
def audits(click_ctx: click.Context, vendor: str | None, fmt: str) -> None:
    """List audits and site visits, the latest first.

    JSON: a list of {id, vendor_id, vendor, date, type, auditor, result, findings, critical,
    major, without_plan}.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: CliContext = click_ctx.obj
    from reviewtui.db import audits as audit_q

    with ctx.db.read() as s:
        rows = audit_q.list_audits(session=s, vendor_id=scoped_vendor_id(ctx, s, vendor))
    emit([r.as_dict() for r in rows], fmt, AUDIT_COLUMNS, title="Audits", empty="no audits")


@audits.command("show")
@click.argument("audit_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_ctx
def audit_show(ctx: CliContext, audit_id: int, fmt: str) -> None:
    """One audit with its findings (and the plan raised from each)."""
    from reviewtui.db import audits as audit_q

    with ctx.db.read() as s:
        d = audit_q.get_audit(audit_id, session=s)
        scoped_vendor_id(ctx, s, d.vendor)
    if fmt == "json":
        data = {
            "id": d.id,
            "vendor": d.vendor,
            "date": d.date.isoformat(),
            "type": d.type,
            "auditor": d.auditor,
            "scope": d.scope,
            "result": d.result,
            "notes": d.notes,
            "findings": [f.as_dict() for f in d.findings],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"Audit {d.id}: {d.type.replace('_', ' ')} of {d.vendor} on {d.date}")
    click.echo(f"Auditor: {d.auditor or '—'} · result: {d.result or '—'}")
    if d.scope:
        click.echo(f"Scope: {d.scope}")
    for f in d.findings:
        plan = f" → plan {f.plan_id} ({f.plan_status})" if f.plan_id else ""
        click.echo(f"  finding {f.id} [{f.severity}] {f.title}{plan}")


@audits.command("add")
@click.option("--vendor", required=True, metavar="NAME")
@click.option("--date", "on", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option(
    "--type",
    "kind",
    required=True,
    type=click.Choice(["site_visit", "remote_audit", "security_assessment"]),
)
@click.option("--auditor", default="", metavar="NAME")
@click.option("--scope", default="", metavar="TEXT")
@click.option("--result", default="", type=click.Choice(["", "pass", "conditional", "fail"]))
@click.option(
    "--finding",
    "findings",
    multiple=True,
    metavar="SEVERITY:TITLE",
    help="A finding, e.g. 'major:Spares list out of date' (repeatable).",
)
@pass_ctx
def audit_add(
    ctx: CliContext,
    vendor: str,
    on,
    kind: str,
    auditor: str,
    scope: str,
    result: str,
    findings: tuple[str, ...],
) -> None:
    """Record an audit or site visit with its findings (all or nothing)."""
    from reviewtui.db import audits as audit_q

    drafts = []
    for i, f in enumerate(findings, start=1):
        sev, sep, title = f.partition(":")
        if not sep:
            raise click.BadParameter(
                f"finding {i} {f!r}: write SEVERITY:TITLE, e.g. 'minor:Gauge out of calibration'",
                param_hint="'--finding'",
            )
        drafts.append(audit_q.FindingDraft(sev.strip(), title.strip()))
    require_writable(ctx)
    with ctx.db.session() as s:
        vid = scoped_vendor_id(ctx, s, vendor)
        assert vid is not None
        aid = audit_q.create_audit(
            vid,
            session=s,
            on=on.date(),
            type=kind,
            auditor=auditor,
            scope=scope,
            result=result,
            findings=drafts,
        )
    click.echo(f"audit {aid} recorded with {len(drafts)} findings")


@audits.command("raise-plan")
@click.argument("finding_id", type=int)
@pass_ctx
def audit_raise_plan(ctx: CliContext, finding_id: int) -> None:
    """Raise a corrective action plan from a finding (or name the one it already has)."""
    from reviewtui.db import audits as audit_q

    require_writable(ctx)
    with ctx.db.session() as s:
        pid, new = audit_q.raise_plan_from_finding(finding_id, session=s)
    if new:
        click.echo(
            f"plan {pid} raised from finding {finding_id}; add its whys and actions in the app"
        )
    else:
        click.echo(f"finding {finding_id} has plan {pid} already (not closed): nothing raised")

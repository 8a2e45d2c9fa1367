"""``reviewtui plans``: corrective action plans from the shell: list, show, verify."""

from __future__ import annotations

import json

import click

from reviewtui.cli.access import require_writable, restricted_ok, scoped_vendor_id
from reviewtui.cli.context import CliContext
from reviewtui.cli.output import emit, format_option
from reviewtui.domain.figures import figure

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(plans)


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
        pts = ", ".join(f"{p.period} {figure(p.value, kpi.unit)} {p.status}" for p in kpi.since)
        target = figure(kpi.target, kpi.unit)
        click.echo(f"{kpi.name} since raised (target {target}): {pts or 'no data yet'}")


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

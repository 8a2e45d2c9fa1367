"""``reviewtui audits``: audits and site visits with their findings from the shell: list, show,
add, and a corrective action plan raised from a finding."""

from __future__ import annotations

import click

from reviewtui.cli.access import require_writable, restricted_ok, scoped_vendor_id
from reviewtui.cli.context import CliContext
from reviewtui.cli.output import dumps, emit, format_option

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(audits)


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
        click.echo(dumps(data, indent=2))
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

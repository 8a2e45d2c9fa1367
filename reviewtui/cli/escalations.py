"""``reviewtui escalations``: escalations along the ladder from the shell: what the rules
suggest, raise, status, the ladder's contacts and the vendors marked for contract review."""

from __future__ import annotations

import sys

import click

from reviewtui.cli.access import require_writable, restricted_ok, scoped_vendor_id
from reviewtui.cli.actions import EXIT_FOUND
from reviewtui.cli.context import CliContext, fail
from reviewtui.cli.output import emit, format_option

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(escalations)


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

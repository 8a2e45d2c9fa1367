"""Mail commands: send test, send minutes, send invite, remind (see docs/mail.md).

Each prints what happened, one line per fact; failures a user can cause (no server configured,
unreachable server, refused login or recipient) are one line on stderr and exit 1.
"""

from __future__ import annotations

import click

from reviewtui.cli.context import CliContext, fail

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(send)
    group.add_command(remind)


def warn(text: str) -> None:
    click.echo(f"reviewtui: warning: {text}", err=True)


def _facilitator_only(ctx: CliContext, what: str) -> None:
    if ctx.settings.role != "facilitator":
        fail(f"this session is {ctx.settings.role}: only a facilitator can {what}")


def _who(r) -> str:
    return f"{r.name} <{r.address}>" if r.name else r.address


def report_refused(refused, what: str) -> None:
    """One line naming each refused recipient, then exit 1 (the accepted ones are recorded)."""
    if not refused:
        return
    names = "; ".join(f"{_who(r)} ({why})" for r, why in refused)
    fail(f"{what}: the mail server refused {names}; they were not recorded as sent")


@click.group()
def send() -> None:
    """Send mail: a test message, a meeting's minutes, a meeting's invitation."""


@send.command("test")
@click.argument("address")
@pass_ctx
def send_test(ctx: CliContext, address: str) -> None:
    """Send a test message to ADDRESS and print what the mail server answered."""
    from reviewtui.mail import compose as c
    from reviewtui.mail import transport

    _facilitator_only(ctx, "send mail")
    smtp = ctx.settings.smtp
    addr = c.check_address(address, "ADDRESS")
    transport.check(smtp)
    msg = c.new_message(
        subject="reviewtui test message",
        sender=smtp.sender,
        sender_name="reviewtui",
        to=[c.Recipient("", addr)],
    )
    c.set_bodies(
        msg,
        f"This is a test message from reviewtui on behalf of {ctx.settings.user}.\n"
        f"Server: {smtp.host}:{smtp.effective_port} ({smtp.security}).\n",
        c.html_page("reviewtui test", "<p>This is a test message from reviewtui.</p>"),
    )
    with transport.Connection(smtp) as conn:
        result = conn.send(msg, [addr])
    if not result.accepted:
        fail(f"the mail server refused {addr}: {result.refused.get(addr, '')}")
    click.echo(f"sent to {addr} via {conn.server} ({smtp.security}); the server answered: "
               f"{result.reply}")  # fmt: skip


@send.command("minutes")
@click.argument("meeting", type=int)
@click.option("--to", "to", multiple=True, metavar="ADDR", help="Also to ADDR (repeatable).")
@click.option("--cc", "cc", multiple=True, metavar="ADDR", help="Copy to ADDR (repeatable).")
@click.option("--revision", type=int, help="A stored revision (default: the current one).")
@click.option("--draft", is_flag=True, help="Send minutes not yet signed off, marked DRAFT.")
@click.option("--dry-run", is_flag=True, help="Print the recipients and the message; send nothing.")
@click.option("--again", is_flag=True, help="Send even to people who had this revision already.")
@pass_ctx
def send_minutes(
    ctx: CliContext,
    meeting: int,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    revision: int | None,
    draft: bool,
    dry_run: bool,
    again: bool,
) -> None:
    """Send MEETING's signed-off minutes (PDF attached, new actions as .ics) to every attendee
    with an email on both sides and the facilitator, plus --to/--cc.

    A revision already sent to someone is not sent to them again without --again.
    """
    from reviewtui.exports import prefork

    _facilitator_only(ctx, "send minutes")
    if dry_run:
        _send_minutes(ctx, meeting, to, cc, revision, draft, dry_run, again, None)
        return
    # As `export minutes` does: the PDF renderer is forked before the database is read, so
    # that WeasyPrint's import overlaps the rest; it renders the same bytes.
    with prefork.take_renderer() as renderer:
        try:
            _send_minutes(ctx, meeting, to, cc, revision, draft, dry_run, again, renderer)
        except BaseException:
            renderer.discard()  # a refusal need not wait for the child's imports
            raise


def _send_minutes(ctx, meeting, to, cc, revision, draft, dry_run, again, renderer) -> None:
    from reviewtui.mail import minutes as mm

    p = mm.plan(ctx.db, ctx.settings, meeting, revision=revision, draft=draft, to=to, cc=cc,
                again=again)  # fmt: skip
    for who in p.no_email:
        warn(f"no email for {who}: not sent to them")
    for r, row in p.already:
        click.echo(
            f"already sent revision {p.revision} to {_who(r)} on "
            f"{row.at.astimezone():%Y-%m-%d %H:%M} by {row.sent_by or 'someone'}: skipped"
        )
    if not p.recipients:
        click.echo(
            f"nothing sent: revision {p.revision} of meeting {meeting} went to all of them "
            "already (--again sends it again)"
        )
        return
    if dry_run:
        click.echo(mm.describe(p, ctx.settings))
        for r in p.recipients:
            click.echo(f"would send to: {_who(r)} ({r.field}; {r.why})")
        click.echo("dry run: nothing sent")
        return

    def render(plan) -> bytes:
        from reviewtui.cli.minutes import render_pdf

        # The same PDF as `export minutes`: signed-off minutes digitally signed.
        return render_pdf(ctx, plan.document, renderer, sign=not plan.draft)

    out = mm.send(ctx.db, ctx.settings, p, render=render)
    for r in out.accepted:
        click.echo(f"sent to {_who(r)} ({r.field}; {r.why})")
    click.echo(
        f"meeting {meeting} revision {p.revision}{' (DRAFT)' if p.draft else ''}: sent to "
        f"{len(out.accepted)} of {len(p.recipients)}, Message-ID {out.message_id}, "
        f"SHA-256 {p.sha256}; attached: {', '.join(out.attachments)}"
    )
    report_refused(out.refused, f"meeting {meeting}'s minutes")


@send.command("invite")
@click.argument("meeting", type=int)
@click.option("--to", "to", multiple=True, metavar="ADDR", help="Also invite ADDR (repeatable).")
@click.option("--again", is_flag=True, help="Send even to people invited already.")
@pass_ctx
def send_invite(ctx: CliContext, meeting: int, to: tuple[str, ...], again: bool) -> None:
    """Send MEETING's calendar invitation (iCalendar REQUEST) to the vendor's contacts with an
    email on both sides, plus --to."""
    _facilitator_only(ctx, "send invitations")
    invite_and_report(ctx, meeting, to=to, again=again)


def invite_and_report(ctx: CliContext, meeting: int, *, to=(), again: bool = False) -> None:
    """Invite and print the outcome (also for ``meetings new --invite``)."""
    from reviewtui.mail import invites

    out = invites.invite(ctx.db, ctx.settings, meeting, to=to, again=again)
    for r in out.skipped:
        click.echo(f"already invited: {_who(r)} (--again sends it again)")
    if not out.accepted and not out.refused:
        click.echo(f"meeting {meeting}: nobody new to invite")
        return
    for r in out.accepted:
        click.echo(f"invited {_who(r)}")
    click.echo(
        f"meeting {meeting}: invitation (SEQUENCE {out.sequence}) sent to {len(out.accepted)}, "
        f"Message-ID {out.message_id}"
    )
    report_refused(out.refused, f"meeting {meeting}'s invitation")


def announce_and_report(ctx: CliContext, state, kind: str) -> None:
    """After a reschedule or cancel: tell those invited, print it; exit 1 if it failed."""
    from reviewtui.db.errors import UserError
    from reviewtui.mail import invites

    try:
        out = invites.announce(ctx.db, ctx.settings, state, kind)
    except UserError as exc:
        fail(f"{exc} (meeting {state.meeting_id} was changed; those invited were not told)")
    if out is None:
        click.echo("nobody was invited: no update sent")
        return
    what = "update" if kind == "update" else "cancellation"
    click.echo(
        f"{what} (SEQUENCE {out.sequence}) sent to {len(out.accepted)}: "
        + ", ".join(_who(r) for r in out.accepted)
    )
    report_refused(out.refused, f"meeting {state.meeting_id}'s {what}")


@click.command()
@click.option(
    "--due-within",
    "due_within",
    default="7d",
    show_default=True,
    metavar="SPAN",
    help="Open actions due within SPAN (7d, 2w, 1m) and every overdue one.",
)
@click.option("--dry-run", is_flag=True, help="Print the digests; send nothing.")
@click.option("--again", is_flag=True, help="Send even to people reminded today already.")
@pass_ctx
def remind(ctx: CliContext, due_within: str, dry_run: bool, again: bool) -> None:
    """Send each action owner a digest of their overdue and soon-due actions, and each
    facilitator one of the vendors needing attention; at most once a day per person.

    Owners without an email are listed on stderr. Exit 0 unless a send failed. For cron:
    `0 7 * * 1-5 reviewtui remind --due-within 7d` (see docs/mail.md).
    """
    from reviewtui.domain import actions as rules
    from reviewtui.domain import clock
    from reviewtui.mail import remind as rm
    from reviewtui.mail import transport

    _facilitator_only(ctx, "send reminders")
    try:
        within = rules.span_days(due_within, clock.today())
    except ValueError as exc:
        fail(f"--due-within {due_within!r}: {exc}")
    if not dry_run:
        transport.check(ctx.settings.smtp)
    p = rm.plan(ctx.db, ctx.settings, within_days=within, again=again)
    for line in rm.owners_without_email(p):
        warn(f"no email for action owner {line}: not reminded")
    for d in p.already:
        click.echo(f"already reminded today: {_who(d.recipient)} ({d.role}; --again sends again)")
    if dry_run:
        for d in p.digests:
            click.echo(rm.describe(d, p, ctx.settings))
            click.echo(f"would send to: {_who(d.recipient)} ({d.role}, {_n(d)})")
        click.echo("dry run: nothing sent")
        return
    if not p.digests:
        click.echo("no reminders to send")
        return
    out = rm.send(ctx.db, ctx.settings, p)
    for d in out.sent:
        click.echo(f"reminded {_who(d.recipient)} ({d.role}, {_n(d)})")
    if out.failed:
        names = "; ".join(f"{_who(d.recipient)} ({why})" for d, why in out.failed)
        fail(f"reminders not sent to {names}; sent to {len(out.sent)} others")


def _n(d) -> str:
    """What a digest holds: its actions, and a facilitator's KPIs in the red."""
    said = f"{len(d.actions)} action{'s' if len(d.actions) != 1 else ''}"
    if d.kpis:
        said += f", {len(d.kpis)} KPI{'s' if len(d.kpis) != 1 else ''} in the red or to escalate"
    return said

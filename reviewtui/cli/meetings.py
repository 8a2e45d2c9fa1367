"""Meeting commands: list, schedule, open in the TUI."""

from __future__ import annotations

import sys

import click

from reviewtui.cli.access import scoped_vendor_id
from reviewtui.cli.context import CliContext
from reviewtui.cli.output import emit, format_option
from reviewtui.domain import enums

pass_ctx = click.make_pass_decorator(CliContext)

MEETING_COLUMNS = [
    ("id", "Id"),
    ("scheduled_at", "When"),
    ("vendor", "Vendor"),
    ("type", "Type"),
    ("title", "Title"),
    ("location", "Place"),
    ("status", "Status"),
    ("items", "Items"),
]


class WhenType(click.ParamType):
    """A meeting date and time as people type it (see reviewtui.domain.when)."""

    name = "WHEN"

    def convert(self, value, param, ctx):
        from reviewtui.domain.when import WhenError, parse_when

        try:
            return parse_when(value)
        except WhenError as exc:
            self.fail(str(exc), param, ctx)


def register(group: click.Group) -> None:
    group.add_command(meetings)


@click.group(invoke_without_command=True)
@click.option("--vendor", "vendor", metavar="NAME", help="Only this vendor's meetings.")
@format_option()
@click.pass_context
def meetings(click_ctx: click.Context, vendor: str | None, fmt: str) -> None:
    """List meetings, oldest first (without a subcommand); schedule one with `meetings new`.

    JSON: a list of {id, vendor, type, title, scheduled_at, status, location, facilitator,
    items}; scheduled_at is ISO 8601 with the UTC offset, e.g. 2026-12-03T10:00+00:00.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: CliContext = click_ctx.obj
    from reviewtui.db import meetings as meeting_q

    with ctx.db.read() as s:
        vendor_id = scoped_vendor_id(ctx, s, vendor or None)
        rows = meeting_q.list_meetings(
            session=s,
            vendor_id=vendor_id,
            only_vendor=ctx.settings.vendor if ctx.settings.role == "vendor" else None,
        )
    data = [r.as_dict() for r in rows]
    if fmt == "table":
        for d in data:
            d["scheduled_at"] = d["scheduled_at"][:16].replace("T", " ")
            d["type"] = enums.label(d["type"])
            d["status"] = enums.label(d["status"])
    emit(data, fmt, MEETING_COLUMNS, title="Meetings", empty="no meetings yet")


@meetings.command("new")
@click.argument("vendor")
@click.option(
    "--at",
    "when",
    type=WhenType(),
    required=True,
    help="When: 2026-12-03 10:00, 3 Dec 10:00 or +7d 14:00 (local time).",
)
@click.option(
    "--type",
    "meeting_type",
    type=click.Choice(enums.MEETING_TYPES),
    default="monthly",
    show_default=True,
    help="monthly (20-30 min), qbr (60-90 min) or adhoc.",
)
@click.option("--title", default="", help="Title (default: after the type).")
@click.option(
    "--place",
    "--location",
    "location",
    default="",
    help="Where: a room, an address or a call link.",
)
@click.option(
    "--invite",
    is_flag=True,
    help="Also send the calendar invitation to the vendor's contacts (see `send invite`).",
)
@pass_ctx
def new(
    ctx: CliContext,
    vendor: str,
    when,
    meeting_type: str,
    title: str,
    location: str,
    invite: bool,
) -> None:
    """Schedule a meeting with VENDOR and its default agenda; prints the new meeting's id.

    The default agenda of a review pulls in the vendor's open and overdue corrective actions,
    the KPIs that are red, amber or flagged for escalation, and the previous minutes. With
    --invite the meeting is created even when the invitation fails (its id is printed, then
    the failure, exit 1).
    """
    from reviewtui.cli.context import fail
    from reviewtui.db import meetings as meeting_q
    from reviewtui.db import vendors as vendor_q

    if ctx.settings.role != "facilitator":
        fail("this session is read-only: meetings cannot be scheduled")
    with ctx.db.session() as s:
        # The exact name or a unique part of it ("keystone"): the rule of every command.
        vendor_id = vendor_q.match_id(vendor, session=s)
        meeting_id = meeting_q.create_meeting(
            vendor_id,
            when,
            session=s,
            meeting_type=meeting_type,
            title=title,
            location=location,
            settings=ctx.settings,
        )
    click.echo(meeting_id)
    if invite:
        from reviewtui.cli.mail import invite_and_report
        from reviewtui.db.errors import UserError

        try:
            invite_and_report(ctx, meeting_id)
        except UserError as exc:
            fail(f"meeting {meeting_id} was created, but the invitation failed: {exc}")


@meetings.command("reschedule")
@click.argument("meeting_id", type=int)
@click.option(
    "--at",
    "when",
    type=WhenType(),
    required=True,
    help="The new time: 2026-12-03 10:00, 3 Dec 10:00 or +7d 14:00 (local time).",
)
@pass_ctx
def reschedule(ctx: CliContext, meeting_id: int, when) -> None:
    """Move planned meeting MEETING_ID to a new time; those invited get the update."""
    from reviewtui.cli.context import fail
    from reviewtui.cli.mail import announce_and_report
    from reviewtui.db import mail as mail_q

    if ctx.settings.role != "facilitator":
        fail("this session is read-only: meetings cannot be rescheduled")
    with ctx.db.session() as s:
        state = mail_q.reschedule(meeting_id, when, session=s)
    click.echo(f"meeting {meeting_id} moved to {state.scheduled_at.astimezone():%Y-%m-%d %H:%M %Z}")
    announce_and_report(ctx, state, "update")


@meetings.command("cancel")
@click.argument("meeting_id", type=int)
@click.option("--reason", default="", help="Why (told to those invited).")
@pass_ctx
def cancel(ctx: CliContext, meeting_id: int, reason: str) -> None:
    """Cancel planned meeting MEETING_ID (it stays listed, as cancelled); those invited get a
    calendar CANCEL."""
    from reviewtui.cli.context import fail
    from reviewtui.cli.mail import announce_and_report
    from reviewtui.db import mail as mail_q

    if ctx.settings.role != "facilitator":
        fail("this session is read-only: meetings cannot be cancelled")
    with ctx.db.session() as s:
        state = mail_q.cancel(meeting_id, reason, session=s)
    click.echo(f"meeting {meeting_id} cancelled" + (f": {state.cancel_reason}" if reason else ""))
    announce_and_report(ctx, state, "cancel")


@meetings.command("open")
@click.argument("meeting_id", type=int)
@pass_ctx
def open_meeting(ctx: CliContext, meeting_id: int) -> None:
    """Open the TUI straight on meeting MEETING_ID (where you left it)."""
    from reviewtui.db import meetings as meeting_q
    from reviewtui.db.errors import NotFound
    from reviewtui.domain.text import fold
    from reviewtui.tui import run_tui

    with ctx.db.read() as s:
        view = meeting_q.get_meeting(meeting_id, session=s)  # NotFound: exit 1, no TUI
    scope = ctx.settings.vendor if ctx.settings.role == "vendor" else None
    if scope is not None and fold(view.vendor) != fold(scope):
        raise NotFound(f"no meeting with id {meeting_id}")
    sys.exit(run_tui(ctx, meeting_id=meeting_id))

"""``reviewtui actions``: the open actions between meetings, for people, scripts, calendars and
cron; ``actions update|add|show``."""

from __future__ import annotations

import sys

import click

from reviewtui.cli.access import require_writable, restricted_ok, scoped_vendor_id
from reviewtui.cli.context import CliContext, fail
from reviewtui.cli.output import dumps, emit, width_option

pass_ctx = click.make_pass_decorator(CliContext)

#: Exit code of ``--fail-if-any`` when the listing is not empty (for cron reminders).
EXIT_FOUND = 3

ACTION_COLUMNS = [
    ("id", "ID"),
    ("due_date", "Due"),
    ("late", "Late"),
    ("status", "Status"),
    ("vendor", "Vendor"),
    ("title", "Action"),
    ("owner", "Owner"),
    ("priority", "Priority"),
]
CSV_COLUMNS = [  # the JSON keys, in order: the header of an empty CSV too
    ("id", "id"),
    ("vendor_id", "vendor_id"),
    ("vendor", "vendor"),
    ("title", "title"),
    ("owner", "owner"),
    ("due_date", "due_date"),
    ("status", "status"),
    ("priority", "priority"),
    ("overdue", "overdue"),
    ("days_overdue", "days_overdue"),
    ("plan_id", "plan_id"),
    ("meeting_id", "meeting_id"),
]


def register(group: click.Group) -> None:
    group.add_command(actions)


def _statuses(values: tuple[str, ...]) -> tuple[str, ...]:
    from reviewtui.domain import enums

    if not values:
        return enums.OPEN_ACTION_STATUSES
    out: list[str] = []
    for v in values:
        for part in v.split(","):
            p = part.strip().lower().replace(" ", "_").replace("-", "_")
            if p == "all":
                return enums.ACTION_STATUSES
            if p == "open_all":
                out.extend(enums.OPEN_ACTION_STATUSES)
                continue
            if p not in enums.ACTION_STATUSES:
                raise click.BadParameter(
                    f"{part!r}: use one of {', '.join(enums.ACTION_STATUSES)} or all",
                    param_hint="'--status'",
                )
            out.append(p)
    return tuple(dict.fromkeys(out))


def _one_status(value: str | None, param: click.Parameter) -> str | None:
    """A new status for one action: a bad value is a usage error like any bad option value."""
    if value is None:
        return None
    from reviewtui.domain import enums

    status = value.strip().lower().replace(" ", "_").replace("-", "_")
    if status not in enums.ACTION_STATUSES:
        raise click.BadParameter(
            f"{value!r}: use one of {', '.join(enums.ACTION_STATUSES)}", param=param
        )
    return status


def _span(value: str | None) -> int | None:
    if value is None:
        return None
    from reviewtui.domain import actions as rules
    from reviewtui.domain import clock

    try:
        return rules.span_days(value, clock.today())
    except rules.DueDateError as exc:
        raise click.BadParameter(str(exc), param_hint="'--due-within'") from exc


@restricted_ok  # scoped reads (db.access); writes refused by the database for restricted roles
@click.group(invoke_without_command=True)
@click.option("--vendor", "vendor", metavar="NAME", help="Only this vendor's actions.")
@click.option("--owner", metavar="TEXT", help="Only actions whose owner's name contains TEXT.")
@click.option(
    "--status",
    "status",
    multiple=True,
    metavar="S",
    help="open, in_progress, done, cancelled or all (repeat or comma-separate). "
    "Default: open and in_progress.",
)
@click.option("--overdue", is_flag=True, help="Only open actions past their due date.")
@click.option(
    "--due-within",
    metavar="SPAN",
    help="Only actions due by today + SPAN (7d, 2w, 1m); overdue ones are included.",
)
@click.option("--search", metavar="TEXT", help="Words to find in the title, owner or vendor.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "ics"]),
    default="table",
    show_default=True,
    help="table for people; json and csv for scripts; ics: an iCalendar feed of due dates.",
)
@width_option()
@click.option(
    "--fail-if-any",
    is_flag=True,
    help=f"Exit with code {EXIT_FOUND} when anything is listed (for cron reminders).",
)
@click.pass_context
def actions(
    click_ctx: click.Context,
    vendor: str | None,
    owner: str | None,
    status: tuple[str, ...],
    overdue: bool,
    due_within: str | None,
    search: str | None,
    fmt: str,
    fail_if_any: bool,
) -> None:
    """List corrective actions, earliest due first (default: the open ones of every vendor).

    \b
    JSON: a list of {id, vendor_id, vendor, title, owner, due_date, status, priority,
    overdue, days_overdue, plan_id, meeting_id}; dates as YYYY-MM-DD.
    CSV: the same columns (without vendor_id), with a header row.
    ICS: one all-day event per action on its due date, UID action-<id>@reviewtui;
    subscribe to a file a cron job rewrites, e.g.
      reviewtui actions --owner "Raj" --format ics > ~/public/raj-actions.ics

    \b
    Exit codes: 0 ok; 1 a vendor that does not exist; 2 usage;
    3 with --fail-if-any when anything is listed, e.g. for a daily cron reminder:
      reviewtui actions --overdue --fail-if-any --format csv || mail-the-owners
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: CliContext = click_ctx.obj
    from reviewtui.db import actions as action_q
    from reviewtui.domain import clock

    statuses = _statuses(status)
    within = _span(due_within)
    with ctx.db.read() as s:
        flt = action_q.ActionFilter(
            vendor_id=scoped_vendor_id(ctx, s, vendor),
            owner=owner or "",
            statuses=statuses,
            overdue=overdue,
            due_within_days=within,
            search=search or "",
        )
        rows = action_q.list_actions(flt, session=s, limit=None).rows
    if fmt == "ics":
        from reviewtui.exports.ical import actions_calendar

        sys.stdout.buffer.write(actions_calendar(rows, now=clock.now()))
        sys.stdout.flush()
    elif fmt == "json":
        write_json_rows([r.as_dict() for r in rows])
    else:
        data = [r.as_dict() for r in rows]
        if fmt == "table":
            for d in data:
                d["late"] = f"{d['days_overdue']}d late" if d["overdue"] else ""
                d["status"] = d["status"].replace("_", " ")
        emit(
            data,
            fmt,
            CSV_COLUMNS if fmt == "csv" else ACTION_COLUMNS,
            title="Overdue actions" if overdue else "Actions",
            empty="no actions match"
            if (overdue or vendor or owner or search)
            else "no open actions",
        )
    if fail_if_any and rows:
        sys.exit(EXIT_FOUND)


@actions.command("update")
@click.argument("action_id", type=int)
@click.option(
    "--status",
    "status",
    metavar="S",
    callback=lambda _c, p, v: _one_status(v, p),
    help="open, in_progress, done or cancelled.",
)
@click.option("--note", default="", metavar="TEXT", help="A progress note (dated, with your name).")
@click.option("--due", metavar="DATE", help="A new due date: 2026-12-15, 15 Dec, +3d, +2w, +1m.")
@click.option("--owner", metavar="NAME", help="A new owner: a contact's name, or any name.")
@click.option(
    "--priority", type=click.Choice(["low", "medium", "high", "critical"]), help="A new priority."
)
@click.option(
    "--meeting", "meeting_id", type=int, metavar="ID", help="Record it against a meeting."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_ctx
def update(
    ctx: CliContext,
    action_id: int,
    status: str | None,
    note: str,
    due: str | None,
    owner: str | None,
    priority: str | None,
    meeting_id: int | None,
    fmt: str,
) -> None:
    """Change an action: status, due date, owner, priority, or just add a note.

    Every change leaves a dated note with your name (and the meeting, with --meeting).
    """
    from reviewtui.db import actions as action_q

    if not any((status, note.strip(), due, owner, priority)):
        raise click.UsageError("give --status, --note, --due, --owner or --priority")
    require_writable(ctx)
    with ctx.db.session() as s:
        _check_scope(ctx, s, action_id)
        row = None
        if due or owner is not None or priority:
            row = action_q.update_action(
                action_id,
                session=s,
                due=due,
                owner=owner,
                priority=priority,
                meeting_id=meeting_id,
                note="" if status else note,
            )
        if status:
            row = action_q.update_status(
                action_id,
                status,
                session=s,
                note=note,
                meeting_id=meeting_id,
                verification_days=ctx.settings.verification_days,
            )
        elif row is None:
            action_q.add_note(action_id, note, session=s, meeting_id=meeting_id)
            row = action_q.get_row(action_id, session=s)
    _print_one(row, fmt)


@actions.command("add")
@click.option("--vendor", "vendor", required=True, metavar="NAME")
@click.option("--title", required=True, metavar="TEXT")
@click.option("--due", required=True, metavar="DATE", help="2026-12-15, 15 Dec, +3d, +2w, +1m.")
@click.option("--owner", default="", metavar="NAME")
@click.option(
    "--priority", type=click.Choice(["low", "medium", "high", "critical"]), default="medium"
)
@click.option("--plan", "plan_id", type=int, metavar="ID", help="Add it to this plan.")
@click.option("--meeting", "meeting_id", type=int, metavar="ID", help="Raised in this meeting.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_ctx
def add(
    ctx: CliContext,
    vendor: str,
    title: str,
    due: str,
    owner: str,
    priority: str,
    plan_id: int | None,
    meeting_id: int | None,
    fmt: str,
) -> None:
    """Add an action for a vendor (on its own, or to a corrective action plan)."""
    from reviewtui.db import actions as action_q

    require_writable(ctx)
    with ctx.db.session() as s:
        vid = scoped_vendor_id(ctx, s, vendor)
        assert vid is not None
        row = action_q.create_action(
            vid,
            title,
            due,
            session=s,
            plan_id=plan_id,
            meeting_id=meeting_id,
            owner=owner,
            priority=priority,
        )
    _print_one(row, fmt)


@actions.command("show")
@click.argument("action_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_ctx
def show(ctx: CliContext, action_id: int, fmt: str) -> None:
    """One action with its dated notes and status changes.

    JSON: the listing's fields plus notes: [{at, author, text, status_from, status_to,
    meeting_id}].
    """
    from reviewtui.db import actions as action_q

    with ctx.db.read() as s:
        _check_scope(ctx, s, action_id)
        d = action_q.get_detail(action_id, session=s)
    if fmt == "json":
        data = d.action.as_dict() | {
            "plan_title": d.plan_title,
            "notes": [
                {
                    "at": n.at.isoformat(),
                    "author": n.author,
                    "text": n.text,
                    "status_from": n.status_from,
                    "status_to": n.status_to,
                    "meeting_id": n.meeting_id,
                }
                for n in d.notes
            ],
        }
        click.echo(dumps(data, indent=2))
        return
    _print_one(d.action, "table")
    if d.plan_title:
        click.echo(f"Plan {d.action.plan_id}: {d.plan_title}")
    for n in d.notes:
        moved = f"[{n.status_from or '—'} → {n.status_to}] " if n.status_to else ""
        where = f" (meeting {n.meeting_id})" if n.meeting_id else ""
        click.echo(f"{n.at.astimezone():%Y-%m-%d %H:%M} {n.author}{where}: {moved}{n.text}")


def write_json_rows(rows: list[dict]) -> None:
    """A JSON array with one object per line: the same data as ``emit``'s indented JSON, but
    written by the C encoder (tens of thousands of actions in a fraction of the time) and easy
    to grep; DEL, C1 and the bidi controls escaped as everywhere."""
    out = sys.stdout
    out.write("[")
    for i, r in enumerate(rows):
        out.write("\n  " if i == 0 else ",\n  ")
        out.write(dumps(r))
    out.write("\n]\n" if rows else "]\n")
    out.flush()


def _check_scope(ctx: CliContext, session, action_id: int) -> None:
    """A vendor-role session touches only its vendor's actions."""
    if ctx.settings.role != "vendor":
        return
    from reviewtui.db import actions as action_q
    from reviewtui.domain.text import fold

    row = action_q.get_row(action_id, session=session)
    if fold(row.vendor) != fold(ctx.settings.vendor or ""):
        fail(f"no action with id {action_id}")


def _print_one(row, fmt: str) -> None:
    if fmt == "json":
        click.echo(dumps(row.as_dict(), indent=2))
        return
    late = f", {row.days_overdue} days overdue" if row.overdue else ""
    click.echo(
        f"action {row.id} [{row.status.replace('_', ' ')}] {row.title} — {row.vendor}, "
        f"owner {row.owner or 'nobody'}, due {row.due_date.isoformat()}{late}"
    )

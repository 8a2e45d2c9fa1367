"""``reviewtui audit``: who changed what and when, with the values before and after."""

from __future__ import annotations

import json

import click

from reviewtui.cli.access import restricted_ok
from reviewtui.cli.context import CliContext
from reviewtui.cli.output import emit, format_option

pass_ctx = click.make_pass_decorator(CliContext)

TABLE_COLUMNS = [
    ("at", "When"),
    ("user", "User"),
    ("op", "Change"),
    ("record", "Record"),
    ("vendor", "Vendor"),
    ("changes", "Values"),
]
CSV_COLUMNS = [
    (k, k)
    for k in (
        "id",
        "at",
        "user",
        "op",
        "entity",
        "entity_id",
        "vendor_id",
        "vendor",
        "before",
        "after",
    )
]


def register(group: click.Group) -> None:
    group.add_command(audit)


@restricted_ok
@click.command()
@click.option("--vendor", "vendor_name", metavar="NAME", help="Only this vendor's changes.")
@click.option(
    "--since",
    metavar="WHEN",
    help="Only changes at or after WHEN: 2026-11-01, 2026-11-01T09:00, 90m, 12h, 7d, 2w, "
    "today, yesterday.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Only the newest N changes.")
@format_option()
@pass_ctx
def audit(
    ctx: CliContext, vendor_name: str | None, since: str | None, limit: int | None, fmt: str
) -> None:
    """Show the audit trail, oldest first: who changed what, when, before and after.

    JSON: a list of {id, at, user, op, entity, entity_id, vendor_id, vendor, before, after};
    at is ISO 8601 with its offset, op is insert|update|delete|restore, before and after are
    objects of column values (null for an insert's before and a delete's after). CSV: the same
    columns, before and after as JSON text. A vendor session sees its own vendor's changes only.
    """
    from reviewtui.db import trail
    from reviewtui.db import vendors as vendor_q
    from reviewtui.domain import clock
    from reviewtui.domain.since import parse_since

    when = None
    if since is not None:
        try:
            when = parse_since(since, clock.local_now())
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--since'") from None
    with ctx.db.read() as s:
        vendor_id = vendor_q.get_by_name(vendor_name, session=s).id if vendor_name else None
        rows = trail.entries(session=s, vendor_id=vendor_id, since=when, limit=limit)
    empty = "no changes recorded" + (" in that range" if since or vendor_name else " yet")
    if fmt == "json":
        emit([r.as_dict() for r in rows], fmt, CSV_COLUMNS)
        return
    if fmt == "csv":
        out = []
        for r in rows:
            d = r.as_dict()
            d["before"] = None if r.before is None else json.dumps(r.before, sort_keys=True)
            d["after"] = None if r.after is None else json.dumps(r.after, sort_keys=True)
            out.append(d)
        emit(out, fmt, CSV_COLUMNS)
        return
    emit(
        [
            {
                "at": r.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                "user": r.user,
                "op": r.op,
                "record": f"{r.entity} {r.entity_id}" if r.entity_id is not None else r.entity,
                "vendor": r.vendor or ("" if r.vendor_id is None else f"#{r.vendor_id}"),
                "changes": r.changes(width=200),
            }
            for r in rows
        ],
        fmt,
        TABLE_COLUMNS,
        title="Audit trail",
        empty=empty,
    )

"""Reminders: each action owner one digest of their overdue and soon-due actions, each
facilitator one digest of the vendors that need attention (overdue or soon-due actions, reviews
falling due, KPIs in the red or due for escalation); at most once a day per person.

The KPIs are the scorecard's, from the same call as ``reviewtui scorecard --all`` makes at the
database: the digest and the command cannot disagree on which are red.

Owners are found through the contact an action names (:func:`reviewtui.db.mail.due_actions`);
facilitators are the ``[users.LOGIN]`` entries of role facilitator that have an email.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from typing import TYPE_CHECKING

from reviewtui.domain import clock
from reviewtui.exports.present import num
from reviewtui.mail import compose as c

if TYPE_CHECKING:
    from reviewtui.config import Settings
    from reviewtui.db.engine import Database
    from reviewtui.domain.scorecard import KpiResult
    from reviewtui.views.mail import DueAction


@dataclass(frozen=True)
class Digest:
    """One person's reminder."""

    recipient: c.Recipient
    role: str  # owner | facilitator
    actions: tuple[DueAction, ...]
    reviews: tuple[tuple[str, date, date | None], ...] = ()  # vendor, review due, last review
    #: Facilitators: (vendor, KPI) in the red or due for escalation, as the scorecard has them.
    kpis: tuple[tuple[str, KpiResult], ...] = ()


def kpi_line(k: KpiResult) -> str:
    """A KPI in a facilitator's digest: value, period, target, status and misses in a row."""
    sign = "≥" if k.direction == "higher" else "≤"
    where = f" in {k.period}" if k.period else ""
    tail = f", {k.consecutive_misses} misses in a row: escalate" if k.escalate else ""
    return (
        f"{k.kpi}: {num(k.actual, k.unit)}{where}, target {sign} {num(k.target, k.unit)} "
        f"({k.status}{tail})"
    )


@dataclass(frozen=True)
class RemindPlan:
    """Who gets a digest today, who had one already, and which owners have no email."""

    day: date
    within_days: int
    digests: tuple[Digest, ...]
    already: tuple[Digest, ...]
    no_email: tuple[tuple[str, str, tuple[int, ...]], ...]  # owner, vendor, action ids


@dataclass(frozen=True)
class RemindOutcome:
    sent: tuple[Digest, ...]
    failed: tuple[tuple[Digest, str], ...]


def plan(db: Database, settings: Settings, *, within_days: int, again: bool = False) -> RemindPlan:
    """The digests to send today."""
    from reviewtui.db import mail as mail_q
    from reviewtui.db import scorecards
    from reviewtui.db import vendors as vendor_q

    today = clock.today()
    horizon = date.fromordinal(today.toordinal() + within_days)
    facilitators = _facilitators(settings)
    with db.read() as s:
        rows = mail_q.due_actions(session=s, today=today, within_days=within_days)
        reviews: tuple[tuple[str, date, date | None], ...] = ()
        cards = []
        if facilitators:  # only their digest tells reviews and KPIs
            reviews = tuple(
                (v.name, v.next_review_due, v.last_review)
                for v in vendor_q.list_vendors(
                    session=s, cadence_defaults=settings.cadence_months, today=today
                )
                if v.next_review_due <= horizon
            )
            # As `scorecard --all` reads them (history=2: the latest period and the one before).
            cards = scorecards.portfolio(session=s, settings=settings, history=2)
    slipping = tuple(
        (card.vendor, k) for card in cards for k in card.kpis if k.status == "red" or k.escalate
    )
    by_owner: dict[str, list[DueAction]] = defaultdict(list)
    names: dict[str, str] = {}
    missing: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in rows:
        try:
            addr = c.check_address(r.owner_email) if r.owner_email else ""
        except c.AddressError:
            addr = ""
        if not addr:
            missing[(r.owner or "nobody", r.vendor)].append(r.id)
            continue
        by_owner[addr.lower()].append(r)
        names.setdefault(addr.lower(), r.owner)
    digests = [
        Digest(c.Recipient(names[k], k, "to", "owner"), "owner", tuple(v))
        for k, v in sorted(by_owner.items())
    ]
    if rows or reviews or slipping:
        digests += [
            Digest(who, "facilitator", tuple(rows), reviews, slipping) for who in facilitators
        ]
    # Keyed by address: someone who owns actions and facilitates gets both digests in the
    # day's first run, and neither again that day.
    done: set[str] = set()
    if not again:
        with db.read() as s:
            done = mail_q.reminded_today([f"{d.recipient.key}" for d in digests], today, session=s)
    todo = tuple(d for d in digests if d.recipient.key not in done)
    already = tuple(d for d in digests if d.recipient.key in done)
    return RemindPlan(
        day=today,
        within_days=within_days,
        digests=todo,
        already=already,
        no_email=tuple((o, v, tuple(ids)) for (o, v), ids in sorted(missing.items())),
    )


def _facilitators(settings: Settings) -> list[c.Recipient]:
    """The ``[users.LOGIN]`` facilitators with a valid email, by login."""
    out = []
    for login, entry in sorted(settings.users.items()):
        person = settings.person(login)
        if (entry.get("role") or "facilitator") != "facilitator" or not person.email:
            continue
        try:
            out.append(c.Recipient(person.name, c.check_address(person.email), "to", "facilitator"))
        except c.AddressError:
            continue
    return out


def _line(a: DueAction) -> str:
    late = f"OVERDUE by {a.days_overdue} day{'s' if a.days_overdue != 1 else ''}" if (
        a.days_overdue) else f"due {a.due_date.isoformat()}"  # fmt: skip
    origin = "; ".join(x for x in (f"plan: {a.plan}" if a.plan else "",
                                   f"from: {a.meeting}" if a.meeting else "") if x)  # fmt: skip
    return f"#{a.id} {a.title} — {late}" + (f" ({origin})" if origin else "")


def compose(d: Digest, p: RemindPlan, settings: Settings) -> EmailMessage:
    """The digest message (text + HTML)."""
    overdue = [a for a in d.actions if a.days_overdue]
    soon = [a for a in d.actions if not a.days_overdue]
    if d.role == "owner":
        subject = f"Reminder: {len(overdue)} overdue, {len(soon)} due within {p.within_days} days"
        intro = f"Hello {d.recipient.name}, these actions you own are overdue or due soon."
    else:
        vendors = sorted(
            {a.vendor for a in d.actions} | {r[0] for r in d.reviews} | {v for v, _ in d.kpis}
        )
        subject = f"Vendors needing attention: {len(vendors)}"
        intro = (
            f"Hello {d.recipient.name}, these vendors have KPIs in the red or due for "
            f"escalation, overdue actions, actions due within {p.within_days} days, or a "
            "review due."
        )
    msg = c.new_message(
        subject=subject,
        sender=c.sender(settings),
        sender_name="reviewtui",
        to=[d.recipient],
        auto=True,
    )
    groups: dict[str, list[DueAction]] = defaultdict(list)
    for a in d.actions:
        groups[a.vendor].append(a)
    text = [intro, ""]
    html_parts = [f"<p>{c.esc(intro)}</p>"]
    if d.kpis:
        head = "KPIs in the red or due for escalation (latest period)"
        text.append(head)
        text += [f"  - {vendor}: {kpi_line(k)}" for vendor, k in d.kpis]
        text.append("")
        html_parts.append(f'<h3 style="font-size:15px">{c.esc(head)}</h3>')
        html_parts.append(c.table(["Vendor", "KPI"], [(v, kpi_line(k)) for v, k in d.kpis]))
    for vendor, acts in sorted(groups.items()):
        late = sum(1 for a in acts if a.days_overdue)
        head = f"{vendor}: {late} overdue, {len(acts) - late} due soon"
        text.append(head)
        if d.role == "owner":
            text += [f"  - {_line(a)}" for a in acts]
        else:
            text += [f"  - {_line(a)}; owner {a.owner or 'nobody'}" for a in acts]
        text.append("")
        html_parts.append(f'<h3 style="font-size:15px">{c.esc(head)}</h3>')
        html_parts.append(
            c.table(
                ["#", "Action", "Owner", "Due", "Late", "Plan", "Meeting"],
                [
                    (
                        a.id,
                        a.title,
                        a.owner or "nobody",
                        a.due_date.isoformat(),
                        f"{a.days_overdue} d" if a.days_overdue else "",
                        a.plan,
                        a.meeting,
                    )
                    for a in acts
                ],  # fmt: skip
            )
        )
    if d.reviews:
        head = f"Reviews due by {date.fromordinal(p.day.toordinal() + p.within_days)}"
        text.append(head)
        text += [
            f"  - {v}: review due {due.isoformat()}"
            + (f" (last {last.isoformat()})" if last else " (never reviewed)")
            for v, due, last in d.reviews
        ]
        text.append("")
        html_parts.append(f'<h3 style="font-size:15px">{c.esc(head)}</h3>')
        html_parts.append(
            c.table(
                ["Vendor", "Review due", "Last review"],
                [
                    (v, due.isoformat(), last.isoformat() if last else "never")
                    for v, due, last in d.reviews
                ],
            )  # fmt: skip
        )
    text.append("Update an action: reviewtui actions update ID --status done --note '...'")
    c.set_bodies(msg, "\n".join(text) + "\n", c.html_page(subject, "".join(html_parts)))
    return msg


def send(db: Database, settings: Settings, p: RemindPlan) -> RemindOutcome:
    """Send each digest on one connection; record each accepted one (so not twice today)."""
    from reviewtui.db import mail as mail_q
    from reviewtui.mail import transport
    from reviewtui.mail.transport import MailError

    sent: list[Digest] = []
    failed: list[tuple[Digest, str]] = []
    if not p.digests:
        return RemindOutcome((), ())
    with transport.Connection(settings.smtp) as conn:
        for d in p.digests:
            msg = compose(d, p, settings)
            try:
                result = conn.send(msg, [d.recipient.address])
            except MailError as exc:
                failed.append((d, str(exc)))
                failed += [(rest, "not sent: the connection was lost")
                           for rest in p.digests[p.digests.index(d) + 1:]]  # fmt: skip
                break
            if result.accepted:
                with db.session() as s:
                    mail_q.record(
                        [
                            mail_q.Delivery(
                                kind="reminder",
                                recipient=d.recipient.address,
                                recipient_name=d.recipient.name,
                                message_id=str(msg["Message-ID"]),
                                day=p.day,
                            )
                        ],
                        session=s,
                    )
                sent.append(d)
            else:
                failed.append((d, "; ".join(result.refused.values())))
    return RemindOutcome(tuple(sent), tuple(failed))


def describe(d: Digest, p: RemindPlan, settings: Settings) -> str:
    """A digest as ``--dry-run`` prints it."""
    return c.describe(compose(d, p, settings))


def owners_without_email(p: RemindPlan) -> Sequence[str]:
    return [
        f"{owner} ({vendor}; action{'s' if len(ids) > 1 else ''} {', '.join(str(i) for i in ids)})"
        for owner, vendor, ids in p.no_email
    ]

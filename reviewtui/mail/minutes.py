"""Sending a meeting's minutes: to whom, the message (text + HTML, PDF and .ics attached), and
the record of who got which revision.

:func:`plan` decides the recipients and what was sent before (nothing is sent twice to the same
person without ``again``); :func:`compose` builds the message; :func:`send` renders the PDF with
the export function, delivers and records the accepted recipients. The CLI and the minutes
screen both go through these three.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from reviewtui.db.errors import UserError
from reviewtui.domain import clock, enums
from reviewtui.mail import compose as c

if TYPE_CHECKING:
    from reviewtui.config import Person, Settings
    from reviewtui.db.engine import Database
    from reviewtui.views.mail import SentRow

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MinutesPlan:
    """Who a revision of the minutes goes to, and what stands in the way."""

    meeting_id: int
    vendor_id: int
    revision: int
    draft: bool
    sha256: str
    subject: str
    document: Mapping[str, Any]
    to: tuple[c.Recipient, ...]
    cc: tuple[c.Recipient, ...]
    already: tuple[tuple[c.Recipient, SentRow], ...]  # sent this revision before: skipped
    no_email: tuple[str, ...]  # attendees (and the facilitator) without an address

    @property
    def recipients(self) -> tuple[c.Recipient, ...]:
        return self.to + self.cc


@dataclass(frozen=True)
class Outcome:
    """What one sending achieved."""

    message_id: str
    accepted: tuple[c.Recipient, ...]
    refused: tuple[tuple[c.Recipient, str], ...]
    reply: str
    attachments: tuple[str, ...]


def facilitator(settings: Settings, who: str) -> Person | None:
    """The ``[users.LOGIN]`` person behind a meeting's facilitator (a login, or their name)."""
    if not who:
        return None
    if who in settings.users:
        return settings.person(who)
    for login, entry in settings.users.items():
        if (entry.get("name") or "").strip().casefold() == who.strip().casefold():
            return settings.person(login)
    return None


def subject(doc: Mapping[str, Any], *, draft: bool) -> str:
    """``Minutes: VENDOR — TYPE, DATE (revision N)``, ``DRAFT minutes: ...`` before sign-off."""
    mt = doc["meeting"]
    when = clock.aware(datetime.fromisoformat(mt["started_at"] or mt["scheduled_at"]))
    kind = enums.label(mt["type"])
    kind = kind[:1].upper() + kind[1:]
    text = (
        f"Minutes: {doc['vendor']['name']} — {kind}, {when.astimezone().date().isoformat()} "
        f"(revision {mt['revision']})"
    )
    return f"DRAFT {text[0].lower()}{text[1:]}" if draft else text


def plan(
    db: Database,
    settings: Settings,
    meeting_id: int,
    *,
    revision: int | None = None,
    draft: bool = False,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    again: bool = False,
) -> MinutesPlan:
    """The recipients of the revision and what keeps it from going (raises UserError)."""
    from reviewtui.db import mail as mail_q
    from reviewtui.db import minutes as minutes_q

    extra_to = [c.check_address(a, "--to") for a in to]
    extra_cc = [c.check_address(a, "--cc") for a in cc]
    with db.read() as s:
        view = minutes_q.get(meeting_id, session=s, revision=revision, settings=settings)
        people = mail_q.attendees(meeting_id, session=s)
        sent = mail_q.sendings(meeting_id, session=s, kinds=("minutes",))
    doc = view.document
    if view.signed_off and draft:
        raise UserError(
            f"revision {view.revision} of meeting {meeting_id} is signed off: send it without "
            "--draft"
        )
    if not view.signed_off and not draft:
        raise UserError(
            f"revision {view.revision} of meeting {meeting_id} is not signed off yet: sign it off "
            "(reviewtui signoff), or send it for review with --draft"
        )
    chosen: dict[str, c.Recipient] = {}
    no_email: list[str] = []

    def add(r: c.Recipient) -> None:
        chosen.setdefault(r.key, r)

    for p in people:
        if p.email:
            try:
                add(c.Recipient(p.name, c.check_address(p.email), "to", f"attendee ({p.side})"))
            except c.AddressError:
                no_email.append(f"{p.name} ({p.side} side; their email {p.email!r} is not usable)")
        else:
            no_email.append(f"{p.name} ({p.side} side)")
    lead_name = doc["meeting"].get("facilitator") or ""
    lead = facilitator(settings, lead_name)
    if lead is not None and lead.email:
        try:
            add(c.Recipient(lead.name, c.check_address(lead.email), "to", "facilitator"))
        except c.AddressError:
            no_email.append(f"{lead.name} (facilitator; email {lead.email!r} is not usable)")
    elif lead_name and lead_name.casefold() not in {p.name.casefold() for p in people}:
        no_email.append(f"{lead_name} (facilitator; no email in [users.LOGIN])")
    for a in extra_to:
        add(c.Recipient("", a, "to", "--to"))
    for a in extra_cc:
        add(c.Recipient("", a, "cc", "--cc"))
    previous = {
        row.recipient: row
        for row in sent
        if row.revision == view.revision and row.draft == draft and row.sha256 == view.sha256
    }
    already = tuple((r, previous[r.key]) for r in chosen.values() if r.key in previous)
    todo = [r for r in chosen.values() if again or r.key not in previous]
    if not chosen:
        raise UserError(
            f"nobody to send meeting {meeting_id}'s minutes to: no attendee has an email "
            "(add it to their contact) and no --to was given"
        )
    return MinutesPlan(
        meeting_id=meeting_id,
        vendor_id=doc["vendor"]["id"],
        revision=view.revision,
        draft=draft,
        sha256=view.sha256,
        subject=subject(doc, draft=draft),
        document=doc,
        to=tuple(r for r in todo if r.field == "to"),
        cc=tuple(r for r in todo if r.field == "cc"),
        already=() if again else already,
        no_email=tuple(no_email),
    )


def _decisions(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (item["title"], o["text"])
        for item in doc.get("agenda", [])
        for o in item.get("outcomes", [])
        if o.get("kind") == "decision"
    ]


def _new_actions(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [a for a in doc.get("actions", []) if a.get("category") == "new"]


def _signed_line(doc: Mapping[str, Any]) -> str:
    sigs = doc.get("signoff", {}).get("signatories", [])
    if not sigs:
        return "not signed off yet"
    names = ", ".join(f"{s['name']} ({s['side']})" for s in sigs)
    when = doc["signoff"].get("signed_off_at")
    return f"signed off {when[:10]} by {names}" if when else f"signed so far by {names}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def bodies(p: MinutesPlan, *, pdf_name: str) -> tuple[str, str]:
    """The plain-text body and its HTML alternative."""
    doc = p.document
    mt = doc["meeting"]
    vendor = doc["vendor"]["name"]
    decisions = _decisions(doc)
    actions = _new_actions(doc)
    state = (
        "DRAFT for review before sign-off: these minutes are not signed off and may still change."
        if p.draft
        else _sentence(_signed_line(doc))
    )
    text = [
        f'Minutes of "{mt["title"]}" with {vendor}, revision {mt["revision"]}.',
        state,
        "",
        "Decisions",
    ]
    text += [f"- {d} ({item})" for item, d in decisions] or ["- none recorded"]
    text += ["", "New actions"]
    text += [
        f"- #{a['id']} {a['title']} — owner {a['owner'] or 'nobody yet'}, due {a['due_date']}"
        for a in actions
    ] or ["- none"]
    text += [
        "",
        f"The minutes are attached as {pdf_name} (SHA-256 of the minutes: {p.sha256})"
        + (", with the new actions as actions.ics for your calendar." if actions else "."),
    ]
    if not p.draft:
        text.append(c.VERIFY_HINT)
    html_parts = [
        f'<h2 style="font-size:18px">{c.esc(p.subject)}</h2>',
        f"<p>Minutes of <b>{c.esc(mt['title'])}</b> with <b>{c.esc(vendor)}</b>, "
        f"revision {c.esc(mt['revision'])}.</p>",
        (
            '<p style="background:#fde7e7;border:1px solid #c33;padding:6px"><b>DRAFT</b> for '
            "review before sign-off: these minutes are not signed off and may still change.</p>"
            if p.draft
            else f"<p>{c.esc(_sentence(_signed_line(doc)))}</p>"
        ),
        '<h3 style="font-size:15px">Decisions</h3>',
        c.table(["Decision", "Agenda item"], [(d, item) for item, d in decisions])
        if decisions
        else "<p>None recorded.</p>",
        '<h3 style="font-size:15px">New actions</h3>',
        c.table(
            ["#", "Action", "Owner", "Due"],
            [(a["id"], a["title"], a["owner"] or "nobody yet", a["due_date"]) for a in actions],
        )
        if actions
        else "<p>None.</p>",
        f"<p>The minutes are attached as <b>{c.esc(pdf_name)}</b>. SHA-256 of the minutes: "
        f"<code>{c.esc(p.sha256)}</code></p>",
    ]
    if not p.draft:
        html_parts.append(f'<p style="color:#555">{c.esc(c.VERIFY_HINT)}</p>')
    return "\n".join(text) + "\n", c.html_page(p.subject, "".join(html_parts))


def compose(
    p: MinutesPlan, settings: Settings, *, pdf: bytes | None, now: datetime | None = None
) -> EmailMessage:
    """The message: text + HTML, the PDF attached (when given) and the new actions as .ics."""
    from reviewtui.exports import files
    from reviewtui.exports.ical import new_actions_calendar

    sender = c.sender(settings)
    me = settings.person()
    msg = c.new_message(
        subject=p.subject,
        sender=sender,
        sender_name=me.name if me.email else "reviewtui",
        to=p.to,
        cc=p.cc,
        reply_to=me.email,
    )
    pdf_name = files.default_name(p.document, "pdf")
    text, html_body = bodies(p, pdf_name=pdf_name)
    c.set_bodies(msg, text, html_body)
    if pdf is not None:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    actions = _new_actions(p.document)
    if actions:
        ics = new_actions_calendar(
            actions, vendor=p.document["vendor"]["name"], now=now or clock.now()
        )
        msg.add_attachment(
            ics.decode("utf-8"),
            subtype="calendar",
            charset="utf-8",
            filename="actions.ics",
            params={"method": "PUBLISH"},
        )
    return msg


def describe(p: MinutesPlan, settings: Settings) -> str:
    """The message as ``--dry-run`` prints it (the PDF is rendered only when sending)."""
    from reviewtui.exports import files

    text = c.describe(compose(p, settings, pdf=None))
    name = files.default_name(p.document, "pdf")
    return f"{text}\n[attachment: {name}, application/pdf, rendered when sent]"


def render_pdf(p: MinutesPlan, settings: Settings) -> bytes:
    """The minutes PDF, from the export function (the same bytes `export minutes` writes)."""
    from reviewtui.exports import files

    return files.render(p.document, "pdf", page_size=settings.page_size, generated_at=clock.now())


def send(
    db: Database,
    settings: Settings,
    p: MinutesPlan,
    *,
    progress: Progress | None = None,
    render: Callable[[MinutesPlan], bytes] | None = None,
) -> Outcome:
    """Render (``render``: default :func:`render_pdf`), deliver, record. Raises MailError when
    nothing could be delivered."""
    from reviewtui.db import mail as mail_q
    from reviewtui.mail import transport

    say = progress or (lambda _text: None)
    transport.check(settings.smtp)
    if not p.recipients:
        raise UserError("nobody left to send to")
    say("Rendering the PDF…")
    pdf = render(p) if render is not None else render_pdf(p, settings)
    msg = compose(p, settings, pdf=pdf)
    say(f"Connecting to {settings.smtp.host}…")
    with transport.Connection(settings.smtp) as conn:
        say(f"Sending to {len(p.recipients)} recipient{'s' if len(p.recipients) != 1 else ''}…")
        result = conn.send(msg, [r.address for r in p.recipients])
    accepted = {a.lower() for a in result.accepted}
    ok = tuple(r for r in p.recipients if r.key in accepted)
    refused = tuple(
        (r, result.refused[r.address]) for r in p.recipients if r.address in result.refused
    )
    message_id = str(msg["Message-ID"])
    if ok:
        pdf_sha = hashlib.sha256(pdf).hexdigest()
        with db.session() as s:
            mail_q.record(
                (
                    mail_q.Delivery(
                        kind="minutes",
                        recipient=r.address,
                        recipient_name=r.name,
                        field=r.field,
                        vendor_id=p.vendor_id,
                        meeting_id=p.meeting_id,
                        revision=p.revision,
                        draft=p.draft,
                        message_id=message_id,
                        sha256=p.sha256,
                        attachment_sha256=pdf_sha,
                    )
                    for r in ok
                ),
                session=s,
            )
    say("Done.")
    names = [m for m in msg.iter_attachments()]
    return Outcome(
        message_id=message_id,
        accepted=ok,
        refused=refused,
        reply=result.reply,
        attachments=tuple(a.get_filename() or "" for a in names),
    )

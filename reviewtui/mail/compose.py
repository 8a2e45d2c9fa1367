"""Building messages safely: addresses checked, user text kept out of headers' structure.

Every header goes through :mod:`email`'s ``SMTP`` policy, which refuses a value with CR or LF
(so a name such as ``"Eve\\r\\nBcc: x@evil"`` cannot add a header) and encodes non-ASCII
display names and subjects as RFC 2047 words. User text is flattened to one line before it
reaches a header, and escaped before it reaches the HTML part.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid

from reviewtui.db.errors import UserError
from reviewtui.domain import clock

# One addr-spec, ASCII only (no SMTPUTF8), nothing that could start another address or header.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")

VERIFY_HINT = (
    "To check that the PDF is the signed-off minutes, unchanged: reviewtui verify FILE.pdf "
    "(it compares the SHA-256 printed in the PDF with the minutes attached inside it)."
)


class AddressError(UserError):
    """An email address that cannot be used, named."""


@dataclass(frozen=True)
class Recipient:
    """One person a message goes to: display name, address, To or Cc, and why they get it."""

    name: str
    address: str
    field: str = "to"  # to | cc
    why: str = ""  # "attendee (vendor)", "facilitator", "--to", "invited" ...

    @property
    def key(self) -> str:
        return self.address.lower()


def sender(settings) -> str:
    """The From address: ``[smtp] from`` (a placeholder for ``--dry-run`` without one)."""
    return settings.smtp.sender or "reviewtui@localhost"


def one_line(text: str) -> str:
    """User text for a header or a subject: control characters (CR, LF ...) become spaces."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def check_address(text: str, where: str = "") -> str:
    """The address, stripped; :class:`AddressError` naming ``where`` when it is not one."""
    addr = (text or "").strip()
    if not _ADDRESS.match(addr) or ".." in addr:
        prefix = f"{where}: " if where else ""
        raise AddressError(
            f"{prefix}{text!r} is not an email address (give name@example.com, ASCII only)"
        )
    return addr


def mailbox(name: str, address: str) -> Address:
    """``Name <address>`` as a header value object (the name one line, encoded if need be)."""
    local, _, domain = check_address(address).partition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


def new_message(
    *,
    subject: str,
    sender: str,
    sender_name: str,
    to: Sequence[Recipient],
    cc: Sequence[Recipient] = (),
    reply_to: str = "",
    auto: bool = False,
) -> EmailMessage:
    """A message with From, To, Cc, Subject, Date and a fresh Message-ID (no body yet)."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["Subject"] = one_line(subject)
    msg["From"] = mailbox(sender_name, sender)
    if to:
        msg["To"] = [mailbox(r.name, r.address) for r in to]
    if cc:
        msg["Cc"] = [mailbox(r.name, r.address) for r in cc]
    if not to and not cc:
        msg["To"] = "undisclosed-recipients:;"
    if reply_to and reply_to.lower() != sender.lower():
        msg["Reply-To"] = mailbox("", reply_to)
    msg["Date"] = format_datetime(clock.now())
    domain = check_address(sender).partition("@")[2]
    msg["Message-ID"] = make_msgid(idstring="reviewtui", domain=domain)
    if auto:
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to reminders
    return msg


def set_bodies(msg: EmailMessage, text: str, html_body: str) -> None:
    """A plain-text body with an HTML alternative."""
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html_body, subtype="html", charset="utf-8")


def esc(text: object) -> str:
    """User text for the HTML part: escaped, never markup."""
    return html.escape(str(text), quote=True)


def html_page(title: str, body: str) -> str:
    """A small self-contained HTML document (inline styles: mail clients drop <style> often)."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title></head>"
        '<body style="font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#222;'
        'max-width:720px;margin:0 auto;padding:12px">'
        f"{body}"
        '<p style="color:#777;font-size:12px;margin-top:24px">Sent by reviewtui.</p>'
        "</body></html>"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An HTML table of escaped cells."""
    th = "".join(
        f'<th style="text-align:left;border-bottom:1px solid #999;padding:4px 8px">{esc(h)}</th>'
        for h in headers
    )
    trs = "".join(
        "<tr>"
        + "".join(
            f'<td style="border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:top">'
            f"{esc(c)}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    return f'<table style="border-collapse:collapse;margin:8px 0"><tr>{th}</tr>{trs}</table>'


def describe(msg: EmailMessage) -> str:
    """The message as ``--dry-run`` prints it: headers, the plain-text part, the attachments."""
    lines = [
        f"{k}: {v}" for k, v in msg.items() if k.lower() not in ("content-type", "mime-version")
    ]
    lines.append("")
    body = msg.get_body(preferencelist=("plain",))
    if body is not None:
        lines.append(body.get_content().rstrip())
    for part in msg.iter_attachments():
        name = part.get_filename() or part.get_content_type()
        size = len(part.get_payload(decode=True) or b"")
        lines.append(f"[attachment: {name}, {part.get_content_type()}, {size:,} bytes]")
    return "\n".join(lines)

"""Talking to the mail server: connect (plain, STARTTLS or TLS), log in, deliver, say what failed.

Delivery is done step by step (MAIL, RCPT per recipient, DATA) rather than with
``sendmail``, so that each refused recipient is known with the server's words, the others still
get the message, and the server's final answer to DATA (its queue id, usually) can be shown.
Every failure a user can cause becomes :class:`MailError`: one line naming the server, the
setting or the recipient. The password is read from its file here and never printed.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

from reviewtui.config import ConfigError, SmtpSettings
from reviewtui.db.errors import UserError

TIMEOUT = 30.0


class MailError(UserError):
    """The mail server could not be reached, refused the login, or failed a message."""


@dataclass(frozen=True)
class Result:
    """What became of one message: who the server accepted, who it refused and why."""

    accepted: tuple[str, ...]
    refused: dict[str, str] = field(default_factory=dict)
    reply: str = ""  # the server's answer to the message's data, e.g. "250 2.0.0 Ok: queued"


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def check(smtp: SmtpSettings) -> None:
    """Refuse settings that cannot send anything, naming the missing key."""
    if not smtp.host:
        raise MailError(
            "no mail server configured: set [smtp] host in the config file, or "
            "REVIEWTUI_SMTP_HOST (see docs/mail.md)"
        )
    if not smtp.sender:
        raise MailError(
            "no sender address configured: set [smtp] from, or REVIEWTUI_SMTP_FROM "
            "(see docs/mail.md)"
        )


class Connection:
    """An open, logged-in connection; use as a context manager and :meth:`send` messages."""

    def __init__(self, smtp: SmtpSettings) -> None:
        check(smtp)
        self.settings = smtp
        self.server = f"{smtp.host}:{smtp.effective_port}"
        try:
            password = smtp.password() if smtp.username else ""
        except ConfigError as exc:
            raise MailError(str(exc)) from None
        self._client: smtplib.SMTP | None = None
        try:
            self._client = self._connect()
            if smtp.username:
                self._login(smtp.username, password)
        except BaseException:
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        smtp = self.settings
        context = ssl.create_default_context()
        try:
            if smtp.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    smtp.host, smtp.effective_port, timeout=TIMEOUT, context=context
                )
            else:
                client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=TIMEOUT)
            client.ehlo_or_helo_if_needed()
            if smtp.security == "starttls":
                if not client.has_extn("starttls"):
                    client.close()
                    raise MailError(
                        f"the mail server {self.server} does not offer STARTTLS; set "
                        f'security = "tls" (port 465) or "none" ({smtp.where("security")})'
                    )
                code, text = client.starttls(context=context)
                if code != 220:
                    raise MailError(
                        f"the mail server {self.server} refused STARTTLS: {_answer(code, text)}"
                    )
                client.ehlo()
        except MailError:
            raise
        except ssl.SSLCertVerificationError as exc:
            raise MailError(
                f"the mail server {self.server}: its certificate is not trusted "
                f"({exc.verify_message or exc.reason})"
            ) from None
        except (ssl.SSLError, smtplib.SMTPException, OSError) as exc:
            raise MailError(f"cannot reach the mail server {self.server}: {_why(exc)}") from None
        return client

    def _login(self, username: str, password: str) -> None:
        assert self._client is not None
        client = self._client
        if not client.has_extn("auth"):
            hint = (
                'set security = "starttls" or "tls"'
                if self.settings.security == "none"
                else "remove [smtp] username, or use the server's submission port"
            )
            raise MailError(
                f"the mail server {self.server} offers no login (AUTH); {hint} "
                f"({self.settings.where('security')})"
            )
        mechanisms = client.esmtp_features.get("auth", "").upper().split()
        try:
            # smtplib's login() sends the password as ASCII only; RFC 4616 (PLAIN) and the LOGIN
            # mechanism carry UTF-8, so a password such as "pässword" works as typed.
            if "PLAIN" in mechanisms or "LOGIN" not in mechanisms:
                token = f"\0{username}\0{password}".encode()
                code, text = client.docmd("AUTH", "PLAIN " + _b64(token))
            else:
                code, text = client.docmd("AUTH", "LOGIN")
                if code == 334:
                    code, text = client.docmd(_b64(username.encode()))
                if code == 334:
                    code, text = client.docmd(_b64(password.encode()))
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"login at the mail server {self.server} failed: {_why(exc)}") from None
        if code not in (235, 503):  # 503: already authenticated
            raise MailError(
                f"the mail server {self.server} refused the login of {username!r}: "
                f"{_answer(code, text)} (check {self.settings.where('username')} and the "
                "password file)"
            )

    def send(self, msg: EmailMessage, recipients: Sequence[str]) -> Result:
        """Deliver ``msg`` to ``recipients`` (envelope); refused recipients are returned, not
        raised, unless every one of them is refused. Raises :class:`MailError` when the
        connection fails: then nothing of this message was delivered."""
        assert self._client is not None
        client = self._client
        sender = self.settings.sender
        data = msg.as_bytes(policy=SMTP_POLICY)
        try:
            code, text = client.mail(sender)
            if code != 250:
                client.rset()
                raise MailError(
                    f"the mail server {self.server} refused the sender {sender}: "
                    f"{_answer(code, text)} ({self.settings.where('from')})"
                )
            accepted: list[str] = []
            refused: dict[str, str] = {}
            for rcpt in recipients:
                code, text = client.rcpt(rcpt)
                if code in (250, 251):
                    accepted.append(rcpt)
                else:
                    refused[rcpt] = _answer(code, text)
            if not accepted:
                client.rset()
                return Result((), refused)
            code, text = client.data(data)
            if code != 250:
                client.rset()
                raise MailError(
                    f"the mail server {self.server} did not take the message: {_answer(code, text)}"
                )
        except MailError:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(
                f"the mail server {self.server} broke off while sending: {_why(exc)}; "
                "this message was not sent"
            ) from None
        return Result(tuple(accepted), refused, _answer(code, text))

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _why(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running and the port right?)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"no answer within {TIMEOUT:.0f} s"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(exc, smtplib.SMTPResponseException):
        return _answer(exc.smtp_code, exc.smtp_error)
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests: plain, STARTTLS or TLS, with
AUTH, a throwaway certificate made by openssl, and switches to refuse a recipient or to drop
the connection in the middle of a message."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

USER, PASSWORD = "mailer", "s3cret-pässword"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore


@dataclass
class Handler:
    """Keeps what it receives; ``refuse`` addresses get 550; ``die_in_data`` drops the line."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    die_in_data: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        if self.die_in_data:
            server.transport.abort()  # the connection is gone before the server says 250
            return "421 gone"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content))  # fmt: skip
        return "250 2.0.0 Ok: queued as T3ST"


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@dataclass
class Smtp:
    """A running server and the environment a reviewtui process needs to use it."""

    handler: Handler
    port: int
    env: dict[str, str]

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 / localhost (openssl)."""
    if not shutil.which("openssl"):
        pytest.fail("openssl is needed to make the test certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _start(handler: Handler, security: str, cert: Path, key: Path, auth: bool):
    import ssl

    from aiosmtpd.controller import Controller

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    port = _free_port()
    kwargs: dict = {"hostname": "127.0.0.1", "port": port, "ready_timeout": 30}
    if security == "starttls":
        kwargs.update(tls_context=ctx, require_starttls=True)
    elif security == "tls":
        kwargs.update(ssl_context=ctx)
    if auth:
        # aiosmtpd knows of TLS only when it did the STARTTLS itself; on an implicit-TLS
        # port the whole connection is TLS, so AUTH need not wait for STARTTLS there.
        kwargs.update(authenticator=_authenticator, auth_required=True,
                      auth_require_tls=security == "starttls")  # fmt: skip
    controller = Controller(handler, **kwargs)
    with warnings.catch_warnings():
        # The implicit-TLS server takes AUTH without STARTTLS (its whole connection is TLS);
        # aiosmtpd cannot tell and warns while start() waits for its first session.
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        controller.start()
    return controller, port


@pytest.fixture
def smtp_factory(certificate, tmp_path: Path) -> Iterator:
    """``smtp_factory(security="starttls", auth=True)`` starts a server; all stop at the end."""
    started = []
    cert, key = certificate

    def make(security: str = "starttls", auth: bool = True) -> Smtp:
        handler = Handler()
        controller, port = _start(handler, security, cert, key, auth)
        started.append(controller)
        pw = tmp_path / f"smtp-password-{port}"
        pw.write_text(PASSWORD + "\n", encoding="utf-8")
        pw.chmod(0o600)
        env = {
            "REVIEWTUI_SMTP_HOST": "127.0.0.1",
            "REVIEWTUI_SMTP_PORT": str(port),
            "REVIEWTUI_SMTP_SECURITY": security,
            "REVIEWTUI_SMTP_FROM": "reviews@contoso.example",
            "SSL_CERT_FILE": str(cert),  # trust the throwaway certificate, verify as usual
        }
        if auth:
            env["REVIEWTUI_SMTP_USERNAME"] = USER
            env["REVIEWTUI_SMTP_PASSWORD_FILE"] = str(pw)
        return Smtp(handler, port, env)

    yield make
    for c in started:
        c.stop()


@pytest.fixture
def smtp(smtp_factory) -> Smtp:
    """A STARTTLS server that wants AUTH (the usual submission setup)."""
    return smtp_factory("starttls", True)

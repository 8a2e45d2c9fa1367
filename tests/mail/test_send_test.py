"""`reviewtui send test` and the [smtp] settings against a real SMTP server: STARTTLS, TLS,
AUTH, a refused login, a server that is not there, a password file others can read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.mail.conftest import PASSWORD, USER
from tests.test_cli import rt


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_send_test_over_tls_with_login(smtp_factory, security: str, tmp_path: Path) -> None:
    server = smtp_factory(security, True)
    out = rt("--db", str(tmp_path / "x.db"), "send", "test", "maria@contoso.example",
             env=server.env)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "the server answered: 250 2.0.0 Ok: queued as T3ST" in out.stdout
    assert PASSWORD not in out.stdout + out.stderr
    [got] = server.received
    assert got.rcpt_tos == ["maria@contoso.example"]
    msg = got.message
    assert msg["Subject"] == "reviewtui test message"
    assert msg["To"] == "maria@contoso.example"
    assert msg["From"].addresses[0].addr_spec == "reviews@contoso.example"
    assert msg.get_body(("plain",)).get_content().startswith("This is a test message")


def test_settings_from_the_config_file_and_environment_override(smtp, tmp_path: Path) -> None:
    conf = tmp_path / "config.toml"
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD, encoding="utf-8")
    pw.chmod(0o640)
    conf.write_text(
        "[smtp]\n"
        'host = "127.0.0.1"\n'
        "port = 1\n"  # wrong: the environment's port wins
        'security = "starttls"\n'
        f'username = "{USER}"\n'
        f'password_file = "{pw}"\n'
        'from = "file@contoso.example"\n',
        encoding="utf-8",
    )
    env = {"REVIEWTUI_CONFIG": str(conf), "REVIEWTUI_SMTP_PORT": str(smtp.port),
           "SSL_CERT_FILE": smtp.env["SSL_CERT_FILE"]}  # fmt: skip
    out = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example", env=env)
    assert out.returncode == 0, out.stderr
    assert smtp.received[0].mail_from == "file@contoso.example"
    bad = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example",
             env={**env, "REVIEWTUI_SMTP_SECURITY": "ssl"})  # fmt: skip
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "reviewtui: REVIEWTUI_SMTP_SECURITY: 'ssl': use one of none, starttls, tls"
    )


def test_a_password_file_others_can_read_is_refused(smtp, tmp_path: Path) -> None:
    pw = Path(smtp.env["REVIEWTUI_SMTP_PASSWORD_FILE"])
    pw.chmod(0o644)
    out = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example", env=smtp.env)
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1
    assert "REVIEWTUI_SMTP_PASSWORD_FILE" in out.stderr and "mode 0644" in out.stderr
    assert "0600 or 0640" in out.stderr
    assert PASSWORD not in out.stdout + out.stderr
    assert smtp.received == []


def test_bad_password_is_one_line_and_never_printed(smtp, tmp_path: Path) -> None:
    pw = Path(smtp.env["REVIEWTUI_SMTP_PASSWORD_FILE"])
    pw.write_text("wrong-password", encoding="utf-8")
    out = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example", env=smtp.env)
    assert out.returncode == 1
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(f"reviewtui: the mail server 127.0.0.1:{smtp.port} refused the login")
    assert "535" in line and "wrong-password" not in out.stdout + out.stderr
    assert smtp.received == []


def test_server_down_and_settings_missing(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    env = {"REVIEWTUI_SMTP_HOST": "127.0.0.1", "REVIEWTUI_SMTP_PORT": str(port),
           "REVIEWTUI_SMTP_SECURITY": "none", "REVIEWTUI_SMTP_FROM": "r@contoso.example"}  # fmt: skip
    out = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example", env=env)
    assert out.returncode == 1
    assert out.stderr.strip() == (
        f"reviewtui: cannot reach the mail server 127.0.0.1:{port}: connection refused "
        "(is the server running and the port right?)"
    )
    none = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example")
    assert none.returncode == 1 and "no mail server configured" in none.stderr
    bad = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example\r\nBcc: x@y.z", env=env)
    # A CR/LF in an address is a bad option value (usage error, exit 2), never a header.
    assert bad.returncode == 2 and "control character" in bad.stderr


def test_untrusted_certificate_is_refused(smtp, tmp_path: Path) -> None:
    env = {k: v for k, v in smtp.env.items() if k != "SSL_CERT_FILE"}
    out = rt("--db", str(tmp_path / "x.db"), "send", "test", "a@b.example",
             env={**env, "SSL_CERT_FILE": os.devnull})  # fmt: skip
    assert out.returncode == 1
    assert "certificate is not trusted" in out.stderr and smtp.received == []

"""Identity and roles from the settings: the server's policy is a ceiling; nothing widens it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewtui import config
from reviewtui.config import ConfigError

LOGIN = config.login_name()


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write the server's config file (REVIEWTUI_SYSTEM_CONFIG points at it)."""
    path = tmp_path / "etc-reviewtui.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setenv("REVIEWTUI_SYSTEM_CONFIG", str(path))

    def write(body: str) -> Path:
        path.write_text(body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "user.toml"
    monkeypatch.setenv("REVIEWTUI_CONFIG", str(path))

    def write(body: str) -> Path:
        path.write_text(body, encoding="utf-8")
        return path

    return write


def test_default_is_the_login_name_as_facilitator() -> None:
    s = config.load()
    assert (s.user, s.role, s.vendor) == (LOGIN, "facilitator", None)


def test_login_name_does_not_trust_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "somebody-else")
    monkeypatch.setenv("LOGNAME", "somebody-else")
    assert config.load().user == LOGIN != "somebody-else"


@pytest.mark.parametrize(
    ("role", "vendor", "expected"),
    [
        ("viewer", None, ("viewer", None)),
        ("vendor", "Acme", ("vendor", "Acme")),
        ("facilitator", None, ("facilitator", None)),
    ],
)
def test_flags_narrow_an_unrestricted_login(role, vendor, expected) -> None:
    s = config.load(role=role, vendor=vendor)
    assert (s.role, s.vendor) == expected


def test_vendor_role_needs_a_vendor_and_vendor_needs_the_role() -> None:
    with pytest.raises(ConfigError, match="role vendor needs the vendor's name"):
        config.load(role="vendor")
    with pytest.raises(ConfigError, match="only for role vendor"):
        config.load(vendor="Acme")
    with pytest.raises(ConfigError, match="use one of facilitator, viewer, vendor"):
        config.load(role="admin")


def test_server_mapping_gives_the_login_its_role(server) -> None:
    server(f'[users.{LOGIN}]\nrole = "vendor"\nvendor = "Acme"\n')
    s = config.load()
    assert (s.role, s.vendor) == ("vendor", "Acme")
    # Saying the same again is fine, in any letter case.
    assert config.load(role="vendor", vendor="ACME").role == "vendor"


@pytest.mark.parametrize(
    ("role", "vendor"),
    [("facilitator", None), ("viewer", None), ("vendor", "Other Ltd")],
)
def test_flags_cannot_widen_or_change_a_mapped_restriction(server, role, vendor) -> None:
    server(f'[users.{LOGIN}]\nrole = "vendor"\nvendor = "Acme"\n')
    with pytest.raises(ConfigError, match="cannot be widened"):
        config.load(role=role, vendor=vendor)


def test_environment_and_user_file_cannot_widen_either(
    server, user_file, monkeypatch: pytest.MonkeyPatch
) -> None:
    server('role = "viewer"\n')
    assert config.load().role == "viewer"
    monkeypatch.setenv("REVIEWTUI_ROLE", "facilitator")
    with pytest.raises(ConfigError, match="REVIEWTUI_ROLE.*cannot be widened"):
        config.load()
    monkeypatch.delenv("REVIEWTUI_ROLE")
    user_file('role = "facilitator"\n')
    with pytest.raises(ConfigError, match="user.toml asks for facilitator.*cannot be widened"):
        config.load()


def test_environment_restriction_binds_later_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWTUI_ROLE", "vendor")
    monkeypatch.setenv("REVIEWTUI_VENDOR", "Acme")
    with pytest.raises(ConfigError, match="--role/--vendor asks for facilitator"):
        config.load(role="facilitator")
    # A vendor name alone must be the same vendor.
    with pytest.raises(ConfigError, match="vendor 'Other'"):
        config.load(vendor="Other")
    assert config.load(vendor="acme").vendor == "Acme"


def test_mapping_replaces_the_server_default(server) -> None:
    server(f'role = "viewer"\n[users.{LOGIN}]\nrole = "facilitator"\n')
    assert config.load().role == "facilitator"


def test_as_is_refused_unless_the_server_allows_it(server) -> None:
    with pytest.raises(ConfigError, match="--as is not allowed on this server"):
        config.load(as_user="alice")
    server("allow_as = true\n")
    assert config.load(as_user="alice").user == "alice"


def test_as_takes_the_named_users_restriction_and_keeps_the_logins(server) -> None:
    server(
        "allow_as = true\n"
        '[users."acme-jane"]\nrole = "vendor"\nvendor = "Acme"\n'
        '[users.alice]\nrole = "facilitator"\n'
    )
    s = config.load(as_user="acme-jane")
    assert (s.user, s.role, s.vendor) == ("acme-jane", "vendor", "Acme")
    # The forced command's own flags still apply on top.
    assert config.load(as_user="alice", role="viewer").role == "viewer"
    server(
        f'allow_as = true\n[users.{LOGIN}]\nrole = "viewer"\n[users.alice]\nrole = "facilitator"\n'
    )
    # A viewer login cannot become a facilitator by acting as one.
    s = config.load(as_user="alice")
    assert (s.user, s.role) == ("alice", "viewer")
    server(
        "allow_as = true\n"
        f'[users.{LOGIN}]\nrole = "viewer"\n'
        '[users.bob]\nrole = "vendor"\nvendor = "Acme"\n'
    )
    with pytest.raises(ConfigError, match="cannot be combined"):
        config.load(as_user="bob")


def test_policy_lives_in_the_server_file_only(user_file, monkeypatch: pytest.MonkeyPatch) -> None:
    user_file("allow_as = true\n")
    with pytest.raises(ConfigError, match="'allow_as' is server policy"):
        config.load()
    user_file('[users.x]\nrole = "viewer"\n')
    with pytest.raises(ConfigError, match="'users' is server policy"):
        config.load()
    user_file('user = "boss"\n')
    with pytest.raises(ConfigError, match="'user' cannot be configured"):
        config.load()
    user_file("")
    for var, value in (("REVIEWTUI_USER", "boss"), ("REVIEWTUI_ALLOW_AS", "1")):
        monkeypatch.setenv(var, value)
        with pytest.raises(ConfigError, match=f"{var}: .* cannot be set from the environment"):
            config.load()
        monkeypatch.delenv(var)


def test_bad_mapping_entries_are_named(server) -> None:
    server('[users.bob]\nrole = "vendor"\n')
    with pytest.raises(ConfigError, match="users.bob: role vendor needs the vendor's name"):
        config.load()
    server('[users.bob]\nrole = "root"\n')
    with pytest.raises(ConfigError, match="users.bob: role 'root'"):
        config.load()


def test_a_policy_file_others_could_write_is_refused(server) -> None:
    """Pointing REVIEWTUI_SYSTEM_CONFIG at a file anyone may write grants nothing."""
    path = server("allow_as = true\n")
    path.chmod(0o666)
    with pytest.raises(ConfigError, match="owned by root and writable by no one else"):
        config.load(as_user="someone-else")
    path.chmod(0o644)
    assert config.load(as_user="someone-else").user == "someone-else"


def test_users_name_the_person_behind_a_login(server) -> None:
    """A ``[users.LOGIN]`` entry names the person; access still comes from ``role`` alone."""
    server(
        f'[users.{LOGIN}]\nrole = "viewer"\nname = "Maria Keller"\norganisation = "Contoso Ltd"\n'
        'title = "Vendor Manager"\nemail = "maria@contoso.example"\n'
    )
    settings = config.load()
    assert settings.role == "viewer"
    me = settings.person()
    assert (me.login, me.name, me.organisation, me.email) == (
        LOGIN,
        "Maria Keller",
        "Contoso Ltd",
        "maria@contoso.example",
    )
    assert me.label == "Maria Keller (Vendor Manager, Contoso Ltd)"
    assert settings.person("nobody").name == "nobody"  # an unnamed login is its login


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('nickname = "M"\n', "unknown key 'nickname'"),
        ('email = "not-an-address"\n', "is not an email address"),
        ('name = "Maria\\nBcc: x@evil"\n', "users.bob.name: give one line of text"),
    ],
)
def test_bad_profile_entries_are_named(server, body: str, message: str) -> None:
    server(f'[users.bob]\nrole = "viewer"\n{body}')
    with pytest.raises(ConfigError, match=message):
        config.load()


# --- [smtp] ----------------------------------------------------------------------------------


def test_smtp_from_files_and_environment(server, user_file, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:  # fmt: skip
    server('[smtp]\nhost = "relay.example"\nport = 2525\nsecurity = "none"\nfrom = "r@x.example"\n')
    user_file('[smtp]\nusername = "me"\n')
    s = config.load().smtp
    assert (s.host, s.port, s.security, s.username, s.sender) == (
        "relay.example", 2525, "none", "me", "r@x.example")  # fmt: skip
    monkeypatch.setenv("REVIEWTUI_SMTP_HOST", "smtp.provider.example")
    monkeypatch.setenv("REVIEWTUI_SMTP_SECURITY", "TLS")
    s = config.load().smtp
    assert (s.host, s.security, s.effective_port) == ("smtp.provider.example", "tls", 2525)
    monkeypatch.setenv("REVIEWTUI_SMTP_PORT", "70000")
    with pytest.raises(config.ConfigError, match=r"REVIEWTUI_SMTP_PORT: 70000 is not a port"):
        config.load()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[smtp]\nhots = "x"\n', r"smtp.hots: unknown key"),
        ('[smtp]\nsecurity = "ssl"\n', r"smtp.security: 'ssl': use one of none, starttls, tls"),
        ('[smtp]\nfrom = "nobody"\n', r"smtp.from: 'nobody' is not an email address"),
        ('[smtp]\nhost = "a\\nb"\n', r"smtp.host: give one line of text"),
        ('smtp = "x"\n', r"smtp must be a table"),
    ],
)
def test_bad_smtp_settings_are_named(user_file, body: str, message: str) -> None:
    path = user_file(body)
    with pytest.raises(config.ConfigError, match=message) as err:
        config.load()
    assert str(path) in str(err.value)


@pytest.mark.parametrize(("mode", "ok"), [(0o600, True), (0o640, True), (0o644, False),
                                          (0o660, False), (0o604, False)])  # fmt: skip
def test_password_file_mode(tmp_path: Path, mode: int, ok: bool) -> None:
    pw = tmp_path / "pw"
    pw.write_text("secret\n", encoding="utf-8")
    pw.chmod(mode)
    smtp = config.SmtpSettings()
    smtp.set("password_file", str(pw), "REVIEWTUI_SMTP_PASSWORD_FILE")
    if ok:
        assert smtp.password() == "secret"
    else:
        with pytest.raises(config.ConfigError, match=f"mode {mode:04o}") as err:
            smtp.password()
        assert "secret" not in str(err.value)


def test_a_named_policy_file_that_is_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo in REVIEWTUI_SYSTEM_CONFIG must not read as "no policy" (facilitator)."""
    monkeypatch.setenv("REVIEWTUI_SYSTEM_CONFIG", str(tmp_path / "nonexistent.toml"))
    with pytest.raises(ConfigError, match="nonexistent.toml: no such file"):
        config.load()


def test_nothing_a_user_sets_widens_a_restricted_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the server's own policy file in place, no environment variable and no user file
    gives a restricted login more: each either changes nothing or is refused."""
    server_file = tmp_path / "etc" / "config.toml"
    server_file.parent.mkdir()
    server_file.write_text(f'[users.{LOGIN}]\nrole = "vendor"\nvendor = "Österreich Logistik"\n')
    monkeypatch.setattr(config, "SYSTEM_CONFIG", server_file)
    granted = config.load()
    assert (granted.role, granted.vendor) == ("vendor", "Österreich Logistik")

    # A policy file of the user's own making, or none at all: the server's file still rules.
    permissive = tmp_path / "mine.toml"
    permissive.write_text("allow_as = true\n")
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    for named in (permissive, empty, tmp_path / "nonexistent.toml", Path("/dev/null")):
        monkeypatch.setenv("REVIEWTUI_SYSTEM_CONFIG", str(named))
        s = config.load()
        assert (s.role, s.vendor, s.allow_as) == ("vendor", "Österreich Logistik", False)
        with pytest.raises(ConfigError, match="--as is not allowed"):
            config.load(as_user="someone-else")
    monkeypatch.delenv("REVIEWTUI_SYSTEM_CONFIG")

    refusals = {
        "REVIEWTUI_ROLE": "facilitator",
        "REVIEWTUI_VENDOR": "Acme",
        "REVIEWTUI_USERS": "x",
        "REVIEWTUI_ALLOW_AS": "true",
        "REVIEWTUI_USER": "root",
    }
    for name, value in refusals.items():
        monkeypatch.setenv(name, value)
        with pytest.raises(ConfigError):
            config.load()
        monkeypatch.delenv(name)
    # The same restriction asked for again (any case) is not a widening: it stays as it was.
    monkeypatch.setenv("REVIEWTUI_VENDOR", "ÖSTERREICH LOGISTIK")
    assert config.load().vendor == "Österreich Logistik"
    monkeypatch.delenv("REVIEWTUI_VENDOR")

    user = tmp_path / "user.toml"
    monkeypatch.setenv("REVIEWTUI_CONFIG", str(user))
    for body in (
        'role = "facilitator"\n',
        'role = "viewer"\n',
        'vendor = "Acme"\n',
        "allow_as = true\n",
        f'[users.{LOGIN}]\nrole = "facilitator"\n',
    ):
        user.write_text(body)
        with pytest.raises(ConfigError):
            config.load()
    monkeypatch.delenv("REVIEWTUI_CONFIG")
    for flags in ({"role": "facilitator"}, {"role": "viewer"}, {"vendor": "Acme"}):
        with pytest.raises(ConfigError):
            config.load(**flags)

"""Settings: CLI flag > ``REVIEWTUI_*`` environment > user's TOML file > server's TOML file > defaults.

The user's file is ``$REVIEWTUI_CONFIG`` or ``<user config dir>/reviewtui/config.toml``; the
server's is ``/etc/reviewtui/config.toml`` (``$REVIEWTUI_SYSTEM_CONFIG`` elsewhere). Their keys are
the field names below (``[reviewtui]`` table or top level), e.g.::

    db = "postgresql+psycopg://reviews@dbhost/reviews"
    exports_dir = "/srv/reviewtui/exports"
    page_size = "A4"
    discrepancy_pct = 5.0
    [cadence_months]
    critical = 1

Access policy lives in the server's file only: ``allow_as`` and the ``users`` table mapping login
names to a role (``[users.jane] role = "vendor"  vendor = "Acme"``). The acting user is the login
name, never a setting. Roles only ever narrow: see :func:`load` and docs/deploy-ssh.md.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

APP = "reviewtui"
SYSTEM_CONFIG = Path("/etc/reviewtui/config.toml")
ROLES = ("facilitator", "viewer", "vendor")
SERVER_ONLY = ("users", "allow_as", "signing")  # policy and keys: the server's file only
SIGNING_KEYS = ("pkcs12", "password_file", "trusted_fingerprints", "ca_file")
# What a ``[users.LOGIN]`` entry may say beside access: who the login is, for facilitators, authors,
# the PDF's metadata and mail. ``role`` keeps meaning access only.
PROFILE_KEYS = ("name", "organisation", "title", "email")
NOT_CONFIGURABLE = ("user",)  # the login name, or --as NAME where the server allows it


class ConfigError(ValueError):
    """A setting that cannot be used, with the file or variable it came from."""


def _user_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False))


def _user_config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP, appauthor=False))


def default_db_path() -> Path:
    """The embedded SQLite file used when no --db is given."""
    return _user_data_dir() / "reviewtui.db"


def demo_db_path() -> Path:
    """The separate SQLite file that ``reviewtui demo`` fills."""
    return _user_data_dir() / "demo.db"


def login_name() -> str:
    """The acting user: the account the process runs as.

    Taken from the password database, not from ``$USER``/``$LOGNAME``, which anyone can set.
    """
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):  # pragma: no cover - no passwd entry in some containers
        try:
            return getpass.getuser()
        except Exception:
            return os.environ.get("USER", "unknown")


@dataclass(frozen=True)
class Person:
    """Who a login is, from the server's ``[users.LOGIN]`` table (the login alone when unnamed)."""

    login: str
    name: str
    organisation: str = ""
    title: str = ""
    email: str = ""

    @property
    def label(self) -> str:
        """``Name (Title, Organisation)``, leaving out what is not known."""
        extra = ", ".join(x for x in (self.title, self.organisation) if x)
        return f"{self.name} ({extra})" if extra else self.name


# --- [smtp]: outgoing mail -------------------------------------------------------------------
# Kept apart from the other settings: a table of its own in either file, each key overridable by
# REVIEWTUI_SMTP_<KEY>. The password is never a setting, only the path of a file holding it, and
# that file is refused unless only its owner (and at most its group) can read it.

SMTP_SECURITY = ("none", "starttls", "tls")
SMTP_KEYS = ("host", "port", "security", "username", "password_file", "from")
SMTP_PASSWORD_MODES = (0o600, 0o640)


@dataclass
class SmtpSettings:
    """Where mail goes: ``[smtp]`` host, port, security, username, password_file, from."""

    host: str = ""
    port: int | None = None  # default from ``security``: 25, 587 or 465
    security: str = "starttls"  # none | starttls | tls
    username: str = ""
    password_file: str = ""
    sender: str = ""  # the ``from`` key
    sources: dict[str, str] = field(default_factory=dict)  # key -> file or variable, for errors

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return {"none": 25, "starttls": 587, "tls": 465}.get(self.security, 587)

    def where(self, key: str) -> str:
        """The file or variable that set ``key`` (for one-line errors)."""
        return self.sources.get(key, "[smtp]")

    def set(self, key: str, value: Any, source: str) -> None:
        """Set one key from ``source`` (a file's ``[smtp]`` table or a variable), checked."""
        where = f"{source}: smtp.{key}" if not source.startswith("REVIEWTUI_") else source
        if key not in SMTP_KEYS:
            raise ConfigError(f"{source}: smtp.{key}: unknown key: use {', '.join(SMTP_KEYS)}")
        if key == "port":
            try:
                port = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{where}: {value!r} is not a port number") from None
            if not 0 < port < 65536:
                raise ConfigError(f"{where}: {port} is not a port number (1-65535)")
            self.port = port
        else:
            if not isinstance(value, str) or any(ord(c) < 32 or ord(c) == 127 for c in value):
                raise ConfigError(f"{where}: give one line of text")
            value = value.strip()
            if key == "security":
                value = value.lower()
                if value not in SMTP_SECURITY:
                    raise ConfigError(f"{where}: {value!r}: use one of {', '.join(SMTP_SECURITY)}")
            if key == "from" and value and "@" not in value:
                raise ConfigError(f"{where}: {value!r} is not an email address")
            setattr(self, "sender" if key == "from" else key, value)
        self.sources[key] = where

    def password(self) -> str:
        """The password from ``password_file`` ('' without one); never printed or logged.

        Raises :class:`ConfigError` when the file is missing, unreadable, or readable by others.
        """
        if not self.password_file:
            return ""
        path = Path(self.password_file).expanduser()
        where = self.where("password_file")
        try:
            st = path.stat()
        except OSError as exc:
            raise ConfigError(f"{where}: {path}: {exc.strerror}") from None
        mode = st.st_mode & 0o777
        if mode not in SMTP_PASSWORD_MODES:
            raise ConfigError(
                f"{where}: {path} has mode {mode:04o}; a password file must have mode 0600 "
                f"or 0640 (chmod 600 {path})"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{where}: {path}: cannot read it: {exc}") from None
        return text.strip("\r\n")


def _apply_smtp_env(smtp: SmtpSettings) -> None:
    for key in SMTP_KEYS:
        name = f"REVIEWTUI_SMTP_{key.upper()}"
        value = os.environ.get(name)
        if value is not None and value != "":
            smtp.set(key, value, name)


@dataclass
class Settings:
    """Everything configurable, with the defaults the field uses."""

    db: str | None = None
    exports_dir: str | None = None
    user: str = field(default_factory=login_name)
    role: str = "facilitator"  # facilitator | viewer | vendor
    vendor: str | None = None  # for role=vendor: the one vendor visible
    allow_as: bool = False  # may --as override the login name
    page_size: str = "A4"  # A4 | Letter
    discrepancy_pct: float = 5.0
    escalate_after_misses: int = 3
    vendor_green: float = 95.0
    vendor_amber: float = 85.0
    overdue_escalation_days: int = 14
    verification_days: int = 30
    cadence_months: dict[str, int] = field(
        default_factory=lambda: {"critical": 1, "standard": 3, "low": 6}
    )
    low_bandwidth: bool = False
    # login -> {role, vendor, name, organisation, title, email}
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    # [signing]: pkcs12, password_file (a company key used instead of `keys init`'s),
    # trusted_fingerprints, ca_file (certificates `verify` accepts besides the registered ones)
    signing: dict[str, Any] = field(default_factory=dict)

    def person(self, login: str | None = None) -> Person:
        """The acting user (or ``login``) as a person: name, organisation, title and email."""
        login = self.user if login is None else login
        entry = self.users.get(login) or {}
        return Person(
            login=login,
            name=entry.get("name") or login,
            organisation=entry.get("organisation", ""),
            title=entry.get("title", ""),
            email=entry.get("email", ""),
        )

    def exports_path(self) -> Path:
        if self.exports_dir:
            return Path(self.exports_dir).expanduser()
        return _user_data_dir() / "exports"


def config_file() -> Path:
    """The user's own settings file."""
    env = os.environ.get("REVIEWTUI_CONFIG")
    return Path(env).expanduser() if env else _user_config_dir() / "config.toml"


def system_config_file() -> Path:
    """The server's settings file, the only place for access policy (``users``, ``allow_as``).

    ``$REVIEWTUI_SYSTEM_CONFIG`` names another file only on a machine without the server's own
    (``/etc/reviewtui/config.toml``): where that exists, nothing a user sets can replace it.
    A named file must exist: a typo is an error, not "no policy".
    """
    env = os.environ.get("REVIEWTUI_SYSTEM_CONFIG")
    if not env or SYSTEM_CONFIG.exists():
        return SYSTEM_CONFIG
    path = Path(env).expanduser()
    # The policy grants --as and maps logins to roles: a file anyone could have written would let
    # a user grant themselves that. Only a root-owned file that no one else can write counts.
    try:
        st = path.stat()
    except OSError:
        raise ConfigError(
            f"REVIEWTUI_SYSTEM_CONFIG={path}: no such file (the server's policy file must exist)"
        ) from None
    if st.st_uid != 0 or st.st_mode & 0o022:
        raise ConfigError(
            f"REVIEWTUI_SYSTEM_CONFIG={path}: the server's policy file must be owned by root "
            "and writable by no one else"
        )
    return path


def _coerce(kind: Any, raw: str) -> Any:
    if kind in ("bool", bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind in ("int", int):
        return int(raw)
    if kind in ("float", float):
        return float(raw)
    return raw


@dataclass(frozen=True)
class _Grant:
    """A role (and vendor) asked for or granted by one source, named for error messages."""

    role: str
    vendor: str | None
    source: str

    def same(self, other: _Grant) -> bool:
        return (
            self.role == other.role
            and (self.vendor or "").casefold() == (other.vendor or "").casefold()
        )

    def describe(self) -> str:
        return f"vendor {self.vendor!r}" if self.role == "vendor" else self.role


def _grant(role: Any, vendor: Any, source: str) -> _Grant:
    """Validate a role/vendor pair from ``source``."""
    if role is None:
        if vendor:
            raise ConfigError(f"{source}: a vendor ({vendor!r}) is only for role vendor")
        role = "facilitator"
    role = str(role).strip().lower()
    if role not in ROLES:
        raise ConfigError(f"{source}: role {role!r}: use one of {', '.join(ROLES)}")
    if role == "vendor":
        if not vendor or not str(vendor).strip():
            raise ConfigError(f"{source}: role vendor needs the vendor's name")
        return _Grant(role, str(vendor).strip(), source)
    if vendor:
        raise ConfigError(f"{source}: a vendor ({vendor!r}) is only for role vendor")
    return _Grant(role, None, source)


def _meet(a: _Grant, b: _Grant) -> _Grant:
    """The narrower of two grants; two different restrictions cannot be combined."""
    if a.role == "facilitator":
        return b
    if b.role == "facilitator" or a.same(b):
        return a
    raise ConfigError(
        f"{b.source} makes this session {b.describe()}, but {a.source} makes it "
        f"{a.describe()}: the two cannot be combined"
    )


def _narrow(current: _Grant, asked: _Grant) -> _Grant:
    """Apply an explicit request (file, environment, flag): it may narrow, never widen."""
    if current.same(asked):
        return current
    if current.role == "facilitator":
        return asked
    raise ConfigError(
        f"{asked.source} asks for {asked.describe()}, but {current.source} makes this "
        f"session {current.describe()}; a restricted session cannot be widened or changed"
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror}") from exc
    return data.get("reviewtui", data)


def _apply_file(settings: Settings, path: Path, *, server: bool) -> dict[str, Any]:
    """Set the keys of one TOML file; returns its role and vendor (applied by the caller)."""
    if not path.is_file():
        return {}
    data = _read_toml(path)
    names = {f.name for f in fields(Settings)}
    access: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            raise ConfigError(f"{path}: unknown setting {key!r}")
        if key in NOT_CONFIGURABLE:
            raise ConfigError(
                f"{path}: {key!r} cannot be configured: the acting user is the login name "
                "(or --as NAME where the server allows it)"
            )
        if key in SERVER_ONLY and not server:
            raise ConfigError(f"{path}: {key!r} is server policy: set it in {system_config_file()}")
        if key in ("role", "vendor"):
            access[key] = value
        elif key == "cadence_months":
            settings.cadence_months.update(value)
        elif key == "users":
            settings.users = _check_users(value, path)
        elif key == "smtp":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: smtp must be a table ([smtp] host = ..., from = ...)")
            for skey, svalue in value.items():
                settings.smtp.set(skey, svalue, str(path))
        elif key == "signing":
            settings.signing = _check_signing(value, path)
        else:
            setattr(settings, key, value)
    return access


def _check_users(value: Any, path: Path) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: users must be a table of login = {{role, vendor}}")
    for login, entry in value.items():
        where = f"{path}: users.{login}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: give role and (for role vendor) vendor")
        unknown = sorted(set(entry) - {"role", "vendor", *PROFILE_KEYS})
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r}: use role, vendor, " + ", ".join(PROFILE_KEYS)
            )
        _grant(entry.get("role"), entry.get("vendor"), where)
        for key in PROFILE_KEYS:
            text = entry.get(key)
            if text is None:
                continue
            if not isinstance(text, str) or any(ord(c) < 32 or ord(c) == 127 for c in text):
                raise ConfigError(f"{where}.{key}: give one line of text")
            if key == "email" and text and ("@" not in text or " " in text.strip()):
                raise ConfigError(f"{where}.email: {text!r} is not an email address")
    return {login: dict(entry) for login, entry in value.items()}


def _check_signing(value: Any, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: signing must be a table ([signing] pkcs12 = ..., ...)")
    for key, item in value.items():
        where = f"{path}: signing.{key}"
        if key not in SIGNING_KEYS:
            raise ConfigError(f"{where}: unknown key (use {', '.join(SIGNING_KEYS)})")
        if key == "trusted_fingerprints":
            if not isinstance(item, list) or not all(isinstance(x, str) for x in item):
                raise ConfigError(f"{where}: give a list of SHA-256 fingerprints (hex)")
            for fp in item:
                clean = fp.replace(":", "").strip().lower()
                if len(clean) != 64 or any(c not in "0123456789abcdef" for c in clean):
                    raise ConfigError(f"{where}: {fp!r} is not a SHA-256 fingerprint")
        elif not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{where}: give a file path")
    if ("pkcs12" in value) != ("password_file" in value):
        raise ConfigError(f"{path}: signing needs both pkcs12 and password_file")
    return dict(value)


def load(
    *,
    as_user: str | None = None,
    role: str | None = None,
    vendor: str | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings: defaults < server file < user file < ``REVIEWTUI_*`` < ``overrides``.

    Access is decided apart from the other keys, and may only narrow as it goes: the server
    file's ``users`` entry for the login (else its ``role``/``vendor``, else facilitator) is the
    ceiling; the user's file, ``REVIEWTUI_ROLE``/``REVIEWTUI_VENDOR`` and ``--role``/``--vendor``
    may restrict it further but never widen it (asking to is an error, not a silent downgrade).
    ``--as NAME`` is refused unless the server file says ``allow_as = true``; NAME's own
    ``users`` entry then restricts the session too. Raises :class:`ConfigError`.
    """
    settings = Settings()
    server_file = system_config_file()
    server_access = _apply_file(settings, server_file, server=True)
    user_file = config_file()
    user_access = _apply_file(settings, user_file, server=False)
    env_access: dict[str, Any] = {}
    for f in fields(Settings):
        name = f"REVIEWTUI_{f.name.upper()}"
        env = os.environ.get(name)
        if env is None or env == "" or f.name in ("cadence_months", "smtp"):
            continue
        if f.name in NOT_CONFIGURABLE or f.name in SERVER_ONLY:
            raise ConfigError(
                f"{name}: {f.name!r} cannot be set from the environment (see {server_file})"
            )
        if f.name in ("role", "vendor"):
            env_access[f.name] = env
            continue
        try:
            setattr(settings, f.name, _coerce(f.type, env))
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}") from exc
    _apply_smtp_env(settings.smtp)
    for key, value in overrides.items():
        if value is not None:
            setattr(settings, key, value)

    login = settings.user
    mapped = settings.users.get(login)
    if mapped is not None:
        granted = _grant(mapped.get("role"), mapped.get("vendor"), f"{server_file} (users.{login})")
    else:
        granted = _grant(server_access.get("role"), server_access.get("vendor"), str(server_file))
    if as_user is not None:
        as_user = as_user.strip()
        if not as_user:
            raise ConfigError("--as needs a name")
        if not settings.allow_as:
            raise ConfigError(
                f"--as is not allowed on this server (allow_as = true in {server_file} permits it)"
            )
        settings.user = as_user
        theirs = settings.users.get(as_user)
        if theirs is not None:
            granted = _meet(
                granted,
                _grant(
                    theirs.get("role"), theirs.get("vendor"), f"{server_file} (users.{as_user})"
                ),
            )
    for asked, source in (
        (user_access, str(user_file)),
        (env_access, "REVIEWTUI_ROLE/REVIEWTUI_VENDOR"),
        ({"role": role, "vendor": vendor}, "--role/--vendor"),
    ):
        if asked.get("role") is None and not asked.get("vendor"):
            continue
        if asked.get("role") is None and granted.role == "vendor":
            # A vendor name alone is checked against the vendor already granted.
            asked = {"role": "vendor", "vendor": asked.get("vendor")}
        granted = _narrow(granted, _grant(asked.get("role"), asked.get("vendor"), source))
    settings.role = granted.role
    settings.vendor = granted.vendor
    return settings

"""Settings: CLI flag > ``REVIEWTUI_*`` environment > TOML file > defaults.

The TOML file is ``$REVIEWTUI_CONFIG`` or ``<user config dir>/reviewtui/config.toml``; its keys are
the field names below (``[reviewtui]`` table or top level), e.g.::

    db = "postgresql+psycopg://reviews@dbhost/reviews"
    exports_dir = "/srv/reviewtui/exports"
    page_size = "A4"
    discrepancy_pct = 5.0
    [cadence_months]
    critical = 1
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

APP = "reviewtui"


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
    """The acting user: the login name of the process."""
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no passwd entry in some containers
        return os.environ.get("USER", "unknown")


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
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # login -> {role, vendor}

    def exports_path(self) -> Path:
        if self.exports_dir:
            return Path(self.exports_dir).expanduser()
        return _user_data_dir() / "exports"


def config_file() -> Path:
    env = os.environ.get("REVIEWTUI_CONFIG")
    return Path(env).expanduser() if env else _user_config_dir() / "config.toml"


def _coerce(kind: Any, raw: str) -> Any:
    if kind in ("bool", bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind in ("int", int):
        return int(raw)
    if kind in ("float", float):
        return float(raw)
    return raw


def load(**overrides: Any) -> Settings:
    """Build the settings from defaults, the TOML file, the environment and ``overrides``."""
    settings = Settings()
    path = config_file()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: {exc}") from exc
        data = data.get("reviewtui", data)
        names = {f.name for f in fields(Settings)}
        for key, value in data.items():
            if key not in names:
                raise ValueError(f"{path}: unknown setting {key!r}")
            if key == "cadence_months":
                settings.cadence_months.update(value)
            else:
                setattr(settings, key, value)
    for f in fields(Settings):
        if f.name in ("cadence_months", "users"):
            continue
        env = os.environ.get(f"REVIEWTUI_{f.name.upper()}")
        if env is not None and env != "":
            try:
                setattr(settings, f.name, _coerce(f.type, env))
            except ValueError as exc:
                raise ValueError(f"REVIEWTUI_{f.name.upper()}: {exc}") from exc
    for key, value in overrides.items():
        if value is not None:
            setattr(settings, key, value)
    # Role and vendor mapped to the login name in the configuration.
    mapped = settings.users.get(settings.user)
    if mapped and overrides.get("role") is None:
        settings.role = mapped.get("role", settings.role)
        settings.vendor = mapped.get("vendor", settings.vendor)
    return settings

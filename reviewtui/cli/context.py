"""What every command gets: the settings and a lazily opened database."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from reviewtui import config

if TYPE_CHECKING:
    from reviewtui.db.engine import Database


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error on stderr and exit with ``code``."""
    import click  # not on the TUI's start-up path (reviewtui.launch)

    click.echo(f"reviewtui: {message}", err=True)
    sys.exit(code)


@dataclass
class CliContext:
    """Settings plus the database, opened (and upgraded) on first use."""

    settings: config.Settings
    _db: Database | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls,
        db: str | None = None,
        as_user: str | None = None,
        role: str | None = None,
        vendor: str | None = None,
        low_bandwidth: bool | None = None,
    ) -> CliContext:
        """Load the settings; the acting user and role follow the rules in ``config.load``."""
        try:
            settings = config.load(
                db=db, as_user=as_user, role=role, vendor=vendor, low_bandwidth=low_bandwidth
            )
        except ValueError as exc:
            fail(str(exc))
        return cls(settings=settings)

    @property
    def db_url(self) -> str:
        return self.settings.db or str(config.default_db_path())

    def use_db(self, url: str) -> None:
        """Point at another database (``reviewtui demo`` without --db)."""
        self.settings.db = url
        self._db = None

    @property
    def db(self) -> Database:
        if self._db is None:
            from reviewtui.db import open_database
            from reviewtui.db.errors import UserError
            from reviewtui.db.schema import SchemaTooNew

            try:
                self._db = open_database(
                    self.db_url,
                    user=self.settings.user,
                    role=self.settings.role,
                    vendor=self.settings.vendor,
                    name=self.settings.person().name,
                )
            except (SchemaTooNew, UserError) as exc:
                fail(str(exc))
            except Exception as exc:  # connection refused, bad URL, unreadable file
                fail(f"cannot open the database {self.db_url}: {_first_line(exc)}")
        return self._db


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

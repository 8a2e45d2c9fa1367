"""What every command gets: the settings and a lazily opened database."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
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
    # Set by the commands that make a database (demo, db upgrade, restore, the TUI once asked):
    # for every other command an SQLite file named explicitly must exist already.
    may_create: bool = False

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
        """The database to use; exits 1 when it is an SQLite file named explicitly (``--db``,
        ``REVIEWTUI_DB``, the settings file) that does not exist, unless ``may_create``."""
        if not self.may_create:
            missing = self.missing_file()
            if missing is not None:
                fail(
                    f"no database at {missing} (named by --db or REVIEWTUI_DB): check the path, "
                    "or create one with `reviewtui --db PATH db upgrade`"
                )
        return self.settings.db or str(config.default_db_path())

    def missing_file(self) -> Path | None:
        """The explicitly named SQLite file when it does not exist (None otherwise).

        The default file in the data directory is not named by anyone: it is made on first use.
        """
        path = explicit_sqlite_file(self.settings.db)
        if path is None or path.exists():
            return None
        return path

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


def explicit_sqlite_file(db: str | None) -> Path | None:
    """The SQLite file a --db value names (a path or ``sqlite:///`` URL), without SQLAlchemy."""
    if not db or db.strip() in ("", ":memory:"):
        return None
    if "://" not in db:
        return Path(db).expanduser()
    scheme, rest = db.split("://", 1)
    if scheme.split("+")[0] != "sqlite" or not rest.startswith("/") or rest in ("/", "/:memory:"):
        return None
    return Path(rest[1:].split("?")[0]).expanduser()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

"""Shared fixtures: real SQLite files, a real PostgreSQL server, a frozen clock.

PostgreSQL: ``REVIEWTUI_TEST_PG_URL`` points at a server to use (a superuser URL); otherwise the
tests start a throwaway server with the machine's ``initdb``/``pg_ctl`` when they exist. Without
either, PostgreSQL tests are skipped with the reason, unless ``REVIEWTUI_REQUIRE_PG=1`` (set by
``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import pgserver
from benchmarks.pgserver import PgServer

FROZEN_NOW = "2026-11-28T09:00:00+00:00"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """No test reads the developer's config or data directory, and the clock is frozen."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("REVIEWTUI_NOW", FROZEN_NOW)
    monkeypatch.setenv("TZ", "UTC")
    for var in ("REVIEWTUI_DB", "REVIEWTUI_CONFIG", "REVIEWTUI_ROLE", "REVIEWTUI_VENDOR"):
        monkeypatch.delenv(var, raising=False)
    for var in [v for v in os.environ if v.startswith("REVIEWTUI_SMTP_")]:
        monkeypatch.delenv(var)  # nor the developer's mail server
    # Nor the machine's server policy, nor the SSH session the suite may be started from.
    # An empty policy file: a named one must exist (see config.system_config_file).
    (home / "etc").mkdir()
    (home / "etc" / "config.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("REVIEWTUI_SYSTEM_CONFIG", str(home / "etc" / "config.toml"))
    for var in (
        "REVIEWTUI_LOW_BANDWIDTH",
        "SSH_CONNECTION",
        "SSH_CLIENT",
        "SSH_TTY",
        "SSH_ORIGINAL_COMMAND",
        "NO_COLOR",
        "TEXTUAL_ANIMATIONS",
    ):
        monkeypatch.delenv(var, raising=False)
    # The app picks its ANSI theme on 16-colour terminals (TERM=xterm): pin the colour system
    # so that snapshots do not depend on the terminal the suite runs in.
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "truecolor")
    time.tzset()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = os.environ.get("REVIEWTUI_TEST_PG_URL")
    if url:
        yield PgServer(url)
        return
    tmp = Path(tempfile.mkdtemp(prefix="reviewtui-pg-"))
    try:
        server, stop = pgserver.start(tmp)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        reason = f"PostgreSQL not available: {exc} {detail.decode(errors='replace')[:300]}"
        if os.environ.get("REVIEWTUI_REQUIRE_PG") == "1":
            pytest.fail(reason + " (REVIEWTUI_REQUIRE_PG=1 forbids skipping)")
        pytest.skip(reason)
    try:
        yield server
    finally:
        stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh, empty PostgreSQL database."""
    return pg_server.new_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file path (as a URL), existing and empty: a file named by --db must exist."""
    (tmp_path / "reviewtui.db").touch()
    return f"sqlite:///{tmp_path / 'reviewtui.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        (tmp_path / "reviewtui.db").touch()  # a file named by --db must exist (an empty one)
        return f"sqlite:///{tmp_path / 'reviewtui.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str):
    """An opened (migrated) Database on ``db_url``, acting as user 'tester'."""
    from reviewtui.db import open_database

    database = open_database(db_url, user="tester")
    yield database
    database.dispose()


@pytest.fixture
def demo_db(db):
    """``db`` filled with the demo data."""
    from reviewtui.demo import seed

    with db.session() as s:
        seed(s)
    return db


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    """A SQLite file with the demo data (a path, for code that opens the database itself)."""
    from reviewtui.db import open_database
    from reviewtui.demo import seed

    path = tmp_path / "demo.db"
    db = open_database(str(path), user="tester")
    with db.session() as s:
        seed(s)
    db.dispose()
    return path

"""Shared fixtures: real SQLite files, a real PostgreSQL server, a frozen clock.

PostgreSQL: ``REVIEWTUI_TEST_PG_URL`` points at a server to use (a superuser URL); otherwise the
tests start a throwaway server with the machine's ``initdb``/``pg_ctl`` when they exist. Without
either, PostgreSQL tests are skipped with the reason, unless ``REVIEWTUI_REQUIRE_PG=1`` (set by
``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    for cand in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (cand / "pg_ctl").exists():
            return cand
    return None


class PgServer:
    """A PostgreSQL server reachable at ``base_url``; hands out fresh databases."""

    _counter = itertools.count(1)

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            self.base_url.replace("+psycopg", "") + "/postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        name = f"rt_{os.getpid()}_{next(self._counter)}"
        self.admin(f'DROP DATABASE IF EXISTS "{name}"')
        self.admin(f'CREATE DATABASE "{name}"')
        return f"{self.base_url}/{name}"


def _start_pg(tmp: Path) -> tuple[PgServer, callable]:
    bindir = _pg_bindir()
    if bindir is None:
        raise FileNotFoundError("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    data = tmp / "pgdata"
    port = _free_port()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    tmp.chmod(0o777)
    subprocess.run(
        prefix
        + [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        prefix
        + [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(tmp / "pg.log"),
            "-w",
            "-o",
            f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            "start",
        ],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(
            prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )

    return PgServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}"), stop


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = os.environ.get("REVIEWTUI_TEST_PG_URL")
    if url:
        yield PgServer(url)
        return
    tmp = Path(tempfile.mkdtemp(prefix="reviewtui-pg-"))
    try:
        server, stop = _start_pg(tmp)
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

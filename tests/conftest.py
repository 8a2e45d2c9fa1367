"""Shared fixtures: real SQLite files, a real PostgreSQL server, a frozen clock.

PostgreSQL: ``REVIEWTUI_TEST_PG_URL`` points at a server to use (a superuser URL); otherwise the
tests start a throwaway server with the machine's ``initdb``/``pg_ctl`` when they exist. Without
either, PostgreSQL tests are skipped with the reason, unless ``REVIEWTUI_REQUIRE_PG=1`` (set by
``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import pgserver
from benchmarks.pgserver import PgServer

FROZEN_NOW = "2026-11-28T09:00:00+00:00"


def pytest_configure(config: pytest.Config) -> None:
    """SIGTERM ends a run as Ctrl-C does: the finalisers run and stop every server the tests
    started. (A SIGKILL runs nothing; benchmarks/reaper.py's watchers cover that.)"""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupted)


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: three workers a core. Much of the suite waits (tmux, ``reviewtui``
    processes, a PostgreSQL server, the notes' save debounce): with one worker a core, a core sat
    idle a third of the run (817 CPU-s in 662 s wall on 2 cores); with two, 14% of the time
    (822 CPU-s in 476 s); with three the clean-clone run took 441 s."""
    return 3 * (os.cpu_count() or 1)


#: Modules whose module-scoped fixtures seed a database or render PDFs: each runs on one worker,
#: so that this is done once rather than once on every worker.
SHARED_MODULE_SETUP = (
    "tests/exports/",
    "tests/test_scorecard_cli.py",
    "tests/test_script_contract.py",
)


#: Files holding the longest single tests (20-50 s each on the loaded 2-core machine).
LONG_FIRST = (
    "tests/test_benchmarks_smoke.py",
    "tests/test_cli_db_copy.py",
    "tests/test_injection.py",
    "tests/test_cli_minutes.py",
    "tests/test_names_and_databases.py",
)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups into the node ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The terminal tests (marked e2e: tmux, sshd, typists at a person's speed) share one
    worker, one after another, as in a serial run; the rest spread over all workers.

    They run beside the other worker rather than in a phase of their own: they are written for
    a loaded machine (generous time-outs, allowances measured from the load), and as the largest
    group xdist starts them first, so their minutes overlap the rest of the suite.
    """
    for item in items:
        if item.get_closest_marker("e2e"):
            group = "terminal"
        elif item.nodeid.startswith(SHARED_MODULE_SETUP):
            group = item.nodeid.split("::")[0]
        else:
            continue
        item.add_marker(pytest.mark.xdist_group(group))
    # The longest single tests first (whole files, in their order): one of them handed out in
    # the last minute would run on alone while the other workers sit idle.
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))


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
        # pytest-xdist's workers export COLUMNS=80 LINES=24; the app in a tmux pane would take
        # them (shutil.get_terminal_size reads them first) and draw 80x24 in a 100x30 pane.
        "COLUMNS",
        "LINES",
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
        server, stop = pgserver.start(tmp, remove=True)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        reason = f"PostgreSQL not available: {exc} {detail.decode(errors='replace')[:300]}"
        if os.environ.get("REVIEWTUI_REQUIRE_PG") == "1":
            pytest.fail(reason + " (REVIEWTUI_REQUIRE_PG=1 forbids skipping)")
        pytest.skip(reason)
    try:
        yield server
    finally:
        stop()  # the folder is removed in the background


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
def db(db_url: str, demo_templates: DemoTemplates):
    """An opened (migrated) Database on ``db_url``, acting as user 'tester'.

    On SQLite the file starts as a copy of one migrated once per test process (the migrations
    cost ~50 ms a database, hundreds of times a run); opening it then finds it current.
    """
    from reviewtui.db import open_database

    if db_url.startswith("sqlite:///"):
        demo_templates.empty_sqlite_into(Path(db_url.removeprefix("sqlite:///")))
    database = open_database(db_url, user="tester")
    yield database
    database.dispose()


class DemoTemplates:
    """The demo data seeded once per test process and copied into each test's database (and,
    for ``db`` on SQLite, an empty database migrated once and copied the same way).

    Seeding takes seconds (hundreds of rows through the ORM); a copy takes milliseconds: SQLite's
    backup API for files, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. The data depends on
    the clock (dates are relative to today), so a template is kept per ``REVIEWTUI_NOW``/``TZ``;
    a test that sets another clock before asking for demo data gets its own seeding.
    """

    def __init__(self, folder: Path, request: pytest.FixtureRequest) -> None:
        self._folder = folder
        self._request = request
        self._sqlite: dict[tuple[str, str], Path] = {}
        self._empty: Path | None = None
        self._pg: dict[tuple[str, str], str] = {}

    @staticmethod
    def _key() -> tuple[str, str]:
        return os.environ.get("REVIEWTUI_NOW", ""), os.environ.get("TZ", "")

    @staticmethod
    def _seed(url: str) -> None:
        from reviewtui.db import open_database
        from reviewtui.demo import seed

        db = open_database(url, user="tester")
        try:
            with db.session() as s:
                seed(s)
        finally:
            db.dispose()

    def sqlite_into(self, path: Path) -> None:
        """Make the SQLite file at ``path`` hold exactly the demo data."""
        key = self._key()
        template = self._sqlite.get(key)
        if template is None:
            template = self._folder / f"demo-{len(self._sqlite)}.db"
            self._seed(str(template))
            self._sqlite[key] = template
        _copy_sqlite(template, path)

    def empty_sqlite_into(self, path: Path) -> None:
        """Make the SQLite file at ``path`` a migrated database with no data."""
        from reviewtui.db import open_database

        if self._empty is None:
            template = self._folder / "empty.db"
            open_database(str(template), user="tester").dispose()
            self._empty = template
        _copy_sqlite(self._empty, path)

    def postgres_into(self, url: str) -> None:
        """Recreate the (unconnected) PostgreSQL database at ``url`` as a copy of the demo."""
        server: PgServer = self._request.getfixturevalue("pg_server")
        key = self._key()
        template = self._pg.get(key)
        if template is None:
            template = f"rt_demo_{os.getpid()}_{len(self._pg)}"
            self._seed(server.new_database(template))
            self._pg[key] = template
        name = url.rsplit("/", 1)[1]
        server.admin(f'DROP DATABASE "{name}"')
        server.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def _copy_sqlite(template: Path, path: Path) -> None:
    src, dst = sqlite3.connect(template), sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture(scope="session")
def demo_templates(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> DemoTemplates:
    return DemoTemplates(tmp_path_factory.mktemp("demo-templates"), request)


@pytest.fixture
def demo_db(db, demo_templates: DemoTemplates):
    """``db`` filled with the demo data (a copy of data seeded once per test process)."""
    db.dispose()  # no connection may be open while the database is replaced
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        demo_templates.sqlite_into(Path(url.database))
    else:
        demo_templates.postgres_into(url.render_as_string(hide_password=False))
    return db


@pytest.fixture
def demo_path(tmp_path: Path, demo_templates: DemoTemplates) -> Path:
    """A SQLite file with the demo data (a path, for code that opens the database itself)."""
    path = tmp_path / "demo.db"
    demo_templates.sqlite_into(path)
    return path

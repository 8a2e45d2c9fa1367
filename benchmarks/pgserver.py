"""A throwaway PostgreSQL server from the machine's ``initdb``/``pg_ctl`` (tests and benchmarks).

The server lives in a temporary folder, listens on 127.0.0.1 at a free port, trusts local
connections and runs without fsync: it is for measuring and testing, never for data. Run as
root, the server runs as the ``postgres`` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

from benchmarks import reaper


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bindir() -> Path | None:
    """The folder holding ``pg_ctl`` (on PATH or under /usr/lib/postgresql), or None."""
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

    def new_database(self, name: str | None = None) -> str:
        name = name or f"rt_{os.getpid()}_{next(self._counter)}"
        self.admin(f'DROP DATABASE IF EXISTS "{name}"')
        self.admin(f'CREATE DATABASE "{name}"')
        return f"{self.base_url}/{name}"


def start(
    tmp: Path, *, max_connections: int = 200, remove: bool = False
) -> tuple[PgServer, Callable[[], None]]:
    """Start a server with its data under ``tmp``; returns it and the function that stops it.

    With ``remove``, stopping also removes ``tmp``, in the background (a test session's
    hundreds of databases take a while to delete).

    Raises FileNotFoundError without server binaries, CalledProcessError when it fails to start.
    """
    bin_ = bindir()
    if bin_ is None:
        raise FileNotFoundError("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    data = tmp / "pgdata"
    port = free_port()
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    tmp.mkdir(parents=True, exist_ok=True)
    tmp.chmod(0o777)
    subprocess.run(
        prefix
        + [
            str(bin_ / "initdb"),
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
    stop_command = prefix + [str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
    # Stopped by stop(), or by the watcher if this process dies first (SIGKILL, a crashed
    # worker): a server outliving its run would hold its port and memory until reboot.
    # Watched before it starts, so that no moment is left unwatched.
    watcher = reaper.Watcher(stop_command, remove=[tmp if remove else data])
    try:
        subprocess.run(
            prefix
            + [
                str(bin_ / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(tmp / "pg.log"),
                "-w",
                "-o",
                f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c max_connections={max_connections}",
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except BaseException:
        subprocess.run(stop_command, capture_output=True)  # half-started: stopped all the same
        watcher.hand_over() if remove else watcher.release()
        raise

    def stop() -> None:
        subprocess.run(stop_command, capture_output=True)
        if remove:
            watcher.hand_over()
        else:
            watcher.release()

    return PgServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}"), stop

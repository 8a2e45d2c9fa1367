"""Drive a real terminal: a tmux session running a command, read with capture-pane.

Shared by the benchmarks (typing_loss, ssh_first_frame) and the terminal tests (tests/e2e,
tests/mail); with it, the /proc helpers that find the app's process under the pane's shell and
wait for it to end.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import reaper

#: A command line, split into its arguments; says whether it is the process looked for.
Predicate = Callable[[list[str]], bool]


class Tmux:
    """One detached tmux session of a given size running ``command``, on a tmux server (socket)
    of its own that a watcher stops if the run is killed before :meth:`close`.

    ``env`` is added to the environment the tmux server starts with and is also put on the
    command line (``env K=V command``); TERM is always xterm-256color.
    """

    def __init__(
        self,
        command: list[str],
        *,
        width: int = 100,
        height: int = 30,
        env: dict[str, str] | None = None,
    ) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed")
        self.name = f"rt-{uuid.uuid4().hex[:8]}"
        self.socket = f"rt-{self.name}"
        # A run killed outright (SIGKILL, a crashed worker) leaves no tmux server behind.
        self._watcher = reaper.Watcher(["tmux", "-L", self.socket, "kill-server"])
        full_env = {**os.environ, **(env or {}), "TERM": "xterm-256color"}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        shell_cmd = f"env {exports} {shlex.join(command)}" if exports else shlex.join(command)
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(width),
            "-y",
            str(height),
            shell_cmd,
            env=full_env,
        )
        self._tmux("set-option", "-t", self.name, "remain-on-exit", "on")

    def _tmux(self, *args: str, env: dict | None = None) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=env, timeout=30
        )
        return out.stdout

    def screen(self, *, escapes: bool = False) -> str:
        """The pane's text; with ``escapes``, with the SGR sequences of its colours and styles."""
        if escapes:
            return self._tmux("capture-pane", "-e", "-p", "-t", self.name)
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def send(self, *keys: str, literal: bool = False) -> None:
        """Press ``keys`` (tmux key names), or with ``literal`` type them as text.

        A lone ";" is tmux's command separator: it is escaped, so it is a key like any other.
        """
        keys = tuple("\\;" if k == ";" else k for k in keys)
        if literal:
            self._tmux("send-keys", "-t", self.name, "-l", *keys)
        else:
            self._tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> float:
        """Seconds until ``text`` is on the screen; raises with the screen on time-out."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if text in self.screen():
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{self.screen()}")

    def record(self, path: str) -> None:
        """Append every byte the pane's program writes to the terminal to ``path``."""
        self._tmux("pipe-pane", "-t", self.name, "-o", f"cat >> {shlex.quote(path)}")

    def pane_pid(self) -> int:
        """The process tmux started in the pane (the shell running ``command``)."""
        return int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def app_pid(self, match: Predicate | Sequence[str]) -> int:
        """The process at or under the pane's shell whose command line ``match``es (the shell may
        exec the command or not); raises with the screen when there is none.

        ``match`` is a predicate on the split command line, or arguments that must all be on it:
        each one as it is, or as the last part of a path (``"reviewtui"`` is ``.../bin/reviewtui``).
        """
        pred = match if callable(match) else has_args(*match)
        pid = find_process(self.pane_pid(), pred)
        if pid is None:
            raise AssertionError(f"no process {match!r} under the pane:\n{self.screen()}")
        return pid

    def dead(self) -> bool:
        """Whether the pane's command has ended (the pane stays, remain-on-exit)."""
        return self._tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        """Stop the tmux server and with it the pane's processes (they get SIGHUP)."""
        self._tmux("kill-server")
        self._watcher.release()

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def has_args(*args: str) -> Predicate:
    """A predicate: every one of ``args`` is an argument of the command line, as it is or as the
    last part of a path."""

    def match(cmdline: list[str]) -> bool:
        return all(any(a == arg or a.endswith("/" + arg) for a in cmdline) for arg in args)

    return match


def cmdline(pid: int) -> list[str] | None:
    """The arguments ``pid`` runs with, or None when it has gone (or cannot be read)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [os.fsdecode(part) for part in raw.split(b"\0") if part]


def _stat_fields(pid_stat: Path) -> list[str]:
    # After the command name in parentheses (which may itself hold ")" or spaces).
    return pid_stat.read_text().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(_stat_fields(stat)[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def find_process(root_pid: int, predicate: Predicate) -> int | None:
    """The first process at or below ``root_pid`` whose command line satisfies ``predicate``."""
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        cmd = cmdline(pid)
        if cmd is None:
            continue
        if predicate(cmd):
            return pid
        todo.extend(children(pid))
    return None


def gone(pid: int, timeout: float = 15.0) -> bool:
    """Whether ``pid`` exited (or is a zombie) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _stat_fields(Path(f"/proc/{pid}/stat"))[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.02)
    return False

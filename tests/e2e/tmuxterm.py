"""Drive a real terminal: a tmux session running a command, read with capture-pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid

from benchmarks import reaper


class Tmux:
    """One detached tmux session of a given size running ``command``."""

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

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def send(self, *keys: str, literal: bool = False) -> None:
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
        return int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        self._tmux("kill-server")
        self._watcher.release()

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

"""Stop a server a test run started even when the run dies without cleaning up after itself.

A fixture's finaliser stops its server when the run ends, fails, or is interrupted (Ctrl-C; the
suite turns SIGTERM into the same). A SIGKILL, an out-of-memory kill or a crashed xdist worker
runs no Python at all, though; so each server also gets a watcher: a small process in a session
of its own (Ctrl-C does not reach it) that holds the read end of a pipe whose write end only the
starting process holds. When that process is gone, whatever the reason, the pipe reads empty (or
the watcher finds itself orphaned) and the watcher runs the server's stop command. A normal stop
releases the watcher first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

_WATCHER = r"""
import json, os, select, shutil, subprocess, sys
parent, command, remove = os.getppid(), json.loads(sys.argv[1]), json.loads(sys.argv[2])
while True:
    ready, _, _ = select.select([sys.stdin], [], [], 1.0)
    if ready:
        line = sys.stdin.readline()
        if line.strip() == "released":
            sys.exit(0)
        if not line:  # end of file: the starting process is gone
            break
    elif os.getppid() != parent:  # orphaned, while a forked child still holds the pipe
        break
subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
for path in remove:
    shutil.rmtree(path, ignore_errors=True)
"""


class Watcher:
    """Runs ``stop_command``, then removes the folders ``remove``, if this process ends before
    :meth:`release` is called."""

    def __init__(self, stop_command: list[str], remove: Sequence[Path] = ()) -> None:
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WATCHER,
                json.dumps(stop_command),
                json.dumps([str(p) for p in remove]),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def hand_over(self) -> None:
        """Let the watcher run the stop command and remove the folders now, in the background:
        removing a server's gigabyte of throwaway databases need not hold up the run."""
        stdin = self._proc.stdin
        if stdin is not None and not stdin.closed:
            stdin.close()  # end of file: the watcher does its work and exits

    def release(self) -> None:
        """The server was stopped the normal way: the watcher ends without doing anything."""
        stdin = self._proc.stdin
        if stdin is None or stdin.closed:
            return
        try:
            stdin.write(b"released\n")
            stdin.close()
        except OSError:
            pass  # the watcher is gone already
        self._proc.wait(timeout=30)

"""A throwaway OpenSSH server on 127.0.0.1 with its own host key and one user key.

Used by tests/e2e/test_ssh.py and benchmarks/ssh_first_frame.py. Needs root (sshd's privilege
separation) and ``openssh-server``; :func:`unavailable` says why not, for a skip message.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from benchmarks import reaper

SSHD = "/usr/sbin/sshd"


def unavailable() -> str | None:
    """Why a test sshd cannot run here, or None."""
    if not Path(SSHD).exists() or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        return "openssh-server and openssh-client are not installed"
    if os.geteuid() != 0:
        return "sshd needs root for privilege separation"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sshd:
    """sshd in the foreground on a free port; ``authorize()`` sets the one key's options."""

    def __init__(self, root: Path, env: dict[str, str] | None = None) -> None:
        self.root = root
        self.port = _free_port()
        self.user = "root"
        self.key = root / "id_ed25519"
        self.host_key = root / "host_ed25519"
        self.authorized_keys = root / "authorized_keys"
        self.known_hosts = root / "known_hosts"
        self.log = root / "sshd.log"
        for key in (self.key, self.host_key):
            subprocess.run(
                [
                    "ssh-keygen",
                    "-q",
                    "-t",
                    "ed25519",
                    "-N",
                    "",
                    "-C",
                    "reviewtui-test",
                    "-f",
                    str(key),
                ],
                check=True,
            )
        self.authorize()
        # Server-side environment: the session's reviewtui reads no config of this machine.
        setenv = " ".join(f"{k}={v}" for k, v in (env or {}).items())
        config = root / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    f"PidFile {root / 'sshd.pid'}",
                    f"AuthorizedKeysFile {self.authorized_keys}",
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",  # the keys live under /tmp
                    "PermitUserEnvironment no",
                    "AcceptEnv LANG LC_* COLORTERM",
                    "PrintMotd no",
                    "PrintLastLog no",
                    "LogLevel VERBOSE",
                    *([f"SetEnv {setenv}"] if setenv else []),
                    "",
                ]
            )
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self._log_fh = self.log.open("wb")
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=self._log_fh, stderr=subprocess.STDOUT
        )
        # Stopped by close(), or by the watcher if the test run is killed outright.
        self._watcher = reaper.Watcher(["kill", str(self.proc.pid)])
        deadline = time.monotonic() + 15
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"sshd did not listen: {self.log.read_text()}") from None
                time.sleep(0.05)

    def authorize(self, options: str = "") -> None:
        """Put the user key in authorized_keys, with ``options`` such as ``command="..."``."""
        pub = Path(str(self.key) + ".pub").read_text().strip()
        self.authorized_keys.write_text(f"{options} {pub}\n" if options else f"{pub}\n")

    def ssh_args(self, *remote: str, tty: bool = True) -> list[str]:
        """The ssh command line that logs in with the key, optionally running ``remote``."""
        return [
            shutil.which("ssh") or "ssh",
            *(["-tt"] if tty else ["-T"]),
            "-F",
            "/dev/null",
            "-i",
            str(self.key),
            "-p",
            str(self.port),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=accept-new",
            "-o",
            f"UserKnownHostsFile={self.known_hosts}",
            "-o",
            "LogLevel=ERROR",
            "--",  # what follows the host is the remote command, even "--db ..."
            f"{self.user}@127.0.0.1",
            *remote,
        ]

    def run(self, remote: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run ``remote`` over ssh without a terminal; returns the finished process."""
        return subprocess.run(
            self.ssh_args(remote, tty=False) if remote else self.ssh_args(tty=False),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._watcher.release()
        self._log_fh.close()

    def __enter__(self) -> Sshd:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

"""Time from ``ssh`` to the first dashboard frame, and bytes sent to the terminal per step.

Starts a throwaway sshd on 127.0.0.1 (as tests/e2e/test_ssh.py does), seeds the demo data, and
runs ``ssh -tt root@127.0.0.1 reviewtui --db DEMO`` in an 80x24 tmux pane whose output is
recorded with ``pipe-pane``. For each run it reports:

- first paint: seconds from starting ssh until the dashboard's frame is on screen;
- with data: seconds until the vendor rows are on it;
- the bytes written to the terminal by one navigation step each: cursor down one row, Enter
  to open a vendor, q back to the dashboard.

Needs root, openssh-server and tmux. Run from the repository root::

    uv run python -m benchmarks.ssh_first_frame [--runs 5] [--low-bandwidth] [--term xterm]
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sshd import Sshd, unavailable  # noqa: E402
from benchmarks.tmuxterm import Tmux  # noqa: E402


def _settle(path: Path, quiet: float = 0.7, limit: float = 15.0) -> int:
    """Wait until nothing has been written for ``quiet`` seconds; returns the file's size."""
    start = time.monotonic()
    size, since = -1, time.monotonic()
    while time.monotonic() - start < limit:
        now_size = path.stat().st_size if path.exists() else 0
        if now_size != size:
            size, since = now_size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return size
        time.sleep(0.02)
    return size


def _wait_for(term: Tmux, text: str, start: float, limit: float = 60.0) -> float:
    while time.monotonic() - start < limit:
        if text in term.screen():
            return time.monotonic() - start
        time.sleep(0.01)
    raise SystemExit(f"{text!r} not on screen after {limit}s:\n{term.screen()}")


def one_run(
    sshd: Sshd, exe: str, db: Path, work: Path, n: int, low: bool, term_name: str | None
) -> dict[str, float]:
    go = work / f"go-{n}"
    out = work / f"bytes-{n}"
    remote = shlex.join([exe, "--db", str(db), *(["--low-bandwidth"] if low else [])])
    ssh = shlex.join(sshd.ssh_args(remote))
    if term_name:  # ssh hands the client's TERM to the remote pty
        ssh = f"env TERM={shlex.quote(term_name)} {ssh}"
    # The pane waits for the go file, so the recording is attached before ssh starts.
    wrapper = [
        "sh",
        "-c",
        f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.002; done; exec {ssh}",
    ]
    with Tmux(wrapper, width=80, height=24) as term:
        term.record(str(out))
        time.sleep(0.2)
        go.touch()
        start = time.monotonic()
        first_paint = _wait_for(term, "Portfolio", start)
        with_data = _wait_for(term, "Keystone Precision", start)
        base = _settle(out)
        term.send("Down")
        after_down = _settle(out)
        term.send("Enter")
        _wait_for(term, "Contacts", time.monotonic())
        after_open = _settle(out)
        term.send("q")
        _wait_for(term, "Portfolio", time.monotonic())
        after_back = _settle(out)
        term.send("C-q")
        deadline = time.monotonic() + 15
        while not term.dead() and time.monotonic() < deadline:
            time.sleep(0.05)
    return {
        "first_paint_s": first_paint,
        "with_data_s": with_data,
        "startup_bytes": base,
        "down_bytes": after_down - base,
        "open_vendor_bytes": after_open - after_down,
        "back_bytes": after_back - after_open,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--low-bandwidth", action="store_true")
    parser.add_argument(
        "--term", help="TERM for the ssh client (xterm: 16 colours); default: tmux's own"
    )
    args = parser.parse_args()
    why = unavailable()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 1
    exe = shutil.which("reviewtui")
    if exe is None:
        print("cannot run: reviewtui is not installed (uv sync)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="rt-ssh-bench-") as tmp:
        work = Path(tmp)
        (work / "none.toml").write_text("", encoding="utf-8")  # no policy (a named file must exist)
        env = {
            "REVIEWTUI_SYSTEM_CONFIG": str(work / "none.toml"),
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
        }
        db = work / "demo.db"
        subprocess.run(
            [exe, "--db", str(db), "demo", "--seed-only"],
            check=True,
            capture_output=True,
            env={**os.environ, **env},
        )
        (work / "ssh").mkdir()
        with Sshd(work / "ssh", env=env) as sshd:
            runs = [
                one_run(sshd, exe, db, work, n, args.low_bandwidth, args.term)
                for n in range(args.runs)
            ]
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load {load[0]:.2f}, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"ssh -tt root@127.0.0.1 reviewtui --db demo.db{' --low-bandwidth' if args.low_bandwidth else ''}"
        f" in tmux 80x24, TERM={args.term or 'tmux default'}, {len(runs)} runs (median [min-max])"
    )
    for key in runs[0]:
        values = [r[key] for r in runs]
        if key.endswith("_s"):
            print(
                f"  {key[:-2]:<18} {statistics.median(values):7.2f} s "
                f"[{min(values):.2f}-{max(values):.2f}]"
            )
        else:
            print(
                f"  {key[:-6]:<18} {statistics.median(values):7.0f} bytes "
                f"[{min(values):.0f}-{max(values):.0f}]"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

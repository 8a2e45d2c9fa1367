"""Cold start to the first dashboard frame with data, in a real terminal (tmux).

Prints the median/min/max seconds from process launch to the demo vendors being on screen, for
reviewtui on the demo database and for a bare Textual app with the same widgets (the floor), and
their ratio. Usage: uv run python -m benchmarks.startup [--runs N] [--db PATH]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

MARKER = "Keystone Precision"


def time_to_screen(command: list[str], marker: str, width: int = 120, height: int = 36) -> float:
    sock = f"bench-{uuid.uuid4().hex[:8]}"
    name = "b"
    tmux = ["tmux", "-L", sock]
    start = time.monotonic()
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), *command],
        check=True,
    )
    try:
        while True:
            out = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if marker in out:
                return time.monotonic() - start
            if time.monotonic() - start > 30:
                raise RuntimeError(f"{marker!r} never appeared:\n{out}")
            time.sleep(0.005)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def measure(command: list[str], runs: int, marker: str = MARKER) -> list[float]:
    time_to_screen(command, marker)  # warm the page cache once
    return [time_to_screen(command, marker) for _ in range(runs)]


def bare_command(rows: int | None = None) -> list[str]:
    """The floor: the bare app (with ``rows`` made-up vendors instead of the demo's four)."""
    return [
        sys.executable,
        str(Path(__file__).with_name("bare_dashboard.py")),
        *([] if rows is None else [str(rows)]),
    ]


def measure_pair(
    command: list[str],
    runs: int,
    marker: str,
    bare_rows: int | None = None,
    *,
    warm: bool = True,
) -> tuple[list[float], list[float]]:
    """Start-up times of ``command`` and of the bare app, interleaved so load hits both alike."""
    bare = bare_command(bare_rows)
    if warm:  # the page cache and the bytecode caches
        time_to_screen(command, marker)
        time_to_screen(bare, marker)
    ours, floor = [], []
    for _ in range(runs):
        ours.append(time_to_screen(command, marker))
        floor.append(time_to_screen(bare, marker))
    return ours, floor


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", type=Path, default=None, help="a database (default: fresh demo)")
    args = ap.parse_args()
    exe = shutil.which("reviewtui") or sys.exit("reviewtui is not installed (uv sync)")
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "demo.db"
        subprocess.run(
            [exe, "--db", str(db), "demo", "--seed-only"], check=True, capture_output=True
        )
    rt, floor = measure_pair([exe, "--db", str(db)], args.runs, MARKER)
    print(f"{'figure':<34}{'median':>8}{'min':>8}{'max':>8}")
    for label, xs in (("reviewtui dashboard (demo db)", rt), ("bare Textual app (floor)", floor)):
        print(f"{label:<34}{statistics.median(xs):8.3f}{min(xs):8.3f}{max(xs):8.3f}")
    print(
        f"ratio (median): {statistics.median(rt) / statistics.median(floor):.2f}x "
        f"(goal <= 1.5x), runs={args.runs}"
    )


if __name__ == "__main__":
    main()

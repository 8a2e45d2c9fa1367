"""What a kill costs a typist: type into a meeting's notes in tmux, kill the app, read the DB.

One trial: a fresh meeting is opened with the real ``reviewtui`` command in a tmux pane; prose is
typed into the current item's notes one key at a time at a person's rate (10-15 keys/s, with a
pause now and then); at a random moment the process gets SIGKILL (or SIGHUP). The database must
then hold a prefix of what was typed, never anything twice or out of order; what is missing is
the loss, in characters and in seconds of typing (from the first missing key to the kill).

With ``conflict=True`` a second process saves the same item's notes (as ``bob``, adding a line
at the end of what is stored) while the typist types, so the typist's session meets a real
conflict and goes on typing in the merged note; the kill comes after that.

    uv run python -m benchmarks.typing_loss [--trials 20] [--signal KILL|HUP] [--conflict]

The e2e tests (tests/e2e/test_typing_e2e.py) run a few trials and check every one; the
benchmark suite reports the worst loss over many.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal as signals
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.tmuxterm import Tmux, gone
from reviewtui.drafts import CONFLICT_SEPARATOR

PROSE = (
    "Plan 2 raised with Müller: the spares stock is short again, so delivery slips into "
    "next week. status of the audit findings: three closed, one open; we agreed to review "
    "the OTIF figures per plant and to send the recovery plan by Friday. "
)
BOB_LINE = "\nBob: spares agreed with the plant manager"
READY = "saved as you type"  # the notes hint: the editor has the focus
TYPIST = "typist"


@dataclass
class Trial:
    """What was typed, what the database kept, and the loss."""

    signal: str
    conflict: bool
    typed: str
    stored: str  # the typist's part of the stored notes
    notes: str  # the whole stored notes
    typed_for: float  # seconds of typing before the kill
    rate: float  # keys a second actually sent, pauses included
    lost_chars: int
    lost_seconds: float
    merge: str  # how Bob's save was met (conflict trials)
    problem: str  # "" when the stored text is a prefix of the typed one (and Bob's line kept)


def new_meeting(exe: str, db: Path, env: dict[str, str]) -> tuple[int, int]:
    """A fresh meeting of the demo vendor: (meeting id, id of its first agenda item)."""
    out = subprocess.run(
        [exe, "--db", str(db), "meetings", "new", "Keystone", "--at", "+1d 10:00"],
        check=True, capture_output=True, text=True, env={**os.environ, **env},
    )  # fmt: skip
    mid = int(out.stdout.strip())
    con = sqlite3.connect(db)
    try:
        (item,) = con.execute(
            "SELECT id FROM agendaitem WHERE meeting_id = ? ORDER BY position LIMIT 1", (mid,)
        ).fetchone()
    finally:
        con.close()
    return mid, item


def stored_notes(db: Path, item_id: int) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT notes FROM agendaitem WHERE id = ?", (item_id,)).fetchone()[0]
    finally:
        con.close()


BOB_SAVES = """
import sys
from reviewtui.db import meetings as mq, open_database
db = open_database(sys.argv[1], user="bob")
item = int(sys.argv[2])
for _ in range(20):
    with db.read() as s:
        row = next(i for i in mq.get_meeting(int(sys.argv[3]), session=s).items if i.id == item)
    try:
        with db.session() as s:
            mq.save_notes(item, row.notes + sys.argv[4], row.notes_version, session=s)
        break
    except mq.NotesConflict:
        continue
db.dispose()
"""


def bob_saves(db: Path, mid: int, item_id: int) -> subprocess.Popen:
    """Another person's session saves the same notes (a separate process, the real code)."""
    return subprocess.Popen(
        [sys.executable, "-c", BOB_SAVES, str(db), str(item_id), str(mid), BOB_LINE],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def judge(typed: str, notes: str, conflict: bool) -> tuple[str, str, str]:
    """(the typist's part of ``notes``, how Bob's save was met, a problem or "")."""
    how = ""
    if not conflict:
        mine = notes
    else:
        if notes.count(BOB_LINE) != 1:
            return notes, how, f"Bob's line is there {notes.count(BOB_LINE)} times"
        sep = CONFLICT_SEPARATOR.format(who=TYPIST)
        if sep in notes:  # the same words changed on both sides: both kept, Bob's first
            how = "conflict, both kept"
            theirs, _, mine = notes.rpartition(sep)
            if not theirs.endswith(BOB_LINE):
                return mine, how, "the text before the conflict separator is not Bob's"
        else:  # Bob's line merged in (or taken in), typing went on in place before it
            how = "taken in"
            before, _, after = notes.partition(BOB_LINE)
            mine = before + after
    if not typed.startswith(mine):
        return mine, how, "the stored text is not a prefix of what was typed"
    return mine, how, ""


def trial(
    exe: str,
    db: Path,
    env: dict[str, str],
    *,
    sig: str = "KILL",
    conflict: bool = False,
    rng: random.Random,
    kill_after: tuple[float, float] = (1.0, 6.0),
) -> Trial:
    """Type, kill at a random moment, read back; see the module docstring."""
    mid, item = new_meeting(exe, db, env)
    pane = Tmux([exe, "--db", str(db), "--as", TYPIST, "meetings", "open", str(mid)], env=env)
    try:
        pane.wait_for(READY, timeout=40.0)
        pid = pane.app_pid(["reviewtui", "meetings"])
        kill_at = rng.uniform(*kill_after)
        bob_at = rng.uniform(0.6, 1.6) if conflict else None
        bob = None
        if conflict:
            kill_at = float("inf")  # set once Bob's save is in: then the merged note
        sent: list[float] = []
        typed = []
        start = due = time.monotonic()
        text = PROSE * 4
        for ch in text:
            now = time.monotonic() - start
            if now >= kill_at:
                break
            if bob_at is not None and now >= bob_at:
                bob_at = None
                bob = bob_saves(db, mid, item)
            if bob is not None and bob.poll() is not None:
                if bob.returncode != 0:
                    raise RuntimeError(f"bob's save failed: {bob.stderr.read().decode()}")
                bob = None
                kill_at = now + rng.uniform(kill_after[0], kill_after[1] / 2)
            pane.send(ch, literal=True)
            sent.append(time.monotonic())
            typed.append(ch)
            # 10-15 keys a second, a longer pause after some words; keys are due at set
            # times, so the time tmux takes to pass one on does not slow the typist down
            due += 1 / rng.uniform(10, 15)
            if ch == " " and rng.random() < 0.12:
                due += rng.uniform(0.3, 1.2)
            time.sleep(max(0.0, due - time.monotonic()))
        killed = time.monotonic()
        os.kill(pid, signals.SIGKILL if sig == "KILL" else signals.SIGHUP)
        if not gone(pid):
            raise RuntimeError(f"reviewtui did not exit after SIG{sig}")
    finally:
        pane.close()
    typed_s = "".join(typed)
    notes = stored_notes(db, item)
    mine, how, problem = judge(typed_s, notes, conflict)
    lost = len(typed_s) - len(mine) if not problem else len(typed_s)
    lost_s = killed - sent[len(mine)] if 0 <= len(mine) < len(sent) else 0.0
    return Trial(
        sig,
        conflict,
        typed_s,
        mine,
        notes,
        killed - start,
        len(sent) / max(sent[-1] - sent[0], 1e-9) if len(sent) > 1 else 0.0,
        lost,
        max(lost_s, 0.0),
        how,
        problem,
    )


def setup(work: Path, exe: str) -> tuple[Path, dict[str, str]]:
    """A demo database in ``work`` and the environment the app runs with (as ``typist``)."""
    db = work / "typing.db"
    policy = work / "server.toml"
    policy.write_text("allow_as = true\n")
    policy.chmod(0o644)
    env = {
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_CONFIG_HOME": str(work / "cfg"),
        "REVIEWTUI_SYSTEM_CONFIG": str(policy),
    }
    subprocess.run(
        [exe, "--db", str(db), "demo", "--seed-only"],
        check=True, capture_output=True, env={**os.environ, **env},
    )  # fmt: skip
    return db, env


def exe() -> str:
    """The ``reviewtui`` command of this environment."""
    found = shutil.which("reviewtui", path=str(Path(sys.executable).parent)) or shutil.which(
        "reviewtui"
    )
    if not found:
        raise SystemExit("reviewtui is not installed (uv sync)")
    return found


def run_trials(exe: str, trials: int, *, sig: str, conflict: bool, seed: int = 1) -> list[Trial]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="reviewtui-typing-") as tmp:
        db, env = setup(Path(tmp), exe)
        return [trial(exe, db, env, sig=sig, conflict=conflict, rng=rng) for _ in range(trials)]


def summary(results: list[Trial]) -> dict:
    return {
        "trials": len(results),
        "worst_lost_chars": max(t.lost_chars for t in results),
        "worst_lost_seconds": max(t.lost_seconds for t in results),
        "problems": [asdict(t) for t in results if t.problem],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--signal", choices=("KILL", "HUP"), default="KILL")
    ap.add_argument("--conflict", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    results = run_trials(
        exe(), args.trials, sig=args.signal, conflict=args.conflict, seed=args.seed
    )
    for t in results:
        print(
            f"SIG{t.signal} after {t.typed_for:4.1f}s: {len(t.typed):3d} typed "
            f"({t.rate:.1f}/s), "
            f"lost {t.lost_chars:2d} chars / {t.lost_seconds:.2f}s {t.merge} {t.problem}",
            file=sys.stderr,
        )
    print(json.dumps(summary(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
